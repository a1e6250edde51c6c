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
from typing import Any

__all__ = [
    "Status",
    "Priority",
    "Group",
    "WebhookAction",
    "Webhooks",
    "BotAgent",
    "BotAgentDetails",
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
        return cls(id=int(doc["id"]), priority=Priority(doc["priority"]))


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


def _status(value: Any) -> Status | None:
    return None if value is None else Status(value)


@dataclass(frozen=True)
class BotAgent:
    """An entry of :meth:`Client.get_bot_agents`."""

    id: str
    name: str
    status: Status | None = None
    avatar: str | None = None

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> BotAgent:
        return cls(
            id=str(doc["id"]),
            name=str(doc["name"]),
            status=_status(doc.get("status")),
            avatar=doc.get("avatar"),
        )


@dataclass(frozen=True)
class BotAgentDetails:
    """The answer of :meth:`Client.get_bot_agent_details`.

    ``client_id`` is ``application.client_id``; ``raw`` keeps the whole
    document, fields this version does not model included.
    """

    id: str
    name: str
    status: Status | None = None
    avatar: str | None = None
    client_id: str | None = None
    max_chats_count: int | None = None
    groups: tuple[Group, ...] = ()
    default_group_priority: Priority | None = None
    webhooks: Webhooks | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> BotAgentDetails:
        application = doc.get("application")
        priority = doc.get("default_group_priority")
        webhooks = doc.get("webhooks")
        return cls(
            id=str(doc["id"]),
            name=str(doc["name"]),
            status=_status(doc.get("status")),
            avatar=doc.get("avatar"),
            client_id=application.get("client_id") if isinstance(application, Mapping) else None,
            max_chats_count=doc.get("max_chats_count"),
            groups=tuple(Group.from_dict(g) for g in doc.get("groups") or ()),
            default_group_priority=None if priority is None else Priority(priority),
            webhooks=None if webhooks is None else Webhooks.from_dict(webhooks),
            raw=dict(doc),
        )


GroupLike = Group | Mapping[str, Any]
WebhooksLike = Webhooks | Mapping[str, Any]


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


def to_json(value: Any, what: str) -> bytes:
    """Encodes a request as UTF-8 JSON; enums and models become their API shapes.

    Raises TypeError (or ValueError for NaN and infinities) naming ``what``.
    """
    try:
        text = json.dumps(value, default=_jsonable, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise type(e)(f"{what}: {e}") from None
    except RecursionError:
        raise ValueError(f"{what}: nested too deeply to be sent as JSON") from None
    # json.dumps escapes non-ASCII by default: the text is ASCII and has no NUL byte.
    return text.encode("ascii")
