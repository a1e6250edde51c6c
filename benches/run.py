#!/usr/bin/env python3
"""The benchmark runner of `make bench` (standard library only).

Starts ONE emulator process (`livechat-bots emulator`), runs every contender
program against it one after the other with the same work, measures the C
ABI's cost over the Rust core with callgrind, measures the emulator's own
throughput with wrk, stops the emulator and writes benches/results/latest.json
and BENCHMARKS.md. Every contender is a separate process that measures
itself (getrusage(RUSAGE_SELF), a monotonic clock per call, /proc/self/statm)
and prints one JSON document; see benches/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")

# The contenders, in the order they run. kind "ours" gets the 100 000-call
# RSS run; "slow" ones get fewer calls (per-call figures are reported).
CONTENDERS: list[dict[str, Any]] = [
    {"name": "floor", "label": "floor (raw socket, C)", "kind": "floor", "cmd": ["target/bench/floor"]},
    {"name": "rust-core", "label": "Rust core (typed API)", "kind": "ours", "cmd": ["target/release/rust_core", "--mode", "typed"]},
    {"name": "rust-core-json", "label": "Rust core (execute_json)", "kind": "ffi-ref", "cmd": ["target/release/rust_core", "--mode", "json"]},
    {"name": "c-abi", "label": "C ABI (liblivechat_bots.so)", "kind": "ours", "cmd": ["target/bench/bench_c"]},
    {"name": "python-ours", "label": "Python: livechat_bots (ours)", "kind": "ours", "cmd": ["{venv}/bin/python", "benches/python/bench_py.py", "--impl", "ours"]},
    {"name": "lc-sdk-python", "label": "Python: lc-sdk-python", "kind": "slow", "cmd": ["{venv}/bin/python", "benches/python/bench_py.py", "--impl", "lc-sdk-python"]},
    {"name": "go-ours", "label": "Go: livechatbots (ours)", "kind": "ours", "cmd": ["target/bench/go-ours"]},
]

OURS_VS_THEIRS = {"python-ours": "lc-sdk-python"}

# Go against LiveChat's own Go SDK, on the API version it speaks (3.3), at 1,
# 4 and 16 goroutines sharing one client. Run in the same rounds, after the
# contenders above. go-lc-sdk is built only when ../shared/peers/lc-sdk-go-v3
# exists (benches/bench.mk); without it the section says it was skipped.
GO_API = "3.3"
GO_THREADS = [4, 16]
GO_CONTENDERS: list[dict[str, Any]] = [
    {"name": "go-ours-33", "label": "Go: livechatbots (ours), API 3.3", "kind": "peer", "cmd": ["target/bench/go-ours", "--api", GO_API]},
    {"name": "go-ours-33-ctx", "label": "Go: livechatbots (ours), API 3.3, per-call context.WithTimeout", "kind": "ours",
     "cmd": ["target/bench/go-ours", "--api", GO_API, "--ctx-timeout", "10s"]},
    {"name": "go-lc-sdk", "label": "Go: lc-sdk-go v3.0.1 (LiveChat's SDK), API 3.3", "kind": "peer", "cmd": ["target/bench/go-lc-sdk", "--api", GO_API],
     "optional": True},
]


# What `--only` can measure again on its own (the other figures are kept).
SECTIONS = ("contenders", "syscalls", "python-layer", "perf", "callgrind")

# The loops whose system calls are counted (`measure_syscalls`): the same
# details loop as the contenders' first phase.
SYSCALL_PROGRAMS: list[tuple[str, list[str]]] = [
    ("floor", ["target/bench/floor"]),
    ("c-abi", ["target/bench/bench_c"]),
    ("python-ours", ["{venv}/bin/python", "benches/python/bench_py.py", "--impl", "ours"]),
]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def proc_cpu_s(pid: int) -> float:
    """utime + stime of a process, in seconds (from /proc/PID/stat)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def sh(cmd: str) -> str:
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:  # noqa: BLE001
        return ""


