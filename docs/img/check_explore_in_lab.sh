#!/usr/bin/env bash
# Check notebooks/explore.ipynb in a real JupyterLab (issue 19): the widgets render, the chart
# is drawn, and changing the measure and the chart kind redraws it. Prints what it saw; exits 1
# on a failure. Also saves a screenshot ($WORK/explore_lab.png) to look at.
#
# Needs: the project venv (.venv, with JupyterLab: `make venv`), Node.js + npm, Debian's chromium.
# puppeteer-core is installed into a temporary folder (never into the repository), and the
# notebook runs from a temporary copy, so the committed notebook never gets outputs.
#
#   bash docs/img/check_explore_in_lab.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${PORT:-8898}"
TOKEN="check"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
WORK="${CHECK_DIR:-/tmp/explore-lab-check}"

mkdir -p "$WORK"
if [ ! -d "$WORK/node_modules/puppeteer-core" ]; then
  (cd "$WORK" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --silent puppeteer-core)
fi

NBDIR="$(mktemp -d "$WORK/nb.XXXXXX")"
PROFILE="$(mktemp -d "$WORK/profile.XXXXXX")"
cp "$ROOT/notebooks/explore.ipynb" "$NBDIR/explore.ipynb"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export WORKBOOK_ROOT="$ROOT"
export JUPYTERLAB_WORKSPACES_DIR="$NBDIR/.workspaces"
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

cat >"$WORK/check.js" <<'JS'
const puppeteer = require('puppeteer-core');
const [url, exe, profile, shot] = process.argv.slice(2);
const CHART = '.widget-html img';  // the explorer draws into an HTML widget (not an Output widget)

(async () => {
  const browser = await puppeteer.launch({
    executablePath: exe, headless: true, userDataDir: profile,
    defaultViewport: { width: 1400, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  const seen = {};
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.jupyterapp && document.querySelector('.jp-Notebook'), { timeout: 90000 });
    const idle = () => page.waitForFunction(() => {
      const w = window.jupyterapp.shell.currentWidget;
      const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
      return k && k.status === 'idle';
    }, { timeout: 120000 });
    await idle();
    await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
    await page.waitForSelector(CHART, { timeout: 120000 });
    await idle();
    const src = () => page.$eval(CHART, (img) => img.src.length + ':' + img.src.slice(-80));
    seen.controls = await page.$$eval('.widget-dropdown select', (s) => s.length);
    seen.outputWidgets = await page.$$eval('.widget-output, .jupyter-widgets-output-area', (s) => s.length);
    seen.tables = await page.$$eval('.widget-html table', (t) => t.length);
    seen.verdict = await page.$eval('.widget-html b', (b) => b.textContent.slice(0, 80)).catch(() => null);
    const first = await src();
    // the measure dropdown: the one whose options are not teams "(id)" and not chart kinds
    const measure = await page.evaluateHandle(() => Array.from(document.querySelectorAll('.widget-dropdown select'))[1]);
    const options = await measure.evaluate((s) => Array.from(s.options).map((o) => o.value));
    seen.measures = options.length;
    await measure.select(options[options.length - 1]);
    await page.waitForFunction((sel, before) => {
      const img = document.querySelector(sel);
      return img && (img.src.length + ':' + img.src.slice(-80)) !== before;
    }, { timeout: 60000 }, CHART, first);
    await idle();
    seen.redrawnOnMeasure = (await src()) !== first;
    const second = await src();
    const chart = await page.evaluateHandle(() => Array.from(document.querySelectorAll('.widget-dropdown select'))[2]);
    const kinds = await chart.evaluate((s) => Array.from(s.options).map((o) => o.value));
    await chart.select(kinds[1]);
    await page.waitForFunction((sel, before) => {
      const img = document.querySelector(sel);
      return img && (img.src.length + ':' + img.src.slice(-80)) !== before;
    }, { timeout: 60000 }, CHART, second);
    seen.redrawnOnChartKind = (await src()) !== second;
    await page.screenshot({ path: shot });
  } finally {
    await browser.close();
  }
  seen.pageErrors = errors;
  console.log(JSON.stringify(seen, null, 1));
  const ok = seen.controls >= 3 && seen.outputWidgets === 0 && seen.tables >= 1 && seen.verdict
    && seen.redrawnOnMeasure && seen.redrawnOnChartKind && errors.length === 0;
  console.log(ok ? 'OK: the explorer works in JupyterLab' : 'FAILED');
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
JS

(cd "$WORK" && node check.js "http://127.0.0.1:$PORT/lab/tree/explore.ipynb?token=$TOKEN&reset" \
  "$CHROMIUM" "$PROFILE" "$WORK/explore_lab.png")
