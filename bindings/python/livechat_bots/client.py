"""The client: one handle to the C library, shared by any number of threads."""

from __future__ import annotations

import ctypes
import json
import math
import threading
import warnings
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from ctypes import byref, c_void_p
from json.encoder import encode_basestring_ascii as _quote
from typing import Any, TypeVar

from . import _ffi, _sigint
from ._errors import DecodeError, LiveChatBotsError, ValidationError, error_from_document, local_error
from ._ffi import _take
from ._handle import Handle, Managed
from ._templates import BotTemplate, CreatedBotTemplate, batch_items
from .chat_models import BotToken, RegisteredWebhook
from .models import (
    BotAgent,
    BotAgentDetails,
    CreatedBot,
    GroupLike,
    Notice,
    Priority,
    Status,
    WebhooksLike,
    to_json,
)

__all__ = ["BotId", "Client", "TokenProviderFunc"]

T = TypeVar("T")

#: A bot id as the methods take it: the id, or what create_bot_agent returned.
BotId = str | CreatedBot
#: A token provider: returns a fresh access token, or None for "no new token".
TokenProviderFunc = Callable[[], "str | None"]

#: The largest per-call timeout the core accepts (one hour), in milliseconds.
MAX_TIMEOUT_MS = 3_600_000


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
    """A duration of the client's config, in ms; the core checks the range."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name}: expected seconds as a number, got {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise ValueError(f"{name}: expected a finite number of seconds, got {seconds}")
    return round(seconds * 1000)


def _call_milliseconds(name: str, seconds: float | None) -> int:
    """A per-call duration in whole ms (rounded up), or 0 for "the client's".

    In ``lcbot_call_options`` 0 means "the client's setting", so a value that
    would be 0 or less, above an hour, or not finite cannot be sent: it is a
    ValidationError here, as the core would answer.
    """
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name}: expected seconds as a number, got {type(seconds).__name__}")
    if not (math.isfinite(seconds) and seconds > 0 and math.ceil(seconds * 1000) <= MAX_TIMEOUT_MS):
        raise local_error(
            ValidationError,
            f"{name}: expected a number of seconds above 0 and at most {MAX_TIMEOUT_MS // 1000}; got {seconds!r}",
        )
    return math.ceil(seconds * 1000)


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


def _bot_id(value: Any) -> Any:
    """The id in a BotId; anything else goes to the core as it is (it validates)."""
    return value.bot_agent_id if isinstance(value, CreatedBot) else value


def secret_argument(name: str, value: Any, *, required: bool) -> str | None:
    """A secret going to the core: a non-empty str (or None when not
    required). Anything else is refused here, by type only: the core's
    message would quote the value, and a secret must never show."""
    if value is None:
        if required:
            raise TypeError(f"{name}: required (a str)")
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected str, got {type(value).__name__}")
    return value


def _string(doc: dict[str, Any], key: str) -> str:
    value = doc[key]
    if not isinstance(value, str):
        raise TypeError(f"{key}: expected a string")
    return value


def _parse(text: str | None, what: str) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError as e:
        raise local_error(DecodeError, f"{what}: unexpected result: {e}") from None


# json.loads(text) is JSONDecoder.decode: two regex matches for the
# whitespace around the value, then this C scanner. The core's result
# documents have no such whitespace, so _load calls the scanner itself and
# leaves anything else (whitespace, trailing text, errors) to json.loads.
_scan_once: Callable[[str, int], tuple[Any, int]] = getattr(json.JSONDecoder(), "scan_once")


def _load(text: str) -> Any:
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the JSONDecodeError
    if end != len(text):
        return json.loads(text)
    return value


def _read(text: str | None, what: str, parse: Callable[[dict[str, Any]], T]) -> T:
    """Parses a result document; an unexpected shape becomes DecodeError."""
    try:
        doc = _load(text or "{}")
        if not isinstance(doc, dict):
            raise TypeError(f"expected a JSON object, got {type(doc).__name__}")
        return parse(doc)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise local_error(DecodeError, f"{what}: unexpected result: {detail}") from None


def _read_list(text: str | None, what: str, item: Callable[[Any], T]) -> list[T]:
    """Parses a result that is a JSON array of documents, each read by
    ``item``; another shape becomes DecodeError."""
    doc = _parse(text or "[]", what)
    if not isinstance(doc, list):
        raise local_error(DecodeError, f"{what}: unexpected result: not a JSON array")
    try:
        return [item(entry) for entry in doc]
    except (KeyError, TypeError, ValueError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise local_error(DecodeError, f"{what}: unexpected result: {detail}") from None


#: Set while an ``aio`` coroutine runs a method's body: how its call goes
#: (submitted to the queue, then answered from the completion).
QUEUED_CALL: ContextVar[Callable[[Client, Handle, Any, tuple[Any, ...], int, int], str | None] | None] = ContextVar(
    "livechat_bots_queued_call", default=None
)


def _invoke(fn: Any, args: tuple[Any, ...], timeout_ms: int, attempt_ms: int, interruptible: bool) -> str | None:
    """Calls ``fn(*args, options, &out)``; returns the result text or raises its error.

    ``options`` is NULL unless a per-call setting is given or the call is
    made cancellable by Ctrl-C (see ``_sigint``).
    """
    options = _sigint.enter(timeout_ms, attempt_ms) if interruptible else None
    if options is None:
        if timeout_ms or attempt_ms:
            options = byref(_ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION, timeout_ms, attempt_ms, None))
        return _ffi.call(fn, *args, options)
    out = c_void_p()
    try:
        status = int(fn(*args, options, byref(out)))
    except BaseException:
        # Not the call's own failure (that comes back as a status): ctypes
        # refused an argument, say. End the call all the same, and let a
        # SIGINT that came meanwhile have its say.
        try:
            _take(out)
        finally:
            handler = _sigint.leave()
        if handler is not None:
            _sigint.deliver(handler, None)
        raise
    try:
        text = _take(out)
    finally:
        handler = _sigint.leave()
    error = error_from_document(status, text) if status != 0 else None
    if handler is not None:
        # A SIGINT came during the call: the program's handler runs now
        # (KeyboardInterrupt, with the CancelledError as its __context__).
        _sigint.deliver(handler, error)
    if error is not None:
        try:
            raise error
        finally:
            del error  # its traceback holds this frame: no cycle back to it
    return text


def _id_request(key: str, value: Any, what: str) -> bytes:
    """``{key: value}`` as JSON: the request of the calls that take only a bot
    id. A ``str`` id is quoted directly (the bytes to_json would give);
    anything else goes through to_json, which names what it cannot send."""
    if type(value) is str:
        return b'{"' + key.encode("ascii") + b'":' + _quote(value).encode("ascii") + b"}"
    return to_json({key: value}, what)


def _details(doc: dict[str, Any]) -> BotAgentDetails:
    return BotAgentDetails.from_dict(doc["bot_agent"])


def _bot_list(doc: dict[str, Any]) -> list[BotAgent]:
    from_dict = BotAgent.from_dict
    return [from_dict(b) for b in doc["bot_agents"]]


def _notice_text(notice: Notice) -> str:
    """The warning's text: the core's message, which names the version and the date."""
    if notice.api_version in notice.message and (notice.until is None or notice.until in notice.message):
        return notice.message
    until = f" until {notice.until}" if notice.until else ""
    return f"LiveChat API v{notice.api_version} is {notice.kind}{until}: {notice.message}"


class Client(Managed):
    """A LiveChat Configuration API client for the Bot Agent actions.

    Use it as a context manager, or call :meth:`close` when done. One client
    may be used from many threads at once. Every method raises a
    :class:`~livechat_bots.LiveChatBotsError` subclass on failure, and
    ``ValueError`` once the client is closed.

    ``timeout`` (the whole call, retries included), ``attempt_timeout`` (one
    HTTP attempt) and ``connect_timeout`` are in seconds; every method also
    takes ``timeout`` and ``attempt_timeout`` for that call alone. ``retry``
    is a dict such as ``{"max_attempts": 3, "base_delay_ms": 200,
    "max_delay_ms": 5000}``. For ``token_type="Basic"`` the token may be
    ``{"account_id": ..., "pat": ...}``. ``ca_pem`` is PEM text of more CA
    certificates to trust beside the system's (e.g. ``Emulator.ca_pem``).

    ``token``, ``api_version``, ``base_url`` and ``region`` not passed (or
    None) come from ``LIVECHAT_TOKEN``, ``LIVECHAT_API_VERSION``,
    ``LIVECHAT_BASE_URL`` and ``LIVECHAT_REGION`` when those are set and not
    empty, else the library's defaults (API 3.0, LiveChat's URL); what is
    passed always wins. :attr:`api_version` and :attr:`base_url` say what
    was chosen.

    ``token_provider`` is called (on the calling thread, at most once per
    call, never twice at once) when LiveChat refuses the token as
    ``authentication``; it returns a fresh token, or None. ``interruptible``
    (default True) lets Ctrl-C interrupt a call on the main thread (see the
    README). Deprecation notices of the API version are issued as
    :class:`DeprecationWarning` once per client and kind, and kept in
    :meth:`notices`.
    """

    def __init__(
        self,
        token: str | Mapping[str, str] | None = None,
        *,
        api_version: str | None = None,
        base_url: str | None = None,
        region: str | None = None,
        token_type: str = "Bearer",
        timeout: float | None = None,
        attempt_timeout: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        retry: Mapping[str, int] | None = None,
        allow_insecure_http: bool = False,
        ca_pem: str | None = None,
        token_provider: TokenProviderFunc | None = None,
        interruptible: bool = True,
    ) -> None:
        config: dict[str, Any] = {"token_type": token_type}
        optional: dict[str, Any] = {
            "token": token,
            "api_version": api_version,
            "base_url": base_url,
            "region": region,
            "timeout_ms": _milliseconds("timeout", timeout),
            "attempt_timeout_ms": _milliseconds("attempt_timeout", attempt_timeout),
            "connect_timeout_ms": _milliseconds("connect_timeout", connect_timeout),
            "user_agent": user_agent,
            "retry": retry,
            "ca_pem": ca_pem,
        }
        config.update((k, v) for k, v in optional.items() if v is not None)
        if allow_insecure_http:
            config["allow_insecure_http"] = allow_insecure_http
        address = _ffi.call_new(_ffi.lib.lcbot_client_new, to_json(config, "client config"))
        self._interruptible = bool(interruptible)
        if self._interruptible:
            # Ctrl-C's set-up stays while an interruptible client is open.
            self._handle = Handle(self, address, _sigint.releasing(_ffi.lib.lcbot_client_free), "Client")
            _sigint.hold()
        else:
            self._handle = Handle(self, address, _ffi.lib.lcbot_client_free, "Client")
        # The settings in use: the environment may have filled what was not passed.
        settings = _parse(_ffi.call(_ffi.lib.lcbot_client_settings, address), "client settings")
        self._api_version: str = settings["api_version"]
        self._base_url: str = settings["base_url"]
        self._description = f"api_version={self._api_version!r}, base_url={self._base_url!r}"
        # Every callback handed to the core stays referenced as long as the
        # handle lives: a replaced one may still be running on another thread.
        self._callbacks: list[Any] = []
        self._provider_failure = threading.local()
        self._has_provider = False
        self._notices: deque[Notice] = deque()
        self._install_notice_handler()
        if token_provider is not None:
            self.set_token_provider(token_provider)

    @property
    def api_version(self) -> str:
        """The API version this client speaks, e.g. ``"3.6"``."""
        return self._api_version

    @property
    def base_url(self) -> str:
        """The base URL this client sends to, e.g. an emulator's."""
        return self._base_url

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<livechat_bots.Client {self._description} {state}>"

    # -- calls ----------------------------------------------------------

    def _run(
        self,
        fn: Any,
        args: tuple[Any, ...],
        timeout: float | None,
        attempt_timeout: float | None,
    ) -> str | None:
        return self._run_on(self._handle, fn, args, timeout, attempt_timeout)

    def _run_on(
        self,
        handle: Handle,
        fn: Any,
        args: tuple[Any, ...],
        timeout: float | None,
        attempt_timeout: float | None,
    ) -> str | None:
        """Calls ``fn(address of handle, *args, options, &out)`` with this
        client's settings: its Ctrl-C behaviour, its token provider's failure
        as the error's ``__cause__``, its notices as warnings. ``handle`` is
        this client's, or that of a :class:`~livechat_bots.Bot` made from it
        (whose calls go through this client in the core).

        Called from a public method of the client or of a bot: the
        warnings point at the line that called that method.
        """
        timeout_ms = 0 if timeout is None else _call_milliseconds("timeout", timeout)
        attempt_ms = 0 if attempt_timeout is None else _call_milliseconds("attempt_timeout", attempt_timeout)
        queued = QUEUED_CALL.get()
        if queued is not None:
            # An AsyncClient's or AsyncBot's call: the queue runs it (see aio).
            return queued(self, handle, fn, args, timeout_ms, attempt_ms)
        if self._has_provider:
            self._provider_failure.error = None
        address = handle.acquire()
        try:
            text = _invoke(fn, (address, *args), timeout_ms, attempt_ms, self._interruptible)
        except LiveChatBotsError as e:
            if self._has_provider:
                failure = getattr(self._provider_failure, "error", None)
                if failure is not None:
                    self._provider_failure.error = None
                    e.__cause__ = failure
            if self._notices:
                self._warn_notices(keep_error=True)
            raise
        finally:
            handle.release()
        if self._notices:
            self._warn_notices()
        return text

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
        work_scheduler: Mapping[str, Any] | None = None,
        timezone: str | None = None,
        owner_client_id: str | None = None,
        type: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> CreatedBot:
        """Creates a bot agent; returns its id and, from API v3.5, its secret.

        ``status`` is required up to API v3.1 and refused from v3.3 (set the
        routing status through the Agent Chat API), as are ``webhooks``;
        ``default_group_priority`` exists from v3.2, ``job_title``,
        ``work_scheduler``, ``timezone`` and ``owner_client_id`` from v3.3,
        ``type`` from v3.6. Fields left as None are not sent.
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
            "work_scheduler": work_scheduler,
            "timezone": timezone,
            "owner_client_id": owner_client_id,
            "type": type,
        }
        request.update((k, v) for k, v in optional.items() if v is not None)
        text = self._run(_ffi.lib.lcbot_create_bot_agent, (to_json(request, "create_bot_agent"),), timeout, attempt_timeout)
        return _read(text, "create_bot_agent", CreatedBot.from_dict)

    def remove_bot_agent(
        self, bot_agent_id: BotId, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> None:
        """Removes a bot agent."""
        request = _id_request("bot_agent_id", _bot_id(bot_agent_id), "remove_bot_agent")
        self._run(_ffi.lib.lcbot_remove_bot_agent, (request,), timeout, attempt_timeout)

    def update_bot_agent(
        self,
        bot_agent_id: BotId,
        *,
        name: str = UNSET,
        avatar: str = UNSET,
        status: Status | str = UNSET,
        max_chats_count: int = UNSET,
        groups: Sequence[GroupLike] = UNSET,
        default_group_priority: Priority | str = UNSET,
        webhooks: WebhooksLike = UNSET,
        job_title: str = UNSET,
        work_scheduler: Mapping[str, Any] = UNSET,
        timezone: str = UNSET,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Changes a bot agent. Only the fields passed are sent.

        ``status`` and ``webhooks`` are refused from API v3.3; ``job_title``,
        ``work_scheduler`` and ``timezone`` exist from v3.3.
        """
        fields = {
            "name": name,
            "avatar": avatar,
            "status": status,
            "max_chats_count": max_chats_count,
            "groups": groups,
            "default_group_priority": default_group_priority,
            "webhooks": webhooks,
            "job_title": job_title,
            "work_scheduler": work_scheduler,
            "timezone": timezone,
        }
        request: dict[str, Any] = {"id": _bot_id(bot_agent_id)}
        request.update((k, v) for k, v in fields.items() if v is not UNSET)
        self._run(_ffi.lib.lcbot_update_bot_agent, (to_json(request, "update_bot_agent"),), timeout, attempt_timeout)

    def get_bot_agents(
        self,
        all: bool = False,
        *,
        fields: Sequence[str] | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> list[BotAgent]:
        """Lists the bot agents: the caller's own, or every one of the license with ``all=True``.

        ``fields`` (v3.3+) names the extra fields the entries should carry,
        e.g. ``["max_chats_count", "groups"]``.
        """
        request: dict[str, Any] = {"all": all}
        if fields is not None:
            request["fields"] = fields
        text = self._run(_ffi.lib.lcbot_get_bot_agents, (to_json(request, "get_bot_agents"),), timeout, attempt_timeout)
        return _read(text, "get_bot_agents", _bot_list)

    def get_bot_agent_details(
        self,
        bot_agent_id: BotId,
        *,
        fields: Sequence[str] | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> BotAgentDetails:
        """Returns one bot agent with its groups, webhooks and settings (``fields``: v3.3+)."""
        if fields is None:
            body = _id_request("bot_agent_id", _bot_id(bot_agent_id), "get_bot_agent_details")
        else:
            body = to_json({"bot_agent_id": _bot_id(bot_agent_id), "fields": fields}, "get_bot_agent_details")
        text = self._run(_ffi.lib.lcbot_get_bot_agent_details, (body,), timeout, attempt_timeout)
        return _read(text, "get_bot_agent_details", _details)

    def call(
        self,
        action: str,
        payload: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> Any:
        """Sends any Configuration API action with ``payload`` and returns the
        JSON value LiveChat answered, as it came: a dict, or a list (a v3.3+
        ``list_bots``), ...; ``{}`` for an empty body."""
        action_c = _text("action", action)
        body = to_json({} if payload is None else payload, "payload")
        text = self._run(_ffi.lib.lcbot_call, (action_c, body), timeout, attempt_timeout)
        return _parse(text, action)

    # -- what a bot needs: its token, its secret, its webhooks -----------

    def issue_bot_token(
        self,
        bot_agent_id: BotId,
        bot_secret: str | None = None,
        *,
        client_id: str,
        organization_id: str,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> BotToken:
        """Issues a token for a bot to act with on the Agent Chat API (API
        v3.5+): ``bot_secret`` is the bot's secret (taken from a
        :class:`CreatedBot` when one is passed and it is None), ``client_id``
        the client id of the application that owns the bot,
        ``organization_id`` the license's organization.

        A :class:`~livechat_bots.Bot` gets and renews its own tokens; call
        this only to hand a token to another program. The answer is a
        :class:`BotToken`, whose ``repr()`` does not show the token.
        """
        if bot_secret is None and isinstance(bot_agent_id, CreatedBot):
            bot_secret = bot_agent_id.bot_secret
        request = {
            "bot_id": _bot_id(bot_agent_id),
            "client_id": client_id,
            "bot_secret": secret_argument("bot_secret", bot_secret, required=True),
            "organization_id": organization_id,
        }
        text = self._run(_ffi.lib.lcbot_issue_bot_token, (to_json(request, "issue_bot_token"),), timeout, attempt_timeout)
        return _read(text, "issue_bot_token", BotToken.from_dict)

    def reset_bot_secret(
        self,
        bot_agent_id: BotId,
        *,
        owner_client_id: str | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> str:
        """Gives a bot a new secret and returns it (API v3.5+). Every token
        issued with the old one stops working: make a new
        :class:`~livechat_bots.Bot` with the new secret. The answer is a
        secret: keep it out of logs."""
        request: dict[str, Any] = {"id": _bot_id(bot_agent_id)}
        if owner_client_id is not None:
            request["owner_client_id"] = owner_client_id
        text = self._run(_ffi.lib.lcbot_reset_bot_secret, (to_json(request, "reset_bot_secret"),), timeout, attempt_timeout)
        return _read(text, "reset_bot_secret", lambda doc: _string(doc, "secret"))

    def register_webhook(
        self,
        action: str,
        url: str,
        secret_key: str,
        *,
        owner_client_id: str,
        type: str = "bot",
        additional_data: Sequence[str] | None = None,
        description: str | None = None,
        filters: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> str:
        """Registers a webhook (API v3.3+) for ``action`` (``"incoming_chat"``,
        ``"incoming_event"``, ...) to be POSTed to ``url`` with
        ``secret_key``; ``type`` is ``"bot"`` (default) or ``"license"``.
        Returns the webhook's id. At most 3 per owner and action."""
        request: dict[str, Any] = {
            "action": action,
            "url": url,
            "secret_key": secret_argument("secret_key", secret_key, required=True),
            "owner_client_id": owner_client_id,
            "type": type,
        }
        optional = {"additional_data": additional_data, "description": description, "filters": filters}
        request.update((k, v) for k, v in optional.items() if v is not None)
        text = self._run(_ffi.lib.lcbot_register_webhook, (to_json(request, "register_webhook"),), timeout, attempt_timeout)
        return _read(text, "register_webhook", lambda doc: _string(doc, "id"))

    def list_webhooks(
        self, owner_client_id: str, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> list[RegisteredWebhook]:
        """The webhooks registered by ``owner_client_id`` (API v3.3+)."""
        request = {"owner_client_id": owner_client_id}
        text = self._run(_ffi.lib.lcbot_list_webhooks, (to_json(request, "list_webhooks"),), timeout, attempt_timeout)
        return _read_list(text, "list_webhooks", RegisteredWebhook.from_dict)

    def unregister_webhook(
        self,
        webhook_id: str,
        *,
        owner_client_id: str,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Removes a webhook (API v3.3+); :class:`NotFoundError` when unknown."""
        request = {"id": webhook_id, "owner_client_id": owner_client_id}
        self._run(_ffi.lib.lcbot_unregister_webhook, (to_json(request, "unregister_webhook"),), timeout, attempt_timeout)

    # -- bot templates and batches (API v3.5+) ----------------------------

    def _template(self, fn_name: str, request: Mapping[str, Any], timeout: float | None, attempt_timeout: float | None) -> str | None:
        what = fn_name.removeprefix("lcbot_")
        return self._run(getattr(_ffi.lib, fn_name), (to_json(request, what),), timeout, attempt_timeout)

    def create_bot_template(
        self,
        name: str,
        *,
        avatar: str | None = None,
        max_chats_count: int | None = None,
        default_group_priority: Priority | str | None = None,
        job_title: str | None = None,
        owner_client_id: str | None = None,
        affect_existing_installations: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> CreatedBotTemplate:
        """Creates a bot template (API v3.5+; at most five per application).
        Installing the application on a license makes a bot of it there, with
        the template's id and secret; ``affect_existing_installations`` makes
        one on the licenses that have it installed already. Returns the id and
        the secret (left out of ``repr()``)."""
        request: dict[str, Any] = {"name": name}
        optional = {
            "avatar": avatar,
            "max_chats_count": max_chats_count,
            "default_group_priority": default_group_priority,
            "job_title": job_title,
            "owner_client_id": owner_client_id,
            "affect_existing_installations": affect_existing_installations,
        }
        request.update((k, v) for k, v in optional.items() if v is not None)
        text = self._template("lcbot_create_bot_template", request, timeout, attempt_timeout)
        return _read(text, "create_bot_template", CreatedBotTemplate.from_dict)

    def update_bot_template(
        self,
        template_id: str | CreatedBotTemplate,
        *,
        name: str | None = None,
        avatar: str | None = None,
        max_chats_count: int | None = None,
        default_group_priority: Priority | str | None = None,
        job_title: str | None = None,
        owner_client_id: str | None = None,
        affect_existing_installations: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Changes the fields of a template that are not None (API v3.5+);
        ``affect_existing_installations`` carries them to its bots."""
        request: dict[str, Any] = {"id": str(template_id)}
        optional = {
            "name": name,
            "avatar": avatar,
            "max_chats_count": max_chats_count,
            "default_group_priority": default_group_priority,
            "job_title": job_title,
            "owner_client_id": owner_client_id,
            "affect_existing_installations": affect_existing_installations,
        }
        request.update((k, v) for k, v in optional.items() if v is not None)
        self._template("lcbot_update_bot_template", request, timeout, attempt_timeout)

    def _template_id_request(self, template_id: str | CreatedBotTemplate, owner_client_id: str | None, affect: bool | None) -> dict[str, Any]:
        request: dict[str, Any] = {"id": str(template_id)}
        if owner_client_id is not None:
            request["owner_client_id"] = owner_client_id
        if affect is not None:
            request["affect_existing_installations"] = affect
        return request

    def delete_bot_template(
        self,
        template_id: str | CreatedBotTemplate,
        *,
        owner_client_id: str | None = None,
        affect_existing_installations: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> None:
        """Deletes a template (API v3.5+); with ``affect_existing_installations``
        its bots too. :class:`NotFoundError` when unknown."""
        request = self._template_id_request(template_id, owner_client_id, affect_existing_installations)
        self._template("lcbot_delete_bot_template", request, timeout, attempt_timeout)

    def list_bot_templates(
        self, owner_client_id: str | None = None, *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> list[BotTemplate]:
        """The templates of ``owner_client_id`` (the token's application when None; API v3.5+)."""
        request = {} if owner_client_id is None else {"owner_client_id": owner_client_id}
        text = self._template("lcbot_list_bot_templates", request, timeout, attempt_timeout)
        return _read_list(text, "list_bot_templates", BotTemplate.from_dict)

    def reset_bot_template_secret(
        self,
        template_id: str | CreatedBotTemplate,
        *,
        owner_client_id: str | None = None,
        affect_existing_installations: bool | None = None,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> str:
        """Gives a template a new secret and returns it (API v3.5+); with
        ``affect_existing_installations`` its bots get it too (and their
        tokens stop working). The answer is a secret: keep it out of logs."""
        request = self._template_id_request(template_id, owner_client_id, affect_existing_installations)
        text = self._template("lcbot_reset_bot_template_secret", request, timeout, attempt_timeout)
        return _read(text, "reset_bot_template_secret", lambda doc: _string(doc, "secret"))

    def batch_create_bot_agents(
        self, requests: Sequence[Mapping[str, Any]], *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> list[CreatedBot | LiveChatBotsError]:
        """Creates bots in one request (API v3.5+): each of ``requests`` is
        what :meth:`create_bot_agent` sends (``{"name": ..., ...}``). Every
        request is checked before anything is sent (a
        :class:`ValidationError` names it: ``requests[3].name: must not be
        empty``). Once sent, the answer is one item per request, in order: a
        :class:`CreatedBot`, or the exception its own create would have
        raised (not raised here: a batch can half succeed). When the
        answer is lost, every item is an error with ``outcome == "unknown"``."""
        text = self._batch("lcbot_batch_create_bot_agents", list(requests), timeout, attempt_timeout)
        return batch_items(text, "batch_create_bot_agents", CreatedBot.from_dict)

    def batch_update_bot_agents(
        self, requests: Sequence[Mapping[str, Any]], *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> list[None | LiveChatBotsError]:
        """Updates bots in one request (API v3.5+): each of ``requests`` is
        ``{"id": ..., fields to change}``. Per item None (done) or the
        exception; otherwise as :meth:`batch_create_bot_agents`."""
        text = self._batch("lcbot_batch_update_bot_agents", list(requests), timeout, attempt_timeout)
        return batch_items(text, "batch_update_bot_agents", lambda _: None)

    def batch_remove_bot_agents(
        self, bot_agent_ids: Sequence[BotId], *, timeout: float | None = None, attempt_timeout: float | None = None
    ) -> list[None | LiveChatBotsError]:
        """Removes bots in one request (API v3.5+). Per id None (removed) or
        the exception; otherwise as :meth:`batch_create_bot_agents`."""
        requests = [{"bot_agent_id": _bot_id(i)} for i in bot_agent_ids]
        text = self._batch("lcbot_batch_remove_bot_agents", requests, timeout, attempt_timeout)
        return batch_items(text, "batch_remove_bot_agents", lambda _: None)

    def _batch(self, fn_name: str, requests: list[Any], timeout: float | None, attempt_timeout: float | None) -> str | None:
        return self._template(fn_name, {"requests": requests}, timeout, attempt_timeout)

    # -- credentials ----------------------------------------------------

    def set_credentials(self, token: str | Mapping[str, str], token_type: str = "Bearer") -> None:
        """Replaces the token, for the calls that start from now on (calls in
        flight finish with the old one). Same rules as the constructor's
        ``token`` and ``token_type``; thread-safe."""
        body = to_json({"token": token, "token_type": token_type}, "credentials")
        with self._handle.use() as address:
            _ffi.call(_ffi.lib.lcbot_client_set_credentials, address, body)

    def set_token_provider(self, provider: TokenProviderFunc | None) -> None:
        """Sets (or, with None, removes) the function that gives a fresh token.

        The core calls it on the calling thread when LiveChat answers
        ``authentication`` (an expired token), at most once per call and
        never twice at once for this client; concurrent calls that failed
        with the same old token share one provider call; the call is then
        repeated with the new token. It returns the token (a ``str``), or
        None for "no new token"; an exception it raises means the same (the
        call's :class:`AuthenticationError` then has it as ``__cause__``).
        It must not call this client. The token is a secret: it is never
        logged or shown.
        """
        if provider is not None and not callable(provider):
            raise TypeError(f"token_provider: expected a callable, got {type(provider).__name__}")
        bridge = None if provider is None else self._token_bridge(provider)
        with self._handle.use() as address:
            fn_ptr = _ffi.TokenProvider() if bridge is None else bridge
            _ffi.call(_ffi.lib.lcbot_client_set_token_provider, address, fn_ptr, None)
        if bridge is not None:
            self._callbacks.append(bridge)
        self._has_provider = provider is not None

    def _token_bridge(self, provider: TokenProviderFunc) -> Any:
        failure = self._provider_failure

        def bridge(_user_data: Any, buf: int | None, buf_len: int) -> int:
            # Nothing may escape into C: any failure means "no new token".
            try:
                token = provider()
                if token is None:
                    return 1
                if not isinstance(token, str):
                    raise TypeError(f"token_provider: expected str or None, got {type(token).__name__}")
                data = token.encode("utf-8")
                if not data or b"\0" in data or len(data) + 1 > buf_len or buf is None:
                    raise ValueError(
                        f"token_provider: the token must be 1 to {buf_len - 1} bytes of UTF-8 without NUL"
                    )
                ctypes.memmove(buf, data + b"\0", len(data) + 1)
                return 0
            except BaseException as e:  # noqa: BLE001 - reported through the call's error
                failure.error = e
                return 1

        return _ffi.TokenProvider(bridge)

    # -- notices --------------------------------------------------------

    def _install_notice_handler(self) -> None:
        pending = self._notices

        def handler(_user_data: Any, notice_json: bytes | None) -> None:
            # Runs on the calling thread inside the C call: only queue it;
            # the warning is issued once the call is back in Python.
            try:
                pending.append(Notice.from_dict(json.loads(notice_json or b"{}")))
            except BaseException:  # noqa: BLE001 - a notice we cannot read is dropped
                pass

        bridge = _ffi.NoticeHandler(handler)
        with self._handle.use() as address:
            _ffi.call(_ffi.lib.lcbot_client_set_notice_handler, address, bridge, None)
        self._callbacks.append(bridge)

    def _warn_notices(self, keep_error: bool = False) -> None:
        """Issues the queued notices as DeprecationWarning, at the caller's line.

        ``keep_error``: the call failed; a warning turned into an exception
        (``-W error``) must not hide the call's error.
        """
        while True:
            try:
                notice = self._notices.popleft()
            except IndexError:
                return
            try:
                # stacklevel 5: _warn_notices <- _run_on <- _run <- the method <- the caller.
                warnings.warn(_notice_text(notice), DeprecationWarning, stacklevel=5)
            except Exception:
                if not keep_error:
                    raise

    def notices(self) -> list[Notice]:
        """Every notice LiveChat gave this client so far (once per kind), e.g.
        that its API version is deprecated until a date."""
        with self._handle.use() as address:
            text = _ffi.call(_ffi.lib.lcbot_client_notices, address)
        doc = _parse(text or "[]", "notices")
        if not isinstance(doc, list):
            raise local_error(DecodeError, "notices: unexpected result: not a JSON array")
        try:
            return [Notice.from_dict(n) for n in doc]
        except (KeyError, TypeError, AttributeError) as e:
            raise local_error(DecodeError, f"notices: unexpected result: {e}") from None
