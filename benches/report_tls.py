"""The "TLS: what a thread and a call cost" section of BENCHMARKS.md, from
benches/results/tls.json (written by benches/python/bench_tls.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The issue's targets: RSS per calling thread over TLS at 256 threads, and
#: CPU per call over a kept-alive TLS connection against plain HTTP.
MAX_MB_PER_THREAD = 0.1
MAX_CPU_RATIO = 1.10


def render_tls(tls: dict[str, Any] | None, w: Callable[[str], None]) -> None:
    if not tls:
        return
    rows = tls["rows"]
    w("## TLS: what a thread and a call cost\n")
    w(f"`{tls['command']}` ({tls.get('generated_utc', 'date not recorded')}). Each figure in a fresh Python process, "
      "against a `livechat-bots emulator` process of its own (plain, or `--tls` with its CA trusted beside the "
      "system's roots: `ca_pem` for ours, `SSL_CERT_FILE` with the system bundle and the CA for lc-sdk-python). "
      "Threads: one client shared by N threads, three `get_bot_agents` calls each; RSS after one warm-up call, and "
      "while all N threads are alive after their calls; connections as the emulator logged them (one TLS "
      "handshake each).\n")
    w("| contender | scheme | threads | RSS before → after | MB per thread | connections (handshakes) per thread |")
    w("|---|---|--:|--:|--:|--:|")
    for r in rows:
        if r["what"] == "threads":
            w(f"| {r['contender']} | {r['scheme']} | {r['threads']} | {r['rss_before_mb']:.1f} → {r['rss_after_mb']:.1f} MB "
              f"| {r['mb_per_thread']:.3f} | {r['connections_per_thread']:.2f} |")
    w("")
    w("CPU per call: one thread, calls of `get_bot_agents` on one kept-alive connection after 50 warm-up calls, "
      "process CPU (user + system) of the client's process only; http and https in alternating rounds, medians.\n")
    w("| contender | calls per round | rounds | CPU per call, http | CPU per call, https | https / http |")
    w("|---|--:|--:|--:|--:|--:|")
    for r in rows:
        if r["what"] == "cpu":
            w(f"| {r['contender']} | {r['n']} | {r['rounds']} | {r['http_us']:.0f} µs | {r['https_us']:.0f} µs | {r['ratio']:.3f} |")
    w("")
    render_go([r for r in rows if r["what"] == "go"], w)
    render_thread_cost([r for r in rows if r["what"] == "thread-cost"], w)
    ours = [r for r in rows if r.get("contender") == "ours"]
    widest = max((r for r in ours if r["what"] == "threads" and r["scheme"] == "https"), key=lambda r: r["threads"], default=None)
    cpu = next((r for r in ours if r["what"] == "cpu"), None)
    if widest:
        met = "met" if widest["mb_per_thread"] <= MAX_MB_PER_THREAD else "**missed**"
        why = ""
        stack = {(r["scheme"], r["calls"]): r for r in rows if r["what"] == "thread-cost"}
        if met != "met" and ("https", 0) in stack and ("https", 3) in stack:
            idle, busy = stack[("https", 0)], stack[("https", 3)]
            grown = busy["rss_kb_per_thread"] - idle["rss_kb_per_thread"]
            stack_kb = busy["stack_kb_per_thread"] - idle["stack_kb_per_thread"]
            why = (f" Why, by the table above: of the {grown:.0f} KiB a C thread's calls add over TLS, "
                   f"{stack_kb:.0f} KiB are stack pages (reqwest, hyper and rustls poll their futures on the calling "
                   "thread, some 27 frames deep under `block_on`, several of 4 KiB or more: the connect, handshake "
                   "and response-parsing steps); "
                   "the rest is the thread's own runtime and connection (tokio's timer wheel, hyper's read buffer "
                   "and dispatch channel, the TLS session and its buffers) and the "
                   "allocator's per-thread caches. Both come with a call made on the caller's thread (the "
                   "blocking design); the queue's calls (`AsyncClient`, `lcbot_client_submit`) share one thread "
                   "and pool.")
        w(f"- Target: RSS per calling thread over TLS <= {MAX_MB_PER_THREAD} MB ({widest['threads']} threads): {met}, "
          f"{widest['mb_per_thread']:.3f} MB.{why}")
    if cpu:
        met = "met" if cpu["ratio"] <= MAX_CPU_RATIO else "**missed**"
        why = ""
        if met != "met":
            beside = []
            peer = next((r for r in rows if r["what"] == "cpu" and r["contender"] == "lc-sdk-python"), None)
            if peer:
                beside.append(f"lc-sdk-python's is {100 * (peer['ratio'] - 1):+.1f} % in the same run")
            go = {r["scheme"]: r for r in rows if r["what"] == "go" and r["contender"] == "go-ours" and r["goroutines"] == 1}
            if "http" in go and "https" in go:
                beside.append(f"our Go package's {100 * (go['https']['cpu_us_per_call'] / go['http']['cpu_us_per_call'] - 1):+.1f} % "
                              "at 1 goroutine (its calls are queued: no SIGPIPE guard on the calling thread)")
            why = (f" The {cpu['https_us'] - cpu['http_us']:.0f} µs a call adds over TLS are the TLS layer on the calling "
                   "thread (rustls and ring sealing and opening the records, tokio-rustls' buffering) and the SIGPIPE "
                   "guard's three system calls"
                   + (f"; {', '.join(beside)}." if beside else "."))
        w(f"- Target: CPU per call over a kept-alive TLS connection within {round((MAX_CPU_RATIO - 1) * 100)} % of plain "
          f"HTTP: {met}, {100 * (cpu['ratio'] - 1):+.1f} %.{why}")
    if tls.get("skipped"):
        w(f"- Skipped: {tls['skipped']}.")
    w("")


def render_thread_cost(rows: list[dict[str, Any]], w: Callable[[str], None]) -> None:
    """Where a C thread's RSS goes (benches/c/thread_cost)."""
    if not rows:
        return
    w(f"Where a calling thread's memory goes, from C (`benches/c/thread_cost`, {rows[0]['threads']} threads sharing one "
      "client, each on a stack the program maps itself so that `mincore` counts the stack pages touched; RSS while "
      "all are alive). A thread of 0 calls is the thread itself (glibc keeps its descriptor and static TLS at the "
      "top of its stack).\n")
    w("| scheme | calls per thread | RSS per thread | of it, stack | the rest |")
    w("|---|--:|--:|--:|--:|")
    for r in rows:
        w(f"| {r['scheme']} | {r['calls']} | {r['rss_kb_per_thread']:.1f} KiB | {r['stack_kb_per_thread']:.1f} KiB "
          f"| {r['rss_kb_per_thread'] - r['stack_kb_per_thread']:.1f} KiB |")
    w("")


