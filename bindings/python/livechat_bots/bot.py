"""A bot: the Agent Chat Web API as one bot, through a client, in any version."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from . import _ffi, _sigint
from ._errors import error_from_document
from ._handle import Handle, Managed
from .chat_models import AgentRoutingStatus, Chat, ChatPage, ChatSummary, Customer, RoutingStatus
from .client import BotId, Client, _bot_id, _parse, _read, _read_list, _text, secret_argument
from .models import CreatedBot, to_json

__all__ = ["Bot"]


def _auth(version: str, has_secret: bool) -> str:
    """How requests name the bot (for ``repr()``; the core decides it alike)."""
    if version == "3.6" or (version == "3.5" and has_secret):
        return "bot token"
    return "author_id" if version == "3.0" else "X-Author-Id"


class Bot(Managed):
    """One bot acting on the Agent Chat Web API through ``client``.

    How requests name the bot follows the client's API version, and is
    settled here, once: v3.0 puts ``author_id`` beside the payload, v3.1 to
    v3.4 (and v3.5 without a secret) send an ``X-Author-Id`` header with the
    client's token, v3.6 (and v3.5 with ``bot_secret``) use the bot's own
    token, which the library gets with ``issue_bot_token``, keeps in memory
    only, and renews before it expires (and once after LiveChat refuses it),
    one renewal at a time however many threads call. The token never shows:
    not in ``repr()``, errors or logs. The bot needs ``bot_secret``,
    ``client_id`` (the client id of the application that owns the bot) and
    ``organization_id`` on v3.6.

    ``bot_agent_id`` may be what :meth:`Client.create_bot_agent` returned;
    :meth:`from_created` takes its secret too. Nothing about the bot is
    shared mutable state: many bots may use one client, and many threads one
    bot. The bot keeps what it needs of the client: closing the client
    first is allowed. Use it as a context manager, or call :meth:`close`;
    a call on a closed bot raises ``ValueError``.

    Every method takes today's (v3.6) names and shapes and answers in them
    whatever the version; the core translates for older versions. Each also
    takes ``timeout`` and ``attempt_timeout`` (seconds) for that call alone,
    is interrupted by Ctrl-C on the main thread as the client's calls are,
    and raises the client's exceptions (:class:`ValidationError` before
    anything is sent, :class:`AuthorizationError` for a chat the bot is not
    in, :class:`NotFoundError` for an unknown chat...).
    """

    def __init__(
        self,
        client: Client,
        bot_agent_id: BotId,
        bot_secret: str | None = None,
        *,
        client_id: str | None = None,
        organization_id: str | None = None,
    ) -> None:
        if not isinstance(client, Client):
            raise TypeError(f"client: expected a livechat_bots.Client, got {type(client).__name__}")
        identity: dict[str, Any] = {"bot_agent_id": _bot_id(bot_agent_id)}
        secret = secret_argument("bot_secret", bot_secret, required=False)
        if secret is not None:
            identity["bot_secret"] = secret
        for key, value in (("client_id", client_id), ("organization_id", organization_id)):
            if value is not None:
                identity[key] = value
        bot_id = identity["bot_agent_id"]
        with client._handle.use() as client_address:
            address = _new(client_address, to_json(identity, "bot identity"))
        del identity, secret
        if client._interruptible:
            # Its calls are interruptible as its client's are, also once the client is closed.
            self._handle = Handle(self, address, _sigint.releasing(_ffi.lib.lcbot_bot_free), "Bot")
            _sigint.hold()
        else:
            self._handle = Handle(self, address, _ffi.lib.lcbot_bot_free, "Bot")
        # The core calls the client's callbacks (token provider, notice
        # handler) during the bot's calls: they live as long as the client
        # object does, so the bot keeps it.
        self._client = client
        self._id: str = bot_id
        version = client._api_version
        auth = _auth(version, bot_secret is not None)
        self._description = f"{bot_id!r} api_version={version!r} auth={auth!r}"

    @classmethod
    def from_created(
        cls,
        client: Client,
        created: CreatedBot,
        *,
        client_id: str | None = None,
        organization_id: str | None = None,
    ) -> Bot:
        """The bot :meth:`Client.create_bot_agent` returned, with its secret
        (API v3.5+; ``None`` before, where none is needed)."""
        if not isinstance(created, CreatedBot):
            raise TypeError(f"created: expected a CreatedBot, got {type(created).__name__}")
        return cls(client, created.bot_agent_id, created.bot_secret, client_id=client_id, organization_id=organization_id)

    @property
    def bot_agent_id(self) -> str:
        """The bot's id."""
        return self._id

    @property
    def client(self) -> Client:
        """The client the bot acts through."""
        return self._client

    def __repr__(self) -> str:
        return f"<livechat_bots.Bot {self._description} {'closed' if self.closed else 'open'}>"

    # -- calls ----------------------------------------------------------

    # Both helpers are one frame deep, as the client's warnings expect.
    def _run(self, fn: Any, request: Mapping[str, Any], what: str, timeout: float | None, attempt_timeout: float | None) -> str | None:
        return self._client._run_on(self._handle, fn, (to_json(request, what),), timeout, attempt_timeout)

    def _run_raw(self, fn: Any, args: tuple[Any, ...], timeout: float | None, attempt_timeout: float | None) -> str | None:
        return self._client._run_on(self._handle, fn, args, timeout, attempt_timeout)

    def set_routing_status(
        self,
        status: RoutingStatus | str,
        *,
        agent_id: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Sets the bot's routing status: ``"accepting_chats"``,
        ``"not_accepting_chats"`` or ``"offline"`` (or :class:`RoutingStatus`).
        ``agent_id``: another bot of the same client (the bot itself by
        default). On v3.0/3.1 it is sent as ``update_bot_agent``'s ``status``."""
        request: dict[str, Any] = {"status": status}
        if agent_id is not None:
            request["agent_id"] = agent_id
        self._run(_ffi.lib.lcbot_bot_set_routing_status, request, "set_routing_status", timeout, attempt_timeout)

    def send_event(
        self,
        chat_id: str,
        event: Mapping[str, Any],
        *,
        attach_to_last_thread: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> str:
        """Sends an event to a chat and returns its id. ``event`` is
        ``{"type": "message", "text": ..., "visibility"?: "all"|"agents"}``,
        or a ``rich_message`` / ``system_message``; a message's text holds at
        most 16 KiB. A write: never sent twice unless it surely did not reach
        LiveChat."""
        request: dict[str, Any] = {"chat_id": chat_id, "event": event}
        if attach_to_last_thread is not None:
            request["attach_to_last_thread"] = attach_to_last_thread
        text = self._run(_ffi.lib.lcbot_bot_send_event, request, "send_event", timeout, attempt_timeout)
        return _read(text, "send_event", lambda doc: _event_id(doc))

    def send_message(
        self,
        chat_id: str,
        text: str,
        *,
        visibility: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> str:
        """Sends a text message (``visibility``: ``"all"``, LiveChat's
        default, or ``"agents"``); returns the event's id."""
        event: dict[str, Any] = {"type": "message", "text": text}
        if visibility is not None:
            event["visibility"] = visibility
        return self.send_event(chat_id, event, timeout=timeout, attempt_timeout=attempt_timeout)

    def list_chats(
        self,
        filters: Mapping[str, Any] | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        *,
        page_id: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> ChatPage:
        """One page of the chats the bot may see, newest first unless
        ``sort_order="asc"``. ``filters``: ``{"active"?: bool, "group_ids"?:
        [int], "include_chats_without_threads"?: bool}``; ``limit``: 1 to 100
        (10 by default). ``page_id`` (a page's ``next_page_id``) asks for the
        next page and goes alone: the first request's filters, order and
        limit hold for every page."""
        request: dict[str, Any] = {}
        optional = {"filters": filters, "sort_order": sort_order, "limit": limit, "page_id": page_id}
        request.update((k, v) for k, v in optional.items() if v is not None)
        text = self._run(_ffi.lib.lcbot_bot_list_chats, request, "list_chats", timeout, attempt_timeout)
        return _read(text, "list_chats", ChatPage.from_dict)

    def iter_chats(
        self,
        filters: Mapping[str, Any] | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> Iterator[ChatSummary]:
        """Every chat of :meth:`list_chats`, page after page (``limit`` is the
        page size), following ``next_page_id`` until there is none. Each page
        is one call, made when the previous page is used up; ``timeout`` and
        ``attempt_timeout`` bound each call."""
        page = self.list_chats(filters, sort_order, limit, timeout=timeout, attempt_timeout=attempt_timeout)
        seen: set[str] = set()
        while True:
            yield from page.chats_summary
            next_page = page.next_page_id
            if not next_page or next_page in seen:
                return
            seen.add(next_page)
            page = self.list_chats(page_id=next_page, timeout=timeout, attempt_timeout=attempt_timeout)

    def get_chat(
        self,
        chat_id: str,
        thread_id: str | None = None,
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> Chat:
        """A chat with one thread: ``thread_id``'s, or the latest."""
        request: dict[str, Any] = {"chat_id": chat_id}
        if thread_id is not None:
            request["thread_id"] = thread_id
        text = self._run(_ffi.lib.lcbot_bot_get_chat, request, "get_chat", timeout, attempt_timeout)
        return _read(text, "get_chat", Chat.from_dict)

    def transfer_chat(
        self,
        chat_id: str,
        target: Mapping[str, Any] | None = None,
        *,
        ignore_agents_availability: bool | None = None,
        ignore_requester_presence: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Hands a chat on: ``target`` is ``{"type": "agent", "ids": [bot or
        agent ids]}`` or ``{"type": "group", "ids": [group ids]}``; ``None``:
        another agent of the chat's group. The bot leaves the chat."""
        request: dict[str, Any] = {"id": chat_id}
        optional = {
            "target": target,
            "ignore_agents_availability": ignore_agents_availability,
            "ignore_requester_presence": ignore_requester_presence,
        }
        request.update((k, v) for k, v in optional.items() if v is not None)
        self._run(_ffi.lib.lcbot_bot_transfer_chat, request, "transfer_chat", timeout, attempt_timeout)

    def deactivate_chat(
        self,
        chat_id: str,
        *,
        ignore_requester_presence: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Closes the chat's active thread (``close_thread`` before v3.2)."""
        request: dict[str, Any] = {"id": chat_id}
        if ignore_requester_presence is not None:
            request["ignore_requester_presence"] = ignore_requester_presence
        self._run(_ffi.lib.lcbot_bot_deactivate_chat, request, "deactivate_chat", timeout, attempt_timeout)

    def list_routing_statuses(
        self,
        group_ids: Sequence[int] | None = None,
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> list[AgentRoutingStatus]:
        """The routing status of every agent and bot (of ``group_ids``, when
        given). API v3.2+: a :class:`ValidationError` before."""
        request: dict[str, Any] = {}
        if group_ids is not None:
            request["filters"] = {"group_ids": group_ids}
        text = self._run(_ffi.lib.lcbot_bot_list_routing_statuses, request, "list_routing_statuses", timeout, attempt_timeout)
        return _read_list(text, "list_routing_statuses", AgentRoutingStatus.from_dict)

    # -- the conversation (v3.2+; thinking and previews v3.6) ---------------
    # An action the client's version lacks raises ValidationError before
    # anything is sent, naming the first version that has it.

    def send_rich_message(
        self, chat_id: str, event: Mapping[str, Any], *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> str:
        """Sends a rich message (see :mod:`livechat_bots.rich_messages` for
        quick replies and cards) and returns its event id."""
        if event.get("type", "rich_message") != "rich_message":
            raise ValueError(f"event: expected a rich_message, got type {event.get('type')!r}")
        return self.send_event(chat_id, {"type": "rich_message", **event}, timeout=timeout, attempt_timeout=attempt_timeout)

    def send_typing_indicator(
        self,
        chat_id: str,
        is_typing: bool = True,
        *,
        visibility: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Shows (``is_typing=False``: hides) "typing..." in the chat."""
        request: dict[str, Any] = {"chat_id": chat_id, "is_typing": is_typing}
        if visibility is not None:
            request["visibility"] = visibility
        self._run(_ffi.lib.lcbot_bot_send_typing_indicator, request, "send_typing_indicator", timeout, attempt_timeout)

    def send_thinking_indicator(
        self,
        chat_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        visibility: str | None = None,
        custom_id: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Shows "thinking..." until the bot's next event (API v3.6)."""
        request: dict[str, Any] = {"chat_id": chat_id}
        optional = {"title": title, "description": description, "visibility": visibility, "custom_id": custom_id}
        request.update((k, v) for k, v in optional.items() if v is not None)
        self._run(_ffi.lib.lcbot_bot_send_thinking_indicator, request, "send_thinking_indicator", timeout, attempt_timeout)

    def send_event_preview(
        self, chat_id: str, text: str, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> None:
        """Shows the message the bot is writing before it is sent (API v3.6)."""
        request = {"chat_id": chat_id, "event": {"type": "message", "text": text}}
        self._run(_ffi.lib.lcbot_bot_send_event_preview, request, "send_event_preview", timeout, attempt_timeout)

    def tag_thread(
        self, chat_id: str, thread_id: str, tag: str, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> None:
        """Adds ``tag`` to a thread."""
        request = {"chat_id": chat_id, "thread_id": thread_id, "tag": tag}
        self._run(_ffi.lib.lcbot_bot_tag_thread, request, "tag_thread", timeout, attempt_timeout)

    def untag_thread(
        self, chat_id: str, thread_id: str, tag: str, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> None:
        """Removes ``tag`` from a thread."""
        request = {"chat_id": chat_id, "thread_id": thread_id, "tag": tag}
        self._run(_ffi.lib.lcbot_bot_untag_thread, request, "untag_thread", timeout, attempt_timeout)

    def update_chat_properties(
        self,
        chat_id: str,
        properties: Mapping[str, Mapping[str, Any]],
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Sets chat properties: ``{namespace: {name: value}}``."""
        request = {"id": chat_id, "properties": properties}
        self._run(_ffi.lib.lcbot_bot_update_chat_properties, request, "update_chat_properties", timeout, attempt_timeout)

    def delete_chat_properties(
        self,
        chat_id: str,
        properties: Mapping[str, Sequence[str]],
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Deletes chat properties: ``{namespace: [names]}``."""
        request = {"id": chat_id, "properties": properties}
        self._run(_ffi.lib.lcbot_bot_delete_chat_properties, request, "delete_chat_properties", timeout, attempt_timeout)

    def update_thread_properties(
        self,
        chat_id: str,
        thread_id: str,
        properties: Mapping[str, Mapping[str, Any]],
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Sets thread properties: ``{namespace: {name: value}}``."""
        request = {"chat_id": chat_id, "thread_id": thread_id, "properties": properties}
        self._run(_ffi.lib.lcbot_bot_update_thread_properties, request, "update_thread_properties", timeout, attempt_timeout)

    def delete_thread_properties(
        self,
        chat_id: str,
        thread_id: str,
        properties: Mapping[str, Sequence[str]],
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Deletes thread properties: ``{namespace: [names]}``."""
        request = {"chat_id": chat_id, "thread_id": thread_id, "properties": properties}
        self._run(_ffi.lib.lcbot_bot_delete_thread_properties, request, "delete_thread_properties", timeout, attempt_timeout)

    def mark_events_as_seen(
        self, chat_id: str, seen_up_to: str, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> None:
        """Marks the chat's events up to ``seen_up_to`` (RFC 3339) as seen by the bot."""
        request = {"chat_id": chat_id, "seen_up_to": seen_up_to}
        self._run(_ffi.lib.lcbot_bot_mark_events_as_seen, request, "mark_events_as_seen", timeout, attempt_timeout)

    def get_customer(self, customer_id: str, *, timeout: float | None = None, attempt_timeout: float | None = None) -> Customer:
        """The customer ``customer_id`` (of a chat the bot may read)."""
        text = self._run(_ffi.lib.lcbot_bot_get_customer, {"id": customer_id}, "get_customer", timeout, attempt_timeout)
        return _read(text, "get_customer", Customer.from_dict)

    def call(
        self,
        action: str,
        payload: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> Any:
        """Any Agent Chat action as this bot: ``payload`` is sent as given, in
        the client's version (no renaming), the bot named as that version
        requires. Returns the JSON value LiveChat answered (``{}`` for an
        empty body). Treated as a write: repeated only when surely not
        applied."""
        action_c = _text("action", action)
        body = to_json({} if payload is None else payload, "payload")
        text = self._run_raw(_ffi.lib.lcbot_bot_call, (action_c, body), timeout, attempt_timeout)
        return _parse(text, action)


def _new(client_address: int, identity: bytes) -> int:
    """``lcbot_bot_new(client, identity, &bot, &error)``: the handle, or raises."""
    handle = ctypes.c_void_p()
    error = ctypes.c_void_p()
    try:
        status = int(_ffi.lib.lcbot_bot_new(client_address, identity, ctypes.byref(handle), ctypes.byref(error)))
    finally:
        text = _ffi._take(error)
    if status != 0:
        raise error_from_document(status, text)
    if handle.value is None:  # pragma: no cover - the core never does this
        raise error_from_document(9, '{"code": "panic", "message": "lcbot_bot_new returned no handle"}')
    return handle.value


def _event_id(doc: dict[str, Any]) -> str:
    value = doc["event_id"]
    if not isinstance(value, str):
        raise TypeError("event_id: expected a string")
    return value
