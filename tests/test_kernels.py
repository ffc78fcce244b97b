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
