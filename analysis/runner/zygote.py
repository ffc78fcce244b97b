"""A fork server for fast, isolated kernels (run as ``python -m analysis.runner.zygote``).

The zygote imports the heavy libraries once (pandas, scipy, statsmodels, matplotlib, seaborn,
IPython, ipykernel and ``analysis``) and then, for every request, forks a *new process* that
becomes an ordinary IPython kernel listening on the connection file it was given. Each report
therefore gets a fresh process (nothing can leak from one report to the next) that starts in
about a tenth of a second instead of several seconds: the same idea as Python's
``multiprocessing`` forkserver.

Protocol (one JSON object per line): the parent writes
``{"argv": [...], "env": {...}, "cwd": "..."}`` to stdin and reads ``{"pid": N}`` (or
``{"error": "..."}``) from stdout. The zygote sets SIGCHLD to SIG_IGN, so the kernel reaps its
children and a finished kernel disappears at once (``os.kill(pid, 0)`` then fails).

Kernels die with the run: the parent (``workbook run``) holds the only write end of the zygote's
stdin, so when the run ends in any way, ``kill -9`` included, the zygote reads end-of-file, kills
the process group of every kernel it forked and exits; and every kernel asks Linux to SIGKILL it
when the zygote dies (``PR_SET_PDEATHSIG``), so a zygote killed on its own takes its kernels with
it too. Ctrl-C in a terminal reaches the zygote as well (same process group); it ignores it and
leaves the decision to the run.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import sys

# Before any import that could start thread pools: one BLAS thread per kernel (reports run
# in parallel, one per core) and matplotlib's inline backend, as ipykernel would set it.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "pyarrow",
    "pyarrow.parquet",
    "yaml",
    "pyarrow.dataset",
    "pyarrow.pandas_compat",
    "PIL.Image",
    "PIL.PngImagePlugin",
    "pandera.pandas",
    "openpyxl",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "debugpy",
    "sqlite3",
    "psutil",
    "pdb",
    "tornado.gen",
    "tornado.locks",
    "tornado.queues",
    "ipywidgets",
    "analysis",
    "analysis.text",
    "analysis.config",
    "analysis.io",
    "analysis.dataset",
    "analysis.schemas",
    "analysis.report",
    "analysis.plots",
    "analysis.spc",
    "analysis.effects",
    "analysis.goals",
    "analysis.surveys",
    "analysis.privacy",
)


# Not preloaded on purpose: matplotlib_inline.backend_inline. It hooks itself into the IPython
# shell when first imported; imported here (before any shell exists) figures would not show.


def analysis_modules() -> list[str]:
    """Every module of the ``analysis`` package except the runner and the command line."""
    import pkgutil

    import analysis

    return [
        m.name
        for m in pkgutil.walk_packages(analysis.__path__, "analysis.")
        if not m.name.startswith(("analysis.runner", "analysis.cli"))
    ]


def preload(names: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import ``names`` and every ``analysis`` module; return those that failed (a broken module
    must not stop the zygote: the kernel then imports it itself and reports the error)."""
    failed = []
    try:
        names = (*names, *analysis_modules())
    except Exception:
        failed.append("analysis")
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    return failed


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send ``sig`` to this process when the thread that forked it ends (here: the
    zygote's only thread, so when the zygote ends); exit at once if it already has."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the zygote kills its kernels on exit anyway
        pass
    if os.getppid() != parent:  # the zygote died between fork() and prctl()
        os._exit(1)


def _kernel_child(request: dict, stdin_fd: int, stdout_fd: int, parent: int) -> None:
    """Become the kernel (never returns)."""
    code = 1
    try:
        die_with_parent(parent)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.enable()
        devnull = os.open(os.devnull, os.O_RDWR)
        log = request.get("log")
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if log else devnull
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)
        sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", buffering=1, closefd=False)
        sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", buffering=1, closefd=False)
        for fd in (stdin_fd, stdout_fd):
            if fd > 2:
                os.close(fd)
        os.environ.clear()
        os.environ.update(request.get("env") or {})
        if request.get("cwd"):
            os.chdir(request["cwd"])
        argv = list(request["argv"])
        # argv is the kernel spec's: [python, -m, ipykernel_launcher, -f, file, ...]
        args = (
            argv[argv.index("ipykernel_launcher") + 1 :]
            if "ipykernel_launcher" in argv
            else argv[1:]
        )
        sys.argv = ["ipykernel_launcher", *args]
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


#: The run's data folder and its kernels' working folder: loaded here, the dataset is in every
#: forked kernel's ``load_dataset`` cache (its own load: ~0.05-0.1 s a report at county scale).
DATA_ENV = "WORKBOOK_ZYGOTE_DATA"
DATA_CWD_ENV = "WORKBOOK_ZYGOTE_CWD"


def preload_data(folder: str | None, cwd: str | None) -> list[str]:
    """Load the dataset of ``folder`` as a kernel working in ``cwd`` would (the same
    workbook.yml: ``load_dataset``'s cache key holds the files' hashes and the configuration,
    so a kernel reuses it only when it would have loaded exactly this). Returns what failed:
    the kernels then load the data themselves and report any problem where it belongs."""
    if not folder:
        return []
    here = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        from analysis.dataset import load_dataset

        load_dataset(folder)
    except Exception:  # recorded; each kernel loads (and reports) the data itself
        return [f"data:{folder}"]
    finally:
        os.chdir(here)
    return []


def serve() -> None:
    """Read fork requests from stdin until it closes."""
    stdin_fd, stdout_fd = sys.stdin.fileno(), sys.stdout.fileno()
    # The Python docs' recipe for fork servers: no collections while preloading, then freeze
    # everything imported into the permanent generation. The kernels' collections then skip the
    # hundreds of thousands of preloaded objects (statsmodels' multipletests calls gc.collect():
    # 0.17 s a call without this) and the shared pages are not copied by the collector.
    gc.disable()
    failed = preload()
    failed += preload_data(os.environ.get(DATA_ENV), os.environ.get(DATA_CWD_ENV))
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished kernels
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # end through the finally below
    me = os.getpid()
    kernels: set[int] = set()
    os.write(stdout_fd, (json.dumps({"ready": True, "not_preloaded": failed}) + "\n").encode())
    reader = os.fdopen(os.dup(stdin_fd), "r", encoding="utf-8")
    try:
        _serve_requests(reader, stdin_fd, stdout_fd, me, kernels)
    finally:
        kill_kernels(kernels, me)


def kill_kernels(kernels: set[int], me: int) -> None:
    """SIGKILL the process group of every kernel forked here that is still running."""
    for pid in kernels:
        if _parent_of(pid) != me:  # finished (and the pid perhaps reused): not ours any more
            continue
        for kill, target in ((os.killpg, pid), (os.kill, pid)):
            try:
                kill(target, signal.SIGKILL)
                break
            except (ProcessLookupError, PermissionError):
                continue


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # pid (comm) state ppid ...; comm may contain spaces and parentheses
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def _serve_requests(reader, stdin_fd: int, stdout_fd: int, me: int, kernels: set[int]) -> None:
    for line in reader:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        else:
            if pid == 0:
                reader.close()
                _kernel_child(request, stdin_fd, stdout_fd, me)
            kernels.difference_update([k for k in kernels if _parent_of(k) != me])  # finished
            kernels.add(pid)
            reply = {"pid": pid}
        os.write(stdout_fd, (json.dumps(reply) + "\n").encode())


if __name__ == "__main__":
    serve()
