"""The echo bot of examples/echo_bot.py, whole, against the emulator: the
emulator delivers its webhooks, the bot answers, the customer reads the
transcript. Also Emulator.deliveries(), the delivery log."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from livechat_bots import Client, Delivery, DeliveryLog, DeliveryTry, Emulator, Group, Priority, WebhookAction, Webhooks

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "echo_bot.py"
TEXTS = ["Hello!", "Where is my order?", "Thanks, bye"]
VERSIONS = ["3.0", "3.2", "3.6"]


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("echo_bot_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


echo_bot = _load_example()


def settled(emu: Emulator, count: int, timeout: float = 10.0) -> DeliveryLog:
    """The delivery log once it has ``count`` deliveries and none is pending
    (or the deadline passed). A delivery shows in the log once the emulator
    starts sending it, not when it is planned: waiting for none pending
    alone could return before the last one started."""
    deadline = time.monotonic() + timeout
    while True:
        log = emu.deliveries()
        if (len(log) >= count and log.pending == 0) or time.monotonic() > deadline:
            return log
        time.sleep(0.005)


def expected(version: str, duplicates: int = 0) -> int:
    """The deliveries of the conversation: incoming_chat and two
    incoming_event, and on v3.0 (no filters) one for each of the three echoes."""
    return (6 if version == "3.0" else 3) + duplicates


class Running:
    """An emulator, a client and the example's bot; ``seen`` counts the
    events the receiver verified, by dedupe key."""

    def __init__(self, emu: Emulator, echo: Any) -> None:
        self.emu = emu
        self.echo = echo
        self.bot_id: str = echo.bot.bot_agent_id
        self.seen: Counter[str] = Counter()
        handle = echo.handle

        def counting(event: Any) -> None:
            self.seen[event.dedupe_key] += 1
            handle(event)

        echo.handle = counting  # the receiver looks the handler up on each request


@contextmanager
def running(version: str, config: Mapping[str, Any] | None = None) -> Iterator[Running]:
    with Emulator(config) as emu, Client("dev-token", api_version=version, base_url=emu.url) as client:
        with echo_bot.run_echo_bot(client, client_id="dev-client", organization_id=emu.organization_id) as echo:
            yield Running(emu, echo)


def customer_events(log: DeliveryLog) -> list[Delivery]:
    """The incoming_event deliveries of customer messages (v3.0 has no
    author_type filter: the bot hears of its own messages too). The first
    message comes with the chat, in incoming_chat."""
    return [d for d in log.of("incoming_event") if not str(d.payload["event"]["text"]).startswith("echo: ")]


def chat_deliveries(log: DeliveryLog) -> list[Delivery]:
    return [d for d in log if d.action in ("incoming_chat", "incoming_chat_thread")]


def assert_echoed_once(run: Running, log: DeliveryLog) -> None:
    chat = run.emu.chats()[0]
    assert chat.texts() == [pair for text in TEXTS for pair in (("customer", text), ("bot", f"echo: {text}"))]
    assert [e.author_id for e in chat.transcript if e.author_type == "bot"] == [run.bot_id] * 3
    assert log.pending == 0 and log.failed == 0 and log.refused == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_three_messages_three_echoes(version: str) -> None:
    with running(version) as run:
        chat = echo_bot.play_customer(run.emu, TEXTS)
        log = settled(run.emu, expected(version))
        assert echo_bot.echoes(chat) == [f"echo: {t}" for t in TEXTS]
        assert_echoed_once(run, log)
    assert {d.version for d in log} == {version}
    assert all(d.state == "delivered" and len(d.tries) == 1 and d.tries[0].status == 200 for d in log)
    assert all(d.body["secret_key"] == "[redacted]" and d.bot_id == run.bot_id for d in log)
    assert log.delivered == len(log) and log.retried == 0
    (started,) = chat_deliveries(log)
    assert started.action == ("incoming_chat_thread" if version == "3.0" else "incoming_chat")
    assert [d.payload["event"]["text"] for d in customer_events(log)] == TEXTS[1:]
    # v3.0 has no filters: the bot is told of its own echoes too, and ignores them.
    assert len(log.of("incoming_event")) == (5 if version == "3.0" else 2)
    assert sum(run.seen.values()) == len(log)


def converse_with_fault(run: Running, fault: str, version: str) -> DeliveryLog:
    """The customer's conversation, with ``fault`` on the delivery of the
    second message (the first comes with the chat, in incoming_chat; the
    fault is queued once that one is delivered, so that on v3.0 it does not
    hit the delivery of the bot's own first echo)."""
    chat_id = run.emu.start_chat(group_id=0, text=TEXTS[0]).chat_id
    deadline = time.monotonic() + 10
    for i, text in enumerate(TEXTS):
        if i > 0:
            run.emu.send_message(chat_id, text)
        while len(echo_bot.echoes(run.emu.chat(chat_id))) <= i and time.monotonic() < deadline:
            time.sleep(0.005)
        if i == 0:
            settled(run.emu, 2 if version == "3.0" else 1)
            run.emu.inject({"action": "incoming_event", fault: True})
    return settled(run.emu, expected(version, 1 if fault == "duplicate_delivery" else 0))


@pytest.mark.parametrize("version", VERSIONS)
def test_lost_answer_is_retried_and_answered_once(version: str) -> None:
    with running(version, {"webhook_backoff_ms": 5}) as run:
        log = converse_with_fault(run, "lost_answer", version)
        assert_echoed_once(run, log)
    first = customer_events(log)[0]
    assert first.payload["event"]["text"] == TEXTS[1]
    assert first.state == "delivered" and first.retried and len(first.tries) == 2
    assert first.tries[0].status == 200 and not first.tries[0].ok  # answered, yet counted as lost
    assert first.tries[1].ok
    assert log.retried == 1 and sum(d.retried for d in log) == 1
    # The receiver saw that message twice and answered it once.
    assert sorted(run.seen.values()) == [1] * (len(run.seen) - 1) + [2]
    assert not any(d.duplicate for d in log)


@pytest.mark.parametrize("version", VERSIONS)
def test_duplicate_delivery_is_answered_once(version: str) -> None:
    with running(version, {"webhook_backoff_ms": 5}) as run:
        log = converse_with_fault(run, "duplicate_delivery", version)
        assert_echoed_once(run, log)
    copies = [d for d in customer_events(log) if d.payload["event"]["text"] == TEXTS[1]]
    assert [d.duplicate for d in copies] == [False, True]
    assert all(d.state == "delivered" for d in copies) and copies[0].body == copies[1].body
    assert len(customer_events(log)) == 3
    assert sorted(run.seen.values()) == [1] * (len(run.seen) - 1) + [2]
    assert log.retried == 0


def test_a_burst_of_messages_is_answered() -> None:
    """The customer does not wait for the echoes: every message is answered
    once, in order (the emulator delivers one chat's events to one receiver
    one at a time, in the order they happened)."""
    with running("3.6") as run:
        chat_id = run.emu.start_chat(group_id=0, text="m0").chat_id
        for i in range(1, 10):
            run.emu.send_message(chat_id, f"m{i}")
        deadline = time.monotonic() + 10
        while len(echo_bot.echoes(run.emu.chat(chat_id))) < 10 and time.monotonic() < deadline:
            time.sleep(0.005)
        echoes = echo_bot.echoes(run.emu.chat(chat_id))
    assert echoes == [f"echo: m{i}" for i in range(10)]


def test_example_runs_as_a_program() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LIVECHAT_TOKEN", "LIVECHAT_API_VERSION")}
    env["LCBOT_EMULATOR_CONFIG"] = '{"webhook_backoff_ms": 5, "faults": [{"action": "incoming_event", "lost_answer": true}]}'
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60, cwd=EXAMPLE.parent
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"echo bot [0-9a-f]{32} online on API v3\.6, webhooks to http://127\.0\.0\.1:\d+/webhook", lines[0])
    assert re.fullmatch(r"transcript of chat \w+:", lines[1])
    assert lines[2:] == [
        "  customer Hello!",
        "  bot      echo: Hello!",
        "  customer Where is my order?",
        "  bot      echo: Where is my order?",
        "  customer Thanks, bye",
        "  bot      echo: Thanks, bye",
        "webhook deliveries: 3 delivered, 1 retried",
    ]
    assert done.stderr == ""


