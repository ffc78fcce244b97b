"""Kernels never hang a run and never outlive it (analysis.runner.kernels).

The hang of issue 19: nbclient's stand-in for the ipywidgets ``Output`` widget sends on the shell
socket while nbclient waits on it for the ``execute_reply``; ZeroMQ consumes the wake-up edge of
the arrived reply inside that send, and pyzmq's asyncio wait never wakes (nbclient issue #312).
The tests below reproduce that mechanism deterministically: a message arrives and its edge is
consumed (``get(EVENTS)`` is what libzmq's send does internally) before the event loop sees it.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from analysis.runner.kernels import FastKernelClient, LevelCheckedChannel


async def _reply_with_lost_edge(channel_class) -> str:
    """Wait for a message on a channel of ``channel_class`` while its wake-up edge is consumed.

    Returns the message type received, or ``"hang"`` when the wait had not ended 2 s after the
    message arrived (the stock channel would wait forever: ``timeout=None`` as in nbclient).
    """
    context = zmq.asyncio.Context()
    receiver = context.socket(zmq.PAIR)
    receiver.bind("inproc://reply")
    sender = zmq.Context.shadow(context.underlying).socket(zmq.PAIR)
    sender.connect("inproc://reply")
    session = Session(key=b"test")
    channel = channel_class(receiver, session)
    try:
        waiting = asyncio.ensure_future(channel.get_msg(timeout=None))
        await asyncio.sleep(0.05)  # the wait is registered with the event loop
        session.send(sender, "execute_reply", {"status": "ok"})
        time.sleep(0.05)  # the loop is busy elsewhere (nbclient's IOPub task) while it arrives
        receiver._shadow_sock.get(zmq.EVENTS)  # the edge is consumed, as inside a send
        try:
            message = await asyncio.wait_for(waiting, 2)
        except TimeoutError:
            return "hang"
        return message["msg_type"]
    finally:
        receiver.close(linger=0)
        sender.close(linger=0)


def test_the_stock_channel_misses_a_reply_whose_edge_was_consumed():
    """The reproduction: without the fix the wait never ends (this is the explorer's hang)."""
    assert asyncio.run(_reply_with_lost_edge(AsyncZMQSocketChannel)) == "hang"


def test_the_runner_channel_receives_a_reply_whose_edge_was_consumed():
    for _ in range(3):
        assert asyncio.run(_reply_with_lost_edge(LevelCheckedChannel)) == "execute_reply"


def test_the_runner_client_uses_level_checked_channels():
    client = FastKernelClient()
    for name in ("shell", "iopub", "stdin", "control"):
        assert getattr(client, f"{name}_channel_class") is LevelCheckedChannel


def test_a_level_checked_wait_keeps_its_timeout():
    from queue import Empty

    async def wait_empty():
        context = zmq.asyncio.Context()
        socket = context.socket(zmq.PAIR)
        socket.bind("inproc://nothing")
        try:
            channel = LevelCheckedChannel(socket, Session(key=b"test"))
            with pytest.raises(Empty):
                await channel.get_msg(timeout=0.5)
        finally:
            socket.close(linger=0)

    asyncio.run(wait_empty())


# ---------------------------------------------------------------- the private jupyter_client API

FALLBACK = (
    "the runner falls back to plain kernels (kernels.kernel_manager() returns None; the run "
    "log says 'Fast kernels off'): pin jupyter_client to kernels.WRITTEN_FOR "
    "(requirements.lock) or adapt analysis/runner/kernels.py to the new version"
)


def test_the_installed_jupyter_client_has_the_private_api_the_fast_kernels_override():
    import jupyter_client

    from analysis.runner import kernels

    problems = kernels.private_api_problems()
    assert not problems, (
        f"jupyter_client {jupyter_client.__version__} changed what the fast "
        f"kernels override: {'; '.join(problems)}. {FALLBACK}"
    )
    assert kernels.kernel_manager(True) is kernels.ForkKernelManager
    assert kernels.kernel_manager(False) is kernels.IPCKernelManager


def test_the_lock_pins_the_jupyter_client_the_kernels_were_written_for():
    import re
    from pathlib import Path

    import jupyter_client

    from analysis.runner import kernels

    root = Path(__file__).resolve().parent.parent
    lock = (root / "requirements.lock").read_text(encoding="utf-8")
    assert f"jupyter_client=={kernels.WRITTEN_FOR}" in lock.splitlines()
    assert jupyter_client.__version__ == kernels.WRITTEN_FOR, FALLBACK
    # pyproject.toml has an upper bound that lets in no version whose private API is unchecked
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    bound = re.search(r'"jupyter_client>=[\d.]+,<([\d.]+)"', pyproject)
    assert bound, "pyproject.toml must bound jupyter_client from above"
    upper = tuple(int(p) for p in bound.group(1).split("."))
    assert tuple(int(p) for p in kernels.WRITTEN_FOR.split(".")) < upper


def test_a_changed_private_method_is_named_and_turns_the_fast_kernels_off(monkeypatch):
    from jupyter_client.client import KernelClient
    from jupyter_client.manager import KernelManager

    from analysis.runner import kernels

    async def launch(self, kernel_cmd, provisioner, **kw):  # a new required parameter
        return None

    monkeypatch.setattr(KernelManager, "_async_launch_kernel", launch)
    monkeypatch.delattr(KernelClient, "_handle_kernel_info_reply")
    monkeypatch.setattr(kernels, "_checked", None)
    problems = kernels.private_api_problems()
    assert len(problems) == 2
    assert problems[1] == "jupyter_client.client:KernelClient._handle_kernel_info_reply is gone"
    assert problems[0] == (
        "jupyter_client.manager:KernelManager._async_launch_kernel changed: "
        "async (self, kernel_cmd, provisioner, **kw) "
        "(written for async (self, kernel_cmd, **kw))"
    )
    assert kernels.kernel_manager(True) is None
    message = kernels.fallback_message(kernels.private_api_problem())
    assert message.startswith("Fast kernels off: the installed jupyter_client ")
    assert "_async_launch_kernel changed" in message and "plain kernel" in message


def test_a_run_with_a_changed_jupyter_client_uses_plain_kernels_and_says_so(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    import analysis.runner.core as core
    from analysis.runner import RunOptions, kernels, run

    (tmp_path / "notebooks").mkdir()
    shutil.copy(Path(__file__).parent / "notebooks" / "tiny.ipynb", tmp_path / "notebooks")
    (tmp_path / "data" / "sample").mkdir(parents=True)
    (tmp_path / "data" / "sample" / "teams.csv").write_text("team_id\na\n", encoding="utf-8")
    (tmp_path / "workbook.yml").write_text(
        "language: sv\nrun:\n  kernel: python3\n  cell_timeout: 20\nreports:\n"
        "  - notebook: tiny\n    params: {team: a}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(core, "_discover", lambda data_dir, fp, previous, code="": (["a"], [], {}))
    monkeypatch.setattr(kernels, "_checked", ["KernelManager._async_launch_kernel is gone"])
    forks = []
    monkeypatch.setattr(kernels.Zygote, "fork", lambda *a, **k: forks.append(a))
    summary = run(RunOptions(), root=tmp_path, tty=False)
    assert [r["status"] for r in summary.reports] == ["ok"]
    assert not forks  # no kernel was forked: jupyter_client started it
    log = next((tmp_path / "outputs-private" / core.LOG_DIR).glob("run-*.log")).read_text(
        encoding="utf-8"
    )
    assert "Fast kernels off: the installed jupyter_client " in log
    assert "_async_launch_kernel is gone" in log


def test_a_stopped_run_removes_its_own_ipc_files_and_no_one_elses(tmp_path, monkeypatch):
    import os

    from analysis.runner import kernels

    monkeypatch.setattr(kernels, "ipc_dir", lambda: str(tmp_path))
    pid = os.getpid()
    own = [tmp_path / f"k-{pid}-abc-shell", tmp_path / f"kernel-{pid}-abc.log"]
    other = [tmp_path / f"k-{pid + 1}-abc-shell", tmp_path / f"kernel-{pid + 1}-abc.log"]
    for path in own + other:
        path.write_text("x")
    removed = kernels.remove_own_ipc_files()
    assert sorted(removed) == sorted(own)
    assert [p for p in own + other if p.exists()] == other
