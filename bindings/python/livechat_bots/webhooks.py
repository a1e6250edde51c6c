"""Receiving LiveChat's webhooks: check a POSTed body and read its event.

LiveChat POSTs a JSON body that carries the webhook's ``secret_key``
verbatim (no signature header). :func:`verify` hands the body to the core
(``lcbot_webhook_verify``), which checks its size, its JSON and its secret
(in constant time, against every accepted secret, so a key can be rotated),
and normalizes it: whatever API version sent it (3.0 to 3.6), the event
has today's action name, its payload (from ``payload``, or ``data`` in
v3.0) and a ``dedupe_key`` that is the same for every delivery of one event.

:func:`respond` wraps :func:`verify` and your handler into the HTTP answer
LiveChat expects, for any web framework::

    status, body = respond(request.method, request.headers, raw_body, secrets, handle)

Secrets never appear in a message, a ``repr()`` or a log line of this module.
"""

from __future__ import annotations

import ctypes
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType
from typing import Any, Protocol, TypeVar, Union

from . import _ffi
from ._errors import (
    BodyTooLargeError,
    DecodeError,
    InvalidJsonError,
    InvalidUtf8Error,
    LiveChatBotsError,
    SecretMismatchError,
    ValidationError,
    local_error,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "MAX_BODY_BYTES_LIMIT",
    "RENAMED_ACTIONS",
    "TYPED_PAYLOADS",
    "ChatDeactivated",
    "ChatTransferred",
    "EventUpdated",
    "HeadersLike",
    "IncomingChat",
    "IncomingEvent",
    "IncomingRichMessagePostback",
    "Postback",
    "RoutingStatusSet",
    "TransferTarget",
    "UserAddedToChat",
    "UserRemovedFromChat",
    "WebhookEvent",
    "WebhookHandler",
    "WebhookPayload",
    "respond",
    "serve",
    "verify",
]

log = logging.getLogger("livechat_bots.webhooks")

#: The body cap when ``max_body_bytes`` is not given: 1 MiB.
DEFAULT_MAX_BODY_BYTES = _ffi.WEBHOOK_DEFAULT_MAX_BODY
#: The largest cap that can be set (the C option is a ``uint32_t``).
MAX_BODY_BYTES_LIMIT = 0xFFFF_FFFF

#: Action names of API v3.0/v3.1 and the names :attr:`WebhookEvent.action`
#: gives them (v3.2's): the core's own table (it does the renaming), read
#: from ``lcbot_schema`` rather than copied.
RENAMED_ACTIONS: Mapping[str, str] = MappingProxyType(
    dict(json.loads(_ffi.call(_ffi.lib.lcbot_schema) or "{}")["webhooks"]["renamed_actions"])
)


# -- typed payloads -----------------------------------------------------------
#
# Each keeps the payload as it came in ``raw`` (unknown fields included).
# Fields the documentation calls optional are ``None`` when absent. A payload
# that lacks what its action's type needs (a ``chat_id`` that is not a
# string, say) stays the plain dict rather than failing the delivery.


_E = TypeVar("_E", bound="_ChatEvent")
_U = TypeVar("_U", bound="_ChatUserChange")


class _Mismatch(Exception):
    """The payload does not have its action's documented shape."""


