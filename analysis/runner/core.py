"""Running the report plan: cache, parallel or Dask execution, atomic publishing, index, logs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import clock, git
from ..config import LANGUAGES, PLAIN_NAME, Config, ConfigError, has_data, load_config
from . import plan as planmod
from .build import STYLE_FILE, build_report, public_error
from .index import atomic_write, entry_lang, kept_entries, read_index, report_base, write_index

LOG_KEEP = 50
#: The most bytes a published report should have (issue 16): a phone on a slow connection loads it
#: in a few seconds. A run names every page over it; ``tests/test_notebooks.py`` asserts it on the
#: sample reports the suite builds.
PAGE_BUDGET = 300_000
EXECUTED_DIR = "_executed"
LOG_DIR = "logs"
INDEX_EVERY = 2.0  # seconds between writes of the index while a run publishes reports


@dataclass
class RunOptions:
    """What ``workbook run`` was asked to do."""

    only: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    force: bool = False
    workers: int | None = None
    scheduler: str | None = None
    lang: str | None = None
    fast: bool = True  # kernels forked from a warm zygote (False: ordinary kernel processes)
    compact_images: bool = True  # 256-colour PNGs where that makes them smaller


@dataclass
class RunSummary:
    """The outcome of one run; ``exit_code`` is what ``workbook run`` returns."""

    reports: list[dict[str, Any]]
    duration: float
    log_file: Path | None
    index_file: Path
    interrupted: int | None = None  # the signal that stopped the run (SIGINT, SIGTERM)

    def count(self, status: str) -> int:
        return sum(1 for r in self.reports if r["status"] == status)

    @property
    def exit_code(self) -> int:
        """0 all good, 1 some report failed, 128 + the signal when the run was stopped (130 for
        Ctrl-C, 143 for SIGTERM: the shell's convention)."""
        if self.interrupted:
            return 128 + int(self.interrupted)
        return 1 if self.count("failed") else 0


class StopRequest:
    """Ctrl-C (SIGINT) and SIGTERM stop a run at once instead of killing it half-way.

    While installed (main thread only), the first signal only sets :attr:`event`; the run then
    kills its kernels, drops the reports still queued, publishes what had finished and writes an
    index that claims no more than that. A second signal raises ``KeyboardInterrupt``.
    """

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal: int | None = None
        self._previous: dict[int, Any] = {}

    def is_set(self) -> bool:
        return self.event.is_set()

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.signal = signum
        self.event.set()

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()


@dataclass
class Planned:
    """One job of the expanded plan with its cache key and what the index knew of it."""

    job: planmod.Job
    parts: dict[str, str]
    key: str
    previous: dict[str, Any]
    state: str  # fresh | new | stale | failed
    reasons: list[str]


def _now() -> str:
    return clock.iso_now()  # Swedish time, whatever zone the machine is set to


def _workers(config: Config, requested: int | None) -> int:
    value = requested if requested is not None else config.workers
    if value in (None, "auto"):
        # two more reports than cores: a report also waits (its kernel's start, the messages,
        # its page's conversion, its poster's print). At county scale on 2 cores
        # (benchmarks/county_scale.py, 207 reports): 2 workers 189 s (cores 85 % busy),
        # 3 workers 165-171 s, 4 workers 148 s, 5 workers 152 s
        return (os.cpu_count() or 1) + 2
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"run.workers must be 'auto' or a whole number, not {value!r}") from None
    if number < 1:
        raise ConfigError(f"the number of workers must be at least 1, not {number}")
    return number