class Emulator:
    def __init__(self, binary: Path) -> None:
        self.proc = subprocess.Popen([str(binary), "emulator"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.proc.kill()
            raise SystemExit(f"the emulator did not print its URL (got {self.url!r})")

    def cpu_s(self) -> float:
        return proc_cpu_s(self.proc.pid)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_json(cmd: list[str], timeout: float) -> dict[str, Any]:
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {r.returncode}: {r.stderr.strip()[-2000:]}")
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{shlex.join(cmd)} printed no JSON: {r.stdout[-500:]} {r.stderr[-1000:]}")
    return json.loads(lines[-1])


def run_contender(c: dict[str, Any], emu: Emulator, a: argparse.Namespace, soak_only: bool = False) -> dict[str, Any]:
    """One run of a contender: every phase, or (soak_only) just the RSS run."""
    slow = c["kind"] == "slow"
    n = a.n_slow if slow else a.n
    cmd = [part.format(venv=a.venv) for part in c["cmd"]] + ["--url", emu.url]
    if soak_only:
        soak, warmup = a.soak, a.soak_warmup
        cmd += ["--n", "0", "--mixed", "0", "--threads", "", "--thread-n", "0"]
    else:
        soak, warmup = 0, (200 if slow else 500)
        threads = c.get("threads", "2,4")
        cmd += ["--n", str(n), "--mixed", str(n), "--threads", threads, "--thread-n", str(n)]
    cmd += ["--soak", str(soak), "--warmup", str(warmup)]
    cpu0, t0 = emu.cpu_s(), time.monotonic()
    rep = run_json(cmd, timeout=600)
    rep["phases"] = rep.get("phases") or []
    rep["run_s"] = round(time.monotonic() - t0, 2)
    calls = sum(p["calls"] for p in rep["phases"]) + warmup + soak + 3
    rep["emulator_cpu_us_per_call"] = round((emu.cpu_s() - cpu0) * 1e6 / calls, 1)
    rep["command"] = shlex.join(cmd)
    errors = sum(p["errors"] for p in rep["phases"]) + ((rep.get("soak") or {}).get("errors") or 0)
    if errors:
        first = next((p["first_error"] for p in rep["phases"] if p["first_error"]), None)
        raise RuntimeError(f"{c['name']}: {errors} calls failed; first: {first}")
    if soak_only:
        s = rep["soak"]
        log(f"{c['name']}: RSS {s['rss_before_kb']} -> {s['rss_after_kb']} KiB over {s['calls']:,} calls ({rep['run_s']} s)")
    else:
        d = phase(rep, "details", 1)
        log(f"{c['name']}: {d['calls_per_s']:.0f} calls/s, {d['cpu_us_per_call']:.1f} us CPU/call, "
            f"p50 {d['p50_us']:.0f} us, p99 {d['p99_us']:.0f} us (N={n}, {rep['run_s']} s)")
    return rep


def measure_contenders(emu: Emulator, a: argparse.Namespace, results: dict[str, Any],
                       keep_unbuilt: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every contender in rounds; their merged figures go into results. Go
    contenders whose program was not built are skipped, and said so; with
    `keep_unbuilt` (a partial run) so are the others, keeping their figures."""
    go_threads = ",".join(str(t) for t in GO_THREADS)
    go_contenders = []
    results["go_skipped"] = []
    for c in GO_CONTENDERS:
        if (ROOT / c["cmd"][0]).exists():
            go_contenders.append(c | {"threads": go_threads})
        else:
            log(f"SKIPPED {c['name']}: {c['cmd'][0]} was not built (no ../shared/peers/lc-sdk-go-v3)")
            results["go_skipped"].append({"name": c["name"], "label": c["label"], "missing": c["cmd"][0]})
    contenders = CONTENDERS
    if keep_unbuilt:
        contenders = [c for c in CONTENDERS if "{" in c["cmd"][0] or (ROOT / c["cmd"][0]).exists()]
        for c in CONTENDERS:
            if c not in contenders:
                log(f"KEPT {c['name']}: {c['cmd'][0]} was not built, its figures from before stay")
                results.setdefault("kept_contenders", []).append(c["name"])
    everyone = contenders + go_contenders
    runs: dict[str, list[dict[str, Any]]] = {c["name"]: [] for c in everyone}
    for k in range(a.rounds):
        log(f"round {k + 1} of {a.rounds}")
        for c in everyone:
            runs[c["name"]].append(run_contender(c, emu, a))
    for c in contenders:
        results["contenders"][c["name"]] = merge_rounds(c, runs[c["name"]])
    results["go"] = {c["name"]: merge_rounds(c, runs[c["name"]]) for c in go_contenders}
    return everyone, go_contenders


def median(xs: list[float]) -> float:
    xs = sorted(xs)
    k = len(xs) // 2
    return xs[k] if len(xs) % 2 else (xs[k - 1] + xs[k]) / 2


def merge_rounds(c: dict[str, Any], reps: list[dict[str, Any]]) -> dict[str, Any]:
    """One figure per phase and measure: the median over the rounds (each
    measure on its own), with the spread of calls/s kept beside it."""
    first = reps[0]
    out: dict[str, Any] = {
        "contender": first["contender"],
        "label": c["label"],
        "kind": c["kind"],
        "api_version": first["api_version"],
        "library_version": first["library_version"],
        "command": first["command"],
        "rounds": len(reps),
        "rss_setup_kb": round(median([r["rss_setup_kb"] for r in reps])),
        "rss_after_kb": round(median([r["rss_after_kb"] for r in reps])),
        "emulator_cpu_us_per_call": round(median([r["emulator_cpu_us_per_call"] for r in reps]), 1),
        "phases": [],
        "soak": None,
        "raw_rounds": [{k: r[k] for k in ("rss_setup_kb", "rss_after_kb", "emulator_cpu_us_per_call", "run_s", "phases")} for r in reps],
    }
    for p0 in first["phases"]:
        same = [phase(r, p0["name"], p0["threads"]) for r in reps]
        merged = {"name": p0["name"], "threads": p0["threads"], "calls": p0["calls"], "errors": sum(x["errors"] for x in same), "first_error": None}
        for key in ("wall_s", "cpu_user_s", "cpu_sys_s", "calls_per_s", "cpu_us_per_call", "p50_us", "p99_us"):
            merged[key] = round(median([x[key] for x in same]), 3)
        merged["calls_per_s_min"] = round(min(x["calls_per_s"] for x in same), 1)
        merged["calls_per_s_max"] = round(max(x["calls_per_s"] for x in same), 1)
        out["phases"].append(merged)
    return out


def phase(rep: dict[str, Any], name: str, threads: int = 1) -> dict[str, Any]:
    if name == "threads" and threads == 1:
        name = "details"
    for p in rep["phases"]:
        if p["name"] == name and p["threads"] == threads:
            return p
    raise KeyError(f"{rep['contender']}: no phase {name} x{threads}")


def callgrind_total(cmd: list[str], out: Path) -> int:
    """Instructions (Ir) of a whole run under callgrind, every thread."""
    full = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd]
    r = subprocess.run(full, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"callgrind failed: {r.stderr[-1500:]}")
    m = re.search(r"^(?:summary|totals):\s*(\d+)", out.read_text(errors="replace"), re.M)
    if not m:
        raise RuntimeError(f"no totals in {out}")
    return int(m.group(1))


def measure_ffi(emu: Emulator, a: argparse.Namespace, out_dir: Path) -> dict[str, Any]:
    """Per-call instructions of the same details call through the C ABI and
    through the Rust core, as the difference of two run lengths (which
    cancels start-up and setup)."""
    n1, n2 = a.callgrind_n, 3 * a.callgrind_n
    out_dir.mkdir(parents=True, exist_ok=True)
    programs = {
        "c-abi": ["target/bench/bench_c"],
        "rust-core-json": ["target/release/rust_core", "--mode", "json"],
        "rust-core": ["target/release/rust_core", "--mode", "typed"],
    }
    result: dict[str, Any] = {"calls": [n1, n2], "instructions_per_call": {}}
    for name, prog in programs.items():
        totals = []
        for n in (n1, n2):
            cmd = [*prog, "--url", emu.url, "--n", str(n), "--mixed", "0", "--threads", "", "--thread-n", "0", "--soak", "0", "--warmup", "20"]
            totals.append(callgrind_total(cmd, out_dir / f"callgrind.{name}.{n}.out"))
        per_call = (totals[1] - totals[0]) / (n2 - n1)
        result["instructions_per_call"][name] = round(per_call)
        log(f"callgrind {name}: {per_call:,.0f} instructions per details call")
    return result


def strace_counts(cmd: list[str], out: Path) -> dict[str, int]:
    """System calls of a whole run under `strace -f -c`, every thread, by name."""
    r = subprocess.run(["strace", "-f", "-c", "-o", str(out), *cmd], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"strace failed: {r.stderr[-1500:]}")
    counts = {}
    for line in out.read_text().splitlines():
        # % time, seconds, usecs/call, calls, [errors,] syscall
        parts = line.split()
        if len(parts) in (5, 6) and parts[-1] != "total" and parts[3].isdigit():
            counts[parts[-1]] = int(parts[3])
    return counts


def measure_syscalls(emu: Emulator, a: argparse.Namespace) -> dict[str, Any] | None:
    """System calls per call of a steady single-thread details loop, by
    name: two runs of different lengths under `strace -f -c`, the difference
    of their counts over the difference of their calls (start-up, setup and
    warm-up cancel out)."""
    if shutil.which("strace") is None:
        log("strace: not on this machine, no system call counts")
        return None
    n1, n2 = a.strace_n, 2 * a.strace_n
    result: dict[str, Any] = {"calls": [n1, n2], "programs": {}}
    with tempfile.TemporaryDirectory(prefix="lcbot-strace-") as tmp:
        for name, prog in SYSCALL_PROGRAMS:
            prog = [part.format(venv=a.venv) for part in prog]
            totals = []
            for n in (n1, n2):
                cmd = [*prog, "--url", emu.url, "--n", str(n), "--mixed", "0", "--threads", "", "--thread-n", "0", "--soak", "0", "--warmup", "20"]
                totals.append(strace_counts(cmd, Path(tmp) / f"strace.{name}.{n}"))
            per_call = {k: round((totals[1].get(k, 0) - totals[0].get(k, 0)) / (n2 - n1), 2) for k in totals[0].keys() | totals[1].keys()}
            per_call = {k: v for k, v in sorted(per_call.items(), key=lambda kv: -kv[1]) if v >= 0.01}
            result["programs"][name] = {"per_call": per_call, "total": round(sum(per_call.values()), 2),
                                        "command": shlex.join(["strace", "-f", "-c", *prog, "--url", "$URL", "--n", "N", *cmd[5:]])}
            log(f"strace {name}: {result['programs'][name]['total']} system calls per call {per_call}")
    return result


def measure_some(a: argparse.Namespace, only: set[str]) -> None:
    """`--only`: the chosen sections measured again into the figures of
    --json-out (the others stay as they were), the report rewritten."""
    results = json.loads(Path(a.json_out).read_text())
    load_at_start = [round(x, 1) for x in os.getloadavg()]
    t_start = time.time()
    emu = Emulator(ROOT / "target/release/livechat-bots")
    log(f"emulator at {emu.url} (pid {emu.proc.pid}); measuring {', '.join(sorted(only))}")
    kept_go = {k: results.get(k) for k in ("go", "go_skipped")}
    try:
        if "contenders" in only:
            # The RSS runs are not measured again: theirs are kept.
            soaks = {name: rep.get("soak") for group in ("contenders", "go") for name, rep in (results.get(group) or {}).items()}
            results["kept_contenders"] = []
            _, go_contenders = measure_contenders(emu, a, results, keep_unbuilt=True)
            if not go_contenders and kept_go["go"]:
                log("the Go contenders were not built: their figures from before are kept")
                results.update(kept_go)
            for group in ("contenders", "go"):
                for name, rep in (results.get(group) or {}).items():
                    rep["soak"] = rep.get("soak") or soaks.get(name)
        if "syscalls" in only:
            results["syscalls"] = measure_syscalls(emu, a)
        if "python-layer" in only:
            results["python_layer"] = measure_python_layer(emu, a)
        if "perf" in only:
            results["perf_profile"] = perf_profile(emu, a)
        if "callgrind" in only:
            with tempfile.TemporaryDirectory(prefix="lcbot-callgrind-") as tmp:
                results["ffi_callgrind"] = measure_ffi(emu, a, Path(tmp))
    finally:
        emu.stop()
    commit = sh("git rev-parse --short HEAD") + (" (dirty tree)" if sh("git status --porcelain -- src Cargo.toml Cargo.lock bindings") else "")
    results.setdefault("partial_runs", []).append({
        "sections": sorted(only),
        "kept_contenders": results.pop("kept_contenders", []) if "contenders" in only else [],
        "generated_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        # The command line itself unless `--command` named it.
        "command": a.command if a.command != "make bench" else shlex.join(["python3", "benches/run.py", *sys.argv[1:]]),
        "git_commit": commit,
        "rounds": a.rounds,
        "n": a.n,
        "n_slow": a.n_slow,
        "load_average": [load_at_start, [round(x, 1) for x in os.getloadavg()]],
        "runner_s": round(time.time() - t_start, 1),
    })
    results["derived"] = derive(results)
    Path(a.json_out).write_text(json.dumps(results, indent=2) + "\n")
    import report

    Path(a.md_out).write_text(report.render(results))
    log(f"wrote {a.json_out} and {a.md_out}")


def wrk_run(emu: Emulator, path: str, body: str, a: argparse.Namespace) -> dict[str, Any]:
    cmd = ["wrk", f"-t{a.wrk_threads}", f"-c{a.wrk_connections}", f"-d{a.wrk_seconds}s", "-s", "benches/wrk/post.lua", emu.url + path]
    env = dict(os.environ, WRK_BODY=body)
    cpu0 = emu.cpu_s()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=a.wrk_seconds + 60)
    cpu = emu.cpu_s() - cpu0
    m = re.search(r"^WRK_JSON (\{.*\})$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed: {r.stdout[-1000:]} {r.stderr[-1000:]}")
    doc = json.loads(m.group(1))
    secs = doc["duration_us"] / 1e6
    doc.update(
        path=path,
        body=body,
        command=f"WRK_BODY={shlex.quote(body)} " + shlex.join(cmd[:-1] + ["$URL" + path]),
        requests_per_s=round(doc["requests"] / secs, 1),
        emulator_cpu_us_per_request=round(cpu * 1e6 / max(doc["requests"], 1), 1),
        emulator_cpu_cores=round(cpu / secs, 2),
    )
    errors = sum(doc[k] for k in doc if k.startswith("errors_"))
    log(f"wrk {path}: {doc['requests_per_s']:,.0f} requests/s, {errors} errors, emulator {doc['emulator_cpu_cores']} cores")
    if errors:
        raise RuntimeError(f"wrk {path}: {errors} errors or non-2xx answers")
    return doc


def post_json(url: str, body: dict[str, Any]) -> Any:
    import urllib.request

    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer dev-token"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


def machine_and_versions(a: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    machine = {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "cpu_family_model": sh("lscpu | sed -n 's/^CPU family: *//p;s/^Model: *//p' | paste -sd/"),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": sh(". /etc/os-release && echo \"$PRETTY_NAME\""),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
    }
    venv_py = f"{a.venv}/bin/python"
    pkg = (
        "import importlib.metadata as m; print(';'.join(f'{p}='+m.version(p) for p in "
        "('livechat-bots','lc-sdk-python','httpx','loguru')))"
    )
    versions: dict[str, Any] = {
        "livechat-bots": sh("sed -n 's/^version = \"\\(.*\\)\"/\\1/p' Cargo.toml | head -1"),
        "git_commit": sh("git rev-parse --short HEAD") + (" (dirty tree)" if sh("git status --porcelain -- src Cargo.toml Cargo.lock bindings") else ""),
        "rustc": sh("rustc --version"),
        "go": sh("go version"),
        "python": sh(f"{venv_py} --version"),
        "cc": sh("cc --version | head -1"),
        "wrk": sh("wrk -v 2>&1 | head -1").split(" Copyright")[0],
        "valgrind": sh("valgrind --version"),
        "reqwest": sh("sed -n '/^name = \"reqwest\"/{n;s/version = \"\\(.*\\)\"/\\1/p}' Cargo.lock"),
    }
    for item in sh(f"{venv_py} -c \"{pkg}\"").split(";"):
        if "=" in item:
            k, v = item.split("=", 1)
            versions[f"py:{k}"] = v
    return machine, versions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--venv", help="the venv with livechat_bots and lc-sdk-python (required unless --render-only)")
    ap.add_argument("--render-only", action="store_true", help="recompute the ratios and targets of --json-out (with the feel, release-profile and TLS results now in benches/results) and rewrite --md-out")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--n-slow", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--soak", type=int, default=100000)
    ap.add_argument("--soak-warmup", type=int, default=20000, help="calls before the RSS run's first reading")
    ap.add_argument("--callgrind-n", type=int, default=1000)
    ap.add_argument("--strace-n", type=int, default=2000, help="calls of the shorter strace run (the longer makes twice as many)")
    ap.add_argument("--only", help="measure only these sections (comma-separated: " + ", ".join(SECTIONS) + ") into the "
                    "figures already in --json-out, and rewrite --md-out; the report names what was measured when")
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--wrk-connections", type=int, default=32)
    ap.add_argument("--started-at", type=float, default=None, help="epoch seconds when `make bench` started")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--json-out", default=str(ROOT / "benches/results/latest.json"))
    ap.add_argument("--md-out", default=str(ROOT / "BENCHMARKS.md"))
    a = ap.parse_args()
    if a.render_only:
        results = json.loads(Path(a.json_out).read_text())
        results["release_profile"] = read_optional("release-profile.json") or results.get("release_profile")
        results["feel"] = read_optional("feel.json") or results.get("feel")
        results["tls"] = read_optional("tls.json") or results.get("tls")
        results["derived"] = derive(results)
        Path(a.json_out).write_text(json.dumps(results, indent=2) + "\n")
        import report

        Path(a.md_out).write_text(report.render(results))
        return
    if not a.venv:
        ap.error("--venv is required")
    only = set(a.only.split(",")) if a.only else set(SECTIONS)
    if only - set(SECTIONS):
        ap.error(f"--only: unknown sections {sorted(only - set(SECTIONS))} (known: {', '.join(SECTIONS)})")
    if a.only:
        measure_some(a, only)
        return
    t_start = time.time()
    load_at_start = [round(x, 1) for x in os.getloadavg()]

    emu = Emulator(ROOT / "target/release/livechat-bots")
    log(f"emulator at {emu.url} (pid {emu.proc.pid})")
    results: dict[str, Any] = {"contenders": {}}
    try:
        everyone, go_contenders = measure_contenders(emu, a, results)
        log(f"RSS runs of {a.soak:,} calls")
        for c in everyone:
            if c["kind"] == "ours":
                soak = run_contender(c, emu, a, soak_only=True)
                group = results["contenders"] if c in CONTENDERS else results["go"]
                group[c["name"]]["soak"] = soak["soak"] | {"command": soak["command"], "rss_setup_kb": soak["rss_setup_kb"]}
        with tempfile.TemporaryDirectory(prefix="lcbot-callgrind-") as tmp:
            results["ffi_callgrind"] = measure_ffi(emu, a, Path(tmp))
        results["syscalls"] = measure_syscalls(emu, a)
        results["webhooks"] = measure_webhooks(a)
        results["echo"] = measure_echo(a)
        results["python_layer"] = measure_python_layer(emu, a)
        results["perf_profile"] = perf_profile(emu, a)
        present = [c["name"] for c in go_contenders if c["name"] in ("go-ours-33", "go-lc-sdk")]
        results["go_sched"] = perf_sched_share(emu, a, present, GO_THREADS[-1]) if present else None
        # The emulator's own throughput, with a bot to read.
        seed = post_json(emu.url + "/v3.6/configuration/action/create_bot", {"name": "wrk-bot"})["id"]
        results["emulator"] = [
            wrk_run(emu, "/v3.6/configuration/action/list_bots", '{"all":false}', a),
            wrk_run(emu, "/v3.6/configuration/action/get_bot", json.dumps({"id": seed}, separators=(",", ":")), a),
            wrk_run(emu, "/v3.0/configuration/action/get_bot_agents", '{"payload":{"all":false}}', a),
        ]
    finally:
        emu.stop()

    # Written by `make bench` before this runner (benches/feel.py) and by
    # `make bench-release-profile` (benches/release_profile.py), when run.
    results["feel"] = read_optional("feel.json")
    results["release_profile"] = read_optional("release-profile.json")
    # Written by `make bench-tls` (benches/python/bench_tls.py), run by `make bench` first.
    results["tls"] = read_optional("tls.json")
    machine, versions = machine_and_versions(a)
    machine["load_average_at_start"] = load_at_start
    now = time.time()
    results.update(
        generated_utc=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        command=a.command,
        machine=machine,
        versions=versions,
        lc_sdk_go_peer=str(ROOT.parent / "shared/peers/lc-sdk-go-v3") if (ROOT.parent / "shared/peers/lc-sdk-go-v3").is_dir() else None,
        params={
            "api_version": "3.6",
            "n": a.n,
            "n_slow": a.n_slow,
            "rounds": a.rounds,
            "soak_calls": a.soak,
            "soak_warmup": a.soak_warmup,
            "threads": [1, 2, 4],
            "go_api_version": GO_API,
            "go_threads": [1, *GO_THREADS],
            "callgrind_calls": [a.callgrind_n, 3 * a.callgrind_n],
            "wrk": {"threads": a.wrk_threads, "connections": a.wrk_connections, "seconds": a.wrk_seconds},
        },
        runner_s=round(now - t_start, 1),
        total_s=round(now - a.started_at, 1) if a.started_at else None,
    )
    results["derived"] = derive(results)
    Path(a.json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json_out).write_text(json.dumps(results, indent=2) + "\n")
    import report  # benches/report.py, beside this file

    Path(a.md_out).write_text(report.render(results))
    log(f"wrote {a.json_out} and {a.md_out} (runner {results['runner_s']} s, make bench {results['total_s']} s)")


def measure_webhooks(a: argparse.Namespace) -> list[dict[str, Any]]:
    """Verified webhooks per second for one typical incoming_event body: the
    Rust core, then Python, side by side in this run. Each program prints one
    JSON document as its last line of stdout."""
    log("webhooks: verified bodies per second")
    programs = [
        ("Rust core (`webhooks_core`)", ["target/release/webhooks_core", "--n", "50000", "--rounds", str(max(a.rounds, 3))]),
        ("Python (`livechat_bots.webhooks.verify`)",
         [str(Path(a.venv) / "bin/python"), "benches/python/bench_webhooks.py", "--n", "20000", "--rounds", str(max(a.rounds, 3))]),
    ]
    rows = []
    for label, cmd in programs:
        out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        doc = json.loads(out.strip().splitlines()[-1])
        rows.append({"label": label, "command": " ".join(cmd), "body_bytes": doc["body_bytes"],
                     "verified_per_s": doc["verified_per_s"], "us_per_body": doc["us_per_body"]})
    return rows


def measure_echo(a: argparse.Namespace) -> list[dict[str, Any]]:
    """A whole bot, end to end: customers' messages answered per second by the
    Go and the Python echo bot (each on an emulator of its own, in its own
    process), and the time from a customer's message to the bot's echo in the
    transcript. Each program prints one JSON document as its last line."""
    log("echo bots: customer messages answered per second")
    programs = [
        ("Go (`bindings/go/examples/echo_bot`)", ["target/bench/echo", "--chats", "4", "--messages", "500"]),
        ("Python (`examples/echo_bot.py`)",
         [str(Path(a.venv) / "bin/python"), "benches/python/bench_echo.py", "--chats", "4", "--messages", "200"]),
    ]
    rows = []
    for label, cmd in programs:
        missing = [c for c in cmd if ("/" in c) and not (ROOT / c).exists()]
        if missing:
            log(f"echo bots: {missing[0]} is missing; {label} skipped")
            continue
        runs = []
        for _ in range(max(a.rounds, 3)):
            out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        pick = lambda k: median([float(r[k]) for r in runs])  # noqa: E731
        rows.append({"label": label, "command": " ".join(cmd), "rounds": len(runs), "messages": runs[0]["messages"],
                     "messages_per_s": pick("messages_per_s"), "p50_ms": pick("p50_ms"), "p99_ms": pick("p99_ms")})
    return rows


def measure_python_layer(emu: Emulator, a: argparse.Namespace) -> dict[str, Any]:
    """What the Python package adds over the C ABI, in one process (benches/python/bench_layer.py)."""
    log("python: the package's cost over the C ABI")
    cmd = [str(Path(a.venv) / "bin/python"), "benches/python/bench_layer.py", "--url", emu.url, "--n", str(min(a.n, 3000)),
           "--rounds", str(max(a.rounds, 5))]
    doc = run_json(cmd, timeout=900)
    doc["command"] = shlex.join(cmd[:3] + ["--url", "$URL"] + cmd[5:])
    return doc


# Where a symbol belongs, for the profile's summary by area (first match wins).
PROFILE_AREAS = [
    ("kernel (syscalls, TCP loopback, scheduling)", ("[kernel", "[k]")),
    ("allocator (malloc/free, memcpy)", ("malloc", "free", "memmove", "memcpy", "memset", "__rdl_", "realloc", "calloc")),
    ("reqwest", ("reqwest::",)),
    ("hyper / hyper-util / http", ("hyper::", "hyper_util::", "http::", "httparse::", "h2::")),
    ("tokio", ("tokio::",)),
    ("url / idna parsing", ("url::", "idna::", "icu_")),
    ("serde_json", ("serde_json::", "serde::", "indexmap::")),
    ("livechat_bots (our crate)", ("livechat_bots::",)),
    ("bytes", ("bytes::",)),
]


def perf_profile(emu: Emulator, a: argparse.Namespace) -> dict[str, Any] | None:
    """A perf profile of the C ABI's details loop: its top entries, and the samples by area."""
    if shutil.which("perf") is None:
        log("perf: not on this machine, no profile")
        return None
    log("perf: profile of the C ABI loop")
    n = max(a.n, 10000)
    with tempfile.TemporaryDirectory(prefix="lcbot-perf-") as tmp:
        data = Path(tmp) / "perf.data"
        cmd = ["perf", "record", "-q", "-F", "4999", "-o", str(data), "target/bench/bench_c", "--url", emu.url, "--n", str(n),
               "--mixed", "0", "--threads", "", "--thread-n", "0", "--soak", "0", "--warmup", "500"]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            log(f"perf record failed: {r.stderr[-500:]}")
            return None
        rep = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "dso,sym", "-n", "-q", "-g", "none"],
                             capture_output=True, text=True, timeout=600).stdout
    entries = []
    for line in rep.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4 or not parts[0].endswith("%"):
            continue
        pct, samples, dso, sym = float(parts[0].rstrip("%")), int(parts[1]), parts[2], parts[3].strip()
        entries.append({"percent": pct, "samples": samples, "dso": dso, "symbol": sym})
    total = sum(e["samples"] for e in entries) or 1
    areas: dict[str, int] = {}
    for e in entries:
        text = f"{e['dso']} {e['symbol']}"
        area = next((name for name, keys in PROFILE_AREAS if any(k in text for k in keys)), "other (libc, ld.so, C program, vdso, ...)")
        areas[area] = areas.get(area, 0) + e["samples"]
    return {
        "command": shlex.join(cmd[:6] + ["perf.data"] + cmd[7:9] + ["$URL"] + cmd[10:]),
        "calls": n,
        "samples": total,
        "top": entries[:30],
        "areas": sorted(({"area": k, "percent": round(v * 100 / total, 1)} for k, v in areas.items()), key=lambda x: -x["percent"]),
    }


# Kernel symbols of putting threads to sleep and waking them (futex waits,
# context switches): what a blocking cgo call per goroutine costs.
SCHED_SYMBOLS = ("finish_task_switch", "__schedule", "schedule", "_raw_spin_unlock_irqrestore", "try_to_wake_up",
                 "futex", "pick_next_task", "dequeue_task", "enqueue_task", "switch_mm", "__switch_to")


def perf_sched_share(emu: Emulator, a: argparse.Namespace, names: list[str], threads: int) -> dict[str, Any] | None:
    """Per Go contender at `threads` goroutines: the share of perf samples in
    the kernel's thread sleep/wake-up paths, and the client CPU per call."""
    if shutil.which("perf") is None:
        return None
    log(f"perf: thread switching of the Go contenders at {threads} goroutines")
    out: dict[str, Any] = {"threads": threads, "contenders": {}}
    by_name = {c["name"]: c for c in GO_CONTENDERS}
    for name in names:
        c = by_name[name]
        with tempfile.TemporaryDirectory(prefix="lcbot-perf-") as tmp:
            data = Path(tmp) / "perf.data"
            cmd = ["perf", "record", "-q", "-F", "2999", "-o", str(data), *c["cmd"], "--url", emu.url, "--n", "0", "--mixed", "0",
                   "--threads", str(threads), "--thread-n", str(a.n), "--soak", "0", "--warmup", "500"]
            r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                log(f"perf record of {name} failed: {r.stderr[-300:]}")
                continue
            doc = json.loads([line for line in r.stdout.splitlines() if line.startswith("{")][-1])
            rep = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--sort", "sym", "-n", "-q", "-g", "none"],
                                 capture_output=True, text=True, timeout=600).stdout
        total = sched = kernel = 0
        for line in rep.splitlines():
            parts = line.split(None, 2)
            if len(parts) < 3 or not parts[0].endswith("%"):
                continue
            n, sym = int(parts[1]), parts[2]
            total += n
            if sym.startswith("[k]"):
                kernel += n
                if any(k in sym for k in SCHED_SYMBOLS):
                    sched += n
        ph = next(p for p in doc["phases"] if p["name"] == "threads")
        out["contenders"][name] = {"sched_percent": round(sched * 100 / max(total, 1), 1),
                                   "kernel_percent": round(kernel * 100 / max(total, 1), 1),
                                   "cpu_us_per_call": round(ph["cpu_us_per_call"], 1), "calls_per_s": round(ph["calls_per_s"])}
        log(f"{name} x{threads}: {out['contenders'][name]}")
    return out