def _req_str(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise _Mismatch(key)
    return value


def _opt_str(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Mismatch(key)
    return value


def _obj(doc: Mapping[str, Any], key: str, *, required: bool = True) -> dict[str, Any] | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise _Mismatch(key)
    return value


def _req_obj(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = _obj(doc, key)
    assert value is not None
    return value


def _list_of_objects(value: Any) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Mismatch("list")
    return tuple(v for v in value if isinstance(v, dict))


@dataclass(frozen=True)
class IncomingChat:
    """``incoming_chat`` (``incoming_chat_thread`` before v3.2): a chat
    came with a new thread. ``chat`` is the whole chat object (``id``,
    ``users``, ``thread`` with its ``events``, ``properties``, ``access``)."""

    chat_id: str
    thread_id: str | None
    users: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...]
    chat: dict[str, Any] = field(repr=False)
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> IncomingChat:
        chat = _req_obj(doc, "chat")
        thread = _obj(chat, "thread", required=False) or {}
        return cls(
            chat_id=_req_str(chat, "id"),
            thread_id=_opt_str(thread, "id"),
            users=_list_of_objects(chat.get("users")),
            events=_list_of_objects(thread.get("events")),
            chat=chat,
            raw=doc,
        )

    @property
    def thread(self) -> dict[str, Any] | None:
        """The chat's new thread, or None."""
        thread = self.chat.get("thread")
        return thread if isinstance(thread, dict) else None


@dataclass(frozen=True)
class _ChatEvent:
    chat_id: str
    thread_id: str | None
    event: dict[str, Any] = field(repr=False)
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls: type[_E], doc: dict[str, Any]) -> _E:
        return cls(
            chat_id=_req_str(doc, "chat_id"),
            thread_id=_opt_str(doc, "thread_id"),
            event=_req_obj(doc, "event"),
            raw=doc,
        )

    def _get(self, key: str) -> str | None:
        value = self.event.get(key)
        return value if isinstance(value, str) else None

    @property
    def event_id(self) -> str | None:
        """``event.id``."""
        return self._get("id")

    @property
    def event_type(self) -> str | None:
        """``event.type``: ``message``, ``rich_message``, ``file``, ``filled_form``, ``system_message``..."""
        return self._get("type")

    @property
    def text(self) -> str | None:
        """``event.text`` (a message's text), or None."""
        return self._get("text")

    @property
    def author_id(self) -> str | None:
        """``event.author_id``."""
        return self._get("author_id")

    @property
    def visibility(self) -> str | None:
        """``event.visibility`` (v3.4+), or ``event.recipients`` (up to v3.3): ``all`` or ``agents``."""
        return self._get("visibility") or self._get("recipients")



@dataclass(frozen=True)
class IncomingEvent(_ChatEvent):
    """``incoming_event``: an event (a message, a file, a form...) was sent to a chat."""


@dataclass(frozen=True)
class EventUpdated(_ChatEvent):
    """``event_updated``: an event of a chat was changed; ``event`` is its new state."""


@dataclass(frozen=True)
class Postback:
    """A rich message button's postback: its ``id`` and whether it is ``toggled``.
    ``raw`` keeps the rest (v3.6: ``button_type``, ``button_value``, ``ecommerce``...)."""

    id: str
    toggled: bool | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class IncomingRichMessagePostback:
    """``incoming_rich_message_postback``: a user clicked a rich message's button."""

    user_id: str | None
    chat_id: str
    thread_id: str | None
    event_id: str | None
    postback: Postback
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> IncomingRichMessagePostback:
        postback = _req_obj(doc, "postback")
        toggled = postback.get("toggled")
        if toggled is not None and not isinstance(toggled, bool):
            raise _Mismatch("postback.toggled")
        return cls(
            user_id=_opt_str(doc, "user_id"),
            chat_id=_req_str(doc, "chat_id"),
            thread_id=_opt_str(doc, "thread_id"),
            event_id=_opt_str(doc, "event_id"),
            postback=Postback(id=_req_str(postback, "id"), toggled=toggled, raw=postback),
            raw=doc,
        )


@dataclass(frozen=True)
class ChatDeactivated:
    """``chat_deactivated`` (``thread_closed`` before v3.2): the chat's thread
    was closed; ``user_id`` is who closed it, None when the router did."""

    chat_id: str
    thread_id: str | None
    user_id: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> ChatDeactivated:
        return cls(
            chat_id=_req_str(doc, "chat_id"),
            thread_id=_opt_str(doc, "thread_id"),
            user_id=_opt_str(doc, "user_id"),
            raw=doc,
        )


@dataclass(frozen=True)
class TransferTarget:
    """Where a chat went: the ids of its agents and groups after the transfer."""

    agent_ids: tuple[str, ...]
    group_ids: tuple[int, ...]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> TransferTarget:
        agents = doc.get("agent_ids") or []
        groups = doc.get("group_ids") or []
        if not isinstance(agents, list) or not isinstance(groups, list):
            raise _Mismatch("transferred_to")
        return cls(
            agent_ids=tuple(a for a in agents if isinstance(a, str)),
            group_ids=tuple(g for g in groups if isinstance(g, int) and not isinstance(g, bool)),
            raw=doc,
        )


@dataclass(frozen=True)
class ChatTransferred:
    """``chat_transferred`` (v3.3+): a chat was transferred to other agents or
    groups. ``reason``: ``manual``, ``inactive``, ``assigned``, ``unassigned``,
    ``other``; ``queue`` is set when the chat waits in the queue."""

    chat_id: str
    thread_id: str | None
    requester_id: str | None
    reason: str | None
    transferred_to: TransferTarget
    queue: dict[str, Any] | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> ChatTransferred:
        return cls(
            chat_id=_req_str(doc, "chat_id"),
            thread_id=_opt_str(doc, "thread_id"),
            requester_id=_opt_str(doc, "requester_id"),
            reason=_opt_str(doc, "reason"),
            transferred_to=TransferTarget.from_dict(_obj(doc, "transferred_to", required=False) or {}),
            queue=_obj(doc, "queue", required=False),
            raw=doc,
        )


@dataclass(frozen=True)
class RoutingStatusSet:
    """``routing_status_set`` (``agent_status_changed`` before v3.2): an agent's
    or bot's routing status changed (``accepting chats``, ``not accepting chats``, ``offline``)."""

    agent_id: str
    status: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> RoutingStatusSet:
        return cls(agent_id=_req_str(doc, "agent_id"), status=_req_str(doc, "status"), raw=doc)


@dataclass(frozen=True)
class _ChatUserChange:
    chat_id: str
    thread_id: str | None
    user_id: str | None
    user_type: str | None
    reason: str | None
    requester_id: str | None
    user: dict[str, Any] | None = field(repr=False)
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls: type[_U], doc: dict[str, Any]) -> _U:
        user = _obj(doc, "user", required=False)
        user_id = _opt_str(doc, "user_id")
        if user_id is None and user is not None:
            user_id = _opt_str(user, "id")
        user_type = _opt_str(doc, "user_type")
        if user_type is None and user is not None:
            user_type = _opt_str(user, "type")
        return cls(
            chat_id=_req_str(doc, "chat_id"),
            thread_id=_opt_str(doc, "thread_id"),
            user_id=user_id,
            user_type=user_type,
            reason=_opt_str(doc, "reason"),
            requester_id=_opt_str(doc, "requester_id"),
            user=user,
            raw=doc,
        )