def _discover(
    data_dir: Path, data_fp: str, previous: dict[str, Any], code_fp: str = ""
) -> tuple[list[str], list[str], dict[str, str]]:
    """Team and survey ids, and the hash of every input a report may read
    (``analysis.dataset.reads.input_hashes``): from the index when the data files and the code
    are unchanged (a run with nothing changed loads no data; another version of the code may
    name and hash the inputs otherwise), else from the dataset.

    One rule for bad data (exit 2, nothing built, every problem listed as ``workbook check``
    lists it): the tables are checked by ``load_dataset`` and the survey folders here, so that a
    broken survey is not a report that fails (exit 1) half-way through the run.
    """
    cached = previous.get("plan_cache") or {}
    if (
        cached.get("data") == data_fp
        and cached.get("code") == code_fp
        and isinstance(cached.get("teams"), list)
        and cached.get("surveys_checked")
        and isinstance(cached.get("inputs"), dict)
    ):
        return list(cached["teams"]), list(cached.get("surveys") or []), dict(cached["inputs"])
    from ..dataset import load_dataset, reads
    from ..io import DataError, sort_problems
    from ..surveys import check_survey

    ds = load_dataset(data_dir)
    teams = [str(v) for v in ds.teams["team_id"].tolist()]
    inputs = reads.input_hashes(ds)
    # a survey whose files are those the last run checked is not read again (a county survey
    # of 100,000 answers takes seconds): only new or changed survey folders are checked
    checked = cached.get("inputs") if cached.get("surveys_checked") else None
    checked = checked if isinstance(checked, dict) else {}
    problems = [
        p
        for survey in ds.surveys
        if checked.get(f"survey:{survey}") != inputs[f"survey:{survey}"]
        for p in check_survey(ds.survey_dir(survey))
        if not p.is_warning
    ]
    if problems:
        raise DataError(sort_problems(problems))
    return teams, [str(s) for s in ds.surveys], inputs


def report_parts(
    base: dict[str, str], data_fp: str, read: list[str] | None, inputs: dict[str, str]
) -> dict[str, str]:
    """The parts a report's cache key is made of: notebook, parameters and code (``base``), and
    the hash of each input it read last time (``input:<name>``); a report that recorded no reads
    (a notebook that does not use ``report.context``/``report.render``) depends on every data
    file (``data``)."""
    from ..dataset.reads import hash_of

    data = (
        {"data": data_fp}
        if read is None
        else {f"input:{name}": hash_of(inputs, name) for name in read}
    )
    return {"notebook": base["notebook"], "params": base["params"], **data, "code": base["code"]}


def _reason(part: str) -> str:
    """``workbook list``'s words for a changed part: ``team nassjo's data``, ``survey pupils``."""
    if part.startswith("input:"):
        from ..dataset.reads import describe

        return describe(part.removeprefix("input:"))
    return part


def _catalogue(data_dir: Path, data_fp: str, previous: dict[str, Any]) -> dict[str, Any]:
    """What the index says about the teams and surveys of the data: team name, municipality,
    focus area, cohort; survey titles in every language. From the index while the data are
    unchanged, else from the dataset (read from its processed cache)."""
    cached = previous.get("catalogue") or {}
    if cached.get("data") == data_fp and isinstance(cached.get("teams"), dict):
        return cached
    from ..dataset import load_dataset
    from ..io import DataError
    from ..surveys.codebook import load_codebook

    try:
        ds = load_dataset(data_dir)
    except DataError:
        return {"data": data_fp, "teams": {}, "surveys": {}}  # _discover has said what is wrong
    names = dict(
        zip(
            ds.municipalities["municipality_code"].astype(str),
            ds.municipalities["municipality_name"].astype(str),
            strict=True,
        )
    )
    teams = {}
    for row in ds.teams.itertuples(index=False):
        code = str(row.municipality_code)
        teams[str(row.team_id)] = {
            "name": str(row.team_name),
            "municipality_code": code,
            "municipality": names.get(code),
            "focus_area": str(row.focus_area),
            "cohort": None if _is_missing(row.cohort) else int(row.cohort),
        }
    surveys = {}
    for survey in ds.surveys:
        try:
            surveys[str(survey)] = dict(load_codebook(ds.survey_dir(survey) / "codebook.yml").title)
        except (OSError, ValueError):  # a codebook the survey check refused: the id is the title
            surveys[str(survey)] = {}
    return {"data": data_fp, "teams": teams, "surveys": surveys}


