#!/usr/bin/env python3
"""Release-profile variants side by side: build time, library size, CPU per call.

    python3 benches/release_profile.py [--variants base,thin,fat,fat-cgu1,cgu1] [--n 5000] [--rounds 5]

Each variant is the crate's library built from scratch (dependencies
included: a profile setting applies to every crate) in its own target
directory, target/profile-<variant>, with the release profile changed
through cargo's CARGO_PROFILE_RELEASE_* variables (Cargo.toml is not
touched). For each: the wall time of `cargo build --release --lib` (crates
already downloaded), the sizes of liblivechat_bots.so as built and after
`strip`, and of liblivechat_bots.a, and the C ABI's client CPU per
`get_bot_agent_details` call: benches/c/bench_c.c built against that
variant's .so, every variant in each round against one emulator process,
the median of the rounds. Writes benches/results/release-profile.json;
benches/report.py puts it in BENCHMARKS.md. Not part of `make bench` (it
compiles the dependency tree once per variant: about 2 to 5 minutes each
on the 2-core machine); run with `make bench-release-profile`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

VARIANTS: dict[str, dict[str, str]] = {
    "base": {},
    "thin": {"CARGO_PROFILE_RELEASE_LTO": "thin"},
    "fat": {"CARGO_PROFILE_RELEASE_LTO": "fat"},
    "cgu1": {"CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1"},
    "fat-cgu1": {"CARGO_PROFILE_RELEASE_LTO": "fat", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1"},
}


def log(msg: str) -> None:
    print(f"[release-profile {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build(name: str, env_extra: dict[str, str], reuse: bool) -> dict[str, Any]:
    target = ROOT / "target" / f"profile-{name}"
    saved = target / "build.json"
    if reuse and saved.exists():
        row = json.loads(saved.read_text())
        so = target / "release/liblivechat_bots.so"
        soname = subprocess.run(["objdump", "-p", str(so)], capture_output=True, text=True, check=True).stdout.split("SONAME", 1)[1].split()[0]
        if not (so.parent / soname).exists():
            (so.parent / soname).symlink_to(so.name)
        log(f"{name}: reusing the build of {row['built_utc']} ({row['build_s']:.0f} s)")
        return row
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), **env_extra)
    t0 = time.monotonic()
    subprocess.run(["cargo", "build", "--release", "--lib", "--quiet"], cwd=ROOT, env=env, check=True)
    secs = time.monotonic() - t0
    so, a = target / "release/liblivechat_bots.so", target / "release/liblivechat_bots.a"
    stripped = target / "liblivechat_bots.stripped.so"
    shutil.copy(so, stripped)
    subprocess.run(["strip", str(stripped)], check=True)
    # The program links against the soname (liblivechat_bots.so.<ABI>), as `make build` provides.
    soname = subprocess.run(["objdump", "-p", str(so)], capture_output=True, text=True, check=True).stdout.split("SONAME", 1)[1].split()[0]
    link = so.parent / soname
    if not link.exists():
        link.symlink_to(so.name)
    bench = target / "bench_c"
    subprocess.run(["cc", "-O2", "-std=c11", "-Iinclude", "-Ibenches/c", "benches/c/bench_c.c", "-o", str(bench), "-pthread",
                    f"-L{target / 'release'}", "-llivechat_bots", f"-Wl,-rpath,{target / 'release'}"], cwd=ROOT, check=True)
    row = {"variant": name, "settings": env_extra, "build_s": round(secs, 1), "so_bytes": so.stat().st_size,
           "so_stripped_bytes": stripped.stat().st_size, "a_bytes": a.stat().st_size, "bench": str(bench),
           "built_utc": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
           "load_average_after": os.getloadavg()[0]}
    saved.write_text(json.dumps(row) + "\n")
    log(f"{name}: built in {secs:.0f} s, .so {row['so_bytes']:,} B ({row['so_stripped_bytes']:,} stripped), .a {row['a_bytes']:,} B")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "benches/results/release-profile.json"))
    ap.add_argument("--keep", action="store_true", help="keep the target/profile-* folders")
    ap.add_argument("--reuse", action="store_true", help="reuse a variant already built and kept (its build.json)")
    a = ap.parse_args()
    names = [v for v in a.variants.split(",") if v]
    rows = [build(n, VARIANTS[n], a.reuse) for n in names]

    emu = subprocess.Popen([str(ROOT / "target/release/livechat-bots"), "emulator"], stdout=subprocess.PIPE, text=True)
    assert emu.stdout is not None
    url = emu.stdout.readline().strip()
    try:
        cpu: dict[str, list[float]] = {r["variant"]: [] for r in rows}
        rate: dict[str, list[float]] = {r["variant"]: [] for r in rows}
        for k in range(a.rounds):
            for r in rows:
                out = subprocess.run([r["bench"], "--url", url, "--n", str(a.n), "--mixed", "0", "--threads", "", "--thread-n", "0",
                                      "--soak", "0", "--warmup", "300"], capture_output=True, text=True, check=True).stdout
                ph = json.loads(out.strip().splitlines()[-1])["phases"][0]
                cpu[r["variant"]].append(ph["cpu_us_per_call"])
                rate[r["variant"]].append(ph["calls_per_s"])
            log(f"round {k + 1}: " + ", ".join(f"{v} {cpu[v][-1]:.1f} us" for v in cpu))
    finally:
        emu.terminate()
        emu.wait()
    for r in rows:
        r["cpu_us_per_call"] = round(statistics.median(cpu[r["variant"]]), 1)
        r["cpu_rounds"] = cpu[r["variant"]]
        r["calls_per_s"] = round(statistics.median(rate[r["variant"]]))
        r.pop("bench", None)
        if not a.keep:
            shutil.rmtree(ROOT / "target" / f"profile-{r['variant']}", ignore_errors=True)
    doc = {"generated_utc": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "n": a.n, "rounds": a.rounds,
           "command": "python3 benches/release_profile.py " + " ".join(sys.argv[1:]), "variants": rows}
    Path(a.out).write_text(json.dumps(doc, indent=2) + "\n")
    log(f"wrote {a.out}")


if __name__ == "__main__":
    main()
