"""The client: one handle to the C library, shared by any number of threads."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from . import _ffi
from ._errors import DecodeError, local_error
from ._handle import Handle, Managed
from .models import (
    BotAgent,
    BotAgentDetails,
    GroupLike,
    Priority,
    Status,
    WebhooksLike,
    to_json,
)

__all__ = ["Client"]

T = TypeVar("T")


class _Unset:
    """The default of update_bot_agent's fields: "not passed", unlike None."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _milliseconds(name: str, seconds: float | None) -> int | None:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name}: expected seconds as a number, got {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise ValueError(f"{name}: expected a finite number of seconds, got {seconds}")
    return round(seconds * 1000)


def _text(name: str, value: Any) -> bytes:
    """A plain C string argument (not JSON): str without NUL bytes."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str, got {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{name}: must not contain a NUL character")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"{name}: not valid Unicode ({e.reason})") from None


def _read(text: str | None, what: str, parse: Callable[[dict[str, Any]], T]) -> T:
    """Parses a result document; an unexpected shape becomes DecodeError."""
    try:
        doc = json.loads(text or "{}")
        if not isinstance(doc, dict):
            raise TypeError(f"expected a JSON object, got {type(doc).__name__}")
        return parse(doc)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise local_error(DecodeError, f"{what}: unexpected result: {detail}") from None


class Client(Managed):
    """A LiveChat Configuration API client for the Bot Agent actions.

    Use it as a context manager, or call :meth:`close` when done. One client
    may be used from many threads at once. Every method raises a
    :class:`~livechat_bots.LiveChatBotsError` subclass on failure, and
    ``ValueError`` once the client is closed.

    ``timeout`` and ``connect_timeout`` are in seconds; ``retry`` is a dict
    such as ``{"max_attempts": 3, "base_delay_ms": 200, "max_delay_ms": 5000}``.
    For ``token_type="Basic"`` the token may be ``{"account_id": ..., "pat": ...}``.
    """

    def __init__(
        self,
        token: str | Mapping[str, str],
        *,
        api_version: str = "3.0",
        base_url: str | None = None,
        region: str | None = None,
        token_type: str = "Bearer",
        timeout: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        retry: Mapping[str, int] | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        config: dict[str, Any] = {"token": token, "token_type": token_type, "api_version": api_version}
        optional: dict[str, Any] = {
            "base_url": base_url,
            "region": region,
            "timeout_ms": _milliseconds("timeout", timeout),
            "connect_timeout_ms": _milliseconds("connect_timeout", connect_timeout),
            "user_agent": user_agent,
            "retry": retry,
        }
        config.update((k, v) for k, v in optional.items() if v is not None)
        if allow_insecure_http:
            config["allow_insecure_http"] = allow_insecure_http
        address = _ffi.call_new(_ffi.lib.lcbot_client_new, to_json(config, "client config"))
        self._handle = Handle(self, address, _ffi.lib.lcbot_client_free, "Client")
        self._description = f"api_version={api_version!r}, base_url={base_url!r}"

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<livechat_bots.Client {self._description} {state}>"

    # -- calls ----------------------------------------------------------

    def _run(self, fn: Any, request: Mapping[str, Any], what: str) -> str | None:
        body = to_json(request, what)
        with self._handle.use() as address:
            return _ffi.call(fn, address, body)

    def create_bot_agent(
        self,
        name: str,
        status: Status | str | None = None,
        *,
        avatar: str | None = None,
        max_chats_count: int | None = None,
        groups: Sequence[GroupLike] | None = None,
        webhooks: WebhooksLike | None = None,
        default_group_priority: Priority | str | None = None,
        job_title: str | None = None,
        owner_client_id: str | None = None,
    ) -> str:
        """Creates a bot agent and returns its id.

        ``status`` is required up to API v3.1 and refused from v3.3 (set the
        routing status through the Agent Chat API); ``default_group_priority``
        exists from v3.2, ``job_title`` and ``owner_client_id`` from v3.3.
        """
        request: dict[str, Any] = {"name": name}
        optional = {
            "status": status,
            "avatar": avatar,
            "max_chats_count": max_chats_count,
            "groups": groups,
            "webhooks": webhooks,
            "default_group_priority": default_group_priority,
            "job_title": job_title,
            "owner_client_id": owner_client_id,
        }
        request.update((k, v) for k, v in optional.items() if v is not None)
        text = self._run(_ffi.lib.lcbot_create_bot_agent, request, "create_bot_agent")
        return _read(text, "create_bot_agent", lambda doc: str(doc["bot_agent_id"]))

    def remove_bot_agent(self, bot_agent_id: str) -> None:
        """Removes a bot agent."""
        self._run(_ffi.lib.lcbot_remove_bot_agent, {"bot_agent_id": bot_agent_id}, "remove_bot_agent")

    def update_bot_agent(
        self,
        bot_agent_id: str,
        *,
        name: str = UNSET,
        avatar: str = UNSET,
        status: Status | str = UNSET,
        max_chats_count: int = UNSET,
        groups: Sequence[GroupLike] = UNSET,
        default_group_priority: Priority | str = UNSET,
        webhooks: WebhooksLike = UNSET,
    ) -> None:
        """Changes a bot agent. Only the fields passed are sent."""
        fields = {
            "name": name,
            "avatar": avatar,
            "status": status,
            "max_chats_count": max_chats_count,
            "groups": groups,
            "default_group_priority": default_group_priority,
            "webhooks": webhooks,
        }
        request: dict[str, Any] = {"id": bot_agent_id}
        request.update((k, v) for k, v in fields.items() if v is not UNSET)
        self._run(_ffi.lib.lcbot_update_bot_agent, request, "update_bot_agent")

    def get_bot_agents(self, all: bool = False) -> list[BotAgent]:
        """Lists the bot agents: the caller's own, or every one of the license with ``all=True``."""
        text = self._run(_ffi.lib.lcbot_get_bot_agents, {"all": all}, "get_bot_agents")
        return _read(text, "get_bot_agents", lambda doc: [BotAgent.from_dict(b) for b in doc["bot_agents"]])

    def get_bot_agent_details(self, bot_agent_id: str) -> BotAgentDetails:
        """Returns one bot agent with its groups, webhooks and settings."""
        text = self._run(_ffi.lib.lcbot_get_bot_agent_details, {"bot_agent_id": bot_agent_id}, "get_bot_agent_details")
        return _read(text, "get_bot_agent_details", lambda doc: BotAgentDetails.from_dict(doc["bot_agent"]))

    def call(self, action: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Sends any Configuration API action with ``payload`` and returns the answer as it came."""
        action_c = _text("action", action)
        body = to_json({} if payload is None else payload, "payload")
        with self._handle.use() as address:
            text = _ffi.call(_ffi.lib.lcbot_call, address, action_c, body)
        return _read(text, action, lambda doc: doc)
