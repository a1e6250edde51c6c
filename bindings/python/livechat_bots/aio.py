"""asyncio: :class:`AsyncClient` and :class:`AsyncBot`, every call of
:class:`~livechat_bots.Client` and :class:`~livechat_bots.Bot` as a coroutine.

A call is submitted to the library's completion queue and runs on its one
I/O thread, with everything the blocking call does (validation, retries,
deadlines, the token provider, a write never sent twice). The running loop
watches the queue's fd (``loop.add_reader``): no thread per call, no
executor. Each coroutine method runs the blocking method's own body twice,
in this task: once up to its call, to learn the request (nothing is sent
then), and once more after the completion, to read the answer as the
blocking method does. So the request checks, the answer types and the
errors are the blocking method's, with no copy of them here.

Cancelling the task (``task.cancel()``, ``asyncio.timeout``, ``wait_for``)
cancels the call; the ``asyncio.CancelledError`` raised in the task has the
call's own error as its ``__cause__`` (a
:class:`~livechat_bots.CancelledError`, whose ``outcome`` is ``"unknown"``
when a write may have been applied), as the blocking path reports it; what
an awaiter of the task sees (a new ``CancelledError``, or ``TimeoutError``)
has that one in its ``__context__`` chain.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import os
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from ctypes import POINTER, byref, c_void_p
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

from . import _ffi
from ._errors import LiveChatBotsError, error_from_document
from ._ffi import _take
from ._handle import Handle
from .bot import Bot
from .chat_models import ChatSummary
from .client import QUEUED_CALL, BotId, Client, TokenProviderFunc
from .models import CreatedBot, Notice

__all__ = ["AsyncBot", "AsyncClient"]

P = ParamSpec("P")
T = TypeVar("T")
_S = TypeVar("_S", bound="_AsyncHandle")

#: Completions taken per wake-up of the loop's reader.
_DRAIN_BATCH = 32


class _Request(BaseException):
    """Raised out of a method's body at its call, carrying the call."""

    def __init__(self, client: Client, handle: Handle, fn: Any, args: tuple[Any, ...], timeout_ms: int, attempt_ms: int):
        super().__init__()
        self.client, self.handle, self.fn, self.args = client, handle, fn, args
        self.timeout_ms, self.attempt_ms = timeout_ms, attempt_ms


def _stop_at_call(client: Client, handle: Handle, fn: Any, args: tuple[Any, ...], timeout_ms: int, attempt_ms: int) -> str | None:
    raise _Request(client, handle, fn, args, timeout_ms, attempt_ms)


def _operation(fn: Any, args: tuple[Any, ...]) -> tuple[bool, bytes, bytes]:
    """(is a bot's call, the queue's operation name, the request) of a
    blocking C function and its arguments after the handle."""
    name: str = fn.__name__
    is_bot = name.startswith("lcbot_bot_")
    short = name.removeprefix("lcbot_bot_" if is_bot else "lcbot_")
    if short == "call":
        return is_bot, b"call:" + args[0], args[1]
    return is_bot, short.encode("ascii"), args[0]


