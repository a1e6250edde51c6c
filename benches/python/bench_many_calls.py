"""Many calls at once from one asyncio loop: 256 tasks, every call held
20 ms by the emulator (a fault with delay_ms), as LiveChat's network would.

Three ways a Python service can make those calls, one after the other on
one emulator process:
- ours: livechat_bots.AsyncClient (the library's completion queue, drained
  on the loop through add_reader);
- httpx: httpx.AsyncClient posting the same request itself (the async HTTP
  client Python developers reach for; no retries, no checks);
- to_thread: our blocking Client through asyncio.to_thread (what a user had
  to do before AsyncClient).

For each: calls/s, the peak OS threads of this process (from
/proc/self/status, read by the ticker on the loop: no sampling thread), and
the p99 lag of a 5 ms ticker on the same loop. Prints a Markdown table, the
rows of BENCHMARKS.md's "Many calls at once".

    python benches/python/bench_many_calls.py --calls 5120 --tasks 256 --delay-ms 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable

TICK = 0.005

# Issue 23's targets for the asyncio client.
MIN_VS_PEERS = 5.0  # ours >= 5x the calls/s of httpx and of to_thread
MAX_THREADS = 4  # peak OS threads of ours
MAX_LAG_P99_MS = 20.0  # the ticker's lag with 256 calls in flight


def threads_now() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def start_emulator(cli: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([cli, "emulator", "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://"))
    return process, url.rstrip(".,")


def post(url: str, path: str, doc: dict[str, object]) -> None:
    """A control call of the emulator's console (faults, ...)."""
    request = urllib.request.Request(url + path, data=json.dumps(doc).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()


async def measure(calls: int, tasks: int, one_call: Callable[[], Awaitable[object]]) -> tuple[float, int, float]:
    """Runs `calls` calls from `tasks` tasks; (calls/s, peak threads, ticker lag p99 in ms)."""
    lags: list[float] = []
    peak = threads_now()
    running = True

    async def ticker() -> None:
        nonlocal peak
        while running:
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - start - TICK)
            peak = max(peak, threads_now())

    left = calls

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await one_call()

    tick = asyncio.ensure_future(ticker())
    await asyncio.sleep(TICK * 2)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    elapsed = time.perf_counter() - started
    running = False
    await tick
    peak = max(peak, threads_now())
    lags.sort()
    p99 = lags[int(len(lags) * 0.99)] * 1000 if lags else 0.0
    return calls / elapsed, peak, p99


async def run_ours(url: str, calls: int, tasks: int) -> tuple[float, int, float]:
    import livechat_bots

    async with livechat_bots.AsyncClient("dev-token", base_url=url) as client:
        await client.get_bot_agents()  # the I/O thread and the pool, before the clock
        return await measure(calls, tasks, client.get_bot_agents)


async def run_httpx(url: str, calls: int, tasks: int) -> tuple[float, int, float]:
    import httpx

    limits = httpx.Limits(max_connections=tasks, max_keepalive_connections=tasks)
    headers = {"Authorization": "Bearer dev-token"}
    action = url + "/v3.0/configuration/action/get_bot_agents"
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:

        async def one() -> object:
            response = await http.post(action, json={"payload": {"all": False}}, headers=headers)
            response.raise_for_status()
            return response.json()

        await one()
        return await measure(calls, tasks, one)


async def run_to_thread(url: str, calls: int, tasks: int) -> tuple[float, int, float]:
    import livechat_bots

    with livechat_bots.Client("dev-token", base_url=url) as client:

        async def one() -> object:
            return await asyncio.to_thread(client.get_bot_agents)

        await one()
        return await measure(calls, tasks, one)


CONTENDERS = {
    "ours": ("`AsyncClient` (the completion queue)", run_ours),
    "httpx": ("`httpx.AsyncClient` posting the request itself", run_httpx),
    "to_thread": ("our blocking `Client` via `asyncio.to_thread`", run_to_thread),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5120, help="calls per contender (the slow ones make fewer, see --slow)")
    parser.add_argument("--slow", type=int, default=1024, help="calls for to_thread and httpx")
    parser.add_argument("--tasks", type=int, default=256)
    parser.add_argument("--delay-ms", type=int, default=20)
    parser.add_argument("--cli", default="target/release/livechat-bots", help="the emulator's command")
    parser.add_argument("--only", choices=sorted(CONTENDERS), action="append", help="run just these")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        # One contender per process: thread counts and imports do not mix.
        calls = args.calls if args.child == "ours" else args.slow
        result = asyncio.run(CONTENDERS[args.child][1](args.url, calls, args.tasks))
        print(json.dumps({"calls": calls, "calls_per_s": result[0], "threads": result[1], "lag_p99_ms": result[2]}))
        return 0

    process, url = start_emulator(args.cli)
    rows = {}
    try:
        for name in args.only or list(CONTENDERS):
            post(url, "/_emulator/faults", {"delay_ms": args.delay_ms, "times": 1_000_000})
            out = subprocess.run(
                [sys.executable, __file__, "--child", name, "--url", url, "--calls", str(args.calls),
                 "--slow", str(args.slow), "--tasks", str(args.tasks)],
                check=True, capture_output=True, text=True,
            ).stdout
            rows[name] = json.loads(out.strip().splitlines()[-1])
            post(url, "/_emulator/faults/clear", {})
    finally:
        process.terminate()
        process.wait()

    load = os.getloadavg()[0]
    print(f"Python asyncio, {args.tasks} tasks, every call held {args.delay_ms} ms by the emulator "
          f"(`get_bot_agents`), each contender in its own process, one after the other on one emulator process; "
          f"{os.cpu_count()} cores, load average {load:.1f} at the end "
          f"(`{' '.join(['benches/python/bench_many_calls.py', *sys.argv[1:]])}`):\n")
    print("| contender | calls | calls/s | vs ours | peak OS threads | 5 ms ticker lag p99 |")
    print("|---|--:|--:|--:|--:|--:|")
    ours = rows.get("ours", {}).get("calls_per_s")
    for name, row in rows.items():
        ratio = f"{ours / row['calls_per_s']:.1f}x" if ours and name != "ours" else "1.0x"
        print(f"| {CONTENDERS[name][0]} | {row['calls']} | {row['calls_per_s']:,.0f} | {ratio} | "
              f"{row['threads']} | {row['lag_p99_ms']:.1f} ms |")
    print_targets(rows, args.tasks)
    return 0


def print_targets(rows: dict[str, dict[str, float]], tasks: int) -> None:
    """The targets' lines under the table."""
    ours = rows.get("ours")
    if not ours:
        return

    def state(ok: bool) -> str:
        return "met" if ok else "**missed**"

    lines = []
    for name, label in (("httpx", "`httpx.AsyncClient`"), ("to_thread", "our blocking `Client` via `asyncio.to_thread`")):
        if name in rows:
            x = ours["calls_per_s"] / rows[name]["calls_per_s"]
            lines.append(f"ours >= {MIN_VS_PEERS:.0f}x the calls/s of {label} ({x:.1f}x: {state(x >= MIN_VS_PEERS)})")
    lines.append(f"peak OS threads <= {MAX_THREADS} ({ours['threads']:.0f}: {state(ours['threads'] <= MAX_THREADS)})")
    lag = ours["lag_p99_ms"]
    lines.append(f"ticker lag p99 < {MAX_LAG_P99_MS:.0f} ms with {tasks} calls in flight "
                 f"({lag:.1f} ms: {state(lag < MAX_LAG_P99_MS)})")
    print("\nTargets: " + "; ".join(lines) + ".")


if __name__ == "__main__":
    sys.exit(main())
