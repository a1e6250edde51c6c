"""Webhooks: verify() on every fixture body (v3.0-v3.6), secrets, size cap,
pass-through, dedupe keys, respond() behind a real http.server, and
examples/webhook_receiver.py --self-test.

The bodies are tests/fixtures/webhooks/v3.x/<action>.json of the repository
(three levels up from this file); an installed-wheel run, where they are not
beside the tests, skips the tests that need them.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import livechat_bots
from livechat_bots import (
    BodyTooLargeError,
    InvalidJsonError,
    InvalidUtf8Error,
    LiveChatBotsError,
    SecretMismatchError,
    ValidationError,
)
from livechat_bots.webhooks import (
    DEFAULT_MAX_BODY_BYTES,
    RENAMED_ACTIONS,
    TYPED_PAYLOADS,
    ChatDeactivated,
    ChatTransferred,
    EventUpdated,
    IncomingChat,
    IncomingEvent,
    IncomingRichMessagePostback,
    RoutingStatusSet,
    UserAddedToChat,
    UserRemovedFromChat,
    WebhookEvent,
    respond,
    verify,
)

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "webhooks"
RECEIVER = REPO / "examples" / "webhook_receiver.py"
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"no webhook fixtures at {FIXTURES}")

SECRET = "dummy_key"  # what every fixture body carries

# The renames of API v3.2, written out here so that the tests do not take
# the library's word for them.
EXPECTED_RENAMES = {
    "incoming_chat_thread": "incoming_chat",
    "thread_closed": "chat_deactivated",
    "agent_status_changed": "routing_status_set",
    "chat_user_added": "user_added_to_chat",
    "chat_user_removed": "user_removed_from_chat",
    "access_granted": "chat_access_granted",
    "access_revoked": "chat_access_revoked",
    "chat_thread_properties_updated": "thread_properties_updated",
    "chat_thread_properties_deleted": "thread_properties_deleted",
    "chat_thread_tagged": "thread_tagged",
    "chat_thread_untagged": "thread_untagged",
}


def test_renamed_actions_are_the_cores_table() -> None:
    assert dict(RENAMED_ACTIONS) == EXPECTED_RENAMES

TYPES: dict[str, type[Any]] = {
    "incoming_chat": IncomingChat,
    "incoming_event": IncomingEvent,
    "event_updated": EventUpdated,
    "incoming_rich_message_postback": IncomingRichMessagePostback,
    "chat_deactivated": ChatDeactivated,
    "chat_transferred": ChatTransferred,
    "routing_status_set": RoutingStatusSet,
    "user_added_to_chat": UserAddedToChat,
    "user_removed_from_chat": UserRemovedFromChat,
}

#: The actions each of the project's own sets must have (bot_created from v3.4).
REQUIRED_34_PLUS = {
    "incoming_chat",
    "incoming_event",
    "event_updated",
    "incoming_rich_message_postback",
    "chat_deactivated",
    "chat_transferred",
    "routing_status_set",
    "user_added_to_chat",
    "user_removed_from_chat",
    "chat_access_updated",
    "bot_created",
}


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("v3.*/*.json")) if FIXTURES.is_dir() else []


def load(version: str, action: str) -> dict[str, Any]:
    doc = json.loads((FIXTURES / f"v{version}" / f"{action}.json").read_bytes())
    assert isinstance(doc, dict)
    return doc


def encode(doc: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**doc, **changes}).encode("utf-8")


def incoming_event_body(secret: str = SECRET, event_id: str = "K1_3", text: str = "hello", **extra: Any) -> bytes:
    return encode(
        {
            "webhook_id": "b1d2c3e4f5a60718293a4b5c6d7e8f90",
            "secret_key": secret,
            "action": "incoming_event",
            "organization_id": "8f0e2d4c-6b1a-4978-a5c3-1e2d3c4b5a69",
            "payload": {
                "chat_id": "C1",
                "thread_id": "K1",
                "event": {"id": event_id, "type": "message", "text": text, "visibility": "all", "author_id": "u1"},
            },
            "additional_data": {},
        },
        **extra,
    )


# -- every fixture ------------------------------------------------------------


@needs_fixtures
def test_the_fixture_sets_are_complete() -> None:
    for version in ("3.4", "3.5", "3.6"):
        have = {p.stem for p in (FIXTURES / f"v{version}").glob("*.json")}
        assert REQUIRED_34_PLUS <= have, f"v{version} lacks {sorted(REQUIRED_34_PLUS - have)}"
    assert {p.stem for p in (FIXTURES / "v3.0").glob("*.json")} >= {"incoming_chat_thread", "incoming_event", "thread_closed"}
    for path in fixture_files():
        assert json.loads(path.read_bytes())["action"] == path.stem, f"{path}: named after another action"


@needs_fixtures
@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fixture_verifies_with_its_normalized_action_and_payload(path: Path) -> None:
    body = json.loads(path.read_bytes())
    version = path.parent.name
    event = verify(path.read_bytes(), [SECRET])

    assert event.action_as_sent == body["action"]
    assert event.action == EXPECTED_RENAMES.get(body["action"], body["action"])
    assert event.webhook_id == body["webhook_id"]
    sent_payload = body["data"] if version == "v3.0" else body["payload"]
    assert event.raw["payload"] == sent_payload
    assert "data" not in event.raw and "secret_key" not in event.raw
    assert SECRET not in json.dumps(event.raw)
    assert event.additional_data == body.get("additional_data", {})
    assert event.dedupe_key.startswith(event.action + "/")

    typed = TYPES.get(event.action)
    if typed is None:
        assert type(event.payload) is dict and event.payload == sent_payload
    else:
        assert type(event.payload) is typed, f"{path}: {type(event.payload).__name__}"
        assert not isinstance(event.payload, dict)
        assert event.payload.raw == sent_payload
        check_typed(event.payload, sent_payload)

    if version in ("v3.0", "v3.1"):
        assert event.license_id is None and event.organization_id is None
    elif version in ("v3.2", "v3.3"):
        assert event.license_id == body["license_id"] and isinstance(event.license_id, int)
        assert event.organization_id is None
    else:
        assert event.license_id is None
        assert str(uuid.UUID(event.organization_id or "")) == body["organization_id"]


def check_typed(p: Any, sent: dict[str, Any]) -> None:
    """The typed payload's fields against the body's payload."""
    if isinstance(p, IncomingChat):
        chat = sent["chat"]
        assert (p.chat_id, p.thread_id) == (chat["id"], chat["thread"]["id"])
        assert list(p.users) == chat["users"] and p.chat == chat
        assert list(p.events) == chat["thread"].get("events", [])
        assert p.thread == chat["thread"]
    elif isinstance(p, (IncomingEvent, EventUpdated)):
        assert (p.chat_id, p.thread_id, p.event) == (sent["chat_id"], sent["thread_id"], sent["event"])
        assert p.event_id == sent["event"]["id"] and p.event_type == sent["event"]["type"]
        assert p.visibility == sent["event"].get("visibility", sent["event"].get("recipients"))
    elif isinstance(p, IncomingRichMessagePostback):
        assert (p.chat_id, p.thread_id, p.event_id, p.user_id) == (
            sent["chat_id"],
            sent["thread_id"],
            sent["event_id"],
            sent["user_id"],
        )
        assert (p.postback.id, p.postback.toggled, p.postback.raw) == (
            sent["postback"]["id"],
            sent["postback"]["toggled"],
            sent["postback"],
        )
    elif isinstance(p, ChatDeactivated):
        assert (p.chat_id, p.thread_id, p.user_id) == (sent["chat_id"], sent["thread_id"], sent.get("user_id"))
    elif isinstance(p, ChatTransferred):
        assert (p.chat_id, p.thread_id, p.reason, p.requester_id) == (
            sent["chat_id"],
            sent.get("thread_id"),
            sent.get("reason"),
            sent.get("requester_id"),
        )
        assert list(p.transferred_to.agent_ids) == sent["transferred_to"].get("agent_ids", [])
        assert list(p.transferred_to.group_ids) == sent["transferred_to"].get("group_ids", [])
        assert p.queue == sent.get("queue")
    elif isinstance(p, RoutingStatusSet):
        assert (p.agent_id, p.status) == (sent["agent_id"], sent["status"])
    elif isinstance(p, (UserAddedToChat, UserRemovedFromChat)):
        assert (p.chat_id, p.thread_id) == (sent["chat_id"], sent.get("thread_id"))
        user_id = sent.get("user_id") or sent["user"]["id"]
        assert p.user_id == user_id and p.user == sent.get("user")
        assert p.reason == sent.get("reason") and p.requester_id == sent.get("requester_id")
    else:  # pragma: no cover
        raise AssertionError(type(p))


@needs_fixtures
@pytest.mark.parametrize("version", ["3.4", "3.5", "3.6"])
def test_v34_plus_bodies_say_visibility_and_chat_presence(version: str) -> None:
    event = verify(json.dumps(load(version, "incoming_event")).encode(), [SECRET])
    assert isinstance(event.payload, IncomingEvent)
    assert event.payload.event["visibility"] == "all" and "recipients" not in event.payload.event
    assert event.additional_data["chat_presence_user_ids"]
    assert isinstance(event.organization_id, str) and event.license_id is None


@needs_fixtures
def test_v30_bodies_carry_the_event_under_data() -> None:
    chat = verify((FIXTURES / "v3.0" / "incoming_chat_thread.json").read_bytes(), [SECRET])
    assert (chat.action, chat.action_as_sent) == ("incoming_chat", "incoming_chat_thread")
    assert isinstance(chat.payload, IncomingChat) and chat.payload.chat_id == "QC3M8PLD0F"
    closed = verify((FIXTURES / "v3.0" / "thread_closed.json").read_bytes(), [SECRET])
    assert (closed.action, closed.action_as_sent) == ("chat_deactivated", "thread_closed")
    assert isinstance(closed.payload, ChatDeactivated) and closed.payload.thread_id == "QC3M8PLD1G"
    event = verify((FIXTURES / "v3.0" / "incoming_event.json").read_bytes(), [SECRET])
    assert isinstance(event.payload, IncomingEvent) and event.payload.visibility == "all"
    assert event.dedupe_key == "incoming_event/QC3M8PLD0F/QC3M8PLD1G_2"


def test_every_typed_action_is_in_the_table() -> None:
    assert set(TYPED_PAYLOADS) == set(TYPES)


# -- secrets ------------------------------------------------------------------


def test_secret_rotation_accepts_each_listed_secret_and_no_other() -> None:
    for secret in ("new-key-2025", "old-key-2024"):
        assert verify(incoming_event_body(secret), ["new-key-2025", "old-key-2024"]).action == "incoming_event"
    for wrong in ("new-key-202", "old-key-20244", "", "NEW-KEY-2025"):
        with pytest.raises(SecretMismatchError):
            verify(incoming_event_body(wrong), ["new-key-2025", "old-key-2024"])


def test_a_wrong_secret_names_no_secret() -> None:
    accepted = ["Accepted-Secret-Alpha-8c1e", "Accepted-Secret-Beta-77d0"]
    received = "Received-Secret-Gamma-3f9a"
    with pytest.raises(SecretMismatchError) as info:
        verify(incoming_event_body(received), accepted)
    e = info.value
    assert (e.code, e.status) == ("secret_mismatch", 11)
    assert isinstance(e, LiveChatBotsError)
    shown = " ".join([str(e), repr(e), e.message, repr(e.args), repr(pickle.loads(pickle.dumps(e)))])
    for secret in (*accepted, received):
        assert secret not in shown
        assert secret[:12] not in shown


@pytest.mark.parametrize(
    "change",
    [{"secret_key": None}, {"secret_key": 12345}, {"secret_key": ["dummy_key"]}],
    ids=["null", "number", "list"],
)
def test_a_missing_or_non_string_secret_is_a_mismatch(change: dict[str, Any]) -> None:
    doc = json.loads(incoming_event_body())
    doc.update(change)
    if change["secret_key"] is None:
        del doc["secret_key"]
    with pytest.raises(SecretMismatchError):
        verify(json.dumps(doc).encode(), [SECRET])


def test_empty_secrets_are_a_configuration_error() -> None:
    with pytest.raises(ValidationError, match="secrets"):
        verify(incoming_event_body(), [])
    with pytest.raises(ValidationError, match=r"secrets\[1\]"):
        verify(incoming_event_body(), [SECRET, ""])


def test_a_single_string_is_not_a_list_of_secrets() -> None:
    # "dummy_key" would otherwise be a list of one-letter secrets.
    with pytest.raises(TypeError, match="sequence of str") as info:
        verify(incoming_event_body(), SECRET)
    assert SECRET not in str(info.value)
    with pytest.raises(TypeError, match=r"secrets\[0\]"):
        verify(incoming_event_body(), [b"dummy_key"])  # type: ignore[list-item]


def test_a_webhook_event_shows_no_secret() -> None:
    event = verify(incoming_event_body("Secret-In-Body-51a2"), ["Secret-In-Body-51a2"])
    assert "Secret-In-Body-51a2" not in repr(event) + json.dumps(event.raw)
    assert "secret_key" not in event.raw


# -- malformed bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", InvalidJsonError),
        (b"{", InvalidJsonError),
        (b"\xff\xfe{}", InvalidUtf8Error),
        (b"[]", ValidationError),
        (b'{"secret_key": "dummy_key", "payload": {}}', ValidationError),
        (b'{"secret_key": "dummy_key", "action": "incoming_event"}', ValidationError),
        (b'{"secret_key": "dummy_key", "action": "incoming_event", "payload": [1]}', ValidationError),
    ],
    ids=["empty", "truncated", "not-utf8", "array", "no-action", "no-payload", "payload-array"],
)
def test_malformed_bodies(body: bytes, error: type[LiveChatBotsError]) -> None:
    with pytest.raises(error):
        verify(body, [SECRET])


def test_body_types() -> None:
    body = incoming_event_body()
    assert verify(bytearray(body), [SECRET]).action == "incoming_event"
    assert verify(memoryview(body), [SECRET]).action == "incoming_event"
    with pytest.raises(TypeError, match="body"):
        verify(body.decode(), [SECRET])  # type: ignore[arg-type]


def test_a_body_with_nul_bytes_is_passed_whole() -> None:
    # The body goes with its length, not as a C string: a NUL byte inside a
    # JSON string (escaped) or after the document is seen, not cut off.
    with pytest.raises(InvalidJsonError):
        verify(incoming_event_body() + b"\x00", [SECRET])
    event = verify(incoming_event_body(text="a\u0000b"), [SECRET])
    assert isinstance(event.payload, IncomingEvent) and event.payload.text == "a\x00b"


# -- size cap -------------------------------------------------------------------


def padded(size: int) -> bytes:
    body = incoming_event_body()
    assert len(body) < size
    return body + b" " * (size - len(body))  # trailing whitespace is valid JSON


def test_default_cap_is_one_mib() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 1 << 20
    assert verify(padded(1 << 20), [SECRET]).action == "incoming_event"
    with pytest.raises(BodyTooLargeError) as info:
        verify(padded((1 << 20) + 1), [SECRET])
    assert (info.value.code, info.value.status) == ("too_large", 12)


def test_custom_cap() -> None:
    body = incoming_event_body()
    assert verify(body, [SECRET], max_body_bytes=len(body)).action == "incoming_event"
    with pytest.raises(BodyTooLargeError):
        verify(body, [SECRET], max_body_bytes=len(body) - 1)
    big = padded(3 << 20)
    assert verify(big, [SECRET], max_body_bytes=4 << 20).action == "incoming_event"
    with pytest.raises(BodyTooLargeError):
        verify(big, [SECRET])


def test_the_cap_is_checked_before_the_secret() -> None:
    with pytest.raises(BodyTooLargeError):
        verify(incoming_event_body("wrong"), [SECRET], max_body_bytes=10)


@pytest.mark.parametrize("cap", [0, -1, 1 << 32])
def test_a_cap_the_options_cannot_carry_is_a_validation_error(cap: int) -> None:
    with pytest.raises(ValidationError, match="max_body_bytes"):
        verify(incoming_event_body(), [SECRET], max_body_bytes=cap)


def test_a_cap_that_is_not_an_int_is_a_type_error() -> None:
    for cap in (True, 1.5, "1024"):
        with pytest.raises(TypeError, match="max_body_bytes"):
            verify(incoming_event_body(), [SECRET], max_body_bytes=cap)  # type: ignore[arg-type]


# -- pass-through -----------------------------------------------------------------


@needs_fixtures
def test_an_unknown_action_passes_through() -> None:
    body = load("3.6", "future_action_example")
    event = verify(json.dumps(body).encode(), [SECRET])
    assert event.action == event.action_as_sent == "future_action_example"
    assert event.payload == body["payload"] and type(event.payload) is dict


@needs_fixtures
def test_unknown_fields_pass_through() -> None:
    body = load("3.6", "thread_tagged")
    event = verify(json.dumps(body).encode(), [SECRET])
    assert event.raw["delivery"] == body["delivery"] and event.raw["region"] == body["region"]
    assert event.payload == body["payload"]
    assert event.additional_data["future_hint"] == "kept as it came"


@needs_fixtures
def test_unknown_fields_of_a_typed_payload_stay_in_raw() -> None:
    postback = verify(json.dumps(load("3.6", "incoming_rich_message_postback")).encode(), [SECRET]).payload
    assert isinstance(postback, IncomingRichMessagePostback)
    assert postback.postback.raw["button_type"] == "url"
    assert postback.postback.raw["ecommerce"]["quantity"] == 1
    doc = json.loads(incoming_event_body())
    doc["payload"]["mood"] = {"score": 0.7}
    event = verify(json.dumps(doc).encode(), [SECRET]).payload
    assert isinstance(event, IncomingEvent) and event.raw["mood"] == {"score": 0.7}


def test_a_payload_without_its_types_shape_stays_a_dict() -> None:
    doc = json.loads(incoming_event_body())
    doc["payload"] = {"chat_id": 42, "event": "not an object"}
    event = verify(json.dumps(doc).encode(), [SECRET])
    assert event.action == "incoming_event" and event.payload == doc["payload"]


# -- dedupe keys ------------------------------------------------------------------


def test_two_deliveries_of_one_event_have_one_dedupe_key() -> None:
    first = verify(incoming_event_body(), [SECRET])
    again = verify(incoming_event_body(), [SECRET])
    assert first.dedupe_key == again.dedupe_key == "incoming_event/C1/K1_3"
    # Delivered by another registration, with other additional data, re-encoded.
    doc = json.loads(incoming_event_body())
    doc["webhook_id"] = "another-registration"
    doc["additional_data"] = {"chat_presence_user_ids": ["u1"]}
    other = verify(json.dumps(doc, indent=4).encode(), [SECRET])
    assert other.dedupe_key == first.dedupe_key


@needs_fixtures
def test_every_fixture_has_a_stable_dedupe_key() -> None:
    for path in fixture_files():
        body = path.read_bytes()
        assert verify(body, [SECRET]).dedupe_key == verify(body, [SECRET]).dedupe_key, path


def test_different_events_have_different_dedupe_keys() -> None:
    keys = {
        verify(incoming_event_body(event_id="K1_3"), [SECRET]).dedupe_key,
        verify(incoming_event_body(event_id="K1_4"), [SECRET]).dedupe_key,
        verify(incoming_event_body(action="event_updated"), [SECRET]).dedupe_key,
    }
    assert len(keys) == 3
    status = {
        verify(encode({"secret_key": SECRET, "action": "routing_status_set", "payload": p}), [SECRET]).dedupe_key
        for p in ({"agent_id": "a", "status": "offline"}, {"agent_id": "b", "status": "offline"})
    }
    assert len(status) == 2 and all(k.startswith("routing_status_set/") for k in status)


@needs_fixtures
def test_fixtures_of_different_events_have_different_dedupe_keys() -> None:
    for version in ("3.4", "3.5", "3.6"):
        keys = [verify(p.read_bytes(), [SECRET]).dedupe_key for p in (FIXTURES / f"v{version}").glob("*.json")]
        assert len(set(keys)) == len(keys), f"v{version}: {keys}"


def chat_body(action: str, payload: dict[str, Any]) -> bytes:
    return encode({"secret_key": SECRET, "action": action, "payload": {"chat_id": "C1", "thread_id": "K1", **payload}})


# Events that can happen more than once in one thread: each is another
# event, so each gets its own key (the core hashes their whole payload).
@pytest.mark.parametrize(
    ("action", "first", "second"),
    [
        pytest.param(
            "user_added_to_chat", {"user": {"id": "agent-a"}}, {"user": {"id": "agent-b"}}, id="user_added_to_chat"
        ),
        pytest.param("user_removed_from_chat", {"user_id": "agent-a"}, {"user_id": "agent-b"}, id="user_removed"),
        pytest.param(
            "chat_transferred",
            {"transferred_to": {"group_ids": [1]}},
            {"transferred_to": {"group_ids": [2]}},
            id="chat_transferred",
        ),
        pytest.param("thread_tagged", {"tag": "sales"}, {"tag": "refund"}, id="thread_tagged"),
        pytest.param(
            "event_updated",
            {"event": {"id": "K1_3", "type": "message", "text": "v2"}},
            {"event": {"id": "K1_3", "type": "message", "text": "v3"}},
            id="event_updated-twice",
        ),
        pytest.param(
            "incoming_rich_message_postback",
            {"event_id": "K1_5", "postback": {"id": "yes", "toggled": True}},
            {"event_id": "K1_5", "postback": {"id": "no", "toggled": True}},
            id="postback-two-buttons",
        ),
    ],
)
def test_different_events_of_one_thread_have_different_dedupe_keys(
    action: str, first: dict[str, Any], second: dict[str, Any]
) -> None:
    a = verify(chat_body(action, first), [SECRET]).dedupe_key
    b = verify(chat_body(action, second), [SECRET]).dedupe_key
    assert a != b, f"both {a}"


# -- respond ----------------------------------------------------------------------


def answer(result: tuple[int, bytes]) -> tuple[int, dict[str, Any]]:
    status, body = result
    doc = json.loads(body)
    assert isinstance(doc, dict)
    return status, doc


def test_respond_without_http() -> None:
    seen: list[WebhookEvent] = []
    body = incoming_event_body()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    assert answer(respond("POST", headers, body, [SECRET], seen.append)) == (200, {"ok": True})
    assert [e.dedupe_key for e in seen] == ["incoming_event/C1/K1_3"]
    assert answer(respond("post", {}, body, [SECRET], seen.append))[0] == 200
    assert answer(respond("GET", {}, b"", [SECRET], seen.append))[0] == 405
    assert answer(respond("POST", {}, incoming_event_body("wrong"), [SECRET], seen.append)) == (
        401,
        {"error": "secret_mismatch"},
    )
    status, doc = answer(respond("POST", {}, b"{", [SECRET], seen.append))
    assert status == 400 and doc["error"] == "invalid_json"
    assert answer(respond("POST", {}, b"\xff", [SECRET], seen.append))[0] == 400
    assert answer(respond("POST", {}, b"[]", [SECRET], seen.append))[0] == 400
    assert answer(respond("POST", {}, body, [SECRET], seen.append, max_body_bytes=10))[0] == 413
    # Content-Length alone (the body not read yet), whatever the header's case.
    assert answer(respond("POST", {"content-LENGTH": str(2 << 20)}, b"", [SECRET], seen.append))[0] == 413
    assert len(seen) == 2


@pytest.mark.parametrize(
    "secrets",
    [[], [""], "dummy_key", [SECRET, 7], None],
    ids=["empty", "empty-secret", "a-string", "not-str", "none"],
)
def test_respond_answers_500_when_misconfigured(secrets: Any, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[WebhookEvent] = []
    assert answer(respond("POST", {}, incoming_event_body(), secrets, seen.append)) == (
        500,
        {"error": "misconfigured"},
    )
    assert not seen
    assert SECRET not in caplog.text


def test_respond_answers_500_for_a_bad_cap() -> None:
    assert answer(respond("POST", {}, incoming_event_body(), [SECRET], lambda e: None, max_body_bytes=0))[0] == 500


def test_respond_answers_500_when_the_handler_raises(caplog: pytest.LogCaptureFixture) -> None:
    def handler(event: WebhookEvent) -> None:
        raise RuntimeError("database down")

    with caplog.at_level("ERROR", logger="livechat_bots.webhooks"):
        result = answer(respond("POST", {}, incoming_event_body(), [SECRET], handler))
    assert result == (500, {"error": "handler_failed"})
    assert "database down" in caplog.text and "incoming_event/C1/K1_3" in caplog.text
    assert SECRET not in caplog.text


def test_respond_lets_keyboard_interrupt_through() -> None:
    def handler(event: WebhookEvent) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        respond("POST", {}, incoming_event_body(), [SECRET], handler)


def test_respond_bodies_name_no_secret() -> None:
    accepted, received = "Accepted-Key-91be", "Received-Key-0c4d"
    for body in (incoming_event_body(received), b"{", incoming_event_body(accepted)[:-1]):
        _, text = respond("POST", {}, body, [accepted], lambda e: None)
        assert accepted.encode() not in text and received.encode() not in text


# -- respond behind a real HTTP server ----------------------------------------------


def drain(request: BaseHTTPRequestHandler, length: int) -> None:
    while length > 0:
        chunk = request.rfile.read(min(length, 64 * 1024))
        if not chunk:
            break
        length -= len(chunk)


class Server:
    """An http.server on a free port whose every request goes through respond()."""

    def __init__(self, secrets: Any, handler: Callable[[WebhookEvent], None], max_body_bytes: int | None) -> None:
        cap = max_body_bytes if max_body_bytes is not None else DEFAULT_MAX_BODY_BYTES

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = b""
                if self.command == "POST" and length <= cap:
                    body = self.rfile.read(length)
                else:
                    # Over the cap: respond() answers 413 from Content-Length.
                    # The body is read and dropped, so that the client, still
                    # sending, gets the answer rather than a broken pipe.
                    drain(self, length)
                status, answer = respond(
                    self.command, self.headers, body, secrets, handler, max_body_bytes=max_body_bytes
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_GET = do_PUT = serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhooks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


def http(url: str, body: bytes | None, method: str = "POST") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
        e.close()
    doc = json.loads(text)
    assert isinstance(doc, dict)
    return int(status), doc


@pytest.fixture
def server() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(
        secrets: Any = (SECRET,),
        handler: Callable[[WebhookEvent], None] = lambda e: None,
        max_body_bytes: int | None = None,
    ) -> Server:
        s = Server(list(secrets) if isinstance(secrets, tuple) else secrets, handler, max_body_bytes)
        started.append(s)
        return s

    yield start
    for s in started:
        s.close()


def test_receiver_over_http(server: Callable[..., Server]) -> None:
    seen: list[WebhookEvent] = []
    s = server(secrets=("new", "old"), handler=seen.append, max_body_bytes=64 * 1024)
    assert http(s.url, incoming_event_body("new")) == (200, {"ok": True})
    assert http(s.url, incoming_event_body("old", event_id="K1_4"))[0] == 200
    assert [e.dedupe_key for e in seen] == ["incoming_event/C1/K1_3", "incoming_event/C1/K1_4"]
    assert http(s.url, incoming_event_body("older")) == (401, {"error": "secret_mismatch"})
    status, doc = http(s.url, b'{"secret_key": "new", "action": ')
    assert status == 400 and doc["error"] == "invalid_json"
    assert http(s.url, b"\xc3\x28")[0] == 400
    status, doc = http(s.url, padded(64 * 1024 + 1))
    assert status == 413 and doc["error"] == "too_large"
    assert http(s.url, None, method="GET")[0] == 405
    assert http(s.url, b"{}", method="PUT")[0] == 405
    assert len(seen) == 2


@needs_fixtures
def test_receiver_over_http_takes_every_fixture(server: Callable[..., Server]) -> None:
    seen: list[WebhookEvent] = []
    s = server(handler=seen.append)
    files = fixture_files()
    for path in files:
        assert http(s.url, path.read_bytes()) == (200, {"ok": True}), path
    assert len(seen) == len(files)


def test_receiver_over_http_500(server: Callable[..., Server]) -> None:
    def failing(event: WebhookEvent) -> None:
        raise ValueError("cannot store the event")

    assert http(server(handler=failing).url, incoming_event_body()) == (500, {"error": "handler_failed"})
    assert http(server(secrets=[]).url, incoming_event_body()) == (500, {"error": "misconfigured"})


def test_receiver_over_http_default_cap(server: Callable[..., Server]) -> None:
    s = server()
    assert http(s.url, padded(1 << 20))[0] == 200
    assert http(s.url, padded((1 << 20) + 1)) == (
        413,
        {"error": "too_large", "message": f"body: {(1 << 20) + 1} bytes; the limit is {1 << 20}"},
    )


# -- the example --------------------------------------------------------------------


@pytest.mark.skipif(not RECEIVER.is_file(), reason="examples/ is not beside these tests")
def test_example_receiver_self_test() -> None:
    env = {k: v for k, v in os.environ.items() if k != "LIVECHAT_WEBHOOK_SECRETS"}
    run = subprocess.run(
        [sys.executable, str(RECEIVER), "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=RECEIVER.parent,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "self-test: OK" in run.stdout
    assert "incoming_event incoming_event/SELFTEST01/SELFTEST02_1" in run.stdout


def test_the_package_exports() -> None:
    assert livechat_bots.webhooks.verify is verify
    assert livechat_bots.SecretMismatchError is SecretMismatchError
    assert livechat_bots.BodyTooLargeError is BodyTooLargeError
