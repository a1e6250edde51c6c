"""One Client shared by many threads: ctypes releases the GIL during each call."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from livechat_bots import Client, Emulator, NotFoundError, Status


def test_many_threads_share_one_client(client: Client) -> None:
    def lifecycle(i: int) -> str:
        bot_id = client.create_bot_agent(f"Bot {i}", Status.ACCEPTING_CHATS, max_chats_count=i % 10).bot_agent_id
        assert client.get_bot_agent_details(bot_id).name == f"Bot {i}"
        client.update_bot_agent(bot_id, name=f"Renamed {i}")
        assert client.get_bot_agent_details(bot_id).name == f"Renamed {i}"
        client.get_bot_agents()
        if i % 2:
            client.remove_bot_agent(bot_id)
        return bot_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lifecycle, range(200)))
    assert len(set(ids)) == 200
    kept = {bot_id for i, bot_id in enumerate(ids) if i % 2 == 0}
    assert {b.id for b in client.get_bot_agents()} == kept


def test_each_thread_gets_its_own_error(client: Client) -> None:
    def missing(i: int) -> str:
        bot_id = f"{i:032x}"
        with pytest.raises(NotFoundError) as info:
            client.get_bot_agent_details(bot_id)
        assert bot_id in info.value.message
        return info.value.message

    with ThreadPoolExecutor(max_workers=8) as pool:
        messages = list(pool.map(missing, range(400)))
    assert len(set(messages)) == 400


def test_calls_run_in_parallel(client: Client, emulator: Emulator) -> None:
    emulator.inject(action="get_bot_agents", delay_ms=500, times=4)
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: client.get_bot_agents(), range(4)))
    elapsed = time.monotonic() - start
    assert results == [[], [], [], []]
    # One after another would take 2 s; the GIL is released, so about 0.5 s.
    assert elapsed < 1.5, f"4 stalled calls took {elapsed:.2f}s: not run in parallel"


def test_close_waits_for_calls_in_flight(emulator: Emulator) -> None:
    client = Client("dev-token", base_url=emulator.url)
    emulator.inject(action="get_bot_agents", delay_ms=400)
    started = threading.Event()
    outcome: list[object] = []

    def slow_call() -> None:
        started.set()
        try:
            outcome.append(client.get_bot_agents())
        except Exception as e:  # pragma: no cover - reported below
            outcome.append(e)

    worker = threading.Thread(target=slow_call)
    worker.start()
    started.wait()
    deadline = time.monotonic() + 5
    while client._handle._in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.005)  # until the call is under way
    client.close()  # must not free the handle under the running call
    worker.join()
    assert outcome == [[]]
    assert client.closed
    with pytest.raises(ValueError):
        client.get_bot_agents()


def test_closing_from_many_threads_at_once(emulator: Emulator) -> None:
    for _ in range(20):
        client = Client("dev-token", base_url=emulator.url)
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: client.close(), range(8)))
        assert client.closed
