#!/usr/bin/env python3
"""The figures users feel first: a script's whole run, sizes, build time.

    python3 benches/feel.py --venv .venv-bench [--runs 10] [--build-time | --no-build-time]

- A script's whole run, from exec to exit: Python (`python -c` importing
  the package, making a client, listing the bots once), ours against
  lc-sdk-python; Go (a binary making a client and listing the bots once,
  API 3.3), ours against one built with lc-sdk-go (benches/go/cmd/script-*).
  Each is run --runs times, the scripts alternating run by run, against one
  emulator process (another process);
  the figures are the medians of the wall time and of the peak RSS
  (ru_maxrss of the child, from wait4, through the small launcher
  benches/c/maxrss.c).
- Sizes: liblivechat_bots.so as built and stripped (a stripped copy),
  liblivechat_bots.a, the Python wheel (`make wheel`, when the Makefile has
  that target: skipped otherwise), a Go hello-world binary linked with our
  package (benches/go/cmd/hello), as built and with -ldflags="-s -w".
- Build: `make demo` in a fresh clone of this repository's HEAD (its own
  target folder; crates already in cargo's cache, so nothing is
  downloaded), wall time. With an empty cargo cache it would also download
  and build every crate from the registry: not measured here.

Prints one JSON document (also written to --out).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/bench"


def log(msg: str) -> None:
    print(f"[feel {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_once(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of cmd, through the small
    launcher target/bench/maxrss (benches/c/maxrss.c): Linux keeps a peak
    RSS across execve, so a command spawned from this Python process would
    start from Python's own."""
    r = subprocess.run([str(BIN / "maxrss"), *cmd], cwd=ROOT, capture_output=True, text=True, env=env)
    fields = r.stdout.split()
    if r.returncode != 0 or len(fields) != 3 or fields[2] != "0":
        raise RuntimeError(f"{cmd} failed: {r.stdout[-200:]} {r.stderr[-1000:]}")
    return int(fields[1]) / 1e6, int(fields[0])


def script_runs(scripts: list[tuple[str, str, list[str], dict[str, str] | None]], runs: int) -> list[dict[str, Any]]:
    """Each script `runs` times, alternating between the scripts run by run
    (so that a burst of load on the shared machine hits them alike)."""
    for _, _, cmd, env in scripts:
        run_once(cmd, env)  # warm the page cache
    walls: dict[str, list[float]] = {name: [] for name, *_ in scripts}
    rss: dict[str, list[int]] = {name: [] for name, *_ in scripts}
    for _ in range(runs):
        for name, _, cmd, env in scripts:
            w, r = run_once(cmd, env)
            walls[name].append(w)
            rss[name].append(r)
    rows = []
    for name, label, cmd, _ in scripts:
        ws = walls[name]
        row = {"name": name, "label": label, "command": " ".join(cmd), "runs": runs,
               "wall_ms_median": round(statistics.median(ws) * 1000, 1), "wall_ms_min": round(min(ws) * 1000, 1),
               "wall_ms_max": round(max(ws) * 1000, 1), "peak_rss_kb_median": round(statistics.median(rss[name]))}
        log(f"{name}: {row['wall_ms_median']} ms, peak RSS {row['peak_rss_kb_median']} KiB")
        rows.append(row)
    return rows


PY_OURS = ("import sys, livechat_bots as lb; c = lb.Client('dev-token', api_version='3.6', base_url=sys.argv[1]); "
           "print(len(c.get_bot_agents()))")
PY_LCSDK = ("import sys; from livechat.configuration.base import ConfigurationApi; "
            "c = ConfigurationApi.get_client(token='Bearer dev-token', version='3.6', disable_logging=True); "
            "c.api_url = sys.argv[1] + '/v3.6/configuration/action'; r = c.list_bots(all=False); "
            "assert r.status_code == 200, r.text; print(len(r.json()))")


