"""Bot templates and batches (API v3.5+): their models, and how a batch's
answer becomes one item per request (a result, or the exception the single
call would have raised)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ._errors import DecodeError, LiveChatBotsError, error_from_document, local_error
from .models import Priority

__all__ = ["BotTemplate", "CreatedBotTemplate", "batch_items"]

T = TypeVar("T")

@dataclass(frozen=True)
class BotTemplate:
    """An entry of :meth:`Client.list_bot_templates`. ``raw`` keeps the
    whole entry as the API sent it."""

    id: str
    name: str
    avatar: str | None = None
    max_chats_count: int | None = None
    default_group_priority: Priority | None = None
    job_title: str | None = None
    owner_client_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> BotTemplate:
        priority = doc.get("default_group_priority")
        count = doc.get("max_chats_count")
        return cls(
            id=str(doc["id"]),
            name=str(doc["name"]),
            avatar=_opt_str(doc, "avatar_path"),
            max_chats_count=None if count is None else int(count),
            default_group_priority=None if priority is None else Priority(priority),
            job_title=_opt_str(doc, "job_title"),
            owner_client_id=_opt_str(doc, "owner_client_id"),
            raw=dict(doc),
        )


@dataclass(frozen=True)
class CreatedBotTemplate:
    """The answer of :meth:`Client.create_bot_template`: the template's id
    and the secret of the bots made from it. ``secret`` is left out of
    ``repr()``, ``str()`` and comparisons; ``str(created)`` is the id."""

    id: str
    secret: str = field(repr=False, compare=False)

    def __str__(self) -> str:
        return self.id

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> CreatedBotTemplate:
        return cls(id=str(doc["id"]), secret=str(doc["secret"]))


def _opt_str(doc: Mapping[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return None if value is None else str(value)


def batch_items(text: str | None, what: str, parse: Callable[[Mapping[str, Any]], T]) -> list[T | LiveChatBotsError]:
    """The items of a batch document ``{"responses": [{"result"} or
    {"error"}]}``: each result read by ``parse``, each error document made
    the exception class a single call raises for it."""
    try:
        doc = json.loads(text or "{}")
        items: list[T | LiveChatBotsError] = []
        for entry in doc["responses"]:
            if "error" in entry:
                error = entry["error"]
                items.append(error_from_document(int(error["status"]), json.dumps(error)))
            else:
                items.append(parse(entry["result"]))
        return items
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise local_error(DecodeError, f"{what}: unexpected result: {detail}") from None
