"""What a calling thread costs over TLS, and what a call costs over a
kept-alive TLS connection, beside plain HTTP, in one run.

    python benches/python/bench_tls.py --cli target/release/livechat-bots \\
        [--threads 64,256] [--n 2000] [--rounds 3] [--thread-cost BIN] [--go-bin DIR] [--json OUT]

Each figure is taken in a fresh child process (this script with
``--child``) against an emulator process of its own (``livechat-bots
emulator``, plain, or ``--tls`` with its CA trusted beside the system's
roots), so that neither the emulator nor an earlier measurement is in the
process measured.

- Threads: one client shared by N threads, three ``get_bot_agents`` calls
  each. RSS (VmRSS) after one warm-up call on the main thread, and again
  while all N threads are alive after their calls; the growth over N is
  what a calling thread costs. Connections the emulator saw over N are the
  handshakes per thread over TLS.
- CPU: one thread, ``--n`` calls of ``get_bot_agents`` on one kept-alive
  connection; process CPU time (user + system) per call, the schemes in
  alternating rounds, medians reported; the ratio https / http.

- With ``--go-bin`` (the folder of the built Go contenders): our Go package
  and lc-sdk-go (API 3.3), calls/s and CPU per call at 1, 4 and 16
  goroutines sharing one client, over http and https in alternating rounds.
- With ``--thread-cost`` (benches/c/thread_cost, built): where a C
  thread's RSS goes, the pages of its stack and the rest, for threads that
  never call and threads of three calls, over http and https.

lc-sdk-python (httpx) runs the same, when it is importable (it trusts the
CA through ``SSL_CERT_FILE``, a bundle of the system's roots and the CA);
otherwise it is skipped and said so. Prints a table, then one JSON
document. No assertion: a measurement.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SYSTEM_ROOTS = "/etc/ssl/certs/ca-certificates.crt"


# ---- the child: one measurement in a process of its own -------------------


def make_caller(contender: str, url: str, ca_pem: str | None) -> Callable[[], None]:
    """A function that makes one get_bot_agents call with one shared client."""
    if contender == "ours":
        import livechat_bots

        client = livechat_bots.Client("dev-token", api_version="3.6", base_url=url, ca_pem=ca_pem)
        return lambda: client.get_bot_agents()
    from livechat.configuration.base import ConfigurationApi

    sdk = ConfigurationApi.get_client(token="Bearer dev-token", version="3.6", disable_logging=True)
    sdk.api_url = f"{url}/v3.6/configuration/action"

    def call() -> None:
        if sdk.list_bots(all=False).status_code != 200:
            raise RuntimeError("lc-sdk-python: list_bots failed")

    return call


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def child_threads(call: Callable[[], None], n: int) -> dict[str, Any]:
    call()
    before = rss_kb()
    called = threading.Barrier(n + 1)
    release = threading.Event()
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                call()
        except BaseException as e:  # noqa: BLE001 - reported by the parent
            failures.append(e)
        called.wait()
        release.wait()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    called.wait()
    after = rss_kb()
    release.set()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} threads failed: {failures[0]!r}")
    return {"rss_before_kb": before, "rss_after_kb": after}


def child_cpu(call: Callable[[], None], n: int) -> dict[str, Any]:
    for _ in range(50):
        call()
    start = cpu_s()
    for _ in range(n):
        call()
    return {"cpu_us_per_call": (cpu_s() - start) / n * 1e6}


def child(args: argparse.Namespace) -> None:
    ca_pem = Path(args.ca_file).read_text() if args.ca_file and args.contender == "ours" else None
    call = make_caller(args.contender, args.url, ca_pem)
    result = child_threads(call, args.n) if args.what == "threads" else child_cpu(call, args.n)
    print(json.dumps(result))


# ---- the parent: emulators, children, the table ---------------------------


@contextmanager
def emulator(cli: str, tls: bool) -> Iterator[tuple[str, str | None]]:
    """A `livechat-bots emulator` process: its URL and, with TLS, its CA file."""
    proc = subprocess.Popen([cli, "emulator", *(["--tls"] if tls else [])], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        ca_file = proc.stdout.readline().strip() if tls else None
        yield url, ca_file
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def connections(url: str, ca_file: str | None) -> int:
    """How many connections the emulator has served requests on."""
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    with urllib.request.urlopen(f"{url}/_emulator/requests", context=context, timeout=30) as answer:
        doc = json.load(answer)
    return len({r["connection"] for r in doc["requests"]})


def run_child(python: str, what: str, contender: str, url: str, ca_file: str | None, n: int, bundle: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    if bundle and contender == "lc-sdk-python":
        env["SSL_CERT_FILE"] = bundle
    command = [python, __file__, "--child", "--what", what, "--contender", contender, "--url", url, "--n", str(n)]
    if ca_file:
        command += ["--ca-file", ca_file]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{contender} {what} {url}: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def thread_costs(cli: str, program: str, threads: int) -> list[dict[str, Any]]:
    """Our C ABI's cost per thread, split into stack pages and the rest, by
    benches/c/thread_cost: threads that never call (the thread itself), then
    threads of three calls each, over http and https."""
    rows = []
    for tls in (False, True):
        with emulator(cli, tls) as (url, ca_file):
            for calls in (0, 3):
                command = [program, url, str(threads), str(calls), *([ca_file] if ca_file else [])]
                done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
                r = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append({"what": "thread-cost", "scheme": "https" if tls else "http", **r})
    return rows


#: The goroutine counts of the Go table beside the one of the details phase.
GO_GOROUTINES = (4, 16)


def go_rows(cli: str, programs: dict[str, str], n: int, rounds: int, tmp: str) -> list[dict[str, Any]]:
    """The Go contenders over http and https (API 3.3, lc-sdk-go's): calls/s
    and client CPU per call at 1 goroutine (the harness's details phase) and
    at GO_GOROUTINES sharing one client, the schemes and contenders in
    alternating rounds against one plain and one TLS emulator, medians."""
    samples: dict[tuple[str, str, int], list[tuple[float, float]]] = {}
    with emulator(cli, False) as (plain_url, _), emulator(cli, True) as (tls_url, ca_file):
        assert ca_file is not None
        bundle = str(Path(tmp) / "go-bundle.pem")
        Path(bundle).write_text(Path(SYSTEM_ROOTS).read_text() + Path(ca_file).read_text())
        for _ in range(rounds):
            for name, program in programs.items():
                for scheme, url in (("http", plain_url), ("https", tls_url)):
                    command = [program, "--url", url, "--api", "3.3", "--n", str(n), "--mixed", "0", "--warmup", "200",
                               "--threads", ",".join(map(str, GO_GOROUTINES)), "--thread-n", str(n)]
                    env = dict(os.environ)
                    if scheme == "https":
                        # Ours takes the CA as its setting; lc-sdk-go, through
                        # net/http's default transport, as Go reads the roots.
                        if name == "go-ours":
                            command += ["--ca-file", ca_file]
                        else:
                            env["SSL_CERT_FILE"] = bundle
                    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
                    if done.returncode != 0:
                        raise RuntimeError(f"{name} {scheme}: {done.stderr.strip()[-2000:]}")
                    report = json.loads(done.stdout.strip().splitlines()[-1])
                    for p in report["phases"]:
                        if p["errors"]:
                            raise RuntimeError(f"{name} {scheme} {p['name']}: {p['errors']} errors, first {p['first_error']}")
                        samples.setdefault((name, scheme, p["threads"]), []).append((p["calls_per_s"], p["cpu_us_per_call"]))
    return [
        {"what": "go", "contender": name, "scheme": scheme, "goroutines": goroutines, "rounds": rounds, "n": n,
         "calls_per_s": statistics.median(s[0] for s in runs), "cpu_us_per_call": statistics.median(s[1] for s in runs)}
        for (name, scheme, goroutines), runs in sorted(samples.items())
    ]


def has_lc_sdk(python: str) -> bool:
    return subprocess.run([python, "-c", "import livechat.configuration.base"], capture_output=True).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", default="target/release/livechat-bots")
    parser.add_argument("--python", default=sys.executable, help="the Python with livechat_bots (and lc-sdk-python) installed")
    parser.add_argument("--threads", default="64,256")
    parser.add_argument("--n", type=int, default=2000, help="calls per CPU round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--thread-cost", help="benches/c/thread_cost, built: splits a C thread's cost into stack and the rest")
    parser.add_argument("--go-bin", help="the folder of the built Go contenders (go-ours, go-lc-sdk): their goroutine table over both schemes")
    parser.add_argument("--go-n", type=int, default=3000, help="calls of each Go phase")
    parser.add_argument("--json", help="also write the JSON document here")
    parser.add_argument("--command", help="how the run was started, for the report (default: this command line)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--what", help=argparse.SUPPRESS)
    parser.add_argument("--contender", default="ours", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--ca-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    contenders = ["ours"]
    skipped = []
    if has_lc_sdk(args.python):
        contenders.append("lc-sdk-python")
    else:
        skipped.append(f"lc-sdk-python (not importable by {args.python})")
        print("bench_tls: lc-sdk-python is not importable: its rows are SKIPPED", file=sys.stderr)
    go_programs: dict[str, str] = {}
    if args.go_bin:
        for name in ("go-ours", "go-lc-sdk"):
            program = Path(args.go_bin) / name
            if program.is_file():
                go_programs[name] = str(program)
            else:
                skipped.append(f"{name} (no {program}: `make bench-go` builds it; lc-sdk-go needs ../shared/peers/lc-sdk-go-v3)")
                print(f"bench_tls: {program} is absent: its rows are SKIPPED", file=sys.stderr)
    else:
        skipped.append("the Go contenders (no --go-bin)")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for contender in contenders:
            for n in [int(t) for t in args.threads.split(",")]:
                for tls in (False, True):
                    with emulator(args.cli, tls) as (url, ca_file):
                        bundle = None
                        if ca_file:
                            bundle = str(Path(tmp) / "bundle.pem")
                            Path(bundle).write_text(Path(SYSTEM_ROOTS).read_text() + Path(ca_file).read_text())
                        r = run_child(args.python, "threads", contender, url, ca_file, n, bundle)
                        seen = connections(url, ca_file)
                    growth = (r["rss_after_kb"] - r["rss_before_kb"]) / 1024
                    rows.append({
                        "what": "threads", "contender": contender, "scheme": "https" if tls else "http", "threads": n,
                        "rss_before_mb": r["rss_before_kb"] / 1024, "rss_after_mb": r["rss_after_kb"] / 1024,
                        "mb_per_thread": growth / n, "connections_per_thread": seen / n,
                    })
            samples: dict[str, list[float]] = {"http": [], "https": []}
            with emulator(args.cli, False) as (plain_url, _), emulator(args.cli, True) as (tls_url, ca_file):
                bundle = str(Path(tmp) / "bundle.pem")
                Path(bundle).write_text(Path(SYSTEM_ROOTS).read_text() + Path(ca_file or "").read_text())
                for _ in range(args.rounds):
                    for scheme, url, ca in (("http", plain_url, None), ("https", tls_url, ca_file)):
                        r = run_child(args.python, "cpu", contender, url, ca, args.n, bundle)
                        samples[scheme].append(r["cpu_us_per_call"])
            http, https = statistics.median(samples["http"]), statistics.median(samples["https"])
            rows.append({"what": "cpu", "contender": contender, "http_us": http, "https_us": https, "ratio": https / http, "n": args.n, "rounds": args.rounds})
        if args.thread_cost:
            rows += thread_costs(args.cli, args.thread_cost, max(int(t) for t in args.threads.split(",")))
        if go_programs:
            rows += go_rows(args.cli, go_programs, args.go_n, args.rounds, tmp)

    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    doc = {"rows": rows, "command": args.command or " ".join(sys.argv), "generated_utc": generated, "skipped": "; ".join(skipped)}
    # The report's own tables (benches/report_tls.py), then the document.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from report_tls import render_tls

    render_tls(doc, print)
    print(json.dumps(doc))
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
