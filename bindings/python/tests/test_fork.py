"""A client made before fork() works in the parent and in the child at once.

The core sees the fork and gives the child fresh connections, so neither
process ever reads an answer meant for the other. Each process creates bots
with names unique to its pid and reads each back by id. Every child has a
deadline: a hang fails the test instead of the suite.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from typing import Any

import pytest

from livechat_bots import Client, Emulator

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()"),
    # Python 3.12+ warns that forking a process with threads (the emulator's) may deadlock.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

ROUNDS = 25
DEADLINE_S = 60.0


def own_work(client: Client, tag: str, rounds: int = ROUNDS) -> str | None:
    """Creates bots named for `tag`, reads each back by id; returns a problem, or None."""
    created: list[tuple[str, str]] = []
    for i in range(rounds):
        name = f"{tag} bot {i}"
        created.append((client.create_bot_agent(name, "offline").bot_agent_id, name))
        bot_id, expected = created[-1]
        details = client.get_bot_agent_details(bot_id)
        if (details.id, details.name) != (bot_id, expected):
            return f"{tag}: asked for {bot_id} ({expected}), got {details.id} ({details.name})"
    for bot_id, expected in created:
        details = client.get_bot_agent_details(bot_id)
        if (details.id, details.name) != (bot_id, expected):
            return f"{tag}: asked for {bot_id} ({expected}), got {details.id} ({details.name})"
    mine = {b.id for b in client.get_bot_agents() if b.name.startswith(f"{tag} bot ")}
    if mine != {bot_id for bot_id, _ in created}:
        return f"{tag}: the list does not have exactly my bots"
    return None


def wait_with_deadline(pid: int, deadline_s: float) -> int:
    """waitpid with a deadline: kills the child when it has not ended by then."""
    deadline = time.monotonic() + deadline_s
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"the child did not finish within {deadline_s} s (killed)")
        time.sleep(0.01)


def read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def test_os_fork_parent_and_child_call_at_once(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, retry={"max_attempts": 1}) as client:
        client.get_bot_agents()  # the parent has a connection open before the fork
        go_r, go_w = os.pipe()
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report through the pipe, never return into pytest
            code = 1
            try:
                os.close(go_w)
                os.close(out_r)
                os.read(go_r, 1)  # start together with the parent
                problem = own_work(client, f"child {os.getpid()}")
                os.write(out_w, (problem or "ok").encode())
                code = 0
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                os.write(out_w, f"{type(e).__name__}: {e}".encode()[:4000])
            finally:
                os._exit(code)
        os.close(go_r)
        os.close(out_w)
        os.write(go_w, b"x")
        os.close(go_w)
        problem = own_work(client, f"parent {os.getpid()}")
        status = wait_with_deadline(pid, DEADLINE_S)
        child_said = read_all(out_r)
        assert problem is None, problem
        assert os.waitstatus_to_exitcode(status) == 0 and child_said == "ok", child_said
        # The parent's client still works after its child is gone.
        assert own_work(client, f"parent again {os.getpid()}", rounds=3) is None


_inherited: dict[str, Any] = {}


def _mp_child(results: Any, barrier: Any) -> None:
    client = _inherited["client"]
    try:
        barrier.wait(timeout=DEADLINE_S)
        results.put(own_work(client, f"mp child {os.getpid()}") or "ok")
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        results.put(f"{type(e).__name__}: {e}")


def test_multiprocessing_fork_parent_and_children_call_at_once(emulator: Emulator) -> None:
    ctx = multiprocessing.get_context("fork")
    with Client("dev-token", base_url=emulator.url, retry={"max_attempts": 1}) as client:
        client.get_bot_agents()
        _inherited["client"] = client
        results = ctx.Queue()
        barrier = ctx.Barrier(3)
        children = [ctx.Process(target=_mp_child, args=(results, barrier)) for _ in range(2)]
        try:
            for child in children:
                child.start()
            barrier.wait(timeout=DEADLINE_S)
            problem = own_work(client, f"mp parent {os.getpid()}")
            deadline = time.monotonic() + DEADLINE_S
            for child in children:
                child.join(timeout=max(0.0, deadline - time.monotonic()))
            hung = [c.pid for c in children if c.is_alive()]
            said = [results.get(timeout=5) for c in children if not c.is_alive()]
        finally:
            _inherited.clear()
            for child in children:
                if child.is_alive():
                    child.kill()
                    child.join()
        assert problem is None, problem
        assert not hung, f"children {hung} did not finish within {DEADLINE_S} s (killed)"
        assert said == ["ok", "ok"], said
        assert [c.exitcode for c in children] == [0, 0]


@pytest.mark.skipif(sys.platform != "linux", reason="Linux")
def test_a_child_gets_its_own_ctrl_c_machinery(emulator: Emulator) -> None:
    # The main thread's SIGINT watcher is a thread, which a child does not
    # inherit: the child must make its own (and not share the parent's socket).
    from livechat_bots import _sigint

    with Client("dev-token", base_url=emulator.url) as client:
        client.get_bot_agents()  # the parent's machinery is set up
        parent_writer = _sigint._state.writer
        assert parent_writer is not None
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(out_r)
                fresh = _sigint._state.writer is None
                client.get_bot_agents()
                state = _sigint._state
                ok = fresh and state.watcher is not None and state.watcher.is_alive() and state.writer is not parent_writer
                os.write(out_w, b"ok" if ok else b"shared state")
                code = 0
            except BaseException as e:  # noqa: BLE001
                os.write(out_w, repr(e).encode()[:4000])
            finally:
                os._exit(code)
        os.close(out_w)
        status = wait_with_deadline(pid, DEADLINE_S)
        assert read_all(out_r) == "ok"
        assert os.waitstatus_to_exitcode(status) == 0
        assert _sigint._state.writer is parent_writer