class _Queue:
    """One completion queue per event loop, drained by the loop's reader."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        address = _new_queue()
        self._address: int | None = address
        self._loop = loop
        self._next_tag = 1
        # tag -> (the call's future, its cancel token)
        self._calls: dict[int, tuple[asyncio.Future[str | None], int]] = {}
        self._fd = int(_ffi.lib.lcbot_queue_fd(address))
        loop.add_reader(self._fd, self._drain)

    def submit(self, request: _Request) -> tuple[asyncio.Future[str | None], int]:
        """Submits the call; its future and cancel token."""
        if self._address is None:
            raise RuntimeError("livechat_bots: the event loop's queue is closed")
        is_bot, operation, body = _operation(request.fn, request.args)
        token = c_void_p()
        if _ffi.lib.lcbot_cancel_token_new(byref(token)) != 0 or token.value is None:  # pragma: no cover
            raise MemoryError("livechat_bots: no cancel token")
        options = _ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION, request.timeout_ms, request.attempt_ms, token.value)
        submit = _ffi.lib.lcbot_bot_submit if is_bot else _ffi.lib.lcbot_client_submit
        tag = self._next_tag
        self._next_tag += 1
        address = request.handle.acquire()
        try:
            _ffi.call(submit, address, self._address, tag, operation, body, byref(options))
        except BaseException:
            _ffi.lib.lcbot_cancel_token_free(token.value)
            raise
        finally:
            request.handle.release()
        future: asyncio.Future[str | None] = self._loop.create_future()
        self._calls[tag] = (future, token.value)
        return future, token.value

    def _drain(self) -> None:
        done = POINTER(_ffi.Completion)()
        error = c_void_p()
        # A few at a time: the fd stays readable while more wait, so the loop
        # comes back for them after its other callbacks (a ticker, a request).
        for _ in range(_DRAIN_BATCH):
            if self._address is None:
                return
            status = int(_ffi.lib.lcbot_queue_next(self._address, 0, byref(done), byref(error)))
            if status != 0:  # pragma: no cover - only for bad arguments
                raise error_from_document(status, _take(error))
            if not done:
                return
            c = done.contents
            tag, code = int(c.tag), int(c.status)
            try:
                answer = None if c.document is None else ctypes.string_at(c.document).decode("utf-8")
            finally:
                _ffi.lib.lcbot_completion_free(done)
            call = self._calls.pop(tag, None)
            if call is None:
                continue
            future, token = call
            _ffi.lib.lcbot_cancel_token_free(token)
            if future.done():
                continue
            if code == 0:
                future.set_result(answer)
            else:
                future.set_exception(error_from_document(code, answer))

    def close(self) -> None:
        """Frees the queue: calls still in flight are cancelled."""
        address, self._address = self._address, None
        if address is None:
            return
        try:
            self._loop.remove_reader(self._fd)
        except Exception:  # noqa: BLE001 - a closed loop has no reader left
            pass
        _ffi.lib.lcbot_queue_free(address)
        for future, token in self._calls.values():
            _ffi.lib.lcbot_cancel_token_free(token)
            if not future.done():
                future.cancel()
        self._calls.clear()


def _new_queue() -> int:
    queue = c_void_p()
    error = c_void_p()
    status = int(_ffi.lib.lcbot_queue_new(byref(queue), byref(error)))
    text = _take(error)
    if status != 0 or queue.value is None:
        raise error_from_document(status, text)
    return queue.value


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = weakref.WeakKeyDictionary()


def _queue() -> _Queue:
    """The running loop's queue, made on its first call."""
    loop = asyncio.get_running_loop()
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = _Queue(loop)
        weakref.finalize(loop, queue.close)
    return queue


def _forget_queues_in_child() -> None:
    # A queue made before fork() takes no calls in the child: each loop
    # there makes its own.
    _queues.clear()


os.register_at_fork(after_in_child=_forget_queues_in_child)


async def _run(body: Callable[[], T]) -> T:
    """Runs a blocking method's body with its call made through the queue."""
    reset = QUEUED_CALL.set(_stop_at_call)
    try:
        return body()  # a body that makes no call (none do today) answers at once
    except _Request as r:
        # Its traceback holds this frame, which holds it: a cycle per call
        # that only the cyclic GC frees, after promoting the calls in flight
        # to its oldest generation (tens of ms of pause on the loop).
        request = r.with_traceback(None)
    finally:
        QUEUED_CALL.reset(reset)
    future, token = _queue().submit(request)
    try:
        # Shielded: a cancel of the task must not cancel the future the
        # completion will resolve (the call's own error is still to come).
        text: str | None = await asyncio.shield(future)
        outcome: LiveChatBotsError | None = None
    except LiveChatBotsError as e:
        text, outcome = None, e.with_traceback(None)  # raised anew below; no cycle
    except asyncio.CancelledError as cancelled:
        if not future.done():
            _ffi.lib.lcbot_cancel(token)
        # The call ends within about 10 ms of its cancel: its own error
        # says whether a write may have been applied.
        try:
            await asyncio.shield(future)
        except LiveChatBotsError as e:
            # Raised while handling `cancelled`, it points back to it as its
            # __context__: a cycle once it is the cause.
            e.__context__ = None
            cancelled.__cause__ = e.with_traceback(None)
        except BaseException:  # noqa: BLE001 - cancelled again, or the loop's queue closed
            pass
        del future  # as below
        raise
    # The future holds the error raised below, whose traceback holds this
    # frame: dropped, so that no cycle is left (see above).
    del future

    def answer(client: Client, handle: Handle, fn: Any, args: tuple[Any, ...], timeout_ms: int, attempt_ms: int) -> str | None:
        if client._notices:
            client._warn_notices(keep_error=outcome is not None)
        if outcome is not None:
            raise outcome
        return text

    reset = QUEUED_CALL.set(answer)
    try:
        return body()
    finally:
        QUEUED_CALL.reset(reset)
        outcome = None  # the error raised holds this frame: it must not hold the error