def render_go(rows: list[dict[str, Any]], w: Callable[[str], None]) -> None:
    """Go over both schemes: ours and lc-sdk-go, 1, 4 and 16 goroutines."""
    if not rows:
        return
    counts = sorted({r["goroutines"] for r in rows})
    w(f"Go, API 3.3 (lc-sdk-go's), `get_bot_agent_details` from goroutines sharing one client, {rows[0]['n']:,} calls "
      f"per figure, the contenders and schemes in alternating rounds ({rows[0]['rounds']}), medians; lc-sdk-go trusts "
      "the CA through `SSL_CERT_FILE` (a bundle of the system's roots and the CA), ours through `CAPEM`.\n")
    heads = " / ".join(str(c) for c in counts)
    w(f"| contender | scheme | calls/s at {heads} goroutines | client CPU µs/call at {heads} |")
    w("|---|---|--:|--:|")
    by = {(r["contender"], r["scheme"], r["goroutines"]): r for r in rows}
    names = sorted({r["contender"] for r in rows}, key=lambda n: (n != "go-ours", n))
    for name in names:
        for scheme in ("http", "https"):
            got = [by.get((name, scheme, c)) for c in counts]
            rates = " / ".join(f"{g['calls_per_s']:,.0f}" if g else "-" for g in got)
            cpus = " / ".join(f"{g['cpu_us_per_call']:.0f}" if g else "-" for g in got)
            w(f"| {name} | {scheme} | {rates} | {cpus} |")
    w("")
    for name in names:
        ratios = [by[(name, "https", c)]["cpu_us_per_call"] / by[(name, "http", c)]["cpu_us_per_call"]
                  for c in counts if (name, "https", c) in by and (name, "http", c) in by]
        if ratios:
            w(f"- {name}: CPU per call https / http {' / '.join(f'{x:.2f}' for x in ratios)} at {heads} goroutines.")
    vs = [by[("go-ours", "https", c)]["calls_per_s"] / by[("go-lc-sdk", "https", c)]["calls_per_s"]
          for c in counts if ("go-ours", "https", c) in by and ("go-lc-sdk", "https", c) in by]
    if vs:
        w(f"- Over https, ours ÷ lc-sdk-go calls/s: {' / '.join(f'{x:.2f}x' for x in vs)} at {heads} goroutines.")
    w("")