@dataclass(frozen=True)
class UserAddedToChat(_ChatUserChange):
    """``user_added_to_chat`` (``chat_user_added`` before v3.2): a customer or
    an agent joined the chat. ``user`` is the user object, ``user_id`` its id."""


@dataclass(frozen=True)
class UserRemovedFromChat(_ChatUserChange):
    """``user_removed_from_chat`` (``chat_user_removed`` before v3.2): a user
    left the chat; ``user_id`` says who."""


#: What :attr:`WebhookEvent.payload` holds: the typed payload of the actions
#: below, or the payload as a dict for every other action.
WebhookPayload = Union[
    IncomingChat,
    IncomingEvent,
    EventUpdated,
    IncomingRichMessagePostback,
    ChatDeactivated,
    ChatTransferred,
    RoutingStatusSet,
    UserAddedToChat,
    UserRemovedFromChat,
    dict[str, Any],
]

#: Normalized action -> its typed payload.
TYPED_PAYLOADS: Mapping[str, Callable[[dict[str, Any]], WebhookPayload]] = {
    "incoming_chat": IncomingChat.from_dict,
    "incoming_event": IncomingEvent.from_dict,
    "event_updated": EventUpdated.from_dict,
    "incoming_rich_message_postback": IncomingRichMessagePostback.from_dict,
    "chat_deactivated": ChatDeactivated.from_dict,
    "chat_transferred": ChatTransferred.from_dict,
    "routing_status_set": RoutingStatusSet.from_dict,
    "user_added_to_chat": UserAddedToChat.from_dict,
    "user_removed_from_chat": UserRemovedFromChat.from_dict,
}