def sizes() -> dict[str, Any]:
    so, a = ROOT / "target/release/liblivechat_bots.so", ROOT / "target/release/liblivechat_bots.a"
    out: dict[str, Any] = {"so_bytes": so.stat().st_size, "a_bytes": a.stat().st_size}
    with tempfile.TemporaryDirectory() as tmp:
        stripped = Path(tmp) / "lib.so"
        shutil.copy(so, stripped)
        subprocess.run(["strip", str(stripped)], check=True)
        out["so_stripped_bytes"] = stripped.stat().st_size
        hello = BIN / "hello"
        out["go_hello_bytes"] = hello.stat().st_size if hello.exists() else None
        gomod = BIN / "gomod/go.mod"
        small = Path(tmp) / "hello-sw"
        r = subprocess.run(["go", "build", f"-modfile={gomod}", "-ldflags=-s -w", "-o", str(small), "./cmd/hello"],
                           cwd=ROOT / "benches/go", capture_output=True, text=True, env=dict(os.environ, CGO_ENABLED="1"))
        out["go_hello_sw_bytes"] = small.stat().st_size if r.returncode == 0 else None
    has_wheel = subprocess.run(["make", "-n", "wheel"], cwd=ROOT, capture_output=True).returncode == 0
    out["wheel_bytes"] = None
    out["wheel_note"] = "no `make wheel` target in this tree: skipped"
    if has_wheel:
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run(["make", "wheel"], cwd=ROOT, capture_output=True, text=True)
            wheels = sorted((ROOT / "target").rglob("livechat_bots-*.whl"), key=lambda p: p.stat().st_mtime)
            if r.returncode == 0 and wheels:
                out["wheel_bytes"] = wheels[-1].stat().st_size
                out["wheel_note"] = wheels[-1].name
            else:
                out["wheel_note"] = f"`make wheel` failed: {r.stderr[-300:]}"
    log(f"sizes: {out}")
    return out


def build_time() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lcbot-clone-") as tmp:
        clone = Path(tmp) / "livechat-bots"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("CARGO_TARGET_DIR", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        t0 = time.perf_counter()
        r = subprocess.run(["make", "demo"], cwd=clone, capture_output=True, text=True, env=env)
        secs = time.perf_counter() - t0
        if r.returncode != 0:
            raise RuntimeError(f"make demo failed in a fresh clone: {r.stderr[-1500:]}")
    log(f"make demo in a fresh clone: {secs:.0f} s")
    return {"make_demo_s": round(secs, 1), "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                                                    capture_output=True, text=True).stdout.strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--venv", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--build-time", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--keep-build", action="store_true", help="keep the build figure of the existing --out file instead of measuring it")
    ap.add_argument("--out", default=str(ROOT / "benches/results/feel.json"))
    a = ap.parse_args()
    py = str(Path(a.venv) / "bin/python")

    emu = subprocess.Popen([str(ROOT / "target/release/livechat-bots"), "emulator"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    assert emu.stdout is not None
    url = emu.stdout.readline().strip()
    doc: dict[str, Any] = {"runs": a.runs, "scripts": [], "skipped": []}
    try:
        # A few bots to list, as a script would find.
        boot = [py, "-c", "import sys, livechat_bots as lb; c = lb.Client('dev-token', api_version='3.6', base_url=sys.argv[1]); "
                "[c.create_bot_agent(f'bot-{i}', max_chats_count=2) for i in range(3)]", url]
        subprocess.run(boot, cwd=ROOT, check=True)
        env = {k: v for k, v in os.environ.items() if k != "LIVECHAT_BOTS_LIB"}
        scripts: list[tuple[str, str, list[str], dict[str, str] | None]] = [
            ("python-ours", "Python: livechat_bots (ours)", [py, "-c", PY_OURS, url], env),
            ("python-lc-sdk", "Python: lc-sdk-python 0.4.2", [py, "-c", PY_LCSDK, url], env),
            ("go-ours", "Go: livechatbots (ours), API 3.3", [str(BIN / "script-ours"), url], None),
        ]
        if (BIN / "script-lcsdk").exists():
            scripts.append(("go-lc-sdk", "Go: lc-sdk-go v3.0.1, API 3.3", [str(BIN / "script-lcsdk"), url], None))
        else:
            doc["skipped"].append("Go: lc-sdk-go (not built: ../shared/peers/lc-sdk-go-v3 absent)")
        doc["scripts"] = script_runs(scripts, a.runs)
    finally:
        emu.terminate()
        emu.wait()
    doc["sizes"] = sizes()
    previous = json.loads(Path(a.out).read_text()) if Path(a.out).exists() else {}
    if a.keep_build and previous.get("build"):
        doc["build"] = previous["build"] | {"kept_from_an_earlier_run": True}
    else:
        doc["build"] = build_time() if a.build_time else None
    Path(a.out).write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
