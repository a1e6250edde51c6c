"""A process of its own for the Ctrl-C tests (test_sigint.py): one call,
stalled by the test's emulator, that the test interrupts with SIGINT.

    python sigint_child.py URL SCENARIO

Prints one JSON line ``{"ready": pid}`` before the call, then one JSON line
with what happened. Scenarios:

- ``uncaught``: create_bot_agent; the KeyboardInterrupt is not caught (the
  interpreter prints its traceback and dies of SIGINT).
- ``caught-write`` / ``caught-read``: create_bot_agent / get_bot_agents; the
  KeyboardInterrupt is caught and described; the client is used again.
- ``bot-read``: as caught-read, with a Bot's list_chats.
- ``wakeup-fd``: as caught-read, with a wakeup fd of the program's own set
  before the call: it must get the signal's byte and be set again after.
- ``custom-handler``: SIGINT's handler only counts; the call raises
  CancelledError, and the handler ran once.
- ``custom-handler-late``: as custom-handler, with the handler set after a
  first call (when the package's is already in place).
- ``ignored``: SIGINT is ignored: the call is not touched and succeeds.
- ``not-interruptible``: ``Client(interruptible=False)``: the call succeeds,
  and the KeyboardInterrupt comes after it.
- ``retry-wait``: get_bot_agents with retries whose wait is 8 s (the
  test's 503 asks for it with Retry-After): SIGINT ends the wait.
- ``asyncio``: inside an asyncio loop that handles SIGINT itself
  (``loop.add_signal_handler``), a blocking call on the loop's thread: it
  raises CancelledError, and the loop still gets the SIGINT (the byte was
  passed on to its wakeup fd).
- ``other-signal``: SIGTERM's handler raises; SIGTERM (not SIGINT) comes
  during the call, which goes on; the handler's exception comes after the
  call, and SIGINT's handler is put back all the same.
- ``lifecycle``: no call is stalled and no signal comes from the test; the
  child sets a handler and a wakeup fd of its own, opens clients, makes
  calls, raises SIGINT itself between calls, closes the clients, and says
  what it saw at each step.

Except in ``lifecycle`` and ``uncaught``, the last line is written once
every client is closed: ``handler_after`` is SIGINT's handler then.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any

from livechat_bots import Bot, CancelledError, Client, LiveChatBotsError


def describe(error: BaseException | None) -> dict[str, Any]:
    if error is None:
        return {"type": None}
    out: dict[str, Any] = {"type": type(error).__name__}
    if isinstance(error, LiveChatBotsError):
        out.update(code=error.code, status=error.status, outcome=error.outcome, attempts=error.attempts)
    return out


def say(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


async def in_a_loop(client: Client) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    told = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, told.set)
    say(ready=True)
    error: BaseException | None = None
    try:
        client.get_bot_agents()  # blocking, on the loop's thread
    except (KeyboardInterrupt, LiveChatBotsError) as e:
        error = e
    try:
        await asyncio.wait_for(told.wait(), timeout=10)
        loop_told = True
    except asyncio.TimeoutError:
        loop_told = False
    return {"error": describe(error), "loop_told": loop_told, "next_call": repr(client.get_bot_agents(timeout=5))}


def handler_name() -> str:
    handler = signal.getsignal(signal.SIGINT)
    return str(getattr(handler, "__name__", repr(handler)))


def wait_until(what: str, condition: Any) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def lifecycle(url: str) -> dict[str, Any]:
    """What the program sees of the package's SIGINT set-up, step by step."""
    seen: list[int] = []

    def mine(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)

    signal.signal(signal.SIGINT, mine)
    theirs = socket.socketpair()
    theirs[0].setblocking(False)
    theirs[1].setblocking(False)
    signal.set_wakeup_fd(theirs[1].fileno())
    out: dict[str, Any] = {}
    first = Client("dev-token", base_url=url)
    second = Client("dev-token", base_url=url)
    out["before_any_call"] = handler_name()
    first.get_bot_agents()
    out["while_open"] = handler_name()
    # A SIGINT between calls reaches the program's handler, and its wakeup fd.
    signal.raise_signal(signal.SIGINT)
    wait_until("the program's handler", lambda: seen == [signal.SIGINT])
    wait_until("the byte on the program's wakeup fd", lambda: readable(theirs[0]))
    out["wakeup_bytes"] = list(theirs[0].recv(64))
    second.get_bot_agents()
    first.close()
    out["one_of_two_closed"] = handler_name()
    second.close()
    out["all_closed"] = handler_name()
    out["restored_is_mine"] = signal.getsignal(signal.SIGINT) is mine
    out["wakeup_fd_restored"] = signal.set_wakeup_fd(theirs[1].fileno()) == theirs[1].fileno()
    # Once more, with a handler the program sets after the package set its own.
    with Client("dev-token", base_url=url) as third:
        third.get_bot_agents()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        third.get_bot_agents()
        out["after_a_later_handler"] = handler_name()
        try:
            signal.raise_signal(signal.SIGINT)
            wait_until("a KeyboardInterrupt", lambda: False)
        except KeyboardInterrupt:
            out["later_handler_ran"] = True
    out["finally"] = handler_name()
    out["handler_calls"] = seen
    return out