def _typed(action: str, payload: dict[str, Any]) -> WebhookPayload:
    parse = TYPED_PAYLOADS.get(action)
    if parse is None:
        return payload
    try:
        return parse(payload)
    except _Mismatch:
        return payload


# -- the event ------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookEvent:
    """One verified webhook, normalized whatever API version sent it.

    Attributes:
        action: today's name of the action (v3.2+), e.g. ``"incoming_chat"``
            for a v3.1 ``incoming_chat_thread``.
        action_as_sent: the name in the body.
        webhook_id: the webhook registration's id (not the delivery's).
        license_id: v3.2-v3.3 bodies (an integer), else None.
        organization_id: v3.4+ bodies (a UUID string), else None.
        payload: a typed payload (:class:`IncomingEvent`, ...) for the actions
            that have one, else the payload as a dict; unknown fields stay in
            the typed payload's ``raw``.
        additional_data: ``additional_data`` of the body (``{}`` when absent),
            e.g. ``chat_properties`` and ``chat_presence_user_ids``.
        dedupe_key: the same for every delivery of one event (LiveChat
            retries until it gets a 200): keep the keys handled lately and
            skip one seen before.
        raw: the normalized document, as the core returned it (fields of the
            body the core does not know are kept here). The body's
            ``secret_key`` is never in it.
    """

    action: str
    action_as_sent: str
    webhook_id: str | None
    license_id: int | None
    organization_id: str | None
    dedupe_key: str
    payload: WebhookPayload = field(repr=False)
    additional_data: dict[str, Any] = field(repr=False)
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> WebhookEvent:
        """Reads the core's event document."""
        action = doc["action"]
        payload = doc["payload"]
        additional = doc.get("additional_data")
        if not isinstance(action, str) or not isinstance(payload, dict):
            raise TypeError("action or payload of an unexpected type")
        license_id = doc.get("license_id")
        organization_id = doc.get("organization_id")
        webhook_id = doc.get("webhook_id")
        return cls(
            action=action,
            action_as_sent=str(doc.get("action_as_sent", action)),
            webhook_id=webhook_id if isinstance(webhook_id, str) else None,
            license_id=license_id if isinstance(license_id, int) and not isinstance(license_id, bool) else None,
            organization_id=organization_id if isinstance(organization_id, str) else None,
            dedupe_key=str(doc["dedupe_key"]),
            payload=_typed(action, payload),
            additional_data=additional if isinstance(additional, dict) else {},
            raw=doc,
        )


# -- verify ----------------------------------------------------------------------


