"""Verified webhooks per second through ``livechat_bots.webhooks.verify``.

    python benches/python/bench_webhooks.py [--n 20000] [--rounds 5] [--warmup 1000]

The body is a typical ``incoming_event`` (a v3.6 message of 654 bytes, the
same body as the Rust core's ``webhooks_core`` bench), checked against two
secrets (a rotation in progress) and read into a ``WebhookEvent`` with its
typed ``IncomingEvent`` payload. For scale it also times the C call alone
(``lcbot_webhook_verify`` through ctypes, the result read and freed, not
parsed) and ``json.loads`` of the body alone. Rounds are timed one after
another; the figures are each round's median.

Prints a table on stderr and one JSON document on stdout:
``{"contender": "python", "body_bytes", "n", "rounds", "verified_per_s",
"us_per_body", "rounds_per_s", "c_call_per_s", "json_loads_per_s"}``.
No assertion: a measurement.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import statistics
import sys
import time
from collections.abc import Callable

from livechat_bots import LIBRARY_VERSION, _ffi
from livechat_bots.webhooks import IncomingEvent, verify

BODY = (
    b'{"webhook_id":"5d2c8a0f1e6b4c79b3a8d4e2f0c1b756","secret_key":"rotated-new-key","action":"incoming_event",'
    b'"organization_id":"0b8e5f21-c6a4-4d39-b7e2-5f1a9c3d8e64","payload":{"chat_id":"TF2W9KCJ8M",'
    b'"thread_id":"TF2W9KCJ9N","event":{"id":"TF2W9KCJ9N_7","custom_id":"msg-4f1c2a",'
    b'"created_at":"2025-02-18T09:17:02.114000Z","visibility":"all","type":"message",'
    b'"text":"Hi! Where is my order 4712? It was supposed to arrive yesterday.",'
    b'"author_id":"c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607"}},"additional_data":{"chat_presence_user_ids":'
    b'["c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607","8d3f1e2a9b4c5d6e7f80a1b2c3d4e5f6"],'
    b'"chat_properties":{"routing":{"continuous":false}}}}'
)
SECRETS = ["rotated-new-key", "rotated-old-key"]


def rate(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000, help="bodies per round")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1_000)
    a = ap.parse_args()

    event = verify(BODY, SECRETS)
    if not isinstance(event.payload, IncomingEvent):  # pragma: no cover - a broken build
        sys.exit(f"unexpected payload: {event.payload!r}")

    def full() -> object:
        return verify(BODY, SECRETS)

    secrets_json = json.dumps(SECRETS).encode()
    fn = _ffi.lib.lcbot_webhook_verify

    def c_only() -> object:
        out = ctypes.c_void_p()
        status = fn(secrets_json, BODY, len(BODY), None, ctypes.byref(out))
        text = ctypes.string_at(out.value) if out.value else None
        _ffi.lib.lcbot_string_free(out.value)
        return status, text

    def loads() -> object:
        return json.loads(BODY)

    for f in (full, c_only, loads):
        rate(f, a.warmup)
    rounds: dict[str, list[float]] = {"full": [], "c": [], "loads": []}
    for _ in range(a.rounds):
        rounds["full"].append(rate(full, a.n))
        rounds["c"].append(rate(c_only, a.n))
        rounds["loads"].append(rate(loads, a.n))
    med = {k: statistics.median(v) for k, v in rounds.items()}

    report = {
        "contender": "python",
        "library_version": LIBRARY_VERSION,
        "python": sys.version.split()[0],
        "body_bytes": len(BODY),
        "n": a.n,
        "rounds": a.rounds,
        "verified_per_s": round(med["full"]),
        "us_per_body": round(1e6 / med["full"], 3),
        "rounds_per_s": [round(r) for r in rounds["full"]],
        "c_call_per_s": round(med["c"]),
        "json_loads_per_s": round(med["loads"]),
    }
    err = sys.stderr
    print(f"{len(BODY)}-byte incoming_event, {a.n} per round, median of {a.rounds} rounds", file=err)
    print(f"{'':44}{'per s':>10}{'us each':>10}", file=err)
    for label, key in (
        ("verify() -> WebhookEvent (typed payload)", "full"),
        ("lcbot_webhook_verify through ctypes only", "c"),
        ("json.loads(body) alone, for scale", "loads"),
    ):
        print(f"{label:44}{med[key]:>10.0f}{1e6 / med[key]:>10.2f}", file=err)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
