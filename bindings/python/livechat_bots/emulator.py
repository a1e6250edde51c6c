"""The offline emulator of the Bot Agents API, running inside this process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import _ffi
from ._errors import DecodeError, local_error
from ._handle import Handle, Managed
from .models import to_json

__all__ = [
    "Emulator",
    "StartedChat",
    "EmulatorChat",
    "TranscriptEntry",
    "RoutingStep",
    "Delivery",
    "DeliveryTry",
    "DeliveryLog",
]

T = TypeVar("T")


def _opt_str(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return None if value is None else str(value)


@dataclass(frozen=True)
class StartedChat:
    """What :meth:`Emulator.start_chat` answers: the new chat, its thread,
    the customer, the first message's event id (with ``text``), and where
    the chat went: ``state`` ``"assigned"`` to ``bot_id``, or ``"queued"``
    (``bot_id`` None)."""

    chat_id: str
    thread_id: str
    customer_id: str
    state: str
    bot_id: str | None = None
    event_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> StartedChat:
        return cls(
            chat_id=str(doc["chat_id"]),
            thread_id=str(doc["thread_id"]),
            customer_id=str(doc["customer_id"]),
            state=str(doc["state"]),
            bot_id=_opt_str(doc, "bot_id"),
            event_id=_opt_str(doc, "event_id"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class TranscriptEntry:
    """One event of an emulated chat, whoever wrote it: ``author_type`` is
    ``"customer"``, ``"bot"`` or ``"agent"``."""

    event_id: str
    thread_id: str
    author_id: str | None
    author_type: str
    type: str
    text: str | None = None
    visibility: str | None = None
    created_at: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> TranscriptEntry:
        return cls(
            event_id=str(doc["event_id"]),
            thread_id=str(doc["thread_id"]),
            author_id=_opt_str(doc, "author_id"),
            author_type=str(doc["author_type"]),
            type=str(doc["type"]),
            text=_opt_str(doc, "text"),
            visibility=_opt_str(doc, "visibility"),
            created_at=_opt_str(doc, "created_at"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class RoutingStep:
    """One step of an emulated chat's routing history: ``what`` is
    ``"queued"``, ``"assigned"``, ``"transferred"`` or ``"closed"``."""

    what: str
    bot_id: str | None = None
    time_ms: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> RoutingStep:
        time_ms = doc.get("time_ms")
        return cls(
            what=str(doc["what"]),
            bot_id=_opt_str(doc, "bot_id"),
            time_ms=None if time_ms is None else int(time_ms),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class EmulatorChat:
    """An entry of :meth:`Emulator.chats`: a chat as the emulator sees it,
    with its routing history and everything the customer and the bots
    wrote (``transcript``, oldest first). ``state`` is ``"queued"``,
    ``"assigned"`` or ``"closed"``."""

    chat_id: str
    group_id: int
    customer_id: str
    state: str
    bot_id: str | None = None
    routing: tuple[RoutingStep, ...] = ()
    transcript: tuple[TranscriptEntry, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def texts(self) -> list[tuple[str, str | None]]:
        """The transcript as ``(author_type, text)`` pairs, handy in tests."""
        return [(e.author_type, e.text) for e in self.transcript]

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> EmulatorChat:
        return cls(
            chat_id=str(doc["chat_id"]),
            group_id=int(doc.get("group_id") or 0),
            customer_id=str(doc["customer_id"]),
            state=str(doc["state"]),
            bot_id=_opt_str(doc, "bot_id"),
            routing=tuple(RoutingStep.from_dict(r) for r in doc.get("routing") or ()),
            transcript=tuple(TranscriptEntry.from_dict(e) for e in doc.get("transcript") or ()),
            raw=dict(doc),
        )


def _opt_int(doc: Mapping[str, Any], key: str) -> int | None:
    value = doc.get(key)
    return None if value is None else int(value)


def _opt_float(doc: Mapping[str, Any], key: str) -> float | None:
    value = doc.get(key)
    return None if value is None else float(value)


@dataclass(frozen=True)
class DeliveryTry:
    """One POST of a webhook delivery: ``status`` is the receiver's HTTP
    status (None when there was no answer: ``error`` says why, e.g.
    ``"timeout"`` or ``"connection failed"``, or that the emulator counted
    the try as failed by fault injection)."""

    attempt: int
    time_ms: int | None = None
    status: int | None = None
    error: str | None = None
    duration_ms: float | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether this try was answered with a 2xx and counted as delivered."""
        return self.status is not None and 200 <= self.status < 300 and self.error is None

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> DeliveryTry:
        return cls(
            attempt=int(doc["attempt"]),
            time_ms=_opt_int(doc, "time_ms"),
            status=_opt_int(doc, "status"),
            error=_opt_str(doc, "error"),
            duration_ms=_opt_float(doc, "duration_ms"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class Delivery:
    """One webhook the emulator sent (or is sending) to a bot's receiver.

    ``state`` is ``"pending"`` (tries in progress), ``"delivered"`` (a try
    got a 2xx), ``"failed"`` (every try failed) or ``"refused"`` (the URL is
    not one the emulator may post to: ``error`` says why). ``action`` is the
    name as sent in ``version``'s body (``incoming_chat_thread`` on v3.0);
    ``duplicate`` marks the second copy a ``duplicate_delivery`` fault sent.
    ``body`` is what was POSTed, its ``secret_key`` redacted.
    """

    seq: int
    webhook_id: str
    action: str
    state: str
    bot_id: str | None = None
    version: str | None = None
    url: str | None = None
    time_ms: int | None = None
    duplicate: bool = False
    error: str | None = None
    tries: tuple[DeliveryTry, ...] = ()
    body: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def retried(self) -> bool:
        """Whether it took more than one try."""
        return len(self.tries) > 1

    @property
    def payload(self) -> Mapping[str, Any]:
        """The body's payload (``data`` in v3.0 bodies)."""
        payload = self.body.get("payload", self.body.get("data"))
        return payload if isinstance(payload, Mapping) else {}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Delivery:
        body = doc.get("body")
        return cls(
            seq=int(doc["seq"]),
            webhook_id=str(doc["webhook_id"]),
            action=str(doc["action"]),
            state=str(doc["state"]),
            bot_id=_opt_str(doc, "bot_id"),
            version=_opt_str(doc, "version"),
            url=_opt_str(doc, "url"),
            time_ms=_opt_int(doc, "time_ms"),
            duplicate=bool(doc.get("duplicate", False)),
            error=_opt_str(doc, "error"),
            tries=tuple(DeliveryTry.from_dict(t) for t in doc.get("tries") or ()),
            body=dict(body) if isinstance(body, Mapping) else {},
            raw=dict(doc),
        )


def _count(doc: Mapping[str, Any], key: str, fallback: int) -> int:
    value = doc.get(key)
    return fallback if value is None else int(value)


@dataclass(frozen=True)
class DeliveryLog:
    """What :meth:`Emulator.deliveries` answers: every webhook delivery,
    oldest first, and how many are ``delivered``, ``failed``, ``pending``
    and ``refused``, and how many were ``retried`` (more than one try).
    Iterating over it, ``len()`` and indexing go over ``deliveries``."""

    deliveries: tuple[Delivery, ...] = ()
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    refused: int = 0
    retried: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __iter__(self) -> Iterator[Delivery]:
        return iter(self.deliveries)

    def __len__(self) -> int:
        return len(self.deliveries)

    def __getitem__(self, index: int) -> Delivery:
        return self.deliveries[index]

    def of(self, action: str) -> list[Delivery]:
        """The deliveries of one action (as sent, e.g. ``"incoming_event"``)."""
        return [d for d in self.deliveries if d.action == action]

    def summary(self) -> str:
        """One line, e.g. ``"deliveries: 4 (4 delivered, 0 failed, 0 pending, 0 refused; 1 retried)"``."""
        return (
            f"deliveries: {len(self.deliveries)} ({self.delivered} delivered, {self.failed} failed, "
            f"{self.pending} pending, {self.refused} refused; {self.retried} retried)"
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> DeliveryLog:
        entries = tuple(Delivery.from_dict(d) for d in doc["deliveries"])
        states = [d.state for d in entries]
        return cls(
            deliveries=entries,
            delivered=_count(doc, "delivered", states.count("delivered")),
            failed=_count(doc, "failed", states.count("failed")),
            pending=_count(doc, "pending", states.count("pending")),
            refused=_count(doc, "refused", states.count("refused")),
            retried=_count(doc, "retried", sum(1 for d in entries if d.retried)),
            raw=dict(doc),
        )


def _typed(text: str | None, what: str, parse: Callable[[dict[str, Any]], T]) -> T:
    doc = _object(text, what)
    try:
        return parse(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise local_error(DecodeError, f"{what}: unexpected result: {detail}") from None


def _object(text: str | None, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(text or "{}")
    except ValueError as e:
        raise local_error(DecodeError, f"{what}: unexpected result: {e}") from None
    if not isinstance(doc, dict):
        raise local_error(DecodeError, f"{what}: unexpected result: not a JSON object")
    return doc


class Emulator(Managed):
    """An in-process HTTP server that answers like the Bot Agents API.

    ``config`` (optional) is the emulator's config document, e.g.
    ``{"tokens": [...], "bots": [...], "port": 0, "faults": [...],
    "organization_id": "...", "bot_token_lifetime_ms": 1000}``; by default
    the token ``"dev-token"`` (client ``"dev-client"``) has every bot scope.
    Besides the Configuration API it serves the Agent Chat API a bot uses,
    with chats that :meth:`start_chat` opens as a customer would. Point a
    :class:`~livechat_bots.Client` at :attr:`url`. Use it as a context
    manager, or call :meth:`close` when done.

    It also delivers webhooks to online bots, as LiveChat does: the bot's
    ``webhooks`` config (v3.0-v3.2) and ``register_webhook`` with ``type:
    "bot"`` (v3.3+), in the body of the webhook's version, from the
    emulator's own threads (:meth:`deliveries` is the log). The config
    keys for it:

    - ``"webhook_tries"`` (1 to 10, default 3): tries per delivery; a try
      that does not get a 2xx within the timeout is retried.
    - ``"webhook_backoff_ms"`` (default 1000): the wait before the second
      try, doubled before each next one; a few ms in tests.
    - ``"webhook_timeout_ms"`` (default 5000): how long a try waits for an
      answer.
    - ``"webhook_allow_remote"`` (default false): post to hosts that are not
      loopback; without it such a delivery is ``"refused"``.

    Faults for receivers' tests (``faults`` in the config, or
    :meth:`inject`): ``{"action": "incoming_event", "duplicate_delivery":
    True}`` sends the next delivery twice; ``{"action": "incoming_event",
    "lost_answer": True}`` counts its first try as failed whatever the
    receiver answered, so it is retried and the receiver sees the event
    twice. Either is what a receiver's deduplication (the event's
    ``dedupe_key``) is for.

    With ``"tls": True`` it serves HTTPS (:attr:`url` is ``https://...``)
    with a certificate for ``localhost`` and ``127.0.0.1`` signed by a CA
    made at start: give :attr:`ca_pem` to a client's ``ca_pem``.
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        if not _ffi.has_emulator(_ffi.lib):
            raise RuntimeError("livechat_bots: this library was built without the emulator feature")
        body = None if config is None else to_json(config, "emulator config")
        address = _ffi.call_new(_ffi.lib.lcbot_emulator_start, body)
        self._handle = Handle(self, address, _ffi.lib.lcbot_emulator_stop, "Emulator")
        with self._handle.use() as handle:
            url = _ffi.lib.lcbot_emulator_url(handle)
        self._url: str = (url or b"").decode("utf-8")
        self._organization_id: str | None = None

    @property
    def url(self) -> str:
        """The base URL to give a client, e.g. ``"http://127.0.0.1:41234"``."""
        return self._url

    @property
    def ca_pem(self) -> str | None:
        """The PEM of the CA that signed the emulator's certificate (``"tls":
        True``), for a client's ``ca_pem``; None over plain HTTP."""
        return self._control("lcbot_emulator_ca_pem", None, "ca_pem")

    def inject(self, fault: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Queues a fault, e.g. ``inject(action="get_bot_agents", status=503, times=2)``,
        or one for webhook deliveries: ``inject(action="incoming_event",
        lost_answer=True)`` (see the class's documentation).

        ``fault`` (a dict) and keyword fields are merged. Returns
        ``{"pending_faults": N}``.
        """
        document = {**(fault or {}), **fields}
        body = to_json(document, "fault")
        with self._handle.use() as handle:
            text = _ffi.call(_ffi.lib.lcbot_emulator_inject, handle, body)
        return _object(text, "inject")

    def requests(self) -> list[dict[str, Any]]:
        """The requests the emulator has received so far, oldest first."""
        with self._handle.use() as handle:
            text = _ffi.call(_ffi.lib.lcbot_emulator_requests, handle)
        requests = _object(text, "requests").get("requests")
        if not isinstance(requests, list):
            raise local_error(DecodeError, "requests: unexpected result: no list of requests")
        return requests

    def faults(self) -> list[dict[str, Any]]:
        """The faults still waiting for a request, in the order they are
        tried, each as :meth:`inject` takes it (``times`` counting down as
        requests take it)."""
        faults = _object(self._control("lcbot_emulator_faults", None, "faults"), "faults").get("faults")
        if not isinstance(faults, list):
            raise local_error(DecodeError, "faults: unexpected result: no list of faults")
        return faults

    def clear_faults(self) -> int:
        """Drops every pending fault; returns how many there were."""
        cleared = _object(self._control("lcbot_emulator_clear_faults", None, "clear_faults"), "clear_faults").get("cleared")
        if not isinstance(cleared, int):
            raise local_error(DecodeError, "clear_faults: unexpected result: no count")
        return cleared

    @property
    def organization_id(self) -> str:
        """The emulated license's organization id (for a bot's identity and
        ``issue_bot_token``): the config's ``organization_id``, or the
        emulator's default."""
        if self._organization_id is None:
            self._organization_id = _typed(
                self._control("lcbot_emulator_chats", None, "organization_id"),
                "organization_id",
                lambda doc: str(doc["organization_id"]),
            )
        return self._organization_id

    # -- playing the customer (control calls, not LiveChat's API) ---------

    def _control(self, name: str, request: Mapping[str, Any] | None, what: str) -> str | None:
        fn = _ffi.emulator_function(name)
        with self._handle.use() as handle:
            if request is None:
                return _ffi.call(fn, handle)
            return _ffi.call(fn, handle, to_json(request, what))

    def start_chat(
        self,
        group_id: int = 0,
        text: str | None = None,
        customer: Mapping[str, Any] | None = None,
    ) -> StartedChat:
        """A customer starts a chat in ``group_id``, with a first message
        ``text`` when given (``customer``: ``{"name"?, "email"?}``). The chat
        is routed at once to the best accepting bot of the group with a free
        slot, or queued until one comes online or frees up."""
        request: dict[str, Any] = {"group_id": group_id}
        if text is not None:
            request["text"] = text
        if customer is not None:
            request["customer"] = customer
        return _typed(self._control("lcbot_emulator_start_chat", request, "start_chat"), "start_chat", StartedChat.from_dict)

    def send_message(self, chat_id: str, text: str) -> str:
        """The customer writes in a chat; returns the event's id. An inactive
        chat is a :class:`ValidationError` naming ``chat_inactive``."""
        request = {"chat_id": chat_id, "text": text}
        return _typed(
            self._control("lcbot_emulator_send_message", request, "send_message"),
            "send_message",
            lambda doc: str(doc["event_id"]),
        )

    def press_button(self, chat_id: str, event_id: str, button_id: str) -> str | None:
        """The customer presses the button ``button_id`` (its ``postback_id``)
        of the rich message ``event_id``: the chat's bots are told
        ``incoming_rich_message_postback``; a ``message`` button also makes
        the customer write its value in a message carrying ``postback``,
        whose event id is returned (None for other buttons, and for a press
        that takes a previous one back)."""
        request = {"chat_id": chat_id, "event_id": event_id, "button_id": button_id}
        return _typed(
            self._control("lcbot_emulator_press_button", request, "press_button"),
            "press_button",
            lambda doc: None if doc["event_id"] is None else str(doc["event_id"]),
        )

    def agent_send_message(self, chat_id: str, agent_id: str, text: str) -> str:
        """A human agent (of the config's ``agents``) writes in a chat routed
        to them; returns the event's id."""
        request = {"chat_id": chat_id, "agent_id": agent_id, "text": text}
        return _typed(
            self._control("lcbot_emulator_agent_send_message", request, "agent_send_message"),
            "agent_send_message",
            lambda doc: str(doc["event_id"]),
        )

    def agents(self) -> list[dict[str, Any]]:
        """The human agents (``{"id", "name", "groups", "max_chats",
        "chats"}``, ``chats`` the active ones each has now)."""
        return _typed(self._control("lcbot_emulator_agents", None, "agents"), "agents", lambda doc: list(doc["agents"]))

    def close_chat(self, chat_id: str) -> None:
        """The customer leaves: the chat is closed and its bot's slot freed."""
        self._control("lcbot_emulator_close_chat", {"chat_id": chat_id}, "close_chat")

    def chats(self) -> list[EmulatorChat]:
        """Every chat, in the order they were started, with routing history and transcript."""
        return _typed(
            self._control("lcbot_emulator_chats", None, "chats"),
            "chats",
            lambda doc: [EmulatorChat.from_dict(c) for c in doc["chats"]],
        )

    def chat(self, chat_id: str) -> EmulatorChat:
        """One chat of :meth:`chats`; ``KeyError`` when there is none by that id."""
        for chat in self.chats():
            if chat.chat_id == chat_id:
                return chat
        raise KeyError(chat_id)

    def deliveries(self) -> DeliveryLog:
        """The webhook delivery log: every delivery the emulator made to the
        bots' webhooks (oldest first), with its tries, their statuses and
        timings, and the counts by state. Deliveries run on the emulator's
        threads: one may still be ``"pending"`` when this is read, so a test
        polls until the state it waits for shows."""
        return _typed(self._control("lcbot_emulator_deliveries", None, "deliveries"), "deliveries", DeliveryLog.from_dict)

    def install_application(self, client_id: str) -> list[str]:
        """Plays LiveChat installing application ``client_id`` on the
        license: each of its bot templates without a bot gets one, with the
        template's id and secret. Returns the ids of the bots made."""
        return _typed(
            self._control("lcbot_emulator_install_application", {"client_id": client_id}, "install_application"),
            "install_application",
            lambda doc: [str(i) for i in doc["bots_created"]],
        )

    def templates(self) -> dict[str, Any]:
        """``{"templates": [...], "installed": [client ids]}``: every
        application's bot templates (without secrets) and the applications
        installed on the license."""
        return _object(self._control("lcbot_emulator_templates", None, "templates"), "templates")

    def __repr__(self) -> str:
        return f"<livechat_bots.Emulator {self._url} {'closed' if self.closed else 'running'}>"
