"""The Agent Chat documents a bot reads, and the Configuration API answers a
bot needs (its token, its webhooks), as Python values.

Every document is read in today's (v3.6) shape whatever the API version:
the core translates older answers (``recipients`` is ``visibility`` here,
``get_chat_threads`` answers as ``get_chat``). Each dataclass names the
fields a bot uses and keeps the whole document in ``raw``, so fields this
package does not name (and fields LiveChat adds later) are never lost.
Fields the documentation calls optional are ``None`` when absent.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "RoutingStatus",
    "Event",
    "ChatUser",
    "Thread",
    "Chat",
    "ChatSummary",
    "ChatPage",
    "AgentRoutingStatus",
    "BotToken",
    "RegisteredWebhook",
    "Customer",
]


class RoutingStatus(enum.Enum):
    """A routing status as ``set_routing_status`` takes it (underscores; the
    Configuration API's bot ``status`` spells them with spaces: :class:`Status`)."""

    ACCEPTING_CHATS = "accepting_chats"
    NOT_ACCEPTING_CHATS = "not_accepting_chats"
    OFFLINE = "offline"


def _object(doc: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(doc, Mapping):
        raise TypeError(f"{what}: expected a JSON object, got {type(doc).__name__}")
    return doc


def _opt_str(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return None if value is None else str(value)


def _opt_bool(doc: Mapping[str, Any], key: str) -> bool | None:
    value = doc.get(key)
    return None if value is None else bool(value)


@dataclass(frozen=True)
class Event:
    """One event of a thread: a ``message``, ``rich_message``, ``system_message``...

    ``visibility`` is ``"all"`` or ``"agents"`` (``recipients`` before API
    v3.4, renamed by the core).
    """

    id: str
    type: str
    text: str | None = None
    author_id: str | None = None
    created_at: str | None = None
    visibility: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> Event:
        doc = _object(doc, "event")
        return cls(
            id=str(doc["id"]),
            type=str(doc["type"]),
            text=_opt_str(doc, "text"),
            author_id=_opt_str(doc, "author_id"),
            created_at=_opt_str(doc, "created_at"),
            visibility=_opt_str(doc, "visibility"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class ChatUser:
    """A user of a chat: ``type`` is ``"customer"`` or ``"agent"`` (a bot is an agent)."""

    id: str
    type: str
    name: str | None = None
    email: str | None = None
    present: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> ChatUser:
        doc = _object(doc, "user")
        return cls(
            id=str(doc["id"]),
            type=str(doc["type"]),
            name=_opt_str(doc, "name"),
            email=_opt_str(doc, "email"),
            present=_opt_bool(doc, "present"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class Thread:
    """A thread of a chat, with its events, oldest first."""

    id: str
    active: bool = False
    user_ids: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    created_at: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> Thread:
        doc = _object(doc, "thread")
        return cls(
            id=str(doc["id"]),
            active=bool(doc.get("active", False)),
            user_ids=tuple(str(u) for u in doc.get("user_ids") or ()),
            events=tuple(Event.from_dict(e) for e in doc.get("events") or ()),
            created_at=_opt_str(doc, "created_at"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class Chat:
    """The answer of :meth:`Bot.get_chat`: a chat with one thread (``None``
    when the chat has none)."""

    id: str
    thread: Thread | None = None
    users: tuple[ChatUser, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def events(self) -> tuple[Event, ...]:
        """The thread's events (``()`` without a thread)."""
        return () if self.thread is None else self.thread.events

    @classmethod
    def from_dict(cls, doc: Any) -> Chat:
        doc = _object(doc, "chat")
        thread = doc.get("thread")
        return cls(
            id=str(doc["id"]),
            thread=None if thread is None else Thread.from_dict(thread),
            users=tuple(ChatUser.from_dict(u) for u in doc.get("users") or ()),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class ChatSummary:
    """An entry of :meth:`Bot.list_chats`. ``active`` is the last thread's
    (``None`` for a chat without threads); ``last_event_per_type`` maps an
    event type to ``{"thread_id", "thread_created_at", "event"}``."""

    id: str
    users: tuple[ChatUser, ...] = ()
    last_thread_summary: Mapping[str, Any] | None = None
    last_event_per_type: Mapping[str, Any] | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def active(self) -> bool | None:
        summary = self.last_thread_summary
        return None if summary is None else bool(summary.get("active", False))

    @classmethod
    def from_dict(cls, doc: Any) -> ChatSummary:
        doc = _object(doc, "chat summary")
        summary = doc.get("last_thread_summary")
        last = doc.get("last_event_per_type")
        return cls(
            id=str(doc["id"]),
            users=tuple(ChatUser.from_dict(u) for u in doc.get("users") or ()),
            last_thread_summary=None if summary is None else dict(_object(summary, "last_thread_summary")),
            last_event_per_type=None if last is None else dict(_object(last, "last_event_per_type")),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class ChatPage:
    """One page of :meth:`Bot.list_chats`; pass ``next_page_id`` as
    ``page_id`` for the next (or let :meth:`Bot.iter_chats` do it)."""

    chats_summary: tuple[ChatSummary, ...]
    found_chats: int | None = None
    next_page_id: str | None = None
    previous_page_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> ChatPage:
        doc = _object(doc, "list_chats")
        found = doc.get("found_chats")
        return cls(
            chats_summary=tuple(ChatSummary.from_dict(c) for c in doc["chats_summary"]),
            found_chats=None if found is None else int(found),
            next_page_id=_opt_str(doc, "next_page_id") or None,
            previous_page_id=_opt_str(doc, "previous_page_id") or None,
            raw=dict(doc),
        )


@dataclass(frozen=True)
class AgentRoutingStatus:
    """An entry of :meth:`Bot.list_routing_statuses`: ``status`` as
    ``set_routing_status`` spells it (``"accepting_chats"``...)."""

    agent_id: str
    status: str
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> AgentRoutingStatus:
        doc = _object(doc, "routing status")
        return cls(agent_id=str(doc["agent_id"]), status=str(doc["status"]), raw=dict(doc))


def _jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT-shaped token, or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


@dataclass(frozen=True)
class BotToken:
    """The answer of :meth:`Client.issue_bot_token`: a bot's access token.

    The token is a secret: it is left out of ``repr()`` and comparisons,
    and ``str()`` does not show it either; read ``token`` where you hand it
    on. ``expires_at`` is its ``exp`` claim (seconds since the epoch) when
    the token is JWT-shaped, as LiveChat's are, else ``None``. A
    :class:`~livechat_bots.Bot` gets and renews its own tokens: this is only
    for handing a token to another program.
    """

    token: str = field(repr=False, compare=False)
    expires_at: float | None = None

    def __str__(self) -> str:
        return repr(self)

    @classmethod
    def from_dict(cls, doc: Any) -> BotToken:
        token = _object(doc, "issue_bot_token")["token"]
        if not isinstance(token, str) or not token:
            raise TypeError("expected the token as a non-empty string")
        return cls(token=token, expires_at=_jwt_expiry(token))


@dataclass(frozen=True)
class RegisteredWebhook:
    """An entry of :meth:`Client.list_webhooks`. ``secret_key`` is yours (you
    registered it) but kept out of ``repr()``."""

    id: str
    action: str
    url: str
    type: str | None = None
    owner_client_id: str | None = None
    secret_key: str | None = field(default=None, repr=False, compare=False)
    description: str | None = None
    filters: Mapping[str, Any] | None = None
    additional_data: tuple[str, ...] | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> RegisteredWebhook:
        doc = _object(doc, "webhook")
        filters = doc.get("filters")
        data = doc.get("additional_data")
        return cls(
            id=str(doc["id"]),
            action=str(doc["action"]),
            url=str(doc["url"]),
            type=_opt_str(doc, "type"),
            owner_client_id=_opt_str(doc, "owner_client_id"),
            secret_key=_opt_str(doc, "secret_key"),
            description=_opt_str(doc, "description"),
            filters=None if filters is None else dict(_object(filters, "filters")),
            additional_data=None if data is None else tuple(str(d) for d in data),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class Customer:
    """A customer as ``get_customer`` answers (v3.2+; ``customer_id`` is
    ``id`` in the request from v3.3, renamed by the core)."""

    id: str
    name: str | None = None
    email: str | None = None
    created_at: str | None = None
    chat_ids: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Any) -> Customer:
        doc = _object(doc, "customer")
        return cls(
            id=str(doc["id"]),
            name=_opt_str(doc, "name"),
            email=_opt_str(doc, "email"),
            created_at=_opt_str(doc, "created_at"),
            chat_ids=tuple(str(c) for c in doc.get("chat_ids") or ()),
            raw=dict(doc),
        )
