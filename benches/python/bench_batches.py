"""Creating and removing N bots: one call each against batches of B, side by side.

Runs on its own (not part of `make bench`), against the embedded emulator:

    python benches/python/bench_batches.py [--n 400] [--batch 20] [--rounds 3]

Prints one JSON document: the median wall time of each way per round and
the ratio single / batched. Each round starts from an empty license.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from livechat_bots import Client, Emulator


def single(client: Client, n: int) -> float:
    start = time.perf_counter()
    ids = [client.create_bot_agent(f"bot {i}").bot_agent_id for i in range(n)]
    for bot_id in ids:
        client.remove_bot_agent(bot_id)
    return time.perf_counter() - start


def batched(client: Client, n: int, size: int) -> float:
    start = time.perf_counter()
    ids: list[str] = []
    for first in range(0, n, size):
        items = client.batch_create_bot_agents([{"name": f"bot {i}"} for i in range(first, min(n, first + size))])
        ids.extend(str(item) for item in items)
    for first in range(0, n, size):
        client.batch_remove_bot_agents(ids[first : first + size])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    a = parser.parse_args()
    singles, batches = [], []
    with Emulator({"log_limit": 10}) as emu, Client("dev-token", base_url=emu.url, api_version="3.6") as client:
        for _ in range(a.rounds):
            singles.append(single(client, a.n))
            batches.append(batched(client, a.n, a.batch))
    s, b = statistics.median(singles), statistics.median(batches)
    print(json.dumps({"n": a.n, "batch": a.batch, "rounds": a.rounds, "single_s": round(s, 4), "batched_s": round(b, 4), "single_over_batched": round(s / b, 2)}))


if __name__ == "__main__":
    main()
