"""Loading the shared library, declaring every C function, and calling them.

The library is ``liblivechat_bots.so`` (``.dylib`` on macOS,
``livechat_bots.dll`` on Windows) in this package's folder, or the file named
by the environment variable ``LIVECHAT_BOTS_LIB``. A library whose
``lcbot_abi_version()`` differs from :data:`ABI_VERSION` is refused.

Every string the library hands out is received as ``c_void_p``, read with
``ctypes.string_at`` and freed with ``lcbot_string_free`` in a ``finally``.
ctypes releases the GIL during each call, so calls on one handle may run in
parallel from many threads.
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import CFUNCTYPE, POINTER, byref, c_char_p, c_int32, c_size_t, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Any

from ._errors import error_from_document

__all__ = [
    "ABI_VERSION",
    "CALL_OPTIONS_VERSION",
    "LIB_ENV",
    "TOKEN_MAX_LEN",
    "WEBHOOK_DEFAULT_MAX_BODY",
    "WEBHOOK_OPTIONS_VERSION",
    "CallOptions",
    "Completion",
    "NoticeHandler",
    "TokenProvider",
    "WebhookOptions",
    "call",
    "call_new",
    "lib",
    "library_path",
    "load_library",
]

#: The C ABI version this package was written for (``LCBOT_ABI_VERSION``).
ABI_VERSION = 2
#: ``LCBOT_CALL_OPTIONS_VERSION``: the layout of :class:`CallOptions` this package fills in.
CALL_OPTIONS_VERSION = 1
#: ``LCBOT_TOKEN_MAX_LEN``: the size of a token provider's buffer, NUL included.
TOKEN_MAX_LEN = 8192
#: ``LCBOT_WEBHOOK_OPTIONS_VERSION``: the layout of :class:`WebhookOptions` this package fills in.
WEBHOOK_OPTIONS_VERSION = 1
#: ``LCBOT_WEBHOOK_DEFAULT_MAX_BODY``: the body cap of ``lcbot_webhook_verify`` by default (1 MiB).
WEBHOOK_DEFAULT_MAX_BODY = 1_048_576
#: Environment variable naming a library file to load instead of the bundled one.
LIB_ENV = "LIVECHAT_BOTS_LIB"

if sys.platform == "win32":  # pragma: no cover - not built on Windows yet
    LIB_FILENAME = "livechat_bots.dll"
elif sys.platform == "darwin":  # pragma: no cover
    LIB_FILENAME = "liblivechat_bots.dylib"
else:
    LIB_FILENAME = "liblivechat_bots.so"


class CallOptions(ctypes.Structure):
    """``lcbot_call_options``: per-call settings. 0 or NULL in a field means
    "the client's setting"; a NULL pointer instead of the whole struct means
    "the client's settings" for every field (and costs nothing)."""

    _fields_ = [
        ("version", c_uint32),
        ("timeout_ms", c_uint32),
        ("attempt_timeout_ms", c_uint32),
        ("cancel", c_void_p),
    ]


class WebhookOptions(ctypes.Structure):
    """``lcbot_webhook_options``: ``max_body_bytes`` 0 keeps the 1 MiB cap;
    a NULL pointer instead of the struct means the defaults."""

    _fields_ = [
        ("version", c_uint32),
        ("max_body_bytes", c_uint32),
    ]


class Completion(ctypes.Structure):
    """``lcbot_completion``: a queued call that ended (see ``aio``)."""

    _fields_ = [
        ("tag", c_uint64),
        ("status", c_int32),
        ("document", c_void_p),
    ]


_OUT = POINTER(c_void_p)
_OPTIONS = POINTER(CallOptions)
_WEBHOOK_OPTIONS = POINTER(WebhookOptions)

#: ``lcbot_token_provider``: ``int32_t (*)(void *user_data, char *token_buf, size_t token_buf_len)``.
#: The buffer arrives as an address (``c_void_p``): it is written into, never copied.
TokenProvider = CFUNCTYPE(c_int32, c_void_p, c_void_p, c_size_t)
#: ``lcbot_notice_handler``: ``void (*)(void *user_data, const char *notice_json)``.
NoticeHandler = CFUNCTYPE(None, c_void_p, c_char_p)

# name: (restype, argtypes), in the header's terms. lcbot_version and
# lcbot_emulator_url return strings that the library keeps (never freed), so
# c_char_p, which copies, is right; every string the caller owns comes back
# through a `char **` as an address (c_void_p) and is freed by `_take`.
_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "lcbot_version": (c_char_p, []),
    "lcbot_abi_version": (c_uint32, []),
    "lcbot_string_free": (None, [c_void_p]),
    "lcbot_schema": (c_int32, [_OUT]),
    "lcbot_client_new": (c_int32, [c_char_p, _OUT, _OUT]),
    "lcbot_client_free": (None, [c_void_p]),
    "lcbot_create_bot_agent": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_remove_bot_agent": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_update_bot_agent": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_get_bot_agents": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_get_bot_agent_details": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_call": (c_int32, [c_void_p, c_char_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_cancel_token_new": (c_int32, [_OUT]),
    "lcbot_cancel": (None, [c_void_p]),
    "lcbot_cancel_token_free": (None, [c_void_p]),
    "lcbot_client_set_credentials": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_client_set_token_provider": (c_int32, [c_void_p, TokenProvider, c_void_p, _OUT]),
    "lcbot_client_set_notice_handler": (c_int32, [c_void_p, NoticeHandler, c_void_p, _OUT]),
    "lcbot_client_notices": (c_int32, [c_void_p, _OUT]),
    "lcbot_client_settings": (c_int32, [c_void_p, _OUT]),
    # The body is `const uint8_t *` plus a length, not a C string: c_char_p
    # hands ctypes a bytes object's own buffer (no copy); NUL bytes inside
    # are fine because the length travels beside it.
    "lcbot_webhook_verify": (c_int32, [c_char_p, c_char_p, c_size_t, _WEBHOOK_OPTIONS, _OUT]),
    # JSON helpers for C programs; declared so that the header and this
    # table stay one list (Python has its own json module).
    "lcbot_json_get": (c_int32, [c_char_p, c_char_p, _OUT]),
    "lcbot_json_quote": (c_int32, [c_char_p, _OUT]),
    # A bot: one bot acting through a client (the Agent Chat Web API).
    "lcbot_bot_new": (c_int32, [c_void_p, c_char_p, _OUT, _OUT]),
    "lcbot_bot_free": (None, [c_void_p]),
    "lcbot_bot_set_routing_status": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_send_event": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_list_chats": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_get_chat": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_transfer_chat": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_deactivate_chat": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_list_routing_statuses": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_call": (c_int32, [c_void_p, c_char_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_send_typing_indicator": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_send_thinking_indicator": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_send_event_preview": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_tag_thread": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_untag_thread": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_update_chat_properties": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_delete_chat_properties": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_update_thread_properties": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_delete_thread_properties": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_mark_events_as_seen": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_get_customer": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    # The Configuration API actions a bot needs (client level).
    "lcbot_issue_bot_token": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_reset_bot_secret": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_register_webhook": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_list_webhooks": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_unregister_webhook": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    # Bot templates and batches (v3.5+).
    "lcbot_create_bot_template": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_update_bot_template": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_delete_bot_template": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_list_bot_templates": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_reset_bot_template_secret": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_batch_create_bot_agents": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_batch_update_bot_agents": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_batch_remove_bot_agents": (c_int32, [c_void_p, c_char_p, _OPTIONS, _OUT]),
    # The completion queue (the asyncio classes' way to the core).
    "lcbot_queue_new": (c_int32, [_OUT, _OUT]),
    "lcbot_queue_free": (None, [c_void_p]),
    "lcbot_queue_fd": (c_int32, [c_void_p]),
    "lcbot_queue_in_flight": (c_size_t, [c_void_p]),
    "lcbot_queue_next": (c_int32, [c_void_p, c_int32, POINTER(POINTER(Completion)), _OUT]),
    "lcbot_completion_free": (None, [POINTER(Completion)]),
    "lcbot_client_submit": (c_int32, [c_void_p, c_void_p, c_uint64, c_char_p, c_char_p, _OPTIONS, _OUT]),
    "lcbot_bot_submit": (c_int32, [c_void_p, c_void_p, c_uint64, c_char_p, c_char_p, _OPTIONS, _OUT]),
}

# Present only when the library was built with the "emulator" feature.
_EMULATOR_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "lcbot_emulator_start": (c_int32, [c_char_p, _OUT, _OUT]),
    "lcbot_emulator_url": (c_char_p, [c_void_p]),
    "lcbot_emulator_inject": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_requests": (c_int32, [c_void_p, _OUT]),
    "lcbot_emulator_stop": (None, [c_void_p]),
    # Playing the customer (control calls, not LiveChat's API).
    "lcbot_emulator_start_chat": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_send_message": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_press_button": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_agent_send_message": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_agents": (c_int32, [c_void_p, _OUT]),
    "lcbot_emulator_close_chat": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_chats": (c_int32, [c_void_p, _OUT]),
    # The webhook delivery log (issue 14's emulator half; no Python method yet).
    "lcbot_emulator_deliveries": (c_int32, [c_void_p, _OUT]),
    # The pending faults, listed and cleared (the web console's Faults view).
    "lcbot_emulator_faults": (c_int32, [c_void_p, _OUT]),
    "lcbot_emulator_clear_faults": (c_int32, [c_void_p, _OUT]),
    # The CA of an emulator started with "tls": true.
    "lcbot_emulator_ca_pem": (c_int32, [c_void_p, _OUT]),
    # Installing an application (its bot templates' bots), and the templates.
    "lcbot_emulator_install_application": (c_int32, [c_void_p, c_char_p, _OUT]),
    "lcbot_emulator_templates": (c_int32, [c_void_p, _OUT]),
}

#: The functions without which there is no emulator at all; the others of
#: ``_EMULATOR_SIGNATURES`` are checked when used (see ``emulator_function``).
_EMULATOR_CORE = (
    "lcbot_emulator_start",
    "lcbot_emulator_url",
    "lcbot_emulator_inject",
    "lcbot_emulator_requests",
    "lcbot_emulator_stop",
)


def library_path() -> Path:
    """Where the library is loaded from: ``$LIVECHAT_BOTS_LIB`` or the package folder."""
    override = os.environ.get(LIB_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent / LIB_FILENAME


def load_library(path: Path) -> ctypes.CDLL:
    """Loads the library at ``path``, checks its ABI version and declares every function.

    Raises ImportError with an explanation when the file is missing, cannot
    be loaded, lacks a function, or has another ABI version.
    """
    if not path.is_file():
        hint = (
            f"the file named by {LIB_ENV} does not exist"
            if os.environ.get(LIB_ENV)
            else f"the package was installed without its library; reinstall it "
            f"(pip install ./bindings/python) or set {LIB_ENV} to the path of {LIB_FILENAME}"
        )
        raise ImportError(f"livechat_bots: no library at {path}: {hint}")
    try:
        dll = ctypes.CDLL(str(path))
    except OSError as e:
        raise ImportError(f"livechat_bots: could not load {path}: {e}") from e

    try:
        abi = dll.lcbot_abi_version
    except AttributeError:
        raise ImportError(f"livechat_bots: {path} is not a livechat-bots library (no lcbot_abi_version)") from None
    abi.restype, abi.argtypes = c_uint32, []
    found = int(abi())
    if found != ABI_VERSION:
        raise ImportError(
            f"livechat_bots: {path} has C ABI version {found}, but this Python package was "
            f"written for ABI version {ABI_VERSION}; install a matching package and library "
            f"(or point {LIB_ENV} at a matching build)"
        )

    for name, (restype, argtypes) in _SIGNATURES.items():
        try:
            fn = getattr(dll, name)
        except AttributeError:
            raise ImportError(f"livechat_bots: {path} lacks the function {name}") from None
        fn.restype, fn.argtypes = restype, argtypes
    for name, (restype, argtypes) in _EMULATOR_SIGNATURES.items():
        fn = getattr(dll, name, None)
        if fn is not None:
            fn.restype, fn.argtypes = restype, argtypes
    return dll


def has_emulator(dll: ctypes.CDLL) -> bool:
    """Whether the library was built with the emulator."""
    return all(hasattr(dll, name) for name in _EMULATOR_CORE)


def emulator_function(name: str) -> Any:
    """An emulator function of the loaded library; RuntimeError naming it
    when the library is older than this package and lacks it."""
    fn = getattr(lib, name, None)
    if fn is None:
        raise RuntimeError(f"livechat_bots: the library at {library_path()} has no {name}: rebuild it")
    return fn


lib: ctypes.CDLL = load_library(library_path())
#: The library's own version, e.g. ``"0.1.0"``.
LIBRARY_VERSION: str = (lib.lcbot_version() or b"").decode("utf-8")


def _take(out: c_void_p) -> str | None:
    """Reads the string at ``out`` and frees it, whatever happens.

    ``out`` is cleared just before the free: an exception raised by a signal
    handler anywhere in here can leak the string, never free it twice.
    """
    ptr = out.value
    if ptr is None:
        return None
    try:
        # A char* view of the same pointer: its value is the string's bytes
        # (one C-level copy; ctypes.string_at makes a Python call of it).
        return c_char_p.from_buffer(out).value.decode("utf-8")  # type: ignore[union-attr]
    finally:
        out.value = None
        lib.lcbot_string_free(ptr)


def call(fn: Any, *args: Any) -> str | None:
    """Calls ``fn(*args, &out)``; returns the result text or raises its error.

    ``out`` is freed on every path, exceptions included.
    """
    out = c_void_p()
    try:
        status = int(fn(*args, byref(out)))
    finally:
        text = _take(out)
    if status != 0:
        raise error_from_document(status, text)
    return text


def call_new(fn: Any, arg: bytes | None) -> int:
    """Calls a constructor ``fn(arg, &handle, &error)``; returns the handle or raises."""
    handle = c_void_p()
    error = c_void_p()
    try:
        status = int(fn(arg, byref(handle), byref(error)))
    finally:
        text = _take(error)
    if status != 0:
        raise error_from_document(status, text)
    if handle.value is None:  # pragma: no cover - the core never does this
        raise error_from_document(9, '{"code": "panic", "message": "constructor returned no handle"}')
    return handle.value