def _is_missing(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def make_plan(
    config: Config, options: RunOptions, previous: dict[str, Any] | None = None
) -> tuple[list[Planned], dict[str, Any]]:
    """Expand the plan and work out, for every report, whether it must be rebuilt.

    Returns the planned reports and the run context (data_dir, lang, kernel, ...). Raises
    ``ConfigError``/``DataError`` for a wrong configuration or unreadable data.
    """
    previous = previous if previous is not None else read_index(config.outputs_dir)
    lang = options.lang or config.language
    if lang not in LANGUAGES:
        raise ConfigError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    data_dir = Path(config.data_dir()).resolve()
    if not data_dir.is_dir() or not has_data(data_dir):
        from ..io import DataError

        raise DataError(
            f"{data_dir}: no data (teams.csv or teams.xlsx) found; put the exports in "
            f"data/raw or run `workbook sample`"
        )
    data_fp = planmod.data_hash(data_dir)
    code_fp = planmod.code_hash(config)
    teams, surveys, inputs = _discover(data_dir, data_fp, previous, code_fp)
    jobs = planmod.expand_plan(config, teams, surveys, options.only, options.params)
    if lang != config.language:  # a report in another language sits beside the default one
        jobs = [replace(job, name=f"{job.name}_{lang}") for job in jobs]
    for job in jobs:  # the name becomes outputs/<name>.html: it must stay inside outputs/
        if not PLAIN_NAME.fullmatch(job.name):
            raise ConfigError(f"report name {job.name[:80]!r} is not a plain file name")
    planned = []
    for job in jobs:
        nb_path = config.notebooks_dir / f"{job.notebook}.ipynb"
        base = {
            "notebook": planmod.notebook_hash(nb_path),
            "params": planmod.params_hash(job.params, lang),
            "code": code_fp + ("" if options.compact_images else "+lossless"),
        }
        before = dict(previous.get("reports", {}).get(job.name) or {})
        read = before.get("reads") if isinstance(before.get("reads"), list) else None
        parts = report_parts(base, data_fp, read, inputs)
        key = planmod.cache_key(parts)
        html_ok = bool(before.get("html")) and (config.outputs_dir / before["html"]).is_file()
        if not before:
            state, reasons = "new", []
        elif before.get("key") == key and before.get("status") in ("ok", "reused") and html_ok:
            state, reasons = "fresh", []
        elif before.get("status") == "failed" and before.get("key") == key:
            state, reasons = "failed", []
        else:
            old = before.get("parts") or {}
            reasons = (
                [_reason(p) for p in parts if old.get(p) != parts[p]]
                or (["html missing"] if not html_ok else [])
                or (["not finished"] if before.get("status") == "pending" else [])
            )
            state = "stale"
        planned.append(Planned(job, parts, key, before, state, reasons))
    context = {
        "data_dir": str(data_dir),
        "lang": lang,
        "kernel": config.kernel,
        "cell_timeout": config.cell_timeout,
        "cwd": str(config.notebooks_dir),
        "fast": options.fast,
        "compact_images": options.compact_images,
        "code": code_fp,
        "source": "sample" if config.is_sample(data_dir) else "raw",
        "plan_cache": {
            "data": data_fp,
            "code": code_fp,
            "teams": teams,
            "surveys": surveys,
            "surveys_checked": True,
            "inputs": inputs,
        },
        "private_dir": str(config.private_dir),
        "default_lang": config.language,
        "memo_dir": str(memo_folder(config, code_fp)),
    }
    return planned, context


MEMO_DIR = "memo"


def memo_folder(config: Config, code_fp: str) -> Path:
    """Where the kernels of this code version keep their results (:mod:`analysis.memo`):
    ``<processed_dir>/memo/<hash of the code, the report settings and the libraries>``."""
    import importlib.metadata as md

    versions = {
        name: md.version(name)
        for name in ("pandas", "numpy", "matplotlib", "seaborn", "statsmodels")
    }
    versions["python"] = sys.version
    digest = hashlib.sha256(json.dumps([code_fp, versions], sort_keys=True).encode()).hexdigest()
    return config.processed_dir / MEMO_DIR / digest[:24]


MEMO_KEEP_DAYS = 30  # a result not used for this long (data that changed since) is removed


def prune_memo(current: Path, clear: bool = False) -> None:
    """Remove the results of other code versions and those of this version not used for
    :data:`MEMO_KEEP_DAYS` days (with ``clear``, all of them: a forced run computes everything
    again)."""
    root = current.parent
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.is_dir() and (clear or folder != current):
            shutil.rmtree(folder, ignore_errors=True)
    if clear or not current.is_dir():
        return
    too_old = time.time() - MEMO_KEEP_DAYS * 86400
    for path in current.glob("*/*.pickle"):
        with contextlib.suppress(FileNotFoundError):  # another run removed it
            if path.stat().st_mtime < too_old:
                path.unlink()


# ---------------------------------------------------------------- logging and progress


class _Reporter:
    """Progress bar on a terminal, plain log lines otherwise; everything also goes to the log file."""

    def __init__(self, log_file: Path | None, total: int, tty: bool | None = None):
        self.logger = logging.getLogger(f"workbook.run.{id(self)}")
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        self.handler = None
        if log_file is not None:
            self.handler = logging.FileHandler(log_file, encoding="utf-8")
            self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            self.logger.addHandler(self.handler)
        # papermill and nbclient warn on stderr ("Passed unknown parameter"): into the log file only
        self.quiet = [logging.getLogger(n) for n in ("papermill", "nbclient", "traitlets")]
        for lib in self.quiet:
            lib.propagate = False
            if self.handler is not None:
                lib.addHandler(self.handler)
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bar = None
        if self.tty and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True)

    def info(self, message: str, echo: bool = True) -> None:
        self.logger.info(message)
        if not echo:
            return
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, flush=True)

    def error(self, message: str) -> None:
        self.logger.error(message)
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, flush=True)

    def step(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(name[:30])
            self.bar.update(1)

    def close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def close(self) -> None:
        self.close_bar()
        if self.handler is not None:
            for lib in [self.logger, *self.quiet]:
                lib.removeHandler(self.handler)
            self.handler.close()
            self.handler = None
        for lib in self.quiet:  # reports abandoned by a stopped run end after this: their
            if not lib.handlers:  # "kernel died" belongs to no one (not to stderr)
                lib.addHandler(logging.NullHandler())


@contextlib.contextmanager
def _run_lock(outputs: Path) -> Iterator[None]:
    """One ``workbook run`` at a time per outputs folder (cron jobs may overlap)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    handle = open(outputs / ".run.lock", "w")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ConfigError(
                f"another `workbook run` is writing to {outputs}; try again when it has finished"
            ) from None
        yield
    finally:
        handle.close()


def _move_private(outputs: Path, private: Path) -> None:
    """Executed notebooks and logs of older versions lived in ``outputs/``: move them out of the
    published folder (nothing is deleted; a file already in ``private`` wins)."""
    import shutil

    for sub in (EXECUTED_DIR, LOG_DIR):
        old = outputs / sub
        if not old.is_dir():
            continue
        for item in old.iterdir():
            target = private / sub / item.name
            if target.exists():
                continue
            shutil.move(str(item), str(target))
        with contextlib.suppress(OSError):
            old.rmdir()


def _prune_logs(folder: Path, keep: int = LOG_KEEP) -> None:
    if not folder.is_dir():
        return
    logs = sorted(folder.glob("run-*.log"))
    for old in logs[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


# ---------------------------------------------------------------- execution backends


def _local_results(
    jobs: list[dict], context: dict, workers: int, stop: StopRequest | None = None
) -> Iterator[dict | None]:
    """Build ``jobs`` in a pool of threads and yield each result as it finishes.

    The main thread only waits (in slices of 0.2 s), so a stop request is seen at once: the
    reports that had finished are still yielded, the kernels are killed, the queue is dropped.
    A slice in which nothing finished yields None.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from . import kernels

    if jobs and context.get("fast", True) and kernels.private_api_problem() is None:
        # boot the zygote (imports, ~2 s) while the workers import papermill and nbconvert
        kernels.set_code_version(context.get("code"))
        kernels.set_data(context.get("data_dir"), context.get("cwd"))
        threading.Thread(target=kernels.get_zygote, name="zygote-boot", daemon=True).start()

    stopped = stop.is_set if stop is not None else (lambda: False)
    pool = ThreadPoolExecutor(
        max_workers=max(1, min(workers, len(jobs) or 1)), thread_name_prefix="report"
    )
    completed = False
    try:
        pending = {pool.submit(build_report, job, context) for job in jobs}
        while pending and not stopped():
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if not done:
                yield None  # nothing finished in this slice: the caller may catch up
            for future in done:
                yield future.result()
        if pending:  # stopped: what finished before the stop is kept, the rest is not waited for
            finished = [f for f in pending if f.done()]
            kernels.kill_kernels()
            for future in finished:
                yield future.result()
        completed = True
    finally:
        # stopped, or abandoned by the caller (outputs/ unwritable, a disk full): end the
        # kernels instead of waiting for every report still running or queued
        abandon = stopped() or not completed
        if abandon:
            kernels.kill_kernels()
            kernels.shutdown_zygote()
        pool.shutdown(wait=not abandon, cancel_futures=True)
        from ..poster import close_browsers

        close_browsers(wait=not abandon)  # the browser that printed this run's posters
        if abandon:
            kernels.remove_own_ipc_files()


def _dask_results(
    jobs: list[dict], context: dict, scheduler: str, stop: StopRequest | None = None
) -> Iterator[dict | None]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ConfigError(
            "--scheduler needs dask.distributed: pip install 'dask[distributed]'"
        ) from None
    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise ConfigError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        futures = {
            client.submit(
                build_report,
                job,
                context,
                pure=False,
                key=f"workbook-{job['name']}-{os.getpid()}-{time.time_ns()}",
            ): job
            for job in jobs
        }
        finished = as_completed(futures)
        while not finished.is_empty():
            if stop is not None and stop.is_set():
                client.cancel(list(futures))  # queued reports are dropped; running ones end on
                return  # their worker
            batch = finished.next_batch(block=False)
            if not batch:
                time.sleep(0.2)
                yield None  # nothing finished in this slice: the caller may catch up
                continue
            for future in batch:
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:
                    detail = f"{type(exc).__name__}: {exc}"
                    yield {
                        "name": job["name"],
                        "ok": False,
                        "error": f"Dask: {public_error(detail)}",
                        "error_detail": f"Dask: {detail}",
                        "html": None,
                        "executed": None,
                        "duration": None,
                        "attempts": 0,
                    }
    finally:
        client.close()


# ---------------------------------------------------------------- the run


def run(
    options: RunOptions | None = None,
    root: Path | None = None,
    tty: bool | None = None,
    on_result: Callable[[dict], None] | None = None,
) -> RunSummary:
    """Build the report plan (``workbook run``).

    Reports whose notebook, parameters, data and package code are unchanged are reused unless
    ``options.force``. A report's HTML is replaced only by a successful run. Writes the published
    ``outputs/<name>.html`` and ``outputs/index.{html,json}``, and, outside the published folder
    (``private_dir``, default ``outputs-private/``), ``_executed/<name>.ipynb`` (code, tracebacks)
    and ``logs/run-<time>.log``. Raises ``ConfigError``/``DataError`` (exit code 2).
    """
    options = options or RunOptions()
    started = time.perf_counter()
    config = load_config(root)
    outputs = config.outputs_dir
    outputs.mkdir(parents=True, exist_ok=True)
    with _run_lock(outputs), StopRequest() as stop:
        return _run_locked(config, options, started, tty, on_result, stop)


def _run_locked(
    config: Config,
    options: RunOptions,
    started: float,
    tty: bool | None,
    on_result: Callable[[dict], None] | None,
    stop: StopRequest,
) -> RunSummary:
    from . import kernels

    outputs = config.outputs_dir
    private = config.private_dir
    (private / EXECUTED_DIR).mkdir(parents=True, exist_ok=True)
    (private / LOG_DIR).mkdir(exist_ok=True)
    _move_private(outputs, private)
    kernels.allow_kernels()
    leftovers = kernels.remove_leftovers()  # of runs killed with -9: temp folders, sockets
    previous = read_index(outputs)
    planned, context = make_plan(config, options, previous)
    todo = [p for p in planned if options.force or p.state != "fresh"]
    if todo:
        prune_memo(Path(context["memo_dir"]), clear=options.force)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]  # ms: two runs in one second
    log_file = private / LOG_DIR / f"run-{stamp}-{os.getpid()}.log"
    reporter = _Reporter(log_file, len(todo), tty)
    css = STYLE_FILE.read_text(encoding="utf-8")
    index = {"reports": dict(previous.get("reports", {}))}
    lang = context["lang"]
    default_lang = config.language  # the index speaks the language of workbook.yml, never --lang
    full_run = not options.only and not options.params
    if full_run:
        # reports no longer in the plan leave the index; a report in another language (built by
        # an earlier --lang run) stays while its report is in the plan, marked out of date when
        # the data or the code have changed since
        index["reports"] = kept_entries(
            index["reports"], [p.job.name for p in planned], lang, default_lang
        )
        current = {"data": context["plan_cache"]["data"], "code": context["code"]}
        for name, entry in index["reports"].items():
            if entry_lang(name, entry, default_lang) != lang and entry.get("html"):
                parts = entry.get("parts") or {}
                changed = any(parts.get(k, "").split("+")[0] != v for k, v in current.items())
                index["reports"][name] = {**entry, "stale": bool(entry.get("stale")) or changed}
    try:
        catalogue = _catalogue(Path(context["data_dir"]), context["plan_cache"]["data"], previous)
    except (OSError, ValueError):  # the index is a table of contents; ids are a fallback
        catalogue = {"teams": {}, "surveys": {}}
    workers = _workers(config, options.workers)
    try:
        where = (
            f"Dask scheduler {options.scheduler}" if options.scheduler else f"{workers} worker(s)"
        )
        reporter.info(
            f"workbook run: {len(planned)} report(s), {len(todo)} to build, "
            f"{len(planned) - len(todo)} unchanged; data {context['data_dir']} "
            f"({context['source']}); language {lang}; {where}"
        )
        if previous.get("started") and not previous.get("finished"):
            reporter.info(
                f"the previous run (started {previous['started']}) did not finish; "
                f"its unfinished reports are rebuilt",
                echo=False,
            )
        if leftovers:
            reporter.info(
                f"removed {len(leftovers)} temporary file(s) of killed runs: "
                + ", ".join(str(p) for p in leftovers[:5]),
                echo=False,
            )
        fallback = kernels.private_api_problem() if todo else None
        if fallback:
            reporter.info(kernels.fallback_message(fallback))
        now = _now()
        for p in planned:
            entry = {
                **p.previous,
                "name": p.job.name,
                "notebook": p.job.notebook,
                "params": p.job.params,
                "lang": lang,
                "base": report_base(p.job.name, lang, default_lang),
            }
            if p in todo:
                # until it is rebuilt the index claims nothing for it: its HTML (if any) is
                # that of an older state
                html = entry.get("html")
                entry.update(
                    status="pending", error=None, stale=bool(html) and (outputs / html).is_file()
                )
            else:
                entry.update(
                    status="reused", stale=False, last_run=now, key=p.key, parts=p.parts, error=None
                )
            index["reports"][p.job.name] = entry
        # plan order first, then entries kept from earlier partial runs
        order = [p.job.name for p in planned]
        index["reports"] = {**{n: index["reports"][n] for n in order}, **index["reports"]}
        index.update(
            started=now,
            finished=None,
            interrupted=None,
            data_dir=context["data_dir"],
            source=context["source"],
            lang=default_lang,
            run_lang=lang,
            plan_cache=context["plan_cache"],
            catalogue=catalogue,
            log=os.path.relpath(log_file, outputs),
        )
        write_index(outputs, index, default_lang, css)
        index_written = time.perf_counter()

        by_name = {p.job.name: p for p in todo}
        if todo:  # git asked once for the run, not three times in every report's kernel
            context = {**context, "kernel_env": git.handed_over(config.root)}
        jobs = []
        for p in sorted(todo, key=build_order):
            nb_path = config.notebooks_dir / f"{p.job.notebook}.ipynb"
            source = nb_path.read_text(encoding="utf-8") if nb_path.is_file() else None
            jobs.append({**p.job.to_dict(), "notebook_source": source})
        results = (
            _dask_results(jobs, context, options.scheduler, stop)
            if options.scheduler
            else _local_results(jobs, context, workers, stop)
        )
        published = 0  # results in `index` not yet written to index.json
        try:
            for result in results:
                if result is None:  # a quiet moment: the index names every published report
                    if published:
                        write_index(outputs, index, default_lang, css)
                        index_written, published = time.perf_counter(), 0
                    continue
                p = by_name[result["name"]]
                entry = _publish(outputs, index["reports"][p.job.name], p, result, context)
                index["reports"][p.job.name] = entry
                duration = (
                    f"{result['duration']:.1f} s" if result.get("duration") is not None else ""
                )
                for problem in entry.get("poster_errors") or [] if result["ok"] else []:
                    reporter.error(f"POSTER  {p.job.name}: {problem}")
                if result["ok"]:
                    reporter.info(f"ok      {p.job.name} {duration}", echo=reporter.bar is None)
                else:
                    reporter.error(f"FAILED  {p.job.name} {duration}: {result['error']}")
                    if result.get("error_detail") and result["error_detail"] != result["error"]:
                        reporter.info(
                            f"        {p.job.name}: {result['error_detail']}", echo=False
                        )  # log only
                reporter.step(p.job.name)
                published += 1
                # at most every INDEX_EVERY s while reports stream in, and at the next quiet
                # moment (not after every report: O(reports²) at scale); a run killed meanwhile
                # builds what its index does not name again
                if time.perf_counter() - index_written >= INDEX_EVERY:
                    write_index(outputs, index, default_lang, css)
                    index_written, published = time.perf_counter(), 0
                if on_result:
                    on_result(entry)
        finally:
            if published:  # an exception on the way out: what was published is in the index
                write_index(outputs, index, default_lang, css)
        missed = kernels.not_preloaded() if todo and not options.scheduler else []
        if missed:  # the zygote's broad excepts: recorded there, named here
            reporter.info(
                "the kernels' zygote could not preload "
                + ", ".join(missed)
                + "; each report imported or loaded it itself (an error shows in the report)"
            )
        index["finished"] = _now()
        if stop.is_set():
            index["interrupted"] = index["finished"]
        index["duration"] = round(time.perf_counter() - started, 2)
        write_index(outputs, index, default_lang, css)
        reports = [index["reports"][p.job.name] for p in planned]
        summary = RunSummary(
            reports,
            time.perf_counter() - started,
            log_file,
            outputs / "index.html",
            interrupted=stop.signal if stop.is_set() else None,
        )
        reporter.close_bar()
        if summary.interrupted:
            reporter.error(
                f"stopped ({signal.Signals(summary.interrupted).name}) after "
                f"{summary.duration:.1f} s: {summary.count('ok')} built and published, "
                f"{summary.count('pending')} not built (they keep their last good "
                f"version, marked out of date); {outputs / 'index.html'}"
            )
            return summary
        # every published page: an English report kept from an earlier --lang run too
        for name, size in over_budget(list(index["reports"].values())):
            reporter.error(
                f"WARNING {name}: {size:,} bytes, over the page budget of {PAGE_BUDGET:,} "
                "(slow on a phone; README, 'Page size')"
            )
        reporter.info(
            f"done in {summary.duration:.1f} s: {summary.count('ok')} built, "
            f"{summary.count('reused')} unchanged, {summary.count('failed')} failed; "
            f"{outputs / 'index.html'}"
        )
        return summary
    finally:
        reporter.close()
        _prune_logs(private / LOG_DIR)