def test_example_on_livechat_needs_its_settings() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVECHAT_", "ECHO_BOT_"))}
    env["LIVECHAT_TOKEN"] = "not-a-real-token"
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "LIVECHAT_CLIENT_ID, LIVECHAT_ORGANIZATION_ID, ECHO_BOT_PUBLIC_URL" in done.stderr
    assert "not-a-real-token" not in done.stdout + done.stderr


# -- the delivery log --------------------------------------------------------------


@contextmanager
def receiver(status: int) -> Iterator[str]:
    """A webhook receiver on 127.0.0.1 that answers every POST with ``status``."""

    class Answer(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook"
    finally:
        server.shutdown()
        server.server_close()


def bot_with_webhook(emu: Emulator, url: str) -> None:
    """A v3.2 bot accepting chats in group 0 whose incoming_chat webhook goes to ``url``; a chat for it."""
    with Client("dev-token", api_version="3.2", base_url=emu.url) as client:
        hooks = Webhooks(url, "s3cr3t-key", [WebhookAction("incoming_chat")])
        client.create_bot_agent("B", "accepting chats", groups=[Group(0, Priority.FIRST)], webhooks=hooks)
    emu.start_chat(group_id=0, text="Hi")


def test_deliveries_failed_after_every_try() -> None:
    config = {"webhook_tries": 2, "webhook_backoff_ms": 1, "webhook_timeout_ms": 2000}
    with Emulator(config) as emu, receiver(503) as url:
        bot_with_webhook(emu, url)
        log = settled(emu, 1)
    assert (log.failed, log.delivered, log.retried, len(log)) == (1, 0, 1, 1)
    (delivery,) = log
    assert delivery.state == "failed" and delivery.url == url and delivery.action == "incoming_chat"
    assert [(t.attempt, t.status, t.ok) for t in delivery.tries] == [(1, 503, False), (2, 503, False)]
    assert all(t.duration_ms is not None and t.time_ms is not None for t in delivery.tries)
    assert "s3cr3t-key" not in repr(delivery.raw) and "s3cr3t-key" not in repr(log)


def test_deliveries_to_a_remote_host_are_refused() -> None:
    with Emulator({"webhook_backoff_ms": 1}) as emu:
        bot_with_webhook(emu, "http://192.0.2.1/hook")  # not loopback
        log = settled(emu, 1)
    assert (log.refused, len(log)) == (1, 1)
    assert log[0].state == "refused" and log[0].tries == () and "loopback" in str(log[0].error)


def test_delivery_log_keeps_unknown_fields_and_counts_when_absent() -> None:
    entry = {
        "seq": 1,
        "time_ms": 5,
        "webhook_id": "w",
        "bot_id": "b",
        "action": "incoming_event",
        "version": "3.6",
        "url": "http://127.0.0.1:1/",
        "duplicate": False,
        "state": "delivered",
        "tries": [
            {"attempt": 1, "time_ms": 6, "status": 200, "error": "answer lost", "duration_ms": 0.5},
            {"attempt": 2, "time_ms": 9, "status": 204, "error": None, "duration_ms": 0.25, "new": 1},
        ],
        "body": {"payload": {"chat_id": "C"}},
        "later_field": [1],
    }
    log = DeliveryLog.from_dict({"deliveries": [entry, {**entry, "seq": 2, "state": "pending", "tries": []}]})
    assert (log.delivered, log.pending, log.failed, log.refused, log.retried) == (1, 1, 0, 0, 1)
    assert log[0].raw["later_field"] == [1] and log[0].tries[1].raw["new"] == 1
    assert log[0].tries == (
        DeliveryTry(1, 6, 200, "answer lost", 0.5),
        DeliveryTry(2, 9, 204, None, 0.25),
    )
    assert [t.ok for t in log[0].tries] == [False, True] and log[0].payload == {"chat_id": "C"}
    # The library's counts win when it gives them.
    counted = DeliveryLog.from_dict({"deliveries": [entry], "delivered": 7, "retried": 3, "future": True})
    assert (counted.delivered, counted.retried, counted.pending) == (7, 3, 0) and counted.raw["future"] is True
    assert counted.summary() == "deliveries: 1 (7 delivered, 0 failed, 0 pending, 0 refused; 3 retried)"


def test_client_tells_its_api_version() -> None:
    with Client("dev-token", api_version="3.2", base_url="http://127.0.0.1:9") as client:
        assert client.api_version == "3.2"
