"""A LiveChat webhook receiver on the standard library's http.server.

    python examples/webhook_receiver.py --secret "$LIVECHAT_WEBHOOK_SECRET" [--port 8080]
    python examples/webhook_receiver.py --self-test

Every POST goes through ``livechat_bots.webhooks.respond``: the body's
``secret_key`` is checked (give ``--secret`` twice while you rotate a key:
both are accepted), the event is normalized whatever API version sent it,
and the handler below prints its action and dedupe key. LiveChat retries a
webhook that is not answered 200 within about 10 s, so one event may come
twice: the handler remembers the dedupe keys it has seen lately and skips a
repeat. The secrets may also come from ``LIVECHAT_WEBHOOK_SECRETS``
(comma-separated).

``--self-test`` starts the receiver on a free port of 127.0.0.1, POSTs a
sample body to it, checks the answer (200, then 401 for a wrong secret) and
that the handler saw the event, and exits 0 (or 1 with the reason).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from livechat_bots.webhooks import (
    DEFAULT_MAX_BODY_BYTES,
    IncomingEvent,
    WebhookEvent,
    WebhookHandler,
    respond,
)


#: Bodies over the cap are read and dropped up to this size; beyond, the
#: connection is closed unread.
DRAIN_LIMIT = 16 << 20


class RecentKeys:
    """The dedupe keys of the last ``size`` events handled (thread-safe)."""

    def __init__(self, size: int = 10_000) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            if len(self._keys) > self._size:
                self._keys.popitem(last=False)
            return True


def make_handler(seen: RecentKeys, log: list[WebhookEvent] | None = None) -> WebhookHandler:
    """The application's part: what to do with each verified event."""

    def handle(event: WebhookEvent) -> None:
        if not seen.first_time(event.dedupe_key):
            print(f"duplicate {event.action} {event.dedupe_key} (already handled)", flush=True)
            return
        line = f"{event.action} {event.dedupe_key}"
        if isinstance(event.payload, IncomingEvent) and event.payload.text is not None:
            line += f" text={event.payload.text!r}"
        print(line, flush=True)
        if log is not None:
            log.append(event)

    return handle


def make_server(
    host: str, port: int, secrets: Sequence[str], handle: WebhookHandler, max_body_bytes: int
) -> ThreadingHTTPServer:
    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            body = b""
            declared = self.headers.get("Content-Length")
            length = int(declared) if declared is not None and declared.isdigit() else 0
            if self.command == "POST" and length <= max_body_bytes:
                body = self.rfile.read(length)
            elif length <= DRAIN_LIMIT:
                # Over the cap (respond() answers 413 from Content-Length) or
                # not a POST: the body is read in chunks and dropped, so that
                # a client still sending gets the answer, not a broken pipe.
                while length > 0 and (chunk := self.rfile.read(min(length, 65536))):
                    length -= len(chunk)
            else:
                self.close_connection = True  # far too large to read at all
            status, answer = respond(self.command, self.headers, body, secrets, handle, max_body_bytes=max_body_bytes)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            if status == 405:
                self.send_header("Allow", "POST")
            self.end_headers()
            self.wfile.write(answer)

        do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the handler prints what matters

    return ThreadingHTTPServer((host, port), Receiver)


SAMPLE = {
    "webhook_id": "0f3a9c5e7b1d4e2a8c6f0b9d7e5a3c1f",
    "secret_key": "self-test-secret",
    "action": "incoming_event",
    "organization_id": "2d6b0e4a-8c1f-4a73-9e5d-7b3c1a9f0e28",
    "payload": {
        "chat_id": "SELFTEST01",
        "thread_id": "SELFTEST02",
        "event": {
            "id": "SELFTEST02_1",
            "type": "message",
            "text": "hello from the self-test",
            "visibility": "all",
            "author_id": "c0ffee00-0000-4000-8000-000000000001",
            "created_at": "2025-01-01T00:00:00.000000Z",
        },
    },
    "additional_data": {"chat_presence_user_ids": ["c0ffee00-0000-4000-8000-000000000001"]},
}


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        e.close()
        return int(e.code)


def self_test() -> int:
    events: list[WebhookEvent] = []
    server = make_server("127.0.0.1", 0, ["self-test-secret"], make_handler(RecentKeys(), events), DEFAULT_MAX_BODY_BYTES)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/livechat/webhooks"
    try:
        body = json.dumps(SAMPLE).encode()
        status = post(url, body)
        if status != 200:
            print(f"self-test: FAILED: the sample body got {status}, not 200", file=sys.stderr)
            return 1
        if len(events) != 1 or events[0].dedupe_key != "incoming_event/SELFTEST01/SELFTEST02_1":
            print(f"self-test: FAILED: the handler saw {events!r}", file=sys.stderr)
            return 1
        wrong = post(url, json.dumps({**SAMPLE, "secret_key": "not-the-secret"}).encode())
        if wrong != 401:
            print(f"self-test: FAILED: a wrong secret got {wrong}, not 401", file=sys.stderr)
            return 1
    finally:
        server.shutdown()
        server.server_close()
    print("self-test: OK")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--secret", action="append", default=[], help="an accepted secret_key (repeat while rotating)")
    ap.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    ap.add_argument("--self-test", action="store_true", help="serve on a free port, POST a sample, check, exit")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test()
    secrets = a.secret or [s for s in os.environ.get("LIVECHAT_WEBHOOK_SECRETS", "").split(",") if s]
    if not secrets:
        ap.error("no secret: give --secret (or set LIVECHAT_WEBHOOK_SECRETS)")
    server = make_server(a.host, a.port, secrets, make_handler(RecentKeys()), a.max_body_bytes)
    print(f"listening on http://{a.host}:{server.server_address[1]}/ ({len(secrets)} secret(s) accepted)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