def build_order(p: Planned) -> tuple[bool, float]:
    """The sort key of the reports a run builds: the reports of one team or one survey first,
    the county-wide ones (no ``team`` or ``survey`` parameter: the county overview, the gap
    analysis, the change menu) after them, because they ask for every team's results, which
    the team reports have then worked out and kept (``analysis.memo``): at county scale each
    would otherwise compute most of them again, beside the team reports. Within each group the
    longest first (by the last run's duration; unknown = long), so that the batch ends sooner."""
    one_unit = any(param in p.job.params for param in planmod.FOR_EACH_PARAM.values())
    return (not one_unit, -(p.previous.get("duration") or float("inf")))


def over_budget(reports: list[dict], budget: int = PAGE_BUDGET) -> list[tuple[str, int]]:
    """``(page, bytes)`` of every published page (index entries) bigger than ``budget``."""
    return [
        (r["html"], int(r["size"]))
        for r in reports
        if r.get("html") and r.get("size") is not None and int(r["size"]) > budget
    ]


def _publish(outputs: Path, entry: dict, p: Planned, result: dict, context: dict) -> dict:
    """Write one result: executed notebook always (in ``context["private_dir"]``: it holds code
    and tracebacks), HTML only on success (atomically). The index links the executed notebook by
    a path relative to ``outputs/`` (it opens on the analyst's computer only)."""
    name = p.job.name
    now = _now()
    private = Path(context.get("private_dir") or outputs.parent / f"{outputs.name}-private")
    entry = {
        **entry,
        "last_run": now,
        "source": context["source"],
        "lang": context["lang"],
        "attempts": result.get("attempts"),
        "host": result.get("host"),
    }
    if result.get("executed"):
        executed = private / EXECUTED_DIR / f"{name}.ipynb"
        atomic_write(executed, result["executed"])
        entry["executed"] = Path(os.path.relpath(executed, outputs)).as_posix()
    if result["ok"]:
        html_name = f"{name}.html"
        page = _publish_posters(outputs, entry, result.get("posters") or [], result["html"])
        data = page.encode("utf-8")
        atomic_write(outputs / html_name, data)
        # keyed on what the report read this time (None: it recorded nothing, all the data)
        read = result.get("reads")
        base = {k: v for k, v in p.parts.items() if k in ("notebook", "params", "code")}
        parts = report_parts(
            base, context["plan_cache"]["data"], read, context["plan_cache"].get("inputs") or {}
        )
        entry.update(
            status="ok",
            stale=False,
            error=None,
            html=html_name,
            size=len(data),
            last_success=now,
            duration=result.get("duration"),
            key=planmod.cache_key(parts),
            parts=parts,
            reads=read,
        )
    else:
        html_name = entry.get("html")
        has_html = bool(html_name) and (outputs / html_name).is_file()
        entry.update(
            status="failed",
            stale=has_html,
            error=result.get("error") or "unknown error",
            html=html_name if has_html else None,
            duration=result.get("duration"),
            key=p.key,
            parts=p.parts,
        )
        if not has_html:
            entry["size"] = None
    return entry


