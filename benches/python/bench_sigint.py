"""What Ctrl-C support costs a call: calls/s with and without it, side by side.

    python benches/python/bench_sigint.py [--url URL] [--n 5000] [--rounds 5]

Two clients on the main thread, one ``interruptible=True`` (the default: a
cancel token in the call's options, SIGINT's handler and the wakeup fd set
once while a client is open) and one ``interruptible=False`` (NULL options, as
off the main thread), call ``get_bot_agent_details`` on the same bot of the
same emulator, in alternating rounds so that drift hits both alike. Also
times the machinery alone (enter and leave, no call). Without ``--url`` the
emulator runs in this process (on its own threads). Prints a table, then
one JSON document. No assertion: a measurement.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from contextlib import ExitStack
from typing import Any

from livechat_bots import Client, Emulator, _sigint


def rate(client: Client, bot_id: str, n: int) -> float:
    details = client.get_bot_agent_details
    start = time.perf_counter()
    for _ in range(n):
        details(bot_id)
    return n / (time.perf_counter() - start)


def machinery_us(n: int) -> float:
    """The cost of setting up and undoing SIGINT cancellation for one call, alone."""
    start = time.perf_counter()
    for _ in range(n):
        assert _sigint.enter() is not None
        _sigint.leave()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url")
    ap.add_argument("--n", type=int, default=5000, help="calls per round and per client")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=500)
    a = ap.parse_args()

    with ExitStack() as stack:
        url = a.url or stack.enter_context(Emulator({"log_limit": 0})).url
        on = stack.enter_context(Client("dev-token", base_url=url, interruptible=True))
        off = stack.enter_context(Client("dev-token", base_url=url, interruptible=False))
        bot_id = on.create_bot_agent("bench-sigint", "offline").bot_agent_id
        rate(on, bot_id, a.warmup)
        rate(off, bot_id, a.warmup)
        rates: dict[str, list[float]] = {"on": [], "off": []}
        for i in range(a.rounds):
            # Alternate which goes first.
            order = [("on", on), ("off", off)] if i % 2 == 0 else [("off", off), ("on", on)]
            for name, client in order:
                rates[name].append(rate(client, bot_id, a.n))
        alone = machinery_us(20_000)
        on.remove_bot_agent(bot_id)

    on_med, off_med = statistics.median(rates["on"]), statistics.median(rates["off"])
    report: dict[str, Any] = {
        "calls_per_round": a.n,
        "rounds": a.rounds,
        "emulator": "external" if a.url else "in-process",
        "interruptible_calls_per_s": rates["on"],
        "plain_calls_per_s": rates["off"],
        "interruptible_median": on_med,
        "plain_median": off_med,
        "ratio": on_med / off_med,
        "us_per_call_added": 1e6 / on_med - 1e6 / off_med,
        "machinery_alone_us": alone,
    }
    print(f"{'':28}{'calls/s (median of ' + str(a.rounds) + ')':>26}{'us/call':>10}")
    print(f"{'interruptible=True':28}{on_med:>26.0f}{1e6 / on_med:>10.1f}")
    print(f"{'interruptible=False':28}{off_med:>26.0f}{1e6 / off_med:>10.1f}")
    print(f"ratio {on_med / off_med:.3f}; the machinery alone (enter + exit) {alone:.2f} us")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
