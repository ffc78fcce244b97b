#!/usr/bin/env bash
# Reproduce docs/img/explore.png: notebooks/explore.ipynb running in JupyterLab, widgets and SPC chart.
#
# Needs: the project venv (.venv), Node.js + npm, Debian's chromium (/usr/bin/chromium).
# playwright-core is installed into a temporary folder (never into the repository), and the
# notebook is run from a temporary copy, so the committed notebook never gets outputs.
#
#   bash docs/img/make_screenshot.sh [TEAM] [MEASURE]      # default: attarp narvaro
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TEAM="${1:-attarp}"
MEASURE="${2:-narvaro}"
OUT="$ROOT/docs/img/explore.png"
PORT="${PORT:-8899}"
TOKEN="shot"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
WORK="${SHOT_DIR:-/tmp/shot}"

mkdir -p "$WORK"
if [ ! -d "$WORK/node_modules/playwright-core" ]; then
  (cd "$WORK" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --silent playwright-core)
fi

# A temporary notebook folder with a copy of the notebook (JupyterLab autosaves outputs into it).
NBDIR="$(mktemp -d "$WORK/nb.XXXXXX")"
PROFILE="$(mktemp -d "$WORK/profile.XXXXXX")"
cp "$ROOT/notebooks/explore.ipynb" "$NBDIR/explore.ipynb"

# The kernel must import `analysis`: the venv may lack the editable install, so say where it is.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export WORKBOOK_ROOT="$ROOT"
export JUPYTERLAB_WORKSPACES_DIR="$NBDIR/.workspaces"
export MPLBACKEND=Agg
# Fresh user settings: no news/update toast over the picture.
export JUPYTERLAB_SETTINGS_DIR="$NBDIR/.settings"
mkdir -p "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/apputils-extension"
printf '{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}\n' \
  >"$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/apputils-extension/notification.jupyterlab-settings"

"$ROOT/.venv/bin/jupyter" lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="$PORT" \
  --ServerApp.port_retries=0 --ServerApp.token="$TOKEN" --notebook-dir="$NBDIR" \
  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  --LabApp.expose_app_in_browser=True $([ "$(id -u)" = 0 ] && echo --allow-root) >"$WORK/lab.log" 2>&1 &
LAB_PID=$!
cleanup() {
  kill "$LAB_PID" 2>/dev/null || true
  wait "$LAB_PID" 2>/dev/null || true
  rm -rf "$NBDIR" "$PROFILE"
}
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/api/status?token=$TOKEN" >/dev/null && break
  kill -0 "$LAB_PID" 2>/dev/null || { echo "JupyterLab did not start; see $WORK/lab.log" >&2; tail -5 "$WORK/lab.log" >&2; exit 1; }
  sleep 1
done

cat >"$WORK/shot.js" <<'JS'
const { chromium } = require('playwright-core');
const [url, out, profile, exe, team, measure, bottom] = process.argv.slice(2);

(async () => {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: exe,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.jupyterapp && document.querySelector('.jp-Notebook'), null, { timeout: 90000 });
    // Wait for the kernel to be idle before running.
    await page.waitForFunction(() => {
      const w = window.jupyterapp.shell.currentWidget;
      return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
        && w.sessionContext.session.kernel.status === 'idle';
    }, null, { timeout: 90000 });
    await page.evaluate(() => {
      window.jupyterapp.shell.collapseLeft();
      window.jupyterapp.shell.collapseRight();
    });
    await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
    const img = '.widget-html img';  // the explorer draws into an HTML widget
    await page.waitForSelector(img, { timeout: 120000 });

    // Pick team and measure in the dropdowns (by option value) when they differ from the default.
    const pick = async (label, wanted) => {
      const selects = page.locator('.widget-dropdown select');
      const n = await selects.count();
      for (let i = 0; i < n; i++) {
        const s = selects.nth(i);
        const values = await s.locator('option').allTextContents();
        const hit = values.find((v) => v.includes(`(${wanted})`) || v === wanted);
        if (label === 'team' && hit) { await s.selectOption({ label: hit }); return true; }
      }
      return false;
    };
    await pick('team', team);
    // Measure: choose by the measure name that the kernel knows for this id.
    const measureName = await page.evaluate(async ([t, m]) => {
      const w = window.jupyterapp.shell.currentWidget;
      const kernel = w.sessionContext.session.kernel;
      let name = null;
      const future = kernel.requestExecute({
        code: `print(ds.measures.loc[(ds.measures.team_id == ${JSON.stringify(t)}) & (ds.measures.measure_id == ${JSON.stringify(m)}), 'measure_name'].iloc[0])`,
        silent: false, store_history: false,
      });
      future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') name = msg.content.text.trim(); };
      await future.done;
      return name;
    }, [team, measure]);
    if (measureName) {
      const selects = page.locator('.widget-dropdown select');
      const n = await selects.count();
      for (let i = 0; i < n; i++) {
        const s = selects.nth(i);
        const labels = await s.locator('option').allTextContents();
        if (labels.includes(measureName)) {
          const current = await s.evaluate((el) => el.options[el.selectedIndex] && el.options[el.selectedIndex].text);
          if (current !== measureName) await s.selectOption({ label: measureName });
          break;
        }
      }
    } else {
      console.error(`measure ${measure} not found for team ${team}; keeping the default`);
    }
    await page.waitForSelector(img, { timeout: 60000 });
    await page.waitForFunction(() => {
      const w = window.jupyterapp.shell.currentWidget;
      return w.sessionContext.session.kernel.status === 'idle';
    }, null, { timeout: 60000 });
    await page.waitForTimeout(1500);

    // Scroll so the widget box (controls + chart) starts near the top of the notebook view.
    await page.evaluate(() => {
      const box = document.querySelector('.jp-OutputArea-output .widget-vbox, .jp-OutputArea-output .jupyter-widgets.widget-vbox');
      const scroller = document.querySelector('.jp-WindowedPanel-outer') || document.querySelector('.jp-Notebook');
      if (box && scroller) {
        const delta = box.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 12;
        scroller.scrollTop += delta;
      }
      // Leave no cell in edit mode and no selection highlight on the output.
      if (document.activeElement) document.activeElement.blur();
    });
    await page.mouse.move(1390, 990);
    await page.waitForTimeout(800);
    await page.screenshot({ path: out, type: 'png' });
    console.log('saved', out);
    // For checking the rest of the output (not committed): the view scrolled to the bottom.
    await page.evaluate(() => {
      const box = document.querySelector('.jp-OutputArea-output .widget-vbox');
      if (box) box.scrollIntoView({ block: 'end' });
    });
    await page.waitForTimeout(500);
    await page.screenshot({ path: bottom, type: 'png' });
  } finally {
    await context.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
JS

(cd "$WORK" && node shot.js "http://127.0.0.1:$PORT/lab/tree/explore.ipynb?token=$TOKEN&reset" \
  "$OUT" "$PROFILE" "$CHROMIUM" "$TEAM" "$MEASURE" "$WORK/explore_bottom.png")

# Shrink to a palette PNG when available (keeps the file small for the README).
if command -v pngquant >/dev/null 2>&1; then
  pngquant --force --skip-if-larger --quality 80-95 --output "$OUT" -- "$OUT" || true
fi
ls -l "$OUT"
