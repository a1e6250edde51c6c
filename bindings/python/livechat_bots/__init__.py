"""livechat_bots: manage LiveChat Bot Agents through the livechat-bots Rust library.

>>> from livechat_bots import Client, Emulator, Status
>>> with Emulator() as emu, Client("dev-token", base_url=emu.url) as client:
...     bot_id = client.create_bot_agent("Helper", Status.ACCEPTING_CHATS)
"""

from __future__ import annotations

from ._errors import (
    ApiError,
    AuthenticationError,
    AuthorizationError,
    DecodeError,
    InvalidJsonError,
    InvalidUtf8Error,
    LiveChatBotsError,
    NotFoundError,
    NullArgumentError,
    PanicError,
    RequestTimeout,
    TransportError,
    ValidationError,
)
from ._ffi import ABI_VERSION, LIBRARY_VERSION
from .client import Client
from .emulator import Emulator
from .models import (
    BotAgent,
    BotAgentDetails,
    Group,
    Priority,
    Status,
    WebhookAction,
    Webhooks,
)

#: The version of the loaded library (the Rust crate's version).
__version__ = LIBRARY_VERSION

__all__ = [
    "ABI_VERSION",
    "LIBRARY_VERSION",
    "ApiError",
    "AuthenticationError",
    "AuthorizationError",
    "BotAgent",
    "BotAgentDetails",
    "Client",
    "DecodeError",
    "Emulator",
    "Group",
    "InvalidJsonError",
    "InvalidUtf8Error",
    "LiveChatBotsError",
    "NotFoundError",
    "NullArgumentError",
    "PanicError",
    "Priority",
    "RequestTimeout",
    "Status",
    "TransportError",
    "ValidationError",
    "WebhookAction",
    "Webhooks",
]
