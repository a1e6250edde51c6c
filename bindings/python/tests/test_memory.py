"""100 000 calls leave the resident set where it was: no string or handle leaks."""

from __future__ import annotations

import gc
import sys

import pytest

from livechat_bots import Client, Emulator, NotFoundError, Status, ValidationError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")

ALLOWED_GROWTH_KB = 4 * 1024


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def run_calls(client: Client, bot_id: str, rounds: int) -> None:
    """10 calls a round: 7 validation failures, 2 details, 1 not-found details."""
    missing = "0" * 32
    for _ in range(rounds):
        for _ in range(7):
            try:
                client.create_bot_agent("", Status.OFFLINE)
            except ValidationError:
                pass
        client.get_bot_agent_details(bot_id)
        client.get_bot_agent_details(bot_id)
        try:
            client.get_bot_agent_details(missing)
        except NotFoundError:
            pass


def test_100k_calls_do_not_grow_rss(capsys: pytest.CaptureFixture[str]) -> None:
    # log_limit 0: the emulator keeps no request log, which would grow by design.
    with Emulator({"log_limit": 0}) as emu, Client("dev-token", base_url=emu.url) as client:
        bot_id = client.create_bot_agent("Memory", Status.ACCEPTING_CHATS).bot_agent_id
        run_calls(client, bot_id, 2_000)  # warm up: pools, caches, allocator arenas
        gc.collect()
        before = rss_kb()
        run_calls(client, bot_id, 10_000)  # 100 000 calls
        gc.collect()
        after = rss_kb()
    growth = after - before
    with capsys.disabled():
        print(f"\n[memory] VmRSS before {before} kB, after 100000 calls {after} kB, growth {growth:+d} kB")
    assert growth < ALLOWED_GROWTH_KB, f"RSS grew by {growth} kB over 100 000 calls"


def test_clients_and_emulators_are_freed() -> None:
    def cycle(n: int) -> None:
        for _ in range(n):
            with Emulator({"log_limit": 0}) as emu, Client("dev-token", base_url=emu.url) as client:
                client.get_bot_agents()

    cycle(20)
    gc.collect()
    before = rss_kb()
    cycle(200)
    gc.collect()
    growth = rss_kb() - before
    assert growth < ALLOWED_GROWTH_KB, f"RSS grew by {growth} kB over 200 client+emulator lifetimes"
