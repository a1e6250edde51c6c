"""The Bot Agents API's shapes as Python values.

Results come back as frozen dataclasses with enums. Inputs take the enums or
their plain strings, and the dataclasses or plain dicts; the core, not this
module, checks them against the API's rules.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

_T = TypeVar("_T")

__all__ = [
    "Status",
    "Priority",
    "Group",
    "WebhookAction",
    "Webhooks",
    "BotAgent",
    "BotAgentDetails",
    "CreatedBot",
    "Notice",
    "GroupLike",
    "WebhooksLike",
    "to_json",
]


class Status(enum.Enum):
    """A bot agent's routing status."""

    ACCEPTING_CHATS = "accepting chats"
    NOT_ACCEPTING_CHATS = "not accepting chats"
    OFFLINE = "offline"


class Priority(enum.Enum):
    """Routing priority in a group. ``SUPERVISOR`` is valid only as a default group priority."""

    FIRST = "first"
    NORMAL = "normal"
    LAST = "last"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Group:
    """A group the bot belongs to, with its priority there."""

    id: int
    priority: Priority

    def __post_init__(self) -> None:
        if isinstance(self.priority, str):
            object.__setattr__(self, "priority", Priority(self.priority))

    def to_dict(self) -> dict[str, Any]:
        priority = self.priority.value if isinstance(self.priority, Priority) else self.priority
        return {"id": self.id, "priority": priority}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Group:
        return _build(cls, {"id": int(doc["id"]), "priority": Priority(doc["priority"])})


@dataclass(frozen=True)
class WebhookAction:
    """One action the webhooks are sent for, e.g. ``WebhookAction("incoming_chat")``."""

    name: str
    filters: Mapping[str, Any] | None = None
    additional_data: Sequence[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name}
        if self.filters is not None:
            doc["filters"] = self.filters
        if self.additional_data is not None:
            doc["additional_data"] = list(self.additional_data)
        return doc

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> WebhookAction:
        data = doc.get("additional_data")
        return cls(
            name=str(doc["name"]),
            filters=doc.get("filters"),
            additional_data=tuple(data) if data is not None else None,
        )


@dataclass(frozen=True)
class Webhooks:
    """Where and for which actions LiveChat sends the bot's webhooks."""

    url: str
    secret_key: str = field(repr=False)
    actions: Sequence[WebhookAction] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "secret_key": self.secret_key,
            # A plain dict among the actions is sent as it is.
            "actions": [a.to_dict() if isinstance(a, WebhookAction) else a for a in self.actions],
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Webhooks:
        return cls(
            url=str(doc["url"]),
            secret_key=str(doc["secret_key"]),
            actions=tuple(WebhookAction.from_dict(a) for a in doc.get("actions", ())),
        )


def _build(cls: type[_T], values: dict[str, Any]) -> _T:
    """A frozen dataclass from its complete field values, without __init__.

    The generated __init__ of a frozen dataclass sets each field through
    ``object.__setattr__``: for BotAgentDetails's 14 fields that is most of
    the cost of reading a result. ``from_dict`` has already converted and
    checked every value, and passes every field, so filling the instance's
    ``__dict__`` at once is the same object, made faster.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def _key(name: str) -> dict[str, str]:
    """Field metadata: the key of the field in the API's document."""
    return {"key": name}


@dataclass(frozen=True)
class CreatedBot:
    """The answer of :meth:`Client.create_bot_agent`: the new bot's id and,
    from API v3.5, its secret (``None`` before).

    ``bot_secret`` is a secret: it is left out of ``repr()`` and ``str()``,
    and of comparisons. ``str(created)`` is the id, and every
    :class:`~livechat_bots.Client` method that takes a bot id also takes a
    ``CreatedBot``, so code that used the id returned by earlier versions
    keeps working where it passes it on. It is deliberately not a ``str``
    subclass: a string would carry the secret into every place a string
    goes (logs, f-strings, JSON).
    """

    bot_agent_id: str
    bot_secret: str | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return self.bot_agent_id

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> CreatedBot:
        secret = doc.get("bot_secret")
        return _build(cls, {"bot_agent_id": str(doc["bot_agent_id"]), "bot_secret": None if secret is None else str(secret)})


@dataclass(frozen=True)
class BotAgent:
    """An entry of :meth:`Client.get_bot_agents`.

    ``raw`` keeps the whole entry: the extra fields a v3.3+ list carries when
    asked for with ``fields=[...]`` are there. The ``key`` of each field's
    metadata is its name in the document.
    """

    id: str = field(metadata=_key("id"))
    name: str = field(metadata=_key("name"))
    status: Status | None = field(default=None, metadata=_key("status"))
    avatar: str | None = field(default=None, metadata=_key("avatar"))
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> BotAgent:
        get = doc.get
        status = get("status")
        return _build(
            cls,
            {
                "id": str(doc["id"]),
                "name": str(doc["name"]),
                "status": None if status is None else Status(status),
                "avatar": get("avatar"),
                "raw": dict(doc),
            },
        )


