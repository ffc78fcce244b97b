"""The reports in a real browser: headless Chromium (Debian's ``chromium``) via the DevTools
protocol. Checks: no console errors, every image loads, no code cells, nothing wider than a
phone screen on the index; no WCAG 2.1 AA violation found by axe-core (when it is installed:
``npm install axe-core`` in the repository, or ``AXE_CORE=/path/to/axe.min.js``); saves screenshots (phone and desktop) in outputs/_screenshots/
(of the repository, so that a person can look at them after ``make test``).

Skipped, with the reason, when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import analysis.runner.core as core
from analysis.runner import RunOptions, run

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
PAGE_FACTS = """JSON.stringify({
  title: document.title,
  images: Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0,
                                                 w: i.naturalWidth, src: i.src.slice(0, 40)})),
  code: document.querySelectorAll('.input_area, .jp-InputArea, .input, .jp-Editor, .CodeMirror').length,
  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  text: document.body.innerText.length})"""


AXE_TAGS = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
]  # WCAG 2.1 AA, as Swedish public bodies must meet
AXE_RUN = """axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})
  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"""


def axe_source() -> str | None:
    """axe-core's script, from ``AXE_CORE`` or the repository's node_modules (None: not installed)."""
    candidates = [
        os.environ.get("AXE_CORE", ""),
        str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
    ]
    found = next((Path(c) for c in candidates if c and Path(c).is_file()), None)
    return found.read_text(encoding="utf-8") if found else None


def chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


class Browser:
    """A minimal DevTools-protocol client (websocket-client) for one headless Chromium page."""

    def __init__(self, exe: str, profile: Path):
        import websocket

        self.process = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.load(reply)
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def open(self, path: Path, device: dict) -> dict:
        self.call("Emulation.setDeviceMetricsOverride", **device)
        self.events.clear()
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_event("Page.loadEventFired")
        facts = json.loads(
            self.call("Runtime.evaluate", expression=PAGE_FACTS, returnByValue=True)["result"][
                "value"
            ]
        )
        facts["errors"] = self.errors()
        return facts

    def axe(self, source: str) -> list[dict]:
        """axe-core's WCAG 2.1 AA violations on the open page."""
        self.call("Runtime.evaluate", expression=source)
        reply = self.call(
            "Runtime.evaluate",
            expression=AXE_RUN % json.dumps(AXE_TAGS),
            awaitPromise=True,
            returnByValue=True,
        )
        return json.loads(reply["result"]["value"])

    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", "error"))
        return found

    def screenshot(self, target: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture()
def browser(tmp_path):
    exe = chromium()
    if exe is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install -y chromium); .ci/run installs it"
        )
    b = Browser(exe, tmp_path / "chromium-profile")
    yield b
    b.close()


SHOTS = ROOT / "outputs" / "_screenshots"  # kept after the test (outputs/ is git-ignored)


def check_pages(browser: Browser, outputs: Path, pages: list[str], shots: Path) -> None:
    axe = axe_source()
    for name in pages:
        for label, device in (("phone", PHONE), ("desktop", DESKTOP)):
            facts = browser.open(outputs / name, device)
            browser.screenshot(shots / f"{Path(name).stem}-{label}.png")
            assert facts["errors"] == [], f"{name}: console errors {facts['errors']}"
            assert all(i["ok"] for i in facts["images"]), f"{name}: broken image {facts['images']}"
            assert facts["code"] == 0, f"{name}: shows code cells"
            assert facts["text"] > 0, f"{name} is empty"
            if name == "index.html":
                assert facts["scrollWidth"] <= facts["innerWidth"] + 1, (
                    "index wider than the screen"
                )
            if axe is not None:
                violations = browser.axe(axe)
                assert violations == [], (
                    f"{name} at {device['width']} px: axe-core finds {violations}"
                )


def test_fixture_reports_in_chromium(browser, tmp_path, monkeypatch):
    from test_runner import make_project

    plan = "reports:\n  - notebook: tiny\n    for_each: team\n  - notebook: fails\n    for_each: team\n"
    root = make_project(tmp_path / "project", plan)
    monkeypatch.setattr(
        core, "_discover", lambda data_dir, fp, previous, code="": (["a", "bad"], [], {})
    )
    summary = run(RunOptions(), root=root, tty=False)
    assert summary.count("failed") == 1
    outputs = root / "outputs"
    check_pages(browser, outputs, ["index.html", "tiny_a.html", "fails_a.html"], SHOTS / "fixture")
    facts = browser.open(outputs / "tiny_a.html", PHONE)
    assert len(facts["images"]) == 1 and facts["images"][0]["w"] > 100
    assert (SHOTS / "fixture" / "index-phone.png").stat().st_size > 1000


def test_real_reports_in_chromium(browser, tmp_path):
    """One report of each notebook of the real plan, on the sample data."""
    from analysis.config import load_config

    config = load_config(ROOT)
    notebooks = sorted({e["notebook"] for e in config.reports})
    missing = [n for n in notebooks if not (config.notebooks_dir / f"{n}.ipynb").is_file()]
    assert not missing and (config.sample_dir / "teams.csv").is_file(), (
        f"missing notebooks: {missing}"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "notebooks").symlink_to(config.notebooks_dir)
    yml = (ROOT / "workbook.yml").read_text(encoding="utf-8")
    yml += "\n# test overrides\n"
    settings = {
        "data": "sample",
        "sample_dir": str(config.sample_dir),
        "raw_dir": str(config.raw_dir),
        "processed_dir": str(tmp_path / "processed"),
        "outputs_dir": str(project / "outputs"),
    }
    lines = [ln for ln in yml.splitlines() if ln.split(":")[0].strip() not in settings]
    lines += [f"{k}: {v}" for k, v in settings.items()]
    (project / "workbook.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    from analysis.runner import make_plan

    planned, _ = make_plan(load_config(project), RunOptions())
    first = {}
    for p in planned:
        first.setdefault(p.job.notebook, p.job.name)
    summary = run(RunOptions(only=sorted(first.values())), root=project, tty=False)
    failed = {r["name"]: r["error"] for r in summary.reports if r["status"] == "failed"}
    assert not failed, failed
    outputs = project / "outputs"
    # the team's A3 poster (issue 17): its page is checked like a report, its PDF was printed
    posters = sorted(p.name for p in outputs.glob("poster_*.html"))
    assert posters, "the team effect report made no poster"
    for page in posters:
        assert (outputs / page).with_suffix(".pdf").stat().st_size > 1000, page
    check_pages(
        browser,
        outputs,
        ["index.html", *[f"{n}.html" for n in sorted(first.values())], *posters],
        SHOTS / "reports",
    )
    for name in first.values():
        assert (outputs / f"{name}.html").stat().st_size < 3_000_000, f"{name}.html is too big"
