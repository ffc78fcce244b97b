"""Fast, isolated kernels: a kernel manager whose kernels are forked from a warm zygote.

``ForkKernelManager`` is a drop-in ``jupyter_client.AsyncKernelManager`` (pass it to papermill as
``kernel_manager_class``). It launches the kernel spec's command by asking the per-process
:class:`Zygote` to fork, so each report still gets a brand-new kernel process, but one that has
pandas, statsmodels, seaborn and ``analysis`` already imported. Kernels talk over IPC sockets
(no TCP port races when many start at once). When the kernel spec is not an ipykernel of this very
Python, the manager falls back to an ordinary subprocess launch.

These classes override and call private methods of ``jupyter_client`` (``PRIVATE_API``), written
for the version pinned in ``requirements.lock``. :func:`private_api_problem` compares them with
the installed ``jupyter_client``; when they differ, :func:`kernel_manager` falls back to
jupyter_client's own kernel manager (plain kernels, as papermill starts them: slower, but
nothing private is relied on) and the run log says so.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import jupyter_client
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type

#: How long one wait on a kernel socket trusts the socket's wake-up signal before it looks itself.
LEVEL_CHECK_SECONDS = 0.2


class ForkedProcess:
    """The small part of ``subprocess.Popen`` that jupyter_client's LocalProvisioner uses."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # pid reused by someone else's process: ours is gone
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("forked kernel", timeout)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


# ---------------------------------------------------------------- kernels die with the run

_live_kernels: dict[int, int] = {}  # pid -> process group of every kernel this process started
_live_lock = threading.Lock()
_stopping = threading.Event()


class RunStopping(RuntimeError):
    """The run is being stopped (Ctrl-C, SIGTERM): no new kernel is started."""


def register_kernel(pid: int, pgid: int | None = None) -> None:
    """Remember a kernel so that :func:`kill_kernels` can stop it; a kernel started after the
    run began to stop is killed at once."""
    with _live_lock:
        _live_kernels[pid] = pgid or pid
    if _stopping.is_set():
        kill_kernels()
        raise RunStopping("the run is stopping; no new kernel is started")


def forget_kernel(pid: int | None) -> None:
    with _live_lock:
        _live_kernels.pop(pid, None)


def live_kernels() -> dict[int, int]:
    with _live_lock:
        return dict(_live_kernels)