def _body_bytes(body: bytes | bytearray | memoryview) -> bytes:
    if isinstance(body, bytes):
        return body  # handed to the library as it is: no copy
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body: expected bytes (the request's raw body), got {type(body).__name__}")


def _secrets_json(secrets: Sequence[str]) -> bytes:
    """The accepted secrets as the C ABI takes them (a JSON array). The core
    checks them (at least one, none empty); this only refuses what cannot be
    sent, without ever naming a secret."""
    if isinstance(secrets, (str, bytes, bytearray)):
        raise TypeError(f"secrets: expected a sequence of str, such as [secret], got a single {type(secrets).__name__}")
    items = list(secrets)
    for i, s in enumerate(items):
        if not isinstance(s, str):
            raise TypeError(f"secrets[{i}]: expected str, got {type(s).__name__}")
    # ensure_ascii: the text is ASCII (a lone surrogate becomes an escape the
    # core refuses), and has no NUL byte.
    return json.dumps(items, separators=(",", ":")).encode("ascii")


def _max_body(max_body_bytes: int | None) -> int:
    """The cap in bytes for the C options (0 is "the default"); what the C
    struct cannot carry is a ValidationError here, as the core would answer."""
    if max_body_bytes is None:
        return 0
    if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
        raise TypeError(f"max_body_bytes: expected an int, got {type(max_body_bytes).__name__}")
    if not 1 <= max_body_bytes <= MAX_BODY_BYTES_LIMIT:
        raise local_error(
            ValidationError,
            f"max_body_bytes: expected a number of bytes from 1 to {MAX_BODY_BYTES_LIMIT}; got {max_body_bytes}",
        )
    return max_body_bytes


def verify(
    body: bytes | bytearray | memoryview, secrets: Sequence[str], *, max_body_bytes: int | None = None
) -> WebhookEvent:
    """Checks a webhook body LiveChat POSTed and returns its event.

    ``body`` is the request's raw body (bytes, not decoded); ``secrets`` the
    accepted secret keys, more than one while a key is rotated (``["new",
    "old"]``); ``max_body_bytes`` the size cap (default 1 MiB).

    Raises:
        SecretMismatchError: the body's ``secret_key`` is missing or none of
            ``secrets`` (answer 401).
        BodyTooLargeError: the body is over the cap (answer 413).
        InvalidUtf8Error, InvalidJsonError, ValidationError: a malformed
            body (answer 400). ``ValidationError`` also for an empty
            ``secrets`` list, an empty secret or a bad ``max_body_bytes``:
            configuration errors (answer 500).
        TypeError: ``secrets`` is a single string, or something that is not
            a sequence of str; ``body`` is not bytes.
    """
    data = _body_bytes(body)
    cap = _max_body(max_body_bytes)
    options = None if cap == 0 else ctypes.byref(_ffi.WebhookOptions(_ffi.WEBHOOK_OPTIONS_VERSION, cap))
    text = _ffi.call(_ffi.lib.lcbot_webhook_verify, _secrets_json(secrets), data, len(data), options)
    try:
        doc = json.loads(text or "")
        if not isinstance(doc, dict):
            raise TypeError(f"expected a JSON object, got {type(doc).__name__}")
        return WebhookEvent.from_dict(doc)
    except (ValueError, TypeError, KeyError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise local_error(DecodeError, f"lcbot_webhook_verify: unexpected result: {detail}") from None


# -- respond --------------------------------------------------------------------

#: A handler of verified events. It returns normally once the event is
#: handled; an exception makes :func:`respond` answer 500, so LiveChat
#: sends the event again.
WebhookHandler = Callable[[WebhookEvent], None]


class HeadersLike(Protocol):
    """Request headers: a ``Mapping[str, str]`` or anything with ``items()``
    (``http.server``'s ``self.headers``, Flask's and Starlette's headers)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


def _answer(status: int, doc: Mapping[str, Any]) -> tuple[int, bytes]:
    return status, json.dumps(doc, separators=(",", ":")).encode("utf-8")


def _header(headers: HeadersLike, name: str) -> str | None:
    """A header's value, whatever the case of its name (plain dicts too)."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _config_problem(secrets: Any, max_body_bytes: int | None) -> str | None:
    """Why the receiver's own settings cannot work, or None. Told apart from
    a malformed body (the core calls both ``validation``) so that a
    misconfigured receiver answers 500, never 400 (nor, worse, 200)."""
    if isinstance(secrets, (str, bytes, bytearray)) or not isinstance(secrets, Sequence):
        return "secrets: expected a sequence of str"
    if len(secrets) == 0:
        return "secrets: the list is empty"
    for i, s in enumerate(secrets):
        if not isinstance(s, str) or not s:
            return f"secrets[{i}]: expected a non-empty str"
    try:
        _max_body(max_body_bytes)
    except (TypeError, ValidationError) as e:
        return str(e)
    return None


def respond(
    method: str,
    headers: HeadersLike,
    body: bytes,
    secrets: Sequence[str],
    handler: WebhookHandler,
    *,
    max_body_bytes: int | None = None,
) -> tuple[int, bytes]:
    """Answers one webhook request: returns ``(http_status, json_body)``.

    Works with any framework: pass the request's method, headers and raw
    body. The answer's body is a small JSON document (send it as
    ``application/json``); none names a secret.

    - 405 ``{"error": "method_not_allowed"}``: the method is not POST
      (send ``Allow: POST`` with it).
    - 413 ``{"error": "too_large"}``: ``Content-Length`` or the body is over
      ``max_body_bytes`` (default 1 MiB). Check ``Content-Length`` before
      reading the body, as this does, or let the framework cap it.
    - 400 ``{"error": "invalid_json" | "invalid_utf8" | "validation", "message": ...}``:
      a malformed body.
    - 401 ``{"error": "secret_mismatch"}``: a wrong or missing ``secret_key``.
    - 500 ``{"error": "misconfigured"}``: ``secrets`` is empty, has an empty
      or non-str item, or ``max_body_bytes`` is invalid: nothing is accepted.
    - 500 ``{"error": "handler_failed"}``: ``handler`` raised (logged on the
      ``livechat_bots.webhooks`` logger); LiveChat will send the event again.
    - 200 ``{"ok": true}``: the handler returned.

    LiveChat retries what is not answered 200 within about 10 s, so one
    event may come more than once: see :attr:`WebhookEvent.dedupe_key`.
    """
    if method.upper() != "POST":
        return _answer(405, {"error": "method_not_allowed", "message": "webhooks are POSTed"})
    problem = _config_problem(secrets, max_body_bytes)
    if problem is not None:
        log.error("webhook receiver misconfigured: %s", problem)
        return _answer(500, {"error": "misconfigured"})
    cap = max_body_bytes if max_body_bytes is not None else DEFAULT_MAX_BODY_BYTES
    declared = _header(headers, "content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > cap:
        return _answer(413, {"error": "too_large", "message": f"body: {int(declared)} bytes; the limit is {cap}"})
    try:
        event = verify(body, secrets, max_body_bytes=max_body_bytes)
    except SecretMismatchError:
        return _answer(401, {"error": "secret_mismatch"})
    except BodyTooLargeError as e:
        return _answer(413, {"error": "too_large", "message": e.message})
    except (InvalidUtf8Error, InvalidJsonError, ValidationError) as e:
        return _answer(400, {"error": e.code, "message": e.message})
    except (LiveChatBotsError, TypeError, ValueError) as e:
        log.error("webhook could not be verified: %s: %s", type(e).__name__, e)
        return _answer(500, {"error": "internal"})
    try:
        handler(event)
    except Exception:
        log.exception("webhook handler failed for %s (%s)", event.action, event.dedupe_key)
        return _answer(500, {"error": "handler_failed"})
    return _answer(200, {"ok": True})


def serve(
    secrets: Sequence[str],
    handler: WebhookHandler,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_body_bytes: int | None = None,
) -> ThreadingHTTPServer:
    """A webhook receiver answering every POST with :func:`respond`, served
    from a thread of its own (``port`` 0: a free one, see
    ``server.server_port``). Stop it with ``shutdown()`` and
    ``server_close()``. Enough for a bot on the emulator or behind a
    tunnel; a web framework's route calling :func:`respond` does the same."""
    cap = max_body_bytes if max_body_bytes is not None else DEFAULT_MAX_BODY_BYTES

    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > cap:
                body, self.close_connection = b"", True  # respond() answers 413 from the header
            else:
                body = self.rfile.read(length)
            status, answer = respond("POST", self.headers, body, secrets, handler, max_body_bytes=max_body_bytes)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