def readable(sock: socket.socket) -> bool:
    try:
        return bool(sock.recv(64, socket.MSG_PEEK))
    except BlockingIOError:
        return False


def main() -> None:
    url, scenario = sys.argv[1], sys.argv[2]
    if scenario == "lifecycle":
        say(**lifecycle(url))
        return
    interruptible = scenario != "not-interruptible"
    retry = {"max_attempts": 3, "base_delay_ms": 8000, "max_delay_ms": 8000} if scenario == "retry-wait" else {"max_attempts": 1}
    report: dict[str, Any] = {}
    others: list[Any] = []  # closed with the client, before the last line
    mine: tuple[socket.socket, socket.socket] | None = None
    with Client("dev-token", base_url=url, retry=retry, interruptible=interruptible) as client:
        write = scenario in ("uncaught", "caught-write")
        call: Any = (lambda: client.create_bot_agent("Interrupted", "offline")) if write else client.get_bot_agents
        if scenario == "bot-read":
            # A bot's call (list_chats, X-Author-Id on v3.4) goes through its client's machinery.
            v34 = Client("dev-token", base_url=url, api_version="3.4", retry=retry)
            bot = Bot(v34, v34.create_bot_agent("Interrupted bot"))
            others += [bot, v34]
            call = bot.list_chats

        if scenario == "uncaught":
            say(ready=True)
            call()
            say(error="the call returned")
            return
        if scenario == "asyncio":
            say(**asyncio.run(in_a_loop(client)))
            return

        counted: list[int] = []
        if scenario == "custom-handler-late":
            client.create_bot_agent("Before the handler", "offline")
        if scenario in ("custom-handler", "custom-handler-late"):

            def count(signum: int, frame: FrameType | None) -> None:
                counted.append(signum)

            signal.signal(signal.SIGINT, count)
        elif scenario == "other-signal":

            def refuse(signum: int, frame: FrameType | None) -> None:
                raise RuntimeError(f"signal {signum}")

            signal.signal(signal.SIGTERM, refuse)
        elif scenario == "ignored":
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        elif scenario == "wakeup-fd":
            mine = socket.socketpair()
            mine[1].setblocking(False)
            signal.set_wakeup_fd(mine[1].fileno())

        say(ready=True)
        start = time.monotonic()
        result: Any = None
        error: BaseException | None = None
        try:
            result = call()
        except (KeyboardInterrupt, LiveChatBotsError, RuntimeError) as e:
            error = e
        caught_at = time.monotonic()
        if scenario == "not-interruptible":
            # The SIGINT's KeyboardInterrupt comes once the call is back in Python.
            try:
                for _ in range(1000):
                    time.sleep(0.001)
            except KeyboardInterrupt as e:
                error = e
        report = {
            "caught_at": caught_at,
            "call_s": caught_at - start,
            "error": describe(error),
            "context": describe(error.__context__ if error is not None else None),
            "result": repr(result) if error is None else None,
            "handler_calls": counted,
        }
        if mine is not None:
            mine[0].setblocking(False)
            try:
                report["wakeup_bytes"] = list(mine[0].recv(64))
            except BlockingIOError:
                report["wakeup_bytes"] = []
        # The client goes on working after an interrupted call (a fresh token).
        report["next_call"] = repr(client.get_bot_agents(timeout=5))
        for other in others:
            other.close()
    report["handler_after"] = handler_name()
    if mine is not None:
        report["wakeup_fd_after_is_mine"] = signal.set_wakeup_fd(-1) == mine[1].fileno()
    say(**report)


if __name__ == "__main__":
    main()