def kill_kernels() -> int:
    """Stop every kernel of this process at once (SIGKILL to its process group, which also ends
    what the notebook started) and refuse new ones until :func:`allow_kernels`; returns how many
    were signalled. Reports running in them end with an error a moment later."""
    _stopping.set()
    with _live_lock:
        targets = list(_live_kernels.items())
        _live_kernels.clear()
    count = 0
    for pid, pgid in targets:
        for kill, target in ((os.killpg, pgid), (os.kill, pid)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(target, signal.SIGKILL)
                count += 1
                break
    return count


def stopping() -> bool:
    return _stopping.is_set()


def allow_kernels() -> None:
    """Start of a run: kernels may be started again."""
    _stopping.clear()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


_OWNED = re.compile(r"^(?:workbook|k|kernel)-(\d+)-")


def remove_leftovers() -> list[Path]:
    """Remove what runs that were killed (``kill -9``, power loss) left behind: their temporary
    folders (``$TMPDIR/workbook-<pid>-*``, the executed notebooks) and, in the IPC folder, their
    kernels' sockets, connection files and logs (``k-<pid>-*``, ``kernel-<pid>-*``). Only what
    belongs to a process that no longer exists is touched, so concurrent runs are safe."""
    removed = []
    candidates = [p for p in Path(tempfile.gettempdir()).glob("workbook-*-*") if p.is_dir()]
    candidates += list(Path(ipc_dir()).iterdir())
    for path in candidates:
        match = _OWNED.match(path.name)
        if not match or _pid_alive(int(match.group(1))):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def remove_own_ipc_files() -> list[Path]:
    """A stopped run's last step: remove the sockets, connection files and kernel logs of this
    process's kernels (``k-<pid>-*``, ``kernel-<pid>-*``), which are all dead by then. Their
    managers would remove them on shutdown, but a stopped run does not wait for its report
    threads, so without this a log could outlive the run until the next run's
    :func:`remove_leftovers`."""
    removed = []
    pid = os.getpid()
    for pattern in (f"k-{pid}-*", f"kernel-{pid}-*"):
        for path in Path(ipc_dir()).glob(pattern):
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
    return removed


class Zygote:
    """A warm process that forks kernels on request (see ``analysis.runner.zygote``)."""

    def __init__(
        self,
        python: str | None = None,
        cwd: str | os.PathLike | None = None,
        data: tuple[str, str] | None = None,
    ):
        self.python = python or sys.executable
        self.version: str | None = None
        self._lock = threading.Lock()
        env = dict(os.environ)
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        if data is not None:  # the run's dataset, loaded before the first fork
            from .zygote import DATA_CWD_ENV, DATA_ENV

            env[DATA_ENV], env[DATA_CWD_ENV] = data
        self.process = subprocess.Popen(
            [self.python, "-m", "analysis.runner.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            text=True,
            bufsize=1,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the kernel zygote did not start")
        self.hello = json.loads(line)

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(
        self, argv: list[str], env: dict[str, str], cwd: str | None, log: str | None = None
    ) -> ForkedProcess:
        """Fork a kernel running ``argv`` (a kernel spec command) and return its process."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "log": log})
        with self._lock:
            if not self.alive():
                raise RuntimeError("the kernel zygote has exited")
            self.process.stdin.write(request + "\n")
            self.process.stdin.flush()
            reply = json.loads(self.process.stdout.readline() or '{"error": "no reply"}')
        if "error" in reply:
            raise RuntimeError(f"could not fork a kernel: {reply['error']}")
        return ForkedProcess(int(reply["pid"]))

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()


_zygote: Zygote | None = None
_zygote_lock = threading.Lock()
_code_version: str | None = None
_data: tuple[str, str] | None = None


def set_code_version(version: str | None) -> None:
    """Say which version (hash) of the package code the next kernels must run: a zygote that
    preloaded another version is replaced (long-lived processes such as Dask workers)."""
    global _code_version
    _code_version = version


def set_data(folder: str | None, cwd: str | None) -> None:
    """Say which data folder the next zygote loads before forking, as a kernel working in
    ``cwd`` would (a zygote already running keeps what it has: kernels then load themselves)."""
    global _data
    _data = (str(folder), str(cwd or "")) if folder else None


def get_zygote() -> Zygote:
    """The zygote of this process, started on first use (also inside Dask workers)."""
    global _zygote
    with _zygote_lock:
        if _zygote is not None and _code_version and _zygote.version != _code_version:
            _zygote.close()
            _zygote = None
        if _zygote is None or not _zygote.alive():
            _zygote = Zygote(data=_data)
            _zygote.version = _code_version
            atexit.register(_zygote.close)
        return _zygote


def not_preloaded() -> list[str]:
    """What this process's zygote could not preload (modules, ``data:<folder>``): each kernel
    then imports or loads it itself and shows any error in its report; the run log names them."""
    zygote = _zygote
    if zygote is None:
        return []
    return [str(x) for x in (getattr(zygote, "hello", None) or {}).get("not_preloaded") or []]


def shutdown_zygote() -> None:
    global _zygote
    with _zygote_lock:
        if _zygote is not None:
            _zygote.close()
            _zygote = None


def ipc_dir() -> str:
    """A private folder for the kernels' IPC sockets (short path: sockets have a length limit)."""
    folder = Path(tempfile.gettempdir()) / f"workbook-ipc-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return str(folder)


def can_fork(argv: list[str]) -> bool:
    """True when ``argv`` starts an ipykernel of this very Python (so a fork is equivalent)."""
    # Linux only: on macOS, forking after numpy/Accelerate or matplotlib is loaded is not safe.
    if not sys.platform.startswith("linux") or "ipykernel_launcher" not in argv or len(argv) < 3:
        return False
    exe = argv[0]
    if exe in ("python", "python3"):
        return True
    try:
        return Path(exe).resolve() == Path(sys.executable).resolve()
    except OSError:
        return False


class LevelCheckedChannel(AsyncZMQSocketChannel):
    """A kernel channel whose wait for a message cannot miss one that has already arrived.

    pyzmq's asyncio sockets learn of incoming messages from ZeroMQ's edge-triggered file
    descriptor. When something else sends on the same socket while a wait is pending (nbclient's
    stand-in for the ipywidgets ``Output`` widget sends ``comm_msg`` on the shell socket while
    nbclient waits there for the ``execute_reply``: nbclient issue #312), ZeroMQ can consume the
    edge inside that send; the reply then sits in the socket and the wait never wakes (with no
    cell timeout: forever). Here a wait is cut into slices of ``LEVEL_CHECK_SECONDS``; each slice
    ends with a non-blocking ``zmq_poll`` (pyzmq does one when a poll times out), which sees a
    message that is there whether or not its edge was seen. The timeout keeps its meaning.
    """

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        import time
        from queue import Empty

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = LEVEL_CHECK_SECONDS if deadline is None else deadline - time.monotonic()
            step = max(0.0, min(LEVEL_CHECK_SECONDS, left))
            if await self.socket.poll(int(step * 1000)):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class FastKernelClient(AsyncKernelClient):
    """jupyter_client's client, but ``wait_for_ready`` ends its IOPub flush after 20 ms idle
    instead of 200 ms (stale messages are filtered by parent id anyway): 0.18 s per report.
    Its channels never miss a message that has arrived (:class:`LevelCheckedChannel`)."""

    shell_channel_class = Type(LevelCheckedChannel)
    iopub_channel_class = Type(LevelCheckedChannel)
    stdin_channel_class = Type(LevelCheckedChannel)
    control_channel_class = Type(LevelCheckedChannel)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        import asyncio
        import time
        from queue import Empty

        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected? (else start over)
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            await asyncio.sleep(0)
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready


class IPCKernelManager(AsyncKernelManager):
    """An ordinary kernel manager on IPC transport: no TCP port races between parallel starts."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("transport", "ipc" if os.name == "posix" else "tcp")
        super().__init__(**kwargs)
        self.client_factory = FastKernelClient
        if self.transport == "ipc":
            self.ip = os.path.join(ipc_dir(), f"k-{os.getpid()}-{id(self):x}")
        if not self.connection_file:  # beside the sockets, named by this process: removable
            import uuid  # by remove_leftovers() after a kill -9

            self.connection_file = os.path.join(
                ipc_dir(), f"kernel-{os.getpid()}-{uuid.uuid4()}.json"
            )

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if stopping():
            raise RunStopping("the run is stopping; no new kernel is started")
        await super()._async_launch_kernel(kernel_cmd, **kw)
        # an ordinary kernel also ends by itself within a second of this process (ipykernel's
        # parent poller, JPY_PARENT_PID); the registry lets a stopping run end it at once
        self._registered_pid = self.provisioner.pid
        register_kernel(self.provisioner.pid, getattr(self.provisioner, "pgid", None))

    _launch_kernel = _async_launch_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        forget_kernel(getattr(self, "_registered_pid", None))
        await super()._async_cleanup_resources(restart=restart)

    cleanup_resources = _async_cleanup_resources


class ForkKernelManager(IPCKernelManager):
    """A kernel manager whose kernels are forked from the warm zygote (fresh process each)."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if not can_fork(kernel_cmd):
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        if stopping():
            raise RunStopping("the run is stopping; no new kernel is started")
        provisioner = self.provisioner
        env = {k: str(v) for k, v in (kw.get("env") or os.environ).items()}
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, "1")
        cwd = kw.get("cwd")
        # the kernel's own stdout/stderr (start-up errors); removed with the kernel unless
        # $WORKBOOK_KEEP_KERNEL_LOGS is set
        log = os.path.join(ipc_dir(), f"kernel-{os.getpid()}-{self.kernel_id}.log")
        self.kernel_log = log
        process = get_zygote().fork(kernel_cmd, env, str(cwd) if cwd else None, log=log)
        provisioner.process = process
        provisioner.pid = process.pid
        provisioner.pgid = process.pid  # the child calls setsid()
        self._registered_pid = process.pid
        try:
            register_kernel(process.pid, process.pid)
        except RunStopping:  # the run began to stop while this kernel was being forked
            with contextlib.suppress(OSError):
                os.unlink(log)
            raise
        self._reconcile_connection_info(provisioner.connection_info)

    _launch_kernel = _async_launch_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        log = getattr(self, "kernel_log", None)
        if log and not restart and not os.environ.get("WORKBOOK_KEEP_KERNEL_LOGS"):
            with contextlib.suppress(OSError):
                os.unlink(log)

    cleanup_resources = _async_cleanup_resources


# ---------------------------------------------------------------- the private API relied on

#: The jupyter_client version these classes were written and tested against (requirements.lock).
WRITTEN_FOR = "8.10.0"

_POK, _KW, _VAR_KW = "positional_or_keyword", "keyword_only", "var_keyword"

#: Every private method of jupyter_client the kernels above override or call, as
#: ``"module:Class.method"`` -> ``(is a coroutine function, [(parameter, kind, default)])`` in
#: jupyter_client 8.10 (``default`` is ``...`` for a parameter without one).
PRIVATE_API: dict[str, tuple[bool, list[tuple[str, str, Any]]]] = {
    # IPCKernelManager / ForkKernelManager override these two ...
    "jupyter_client.manager:KernelManager._async_launch_kernel": (
        True,
        [("self", _POK, ...), ("kernel_cmd", _POK, ...), ("kw", _VAR_KW, ...)],
    ),
    "jupyter_client.manager:KernelManager._async_cleanup_resources": (
        True,
        [("self", _POK, ...), ("restart", _POK, False)],
    ),
    # ... and ForkKernelManager calls this one with the provisioner's connection info
    "jupyter_client.connect:ConnectionFileMixin._reconcile_connection_info": (
        False,
        [("self", _POK, ...), ("info", _POK, ...)],
    ),
    # FastKernelClient overrides the wait and calls the two after it
    "jupyter_client.client:KernelClient._async_wait_for_ready": (
        True,
        [("self", _POK, ...), ("timeout", _POK, None)],
    ),
    "jupyter_client.client:KernelClient._handle_kernel_info_reply": (
        False,
        [("self", _POK, ...), ("msg", _POK, ...)],
    ),
    "jupyter_client.client:KernelClient._async_is_alive": (True, [("self", _POK, ...)]),
    # LevelCheckedChannel overrides get_msg and reads with _recv
    "jupyter_client.channels:AsyncZMQSocketChannel.get_msg": (
        True,
        [("self", _POK, ...), ("timeout", _POK, None)],
    ),
    "jupyter_client.channels:AsyncZMQSocketChannel._recv": (
        True,
        [("self", _POK, ...), ("kwargs", _VAR_KW, ...)],
    ),
}

#: Where jupyter_client reaches the overrides: method -> text its source must contain (the
#: managers above also re-point the aliases ``_launch_kernel`` and ``cleanup_resources``).
CALL_SITES = {
    "jupyter_client.manager:KernelManager._async_start_kernel": "self._async_launch_kernel(",
    "jupyter_client.manager:KernelManager._async_shutdown_kernel": "self._async_cleanup_resources(",
}
#: What ForkKernelManager sets on jupyter_client's LocalProvisioner instead of launching.
PROVISIONER_ATTRIBUTES = ("process", "pid", "pgid")


def _resolve(path: str) -> Any:
    import importlib

    module, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module)
    for name in attr.split("."):
        obj = getattr(obj, name)
    return obj


def _shape(func: Any) -> tuple[bool, list[tuple[str, str, Any]]]:
    import inspect

    params = [
        (p.name, p.kind.name.lower(), ... if p.default is inspect.Parameter.empty else p.default)
        for p in inspect.signature(func).parameters.values()
    ]
    return inspect.iscoroutinefunction(func), params


def private_api_problems() -> list[str]:
    """How the installed jupyter_client differs from the private API the fast kernels rely on
    (``PRIVATE_API``, ``CALL_SITES``, ``PROVISIONER_ATTRIBUTES``); empty when it does not."""
    import inspect

    problems = []
    for path, expected in PRIVATE_API.items():
        try:
            found = _shape(_resolve(path))
        except (ImportError, AttributeError):
            problems.append(f"{path} is gone")
            continue
        if found != expected:
            problems.append(
                f"{path} changed: {_describe(found)} (written for {_describe(expected)})"
            )
    for path, text in CALL_SITES.items():
        try:
            source = inspect.getsource(_resolve(path))
        except (ImportError, AttributeError, OSError, TypeError):
            problems.append(f"{path} is gone")
            continue
        if text not in source:
            problems.append(f"{path} no longer calls {text.rstrip('(')}")
    try:
        from jupyter_client.provisioning.local_provisioner import LocalProvisioner
    except ImportError:
        problems.append("jupyter_client.provisioning.local_provisioner.LocalProvisioner is gone")
    else:
        problems += [
            f"LocalProvisioner has no attribute {name!r}"
            for name in PROVISIONER_ATTRIBUTES
            if not hasattr(LocalProvisioner, name)
        ]
    return problems


def _describe(shape: tuple[bool, list]) -> str:
    is_async, params = shape
    names = ", ".join(
        ("**" if kind == _VAR_KW else "") + name + ("" if default is ... else f"={default!r}")
        for name, kind, default in params
    )
    return f"{'async ' if is_async else ''}({names})"


_checked: list[str] | None = None


def private_api_problem() -> str | None:
    """One line saying why the fast kernels cannot be used with the installed jupyter_client, or
    None when they can (checked once per process)."""
    global _checked
    if _checked is None:
        _checked = private_api_problems()
    if not _checked:
        return None
    return (
        f"the installed jupyter_client {jupyter_client.__version__} lacks what the fast kernels "
        f"(written for {WRITTEN_FOR}) override: {'; '.join(_checked)}"
    )


def fallback_message(problem: str) -> str:
    """The log line of a run whose kernels fall back to plain ones."""
    return (
        f"Fast kernels off: {problem}. Every report gets a plain kernel, started by "
        f"jupyter_client itself (slower, otherwise the same). Install the versions of "
        f"requirements.lock (make venv) or adapt analysis/runner/kernels.py."
    )


def kernel_manager(fast: bool = True) -> type[AsyncKernelManager] | None:
    """The kernel manager class for papermill: forked kernels (``fast``) or IPC kernels; None
    (jupyter_client's own manager, papermill's default) when the installed jupyter_client no
    longer has the private methods those rely on (:func:`private_api_problem`)."""
    if private_api_problem() is not None:
        return None
    return ForkKernelManager if fast else IPCKernelManager
