"""Benchmark of a Python client against the emulator (in another process).

    bench_py.py --impl ours|lc-sdk-python --url URL [--n N] [--mixed N]
                [--threads 2,4] [--thread-n N] [--soak N] [--warmup N]

``ours`` is the livechat_bots package (ctypes over the C ABI); ``lc-sdk-python``
is LiveChat's own SDK (httpx), its Configuration API client for v3.6 aimed
at the emulator through its ``api_url`` attribute, with its request/response
logging turned off (``disable_logging=True``: with it on, every call also
formats and prints the request and the answer). Both use API v3.6. Each
call's answer is checked and turned into Python objects, as an application
would. Prints one JSON document on stdout (see benches/README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import threading
import time
from typing import Any, Callable, Protocol


class Ops(Protocol):
    def create(self) -> str: ...
    def details(self, bot_id: str) -> None: ...
    def update(self, bot_id: str) -> None: ...
    def list(self) -> None: ...
    def remove(self, bot_id: str) -> None: ...


class Ours:
    def __init__(self, url: str) -> None:
        import livechat_bots

        self.version = livechat_bots.__version__
        self.client = livechat_bots.Client("dev-token", api_version="3.6", base_url=url)

    def create(self) -> str:
        return self.client.create_bot_agent(
            "bench-bot", max_chats_count=5, groups=[{"id": 0, "priority": "normal"}]
        ).bot_agent_id

    def details(self, bot_id: str) -> None:
        bot = self.client.get_bot_agent_details(bot_id)
        if bot.id != bot_id:
            raise RuntimeError(f"details: got bot {bot.id} for {bot_id}")

    def update(self, bot_id: str) -> None:
        self.client.update_bot_agent(bot_id, name="bench-bot-renamed", max_chats_count=4)

    def list(self) -> None:
        if not self.client.get_bot_agents(False):
            raise RuntimeError("list: no bots")

    def remove(self, bot_id: str) -> None:
        self.client.remove_bot_agent(bot_id)


class LcSdk:
    """lc-sdk-python's v3.6 Configuration API client. Its methods return the
    httpx.Response: the status is checked and the JSON answer decoded."""

    def __init__(self, url: str) -> None:
        from importlib.metadata import version

        from livechat.configuration.base import ConfigurationApi

        self.version = version("lc-sdk-python")
        self.client = ConfigurationApi.get_client(token="Bearer dev-token", version="3.6", disable_logging=True)
        # It builds https://<host>/v3.6/... from a host name; the emulator is plain http.
        self.client.api_url = f"{url}/v3.6/configuration/action"

    @staticmethod
    def _answer(resp: Any) -> Any:
        if resp.status_code != 200:
            raise RuntimeError(f"HTTP {resp.status_code}: {resp.text}")
        return resp.json()

    def create(self) -> str:
        doc = self._answer(
            self.client.create_bot(name="bench-bot", max_chats_count=5, groups=[{"id": 0, "priority": "normal"}])
        )
        return str(doc["id"])

    def details(self, bot_id: str) -> None:
        doc = self._answer(self.client.get_bot(id=bot_id))
        if doc["id"] != bot_id:
            raise RuntimeError(f"details: got bot {doc['id']} for {bot_id}")

    def update(self, bot_id: str) -> None:
        self._answer(self.client.update_bot(id=bot_id, name="bench-bot-renamed", max_chats_count=4))

    def list(self) -> None:
        if not self._answer(self.client.list_bots(all=False)):
            raise RuntimeError("list: no bots")

    def remove(self, bot_id: str) -> None:
        self._answer(self.client.delete_bot(id=bot_id))


def cpu_us() -> tuple[float, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime * 1e6, ru.ru_stime * 1e6


def rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class Recorder:
    def __init__(self) -> None:
        self.lat: list[int] = []
        self.errors = 0
        self.first: str | None = None

    def timed(self, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter_ns()
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - every failure is counted
            self.errors += 1
            if self.first is None:
                self.first = f"{type(e).__name__}: {e}"
            return None
        finally:
            self.lat.append(time.perf_counter_ns() - t)


def run_details(ops: Ops, bot_id: str, n: int, rec: Recorder) -> None:
    perf = time.perf_counter_ns
    details = ops.details
    lat = rec.lat
    for _ in range(n):
        t = perf()
        try:
            details(bot_id)
        except Exception as e:  # noqa: BLE001
            rec.errors += 1
            if rec.first is None:
                rec.first = f"{type(e).__name__}: {e}"
        lat.append(perf() - t)


def percentile_us(sorted_ns: list[int], p: float) -> float:
    if not sorted_ns:
        return 0.0
    rank = min(max(math.ceil(p * len(sorted_ns)), 1), len(sorted_ns))
    return sorted_ns[rank - 1] / 1000


def finish(name: str, threads: int, recs: list[Recorder], wall_ns: int, c0: tuple[float, float]) -> dict[str, Any]:
    u1, s1 = cpu_us()
    lat = sorted(x for r in recs for x in r.lat)
    errors = sum(r.errors for r in recs)
    first = next((r.first for r in recs if r.first), None)
    calls = len(lat)
    wall_s = wall_ns / 1e9
    return {
        "name": name,
        "threads": threads,
        "calls": calls,
        "errors": errors,
        "first_error": first,
        "wall_s": wall_s,
        "cpu_user_s": (u1 - c0[0]) / 1e6,
        "cpu_sys_s": (s1 - c0[1]) / 1e6,
        "calls_per_s": calls / wall_s if wall_s else 0.0,
        "cpu_us_per_call": (u1 - c0[0] + s1 - c0[1]) / calls if calls else 0.0,
        "p50_us": percentile_us(lat, 0.50),
        "p99_us": percentile_us(lat, 0.99),
    }


def phase_details(ops: Ops, bot_id: str, n: int) -> dict[str, Any]:
    rec = Recorder()
    c0 = cpu_us()
    t0 = time.perf_counter_ns()
    run_details(ops, bot_id, n, rec)
    return finish("details", 1, [rec], time.perf_counter_ns() - t0, c0)


def phase_mixed(ops: Ops, n: int) -> dict[str, Any]:
    rec = Recorder()
    c0 = cpu_us()
    t0 = time.perf_counter_ns()
    for _ in range(n // 5):
        bot_id = rec.timed(ops.create)
        if bot_id is None:
            continue
        rec.timed(lambda: ops.details(bot_id))
        rec.timed(lambda: ops.update(bot_id))
        rec.timed(ops.list)
        rec.timed(lambda: ops.remove(bot_id))
    return finish("mixed", 1, [rec], time.perf_counter_ns() - t0, c0)


def phase_threads(ops: Ops, bot_id: str, threads: int, n: int) -> dict[str, Any]:
    per = n // threads
    recs = [Recorder() for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)

    def work(rec: Recorder) -> None:
        barrier.wait()
        run_details(ops, bot_id, per, rec)

    workers = [threading.Thread(target=work, args=(r,)) for r in recs]
    for w in workers:
        w.start()
    c0 = cpu_us()
    barrier.wait()
    t0 = time.perf_counter_ns()
    for w in workers:
        w.join()
    return finish("threads", threads, recs, time.perf_counter_ns() - t0, c0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["ours", "lc-sdk-python"], required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--mixed", type=int, default=20000)
    ap.add_argument("--threads", default="2,4")
    ap.add_argument("--thread-n", type=int, default=20000)
    ap.add_argument("--soak", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=500)
    a = ap.parse_args()

    ops: Ours | LcSdk = Ours(a.url) if a.impl == "ours" else LcSdk(a.url)
    seed = ops.create()
    ops.details(seed)
    report: dict[str, Any] = {
        "contender": "python-ours" if a.impl == "ours" else "lc-sdk-python",
        "api_version": "3.6",
        "library_version": ops.version,
        "rss_setup_kb": rss_kb(),
    }
    run_details(ops, seed, a.warmup, Recorder())
    phases = []
    if a.n > 0:
        phases.append(phase_details(ops, seed, a.n))
    if a.mixed > 0:
        phases.append(phase_mixed(ops, a.mixed))
    report["rss_after_kb"] = rss_kb()
    for t in (int(x) for x in a.threads.split(",") if x.strip()):
        phases.append(phase_threads(ops, seed, t, a.thread_n))
    report["phases"] = phases
    report["soak"] = None
    if a.soak > 0:
        # No latency record here: its list would count as growth.
        before = rss_kb()
        errors = 0
        for _ in range(a.soak):
            try:
                ops.details(seed)
            except Exception:  # noqa: BLE001
                errors += 1
        after = rss_kb()
        report["soak"] = {
            "calls": a.soak,
            "errors": errors,
            "rss_before_kb": before,
            "rss_after_kb": after,
            "growth_kb": after - before,
        }
    ops.remove(seed)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