def read_optional(name: str) -> dict[str, Any] | None:
    path = ROOT / "benches/results" / name
    return json.loads(path.read_text()) if path.exists() else None


def derive(r: dict[str, Any]) -> dict[str, Any]:
    """Ratios, the FFI cost and the targets' states."""
    cs = r["contenders"]
    floor = phase(cs["floor"], "details")
    d: dict[str, Any] = {"vs_floor": {}, "vs_peer": {}}
    for name, rep in cs.items():
        row = {}
        for ph in ("details", "mixed"):
            p, f = phase(rep, ph), phase(cs["floor"], ph)
            row[ph] = {
                "calls_per_s": round(p["calls_per_s"] / f["calls_per_s"], 3),
                "cpu_us_per_call": round(p["cpu_us_per_call"] / f["cpu_us_per_call"], 2),
            }
        d["vs_floor"][name] = row
    for ours, theirs in OURS_VS_THEIRS.items():
        row = {}
        for ph in ("details", "mixed"):
            p, t = phase(cs[ours], ph), phase(cs[theirs], ph)
            row[ph] = {
                "calls_per_s": round(p["calls_per_s"] / t["calls_per_s"], 2),
                "cpu_us_per_call": round(p["cpu_us_per_call"] / t["cpu_us_per_call"], 2),
            }
        for t in (2, 4):
            row[f"threads{t}"] = {"calls_per_s": round(phase(cs[ours], "threads", t)["calls_per_s"] / phase(cs[theirs], "threads", t)["calls_per_s"], 2)}
        d["vs_peer"][ours] = {"peer": theirs, **row}

    # FFI: the C ABI against the Rust core doing the same JSON-text call.
    c, rj, rt = (phase(cs[k], "details") for k in ("c-abi", "rust-core-json", "rust-core"))
    ipc = r["ffi_callgrind"]["instructions_per_call"]
    user_us_rj = rj["cpu_user_s"] * 1e6 / rj["calls"]
    ins_per_us = ipc["rust-core-json"] / user_us_rj if user_us_rj else 0
    d["ffi"] = {
        "wall_us_per_call_c_minus_rust_json": round(1e6 / c["calls_per_s"] - 1e6 / rj["calls_per_s"], 2),
        "cpu_us_per_call_c_minus_rust_json": round(c["cpu_us_per_call"] - rj["cpu_us_per_call"], 2),
        "p50_us_c_minus_rust_json": round(c["p50_us"] - rj["p50_us"], 1),
        "wall_us_per_call_c_minus_rust_typed": round(1e6 / c["calls_per_s"] - 1e6 / rt["calls_per_s"], 2),
        "instructions_c_minus_rust_json": ipc["c-abi"] - ipc["rust-core-json"],
        "instructions_c_minus_rust_typed": ipc["c-abi"] - ipc["rust-core"],
        "instructions_per_user_us": round(ins_per_us),
        "callgrind_us_c_minus_rust_json": round((ipc["c-abi"] - ipc["rust-core-json"]) / ins_per_us, 3) if ins_per_us else None,
    }

    t: list[dict[str, Any]] = []
    py, lc = phase(cs["python-ours"], "details"), phase(cs["lc-sdk-python"], "details")
    ratio = py["calls_per_s"] / lc["calls_per_s"]
    ceiling = floor["calls_per_s"] / lc["calls_per_s"]
    t.append({"target": "our Python >= 5x lc-sdk-python's calls/s, single-threaded (details)", "met": ratio >= 5,
              "figure": f"{ratio:.2f}x ({py['calls_per_s']:.0f} vs {lc['calls_per_s']:.0f} calls/s); the floor itself is "
                        f"{ceiling:.1f}x lc-sdk-python here, so 5x needs {5 / ceiling:.0%} of the floor's rate"})
    cpu_x = lc["cpu_us_per_call"] / py["cpu_us_per_call"]
    t.append({"target": "our Python spends >= 8x less client CPU per call than lc-sdk-python (details)", "met": cpu_x >= 8,
              "figure": f"{cpu_x:.1f}x less ({py['cpu_us_per_call']:.1f} vs {lc['cpu_us_per_call']:.1f} us)"})
    pl = r.get("python_layer")
    if pl:
        net, alone = pl["network"], pl["python_layer_alone"]
        for key, what in (("package-ctrl-c", "on the main thread (Ctrl-C support on, the default)"),
                          ("package", "off the main thread (or interruptible=False)")):
            over = net[key]["cpu_us_over_c_abi"]
            t.append({"target": f"our Python adds at most 15 us of client CPU per call over the C ABI, {what}", "met": over <= 15,
                      "figure": f"{over:+.1f} us in one process ({net[key]['cpu_us_per_call']:.1f} vs {net['c-abi']['cpu_us_per_call']:.1f} us "
                                f"per call); the same Python work in a tight loop against a stand-in C function costs "
                                f"{alone[key]['cpu_us_per_call']:.1f} us (see the Python section)"})
    else:
        over = py["cpu_us_per_call"] - c["cpu_us_per_call"]
        t.append({"target": "our Python adds at most 15 us of client CPU per call over the C ABI (details)", "met": over <= 15,
                  "figure": f"{over:+.1f} us ({py['cpu_us_per_call']:.1f} vs {c['cpu_us_per_call']:.1f} us, separate processes)"})
    gos = r.get("go") or {}
    go_t = (r.get("params") or {}).get("go_threads") or [1, *GO_THREADS]
    d["go"] = {}
    if "go-ours-33" in gos and "go-lc-sdk" in gos:
        ratios = [phase(gos["go-ours-33"], "threads", k)["calls_per_s"] / phase(gos["go-lc-sdk"], "threads", k)["calls_per_s"] for k in go_t]
        d["go"]["vs_lc_sdk"] = {str(k): round(x, 3) for k, x in zip(go_t, ratios)}
        for k, x in zip(go_t, ratios):
            o, p_ = phase(gos["go-ours-33"], "threads", k), phase(gos["go-lc-sdk"], "threads", k)
            fig = (f"{x:.2f}x ({o['calls_per_s']:.0f} vs {p_['calls_per_s']:.0f} calls/s; client CPU "
                   f"{o['cpu_us_per_call']:.0f} vs {p_['cpu_us_per_call']:.0f} us/call)")
            gs = (r.get("go_sched") or {}).get("contenders") or {}
            if x < 1 and "go-ours-33" in gs and "go-lc-sdk" in gs:
                fig += (f". Why, by perf at {r['go_sched']['threads']} goroutines: {gs['go-ours-33']['sched_percent']:.0f}% of our "
                        f"samples are the kernel putting threads to sleep and waking them (futex, context switches), "
                        f"{gs['go-lc-sdk']['sched_percent']:.0f}% of lc-sdk-go's: each of our calls is handed to the library's "
                        "I/O thread and its answer back through the queue's eventfd to Go's netpoller, two wake-ups of "
                        "other threads per call (shared between calls only when many are in flight), where lc-sdk-go's "
                        "goroutines park on the netpoller for their own sockets")
            t.append({"target": f"our Go >= lc-sdk-go's calls/s, API {GO_API}, {k} goroutine{'s' if k > 1 else ''} sharing one client",
                      "met": x >= 1, "figure": fig})
    else:
        t.append({"target": f"our Go >= lc-sdk-go's calls/s, API {GO_API}, at {', '.join(map(str, go_t))} goroutines", "met": False,
                  "figure": "not measured: lc-sdk-go was not built (../shared/peers/lc-sdk-go-v3 absent)"})
    if "go-ours-33" in gos and "go-ours-33-ctx" in gos:
        ratios = [phase(gos["go-ours-33-ctx"], "threads", k)["calls_per_s"] / phase(gos["go-ours-33"], "threads", k)["calls_per_s"] for k in go_t]
        d["go"]["ctx_vs_plain"] = {str(k): round(x, 3) for k, x in zip(go_t, ratios)}
        for k, x in zip(go_t, ratios):
            o, p_ = phase(gos["go-ours-33-ctx"], "threads", k), phase(gos["go-ours-33"], "threads", k)
            t.append({"target": f"our Go with a per-call context deadline >= 0.9x the rate without, {k} goroutine{'s' if k > 1 else ''}",
                      "met": x >= 0.9, "figure": f"{x:.2f}x ({o['calls_per_s']:.0f} vs {p_['calls_per_s']:.0f} calls/s)"})
    c_x = c["cpu_us_per_call"] / floor["cpu_us_per_call"]
    prof = r.get("perf_profile")
    sc = (r.get("syscalls") or {}).get("programs") or {}
    if "c-abi" in sc:
        def calls(name: str) -> str:
            return ", ".join(f"{k} {v:g}" for k, v in sc[name]["per_call"].items())
        total = sc["c-abi"]["total"]
        fig = f"{total:.2f} per call ({calls('c-abi')})"
        if "floor" in sc:
            fig += f"; the floor {sc['floor']['total']:.2f} ({calls('floor')})"
        if "python-ours" in sc:
            fig += f"; Python on the main thread, Ctrl-C on, {sc['python-ours']['total']:.2f}"
        if total > 3:
            fig += "; what is left above 3 is tokio's (see *System calls per call*)"
        t.append({"target": "system calls per call in a steady single-thread loop <= 3: C ABI (strace -c)", "met": total <= 3,
                  "figure": fig})
    c_fig = f"{c_x:.1f}x ({c['cpu_us_per_call']:.1f} vs {floor['cpu_us_per_call']:.1f} us; the goal is 2x)"
    if c_x > 2.5 and prof:
        c_fig += ("; where the C ABI loop's time goes, by perf: "
                  + ", ".join(f"{e['area']} {e['percent']:.0f}%" for e in prof["areas"][:5]) + " (see the profile below)")
    t.append({"target": "C ABI client CPU per call <= 2.5x the floor", "met": c_x <= 2.5, "figure": c_fig})
    # Contenders a partial run of the contenders did not measure again (the latest such run).
    last = next((x for x in reversed(r.get("partial_runs") or []) if "contenders" in x["sections"]), {})
    kept = set(last.get("kept_contenders") or [])
    for name in ("rust-core", "c-abi", "python-ours", "go-ours"):
        x = phase(cs[name], "details")["cpu_us_per_call"] / floor["cpu_us_per_call"]
        fig = f"{x:.1f}x ({phase(cs[name], 'details')['cpu_us_per_call']:.1f} vs {floor['cpu_us_per_call']:.1f} us)"
        if name in kept:
            fig += " (its figure from the earlier run, the floor's from the later: not a side-by-side ratio)"
        if x > 2 and name in ("rust-core", "c-abi") and prof:
            fig += ("; where the C ABI loop's time goes, by perf: "
                    + ", ".join(f"{e['area']} {e['percent']:.0f}%" for e in prof["areas"][:5]) + " (see the profile below)")
        elif x > 2 and name == "python-ours":
            fig += f"; the C ABI under it is {c_x:.1f}x the floor on its own"
        elif x > 2 and name == "go-ours":
            fig += (f"; its calls go through the completion queue (the I/O thread's and the netpoller's wake-ups), "
                    f"and the blocking C ABI is {c_x:.1f}x the floor on its own")
        t.append({"target": f"client CPU per call within 2x the floor: {cs[name]['label']}", "met": x <= 2, "figure": fig})
    ffi = d["ffi"]
    cg = ffi["callgrind_us_c_minus_rust_json"]
    t.append({"target": "the C ABI adds < 2 us per call over the Rust core", "met": cg is not None and cg < 2,
              "figure": f"{ffi['instructions_c_minus_rust_json']:+,} instructions = {cg:+.2f} us by callgrind; "
                        f"wall {ffi['wall_us_per_call_c_minus_rust_json']:+.1f} us, CPU {ffi['cpu_us_per_call_c_minus_rust_json']:+.1f} us (noisy)"})
    for name, rep in [*cs.items(), *gos.items()]:
        s = rep.get("soak")
        if not s:
            continue
        t.append({"target": f"RSS growth < 1 MB over {s['calls']:,} calls: {rep['label']}", "met": s["growth_kb"] < 1024,
                  "figure": f"{s['growth_kb']:+d} KiB ({s['rss_before_kb']} -> {s['rss_after_kb']} KiB)"})
    d["targets"] = t

    best = max(e["requests_per_s"] for e in r["emulator"])
    fastest = max(phase(rep, "threads", k)["calls_per_s"] for rep in cs.values() for k in (1, 2, 4))
    d["emulator_headroom"] = {"emulator_requests_per_s": best, "fastest_contender_calls_per_s": round(fastest, 1),
                              "ratio": round(best / fastest, 2)}
    return d


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
