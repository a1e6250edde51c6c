"""webhooks.serve: a receiver on 127.0.0.1 that answers each POST as
webhooks.respond does and hands verified events to the handler."""

from __future__ import annotations

import urllib.error
import urllib.request

from livechat_bots import webhooks
from livechat_bots.webhooks import WebhookEvent
from test_webhooks import SECRET, incoming_event_body


def post(port: int, body: bytes, method: str = "POST") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/hook", data=body, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def test_the_receiver_answers_as_respond_does() -> None:
    seen: list[WebhookEvent] = []
    server = webhooks.serve([SECRET], seen.append, max_body_bytes=4096)
    try:
        port = server.server_port
        assert post(port, incoming_event_body()) == 200
        assert [e.action for e in seen] == ["incoming_event"]
        assert post(port, incoming_event_body(secret="wrong-secret")) == 401
        assert post(port, incoming_event_body(text="x" * 5000)) == 413
        assert post(port, b"", method="PUT") == 501  # http.server answers what it has no handler for
        assert len(seen) == 1
    finally:
        server.shutdown()
        server.server_close()