@dataclass(frozen=True)
class BotAgentDetails:
    """The answer of :meth:`Client.get_bot_agent_details`.

    Every field the core answers with, for any API version: a field the
    version does not carry is ``None`` (or ``()`` for ``groups``).
    ``client_id`` is ``application.client_id`` (v3.3+'s ``owner_client_id``);
    ``status`` and ``webhooks`` exist up to v3.2; ``job_title``, ``timezone``
    and ``work_scheduler`` from v3.3, ``type`` from v3.6. ``raw`` keeps the
    whole document, fields this version of the package does not model
    included. The ``key`` of each field's metadata is its name in the
    document.
    """

    id: str = field(metadata=_key("id"))
    name: str = field(metadata=_key("name"))
    status: Status | None = field(default=None, metadata=_key("status"))
    avatar: str | None = field(default=None, metadata=_key("avatar"))
    client_id: str | None = field(default=None, metadata=_key("application"))
    max_chats_count: int | None = field(default=None, metadata=_key("max_chats_count"))
    groups: tuple[Group, ...] = field(default=(), metadata=_key("groups"))
    default_group_priority: Priority | None = field(default=None, metadata=_key("default_group_priority"))
    webhooks: Webhooks | None = field(default=None, metadata=_key("webhooks"))
    job_title: str | None = field(default=None, metadata=_key("job_title"))
    timezone: str | None = field(default=None, metadata=_key("timezone"))
    work_scheduler: Mapping[str, Any] | None = field(default=None, metadata=_key("work_scheduler"))
    type: str | None = field(default=None, metadata=_key("type"))
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> BotAgentDetails:
        get = doc.get
        application = get("application")
        status = get("status")
        groups = get("groups")
        priority = get("default_group_priority")
        webhooks = get("webhooks")
        scheduler = get("work_scheduler")
        return _build(
            cls,
            {
                "id": str(doc["id"]),
                "name": str(doc["name"]),
                "status": None if status is None else Status(status),
                "avatar": get("avatar"),
                "client_id": application.get("client_id") if isinstance(application, Mapping) else None,
                "max_chats_count": get("max_chats_count"),
                "groups": tuple([Group.from_dict(g) for g in groups]) if groups else (),
                "default_group_priority": None if priority is None else Priority(priority),
                "webhooks": None if webhooks is None else Webhooks.from_dict(webhooks),
                "job_title": get("job_title"),
                "timezone": get("timezone"),
                "work_scheduler": None if scheduler is None else dict(scheduler),
                "type": get("type"),
                "raw": dict(doc),
            },
        )


GroupLike = Group | Mapping[str, Any]
WebhooksLike = Webhooks | Mapping[str, Any]


@dataclass(frozen=True)
class Notice:
    """A notice from LiveChat about the API version in use, e.g. that it is
    deprecated: ``kind`` is ``"legacy"`` or ``"deprecated"``, ``until`` a
    date (``"2027-01-31"``). See :meth:`Client.notices`."""

    kind: str
    api_version: str
    until: str | None
    message: str

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Notice:
        until = doc.get("until")
        return cls(
            kind=str(doc["kind"]),
            api_version=str(doc["api_version"]),
            until=None if until is None else str(until),
            message=str(doc.get("message", "")),
        )


def _jsonable(value: Any) -> Any:
    # json.dumps calls this for what it cannot encode itself.
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (Group, WebhookAction, Webhooks)):
        return value.to_dict()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return list(value)
    raise TypeError(f"a value of type {type(value).__name__} cannot be sent as JSON")


# One encoder for every request: json.dumps with any argument builds a new
# JSONEncoder per call. Its settings never change and encode() keeps no
# state between calls, so threads share it.
_ENCODER = json.JSONEncoder(default=_jsonable, allow_nan=False, separators=(",", ":"))


def to_json(value: Any, what: str) -> bytes:
    """Encodes a request as UTF-8 JSON; enums and models become their API shapes.

    Raises TypeError (or ValueError for NaN and infinities) naming ``what``.
    """
    try:
        text = _ENCODER.encode(value)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{what}: {e}") from None
    except RecursionError:
        raise ValueError(f"{what}: nested too deeply to be sent as JSON") from None
    # json.dumps escapes non-ASCII by default: the text is ASCII and has no NUL byte.
    return text.encode("ascii")
