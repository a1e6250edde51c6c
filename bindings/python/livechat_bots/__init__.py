"""livechat_bots: manage LiveChat Bot Agents through the livechat-bots Rust library.

>>> from livechat_bots import Client, Emulator, Status
>>> with Emulator() as emu, Client("dev-token", base_url=emu.url) as client:
...     bot = client.create_bot_agent("Helper", Status.ACCEPTING_CHATS)
...     client.get_bot_agent_details(bot.bot_agent_id)
"""

from __future__ import annotations

from ._errors import (
    ApiError,
    AuthenticationError,
    AuthorizationError,
    BodyTooLargeError,
    CancelledError,
    DecodeError,
    InvalidJsonError,
    InvalidUtf8Error,
    LiveChatBotsError,
    NotFoundError,
    NullArgumentError,
    PanicError,
    RequestTimeout,
    SecretMismatchError,
    TransportError,
    ValidationError,
)
from ._ffi import ABI_VERSION, LIBRARY_VERSION
from .client import BotId, Client, TokenProviderFunc
from ._templates import BotTemplate, CreatedBotTemplate
from . import rich_messages, webhooks
from .bot import Bot
from .aio import AsyncBot, AsyncClient
from .chat_models import (
    AgentRoutingStatus,
    BotToken,
    Chat,
    ChatPage,
    ChatSummary,
    ChatUser,
    Customer,
    Event,
    RegisteredWebhook,
    RoutingStatus,
    Thread,
)
from .emulator import Delivery, DeliveryLog, DeliveryTry, EmulatorChat, Emulator, RoutingStep, StartedChat, TranscriptEntry
from .models import (
    BotAgent,
    BotAgentDetails,
    CreatedBot,
    Group,
    Notice,
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
    "AgentRoutingStatus",
    "ApiError",
    "AsyncBot",
    "AsyncClient",
    "AuthenticationError",
    "AuthorizationError",
    "Bot",
    "BotAgent",
    "BodyTooLargeError",
    "BotAgentDetails",
    "BotId",
    "BotTemplate",
    "BotToken",
    "CancelledError",
    "Chat",
    "ChatPage",
    "ChatSummary",
    "ChatUser",
    "Client",
    "CreatedBot",
    "CreatedBotTemplate",
    "Customer",
    "DecodeError",
    "Delivery",
    "DeliveryLog",
    "DeliveryTry",
    "Emulator",
    "EmulatorChat",
    "Event",
    "Group",
    "InvalidJsonError",
    "InvalidUtf8Error",
    "LiveChatBotsError",
    "NotFoundError",
    "Notice",
    "NullArgumentError",
    "PanicError",
    "Priority",
    "RegisteredWebhook",
    "RequestTimeout",
    "RoutingStatus",
    "RoutingStep",
    "SecretMismatchError",
    "StartedChat",
    "Status",
    "Thread",
    "TokenProviderFunc",
    "TranscriptEntry",
    "TransportError",
    "ValidationError",
    "WebhookAction",
    "Webhooks",
    "rich_messages",
    "webhooks",
]