#: The link to a poster's PDF in a report (``report.poster``), dropped when there is no PDF.
_PDF_LINK = re.compile(r"<span data-wb-poster-pdf(?:=\"[^\"]*\")?>.*?</span>", re.S)


def _publish_posters(outputs: Path, entry: dict, posters: list[dict], page: str) -> str:
    """Publish a report's posters (``build.make_posters``): each poster's page always (the
    privacy auditor reads it), its PDF only when one was made and checked, so a failed print
    never overwrites a good PDF. Records them in ``entry`` (``posters``: name -> pdf file or
    None, ``poster_errors``) and returns the report's ``page`` without the link to a PDF that
    does not exist."""
    entry.pop("poster_errors", None)
    entry["posters"] = {}
    errors = []
    missing = False
    for poster in posters:
        stem = poster["name"]
        atomic_write(outputs / f"{stem}.html", poster["html"].encode("utf-8"))
        if poster.get("pdf"):
            atomic_write(outputs / f"{stem}.pdf", poster["pdf"])
        if poster.get("error"):
            kept = (outputs / f"{stem}.pdf").is_file()
            errors.append(
                poster["error"]
                + ("; the previous PDF is kept (out of date)" if kept else "; no PDF published")
            )
        has_pdf = (outputs / f"{stem}.pdf").is_file()
        entry["posters"][stem] = f"{stem}.pdf" if has_pdf else None
        missing = missing or not has_pdf
    if errors:
        entry["poster_errors"] = errors
    return _PDF_LINK.sub("", page) if missing else page


def plan_status(
    options: RunOptions | None = None, root: Path | None = None
) -> list[dict[str, Any]]:
    """``workbook list``: every report of the plan with whether a run would rebuild it, and why."""
    options = options or RunOptions()
    config = load_config(root)
    planned, _ = make_plan(config, options)
    return [
        {
            "name": p.job.name,
            "notebook": p.job.notebook,
            "params": p.job.params,
            "state": p.state,
            "reasons": p.reasons,
            "last_success": p.previous.get("last_success"),
        }
        for p in planned
    ]