def _coroutine(method: Callable[Concatenate[Any, P], T]) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The coroutine of a blocking method, on the wrapped object."""

    async def run(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        blocking = self._blocking
        return await _run(lambda: method(blocking, *args, **kwargs))

    functools.update_wrapper(run, method)  # its name and docstring
    return run


class _AsyncHandle:
    """``close()``, ``closed`` and ``async with`` of the asyncio classes."""

    _blocking: Client | Bot

    def close(self) -> None:
        """Frees the handle; its queued calls still in flight end as cancelled."""
        self._blocking.close()

    @property
    def closed(self) -> bool:
        return self._blocking.closed

    def __repr__(self) -> str:
        # The blocking object's (which shows no secret), under this class's name.
        blocking = f"livechat_bots.{type(self._blocking).__name__} "
        return repr(self._blocking).replace(blocking, f"livechat_bots.{type(self).__name__} ", 1)

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_AsyncHandle):
    """:class:`~livechat_bots.Client` for asyncio: the same constructor and
    methods, each a coroutine (``await client.get_bot_agents()``). Use it
    with ``async with``, or call :meth:`close`. The token provider runs on
    a library thread (never the loop's), as for any queued call."""

    _blocking: Client

    def __init__(
        self,
        token: str | Mapping[str, str],
        *,
        api_version: str = "3.0",
        base_url: str | None = None,
        region: str | None = None,
        token_type: str = "Bearer",
        timeout: float | None = None,
        attempt_timeout: float | None = None,
        connect_timeout: float | None = None,
        user_agent: str | None = None,
        retry: Mapping[str, int] | None = None,
        allow_insecure_http: bool = False,
        token_provider: TokenProviderFunc | None = None,
    ) -> None:
        # Ctrl-C does not reach into a queued call: the loop's own handling applies.
        self._blocking = Client(
            token,
            api_version=api_version,
            base_url=base_url,
            region=region,
            token_type=token_type,
            timeout=timeout,
            attempt_timeout=attempt_timeout,
            connect_timeout=connect_timeout,
            user_agent=user_agent,
            retry=retry,
            allow_insecure_http=allow_insecure_http,
            token_provider=token_provider,
            interruptible=False,
        )

    @property
    def client(self) -> Client:
        """The blocking client underneath (its settings, notices, credentials)."""
        return self._blocking

    @property
    def api_version(self) -> str:
        """The API version this client speaks, e.g. ``"3.6"``."""
        return self._blocking.api_version

    create_bot_agent = _coroutine(Client.create_bot_agent)
    remove_bot_agent = _coroutine(Client.remove_bot_agent)
    update_bot_agent = _coroutine(Client.update_bot_agent)
    get_bot_agents = _coroutine(Client.get_bot_agents)
    get_bot_agent_details = _coroutine(Client.get_bot_agent_details)
    call = _coroutine(Client.call)
    issue_bot_token = _coroutine(Client.issue_bot_token)
    reset_bot_secret = _coroutine(Client.reset_bot_secret)
    register_webhook = _coroutine(Client.register_webhook)
    list_webhooks = _coroutine(Client.list_webhooks)
    unregister_webhook = _coroutine(Client.unregister_webhook)
    create_bot_template = _coroutine(Client.create_bot_template)
    update_bot_template = _coroutine(Client.update_bot_template)
    delete_bot_template = _coroutine(Client.delete_bot_template)
    list_bot_templates = _coroutine(Client.list_bot_templates)
    reset_bot_template_secret = _coroutine(Client.reset_bot_template_secret)
    batch_create_bot_agents = _coroutine(Client.batch_create_bot_agents)
    batch_update_bot_agents = _coroutine(Client.batch_update_bot_agents)
    batch_remove_bot_agents = _coroutine(Client.batch_remove_bot_agents)

    def set_credentials(self, token: str | Mapping[str, str], token_type: str = "Bearer") -> None:
        """As :meth:`Client.set_credentials` (no I/O: not a coroutine)."""
        self._blocking.set_credentials(token, token_type)

    def set_token_provider(self, provider: TokenProviderFunc | None) -> None:
        """As :meth:`Client.set_token_provider`; for queued calls it runs on a
        library thread, so it must not touch the event loop."""
        self._blocking.set_token_provider(provider)

    def notices(self) -> list[Notice]:
        """As :meth:`Client.notices`."""
        return self._blocking.notices()


class AsyncBot(_AsyncHandle):
    """:class:`~livechat_bots.Bot` for asyncio, acting through an
    :class:`AsyncClient`: the same constructor and methods, each a coroutine."""

    _blocking: Bot

    def __init__(
        self,
        client: AsyncClient,
        bot_agent_id: BotId,
        bot_secret: str | None = None,
        *,
        client_id: str | None = None,
        organization_id: str | None = None,
    ) -> None:
        if not isinstance(client, AsyncClient):
            raise TypeError(f"client: expected a livechat_bots.AsyncClient, got {type(client).__name__}")
        self._blocking = Bot(client._blocking, bot_agent_id, bot_secret, client_id=client_id, organization_id=organization_id)
        self._client = client

    @classmethod
    def from_created(
        cls,
        client: AsyncClient,
        created: CreatedBot,
        *,
        client_id: str | None = None,
        organization_id: str | None = None,
    ) -> AsyncBot:
        """As :meth:`Bot.from_created`."""
        if not isinstance(created, CreatedBot):
            raise TypeError(f"created: expected a CreatedBot, got {type(created).__name__}")
        return cls(client, created.bot_agent_id, created.bot_secret, client_id=client_id, organization_id=organization_id)

    @property
    def bot_agent_id(self) -> str:
        """The bot's id."""
        return self._blocking.bot_agent_id

    @property
    def client(self) -> AsyncClient:
        """The client the bot acts through."""
        return self._client

    set_routing_status = _coroutine(Bot.set_routing_status)
    send_event = _coroutine(Bot.send_event)
    send_message = _coroutine(Bot.send_message)
    list_chats = _coroutine(Bot.list_chats)
    get_chat = _coroutine(Bot.get_chat)
    transfer_chat = _coroutine(Bot.transfer_chat)
    deactivate_chat = _coroutine(Bot.deactivate_chat)
    list_routing_statuses = _coroutine(Bot.list_routing_statuses)
    send_rich_message = _coroutine(Bot.send_rich_message)
    send_typing_indicator = _coroutine(Bot.send_typing_indicator)
    send_thinking_indicator = _coroutine(Bot.send_thinking_indicator)
    send_event_preview = _coroutine(Bot.send_event_preview)
    tag_thread = _coroutine(Bot.tag_thread)
    untag_thread = _coroutine(Bot.untag_thread)
    update_chat_properties = _coroutine(Bot.update_chat_properties)
    delete_chat_properties = _coroutine(Bot.delete_chat_properties)
    update_thread_properties = _coroutine(Bot.update_thread_properties)
    delete_thread_properties = _coroutine(Bot.delete_thread_properties)
    mark_events_as_seen = _coroutine(Bot.mark_events_as_seen)
    get_customer = _coroutine(Bot.get_customer)
    call = _coroutine(Bot.call)

    async def iter_chats(
        self,
        filters: Mapping[str, Any] | None = None,
        sort_order: str | None = None,
        limit: int | None = None,
        *,
        timeout: float | None = None,
        attempt_timeout: float | None = None,
    ) -> AsyncIterator[ChatSummary]:
        """As :meth:`Bot.iter_chats`, page after page, each page one awaited call."""
        page = await self.list_chats(filters, sort_order, limit, timeout=timeout, attempt_timeout=attempt_timeout)
        seen: set[str] = set()
        while True:
            for chat in page.chats_summary:
                yield chat
            next_page = page.next_page_id
            if not next_page or next_page in seen:
                return
            seen.add(next_page)
            page = await self.list_chats(page_id=next_page, timeout=timeout, attempt_timeout=attempt_timeout)
