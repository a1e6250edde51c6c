"""A call leaves nothing for Python's cyclic garbage collector: what it
allocates is freed by reference counting when it ends, on every path
(answer, error, validation failure, cancel), blocking and asyncio.

Why it matters: an object in a reference cycle lives until a collection
finds it, and a call still in flight when one runs is promoted to an older
generation, so its cycle waits for a full collection. A service with
hundreds of calls in flight then pauses its event loop for tens of
milliseconds at a time (a cycle per call once did that here)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from livechat_bots import AsyncClient, Client, Emulator, NotFoundError, Status, ValidationError

from conftest import wait_for_fault_taken

MISSING = "0" * 32


@pytest.fixture
def no_collector() -> Iterator[Callable[[], list[Any]]]:
    """Turns the collector off, and gives a function that collects and
    returns what only the collector could free (objects in cycles)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)

    def garbage() -> list[Any]:
        gc.collect()
        found = list(gc.garbage)
        gc.garbage.clear()
        return found

    try:
        yield garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def described(objects: list[Any]) -> str:
    frames = [f"{o.f_code.co_name} ({o.f_code.co_filename.rsplit('/', 1)[-1]}:{o.f_lineno})" for o in objects if type(o).__name__ == "frame"]
    return f"{len(objects)} objects in cycles; frames: {sorted(set(frames))}"


def test_blocking_calls_leave_no_cycles(client: Client, no_collector: Callable[[], list[Any]]) -> None:
    bot = client.create_bot_agent("Cycles", Status.ACCEPTING_CHATS)
    assert no_collector() == []  # the setup's own are gone
    for _ in range(5):
        client.get_bot_agents()
        client.get_bot_agent_details(bot)
        with pytest.raises(NotFoundError):
            client.get_bot_agent_details(MISSING)
        with pytest.raises(ValidationError):
            client.update_bot_agent(bot, max_chats_count=-1)
    left = no_collector()
    assert left == [], described(left)


def test_asyncio_calls_leave_no_cycles(emulator: Emulator, no_collector: Callable[[], list[Any]]) -> None:
    async def calls() -> None:
        async with AsyncClient("dev-token", base_url=emulator.url, retry={"max_attempts": 1}) as client:
            bot = await client.create_bot_agent("Cycles", Status.ACCEPTING_CHATS)
            for _ in range(5):
                await client.get_bot_agents()
                await client.get_bot_agent_details(bot)
                await asyncio.gather(*(client.get_bot_agents() for _ in range(8)))
                with pytest.raises(NotFoundError):
                    await client.get_bot_agent_details(MISSING)
                with pytest.raises(ValidationError):
                    await client.update_bot_agent(bot, max_chats_count=-1)

    asyncio.run(calls())
    # asyncio.run's own loop and its machinery are freed by now; anything in
    # a cycle is ours.
    left = no_collector()
    assert left == [], described(left)


def test_a_cancelled_asyncio_call_leaves_no_cycles(emulator: Emulator, no_collector: Callable[[], list[Any]]) -> None:
    async def cancelled_call() -> None:
        async with AsyncClient("dev-token", base_url=emulator.url, retry={"max_attempts": 1}) as client:
            await client.get_bot_agents()
            emulator.inject(action="get_bot_agents", delay_ms=10_000)
            task = asyncio.ensure_future(client.get_bot_agents())
            await asyncio.to_thread(wait_for_fault_taken, emulator)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            del task

    asyncio.run(cancelled_call())
    left = no_collector()
    assert left == [], described(left)
