"""An echo bot: it answers every customer message with "echo: <text>".

Offline, on the emulator inside the library (the script plays the customer too):

    python examples/echo_bot.py

On LiveChat, until Ctrl-C. The webhook receiver listens on 127.0.0.1:$ECHO_BOT_PORT (8080 by
default); ECHO_BOT_PUBLIC_URL is where LiveChat reaches it (say, a tunnel to that port):

    LIVECHAT_TOKEN=... LIVECHAT_CLIENT_ID=... LIVECHAT_ORGANIZATION_ID=... \\
    ECHO_BOT_PUBLIC_URL=https://bot.example.com/webhook python examples/echo_bot.py

LIVECHAT_API_VERSION picks the API version (3.6 by default). LCBOT_EMULATOR_CONFIG (JSON)
configures the emulator, e.g. '{"faults": [{"action": "incoming_event", "lost_answer": true}]}'.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

from livechat_bots import Bot, Client, Emulator, EmulatorChat, Group, Priority, Status, WebhookAction, Webhooks, webhooks
from livechat_bots.webhooks import IncomingChat, IncomingEvent, WebhookEvent


class EchoBot:
    """What the bot does with each webhook LiveChat sends it."""

    bot: Bot  # set once the bot is created (a webhook before that fails, is answered 500 and comes again)

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key
        self.url = ""  # where its webhooks go
        self.handled: dict[str, None] = {}  # the dedupe keys of the events answered, oldest first
        self.lock = threading.Lock()

    def handle(self, event: WebhookEvent) -> None:
        bot = self.bot
        if isinstance(event.payload, IncomingChat):  # a new chat, with the customer's first message
            chat_id, events = event.payload.chat_id, event.payload.events
        elif isinstance(event.payload, IncomingEvent):  # a message in a chat of ours
            chat_id, events = event.payload.chat_id, (event.payload.event,)
        else:
            return
        texts = [e["text"] for e in events if e.get("type") == "message" and e.get("author_id") != bot.bot_agent_id]
        if not texts:
            return  # not a message, or our own echo
        # LiveChat delivers an event again when it did not get a 2xx in time: answer it once.
        with self.lock:
            if event.dedupe_key in self.handled:
                return
            self.handled[event.dedupe_key] = None
            if len(self.handled) > 10_000:
                del self.handled[next(iter(self.handled))]
        try:
            for text in texts:
                bot.send_message(chat_id, f"echo: {text}")
        except Exception:
            with self.lock:
                self.handled.pop(event.dedupe_key, None)  # not answered: let the next delivery try again
            raise  # respond() answers 500, and LiveChat delivers the event again

    def serve(self, port: int = 0) -> ThreadingHTTPServer:
        """Serves the webhook receiver on 127.0.0.1, in a thread."""
        # handle is looked up per delivery, so that it may be replaced (the tests wrap it).
        return webhooks.serve([self.secret_key], lambda event: self.handle(event), port=port)


@contextmanager
def run_echo_bot(
    client: Client, *, client_id: str, organization_id: str, public_url: str | None = None, port: int = 0
) -> Iterator[EchoBot]:
    """Creates the bot in group 0, serves its webhook receiver, gives the bot its webhook and sets
    it accepting chats. On exit the bot and its webhook are removed."""
    version = tuple(int(n) for n in client.api_version.split("."))
    echo = EchoBot(secrets.token_hex(16))
    server = echo.serve(port)
    url = echo.url = public_url or f"http://127.0.0.1:{server.server_port}/webhook"
    webhook_ids: list[str] = []
    try:
        if version < (3, 3):  # v3.0-v3.2: the webhooks are part of the bot
            actions = [
                WebhookAction("incoming_chat" if version >= (3, 2) else "incoming_chat_thread"),
                WebhookAction("incoming_event", filters={"author_type": "customer"} if version >= (3, 1) else None),
            ]
            created = client.create_bot_agent(
                "Echo",
                Status.NOT_ACCEPTING_CHATS,
                groups=[Group(0, Priority.FIRST)],
                webhooks=Webhooks(url, echo.secret_key, actions),
            )
        else:  # v3.3+: the Webhooks API, for the bots of our client id
            created = client.create_bot_agent("Echo", groups=[Group(0, Priority.FIRST)])
            mine = {"chat_presence": {"my_bots": True}}
            webhook_ids = [
                client.register_webhook("incoming_chat", url, echo.secret_key, owner_client_id=client_id, filters=mine),
                client.register_webhook(
                    "incoming_event", url, echo.secret_key, owner_client_id=client_id, filters={"author_type": "customer", **mine}
                ),
            ]
        try:
            with Bot.from_created(client, created, client_id=client_id, organization_id=organization_id) as bot:
                echo.bot = bot
                bot.set_routing_status("accepting_chats")
                yield echo
        finally:
            for webhook_id in webhook_ids:
                client.unregister_webhook(webhook_id, owner_client_id=client_id)
            client.remove_bot_agent(created)
    finally:
        server.shutdown()
        server.server_close()


def echoes(chat: EmulatorChat) -> list[str | None]:
    """What the bot wrote in a chat, in order."""
    return [entry.text for entry in chat.transcript if entry.author_type == "bot"]


def play_customer(emu: Emulator, texts: Sequence[str], timeout: float = 10.0) -> EmulatorChat:
    """A customer starts a chat with texts[0] and writes the others, each once the bot has echoed
    the one before (or the deadline passed); returns the chat."""
    deadline = time.monotonic() + timeout
    chat_id = emu.start_chat(group_id=0, text=texts[0]).chat_id
    for i, text in enumerate(texts):
        if i > 0:
            emu.send_message(chat_id, text)
        while len(echoes(chat := emu.chat(chat_id))) <= i and time.monotonic() < deadline:
            time.sleep(0.005)
    return chat


def on_livechat(version: str) -> int:
    """Runs the bot on LiveChat until Ctrl-C."""
    env = os.environ
    if missing := [n for n in ("LIVECHAT_CLIENT_ID", "LIVECHAT_ORGANIZATION_ID", "ECHO_BOT_PUBLIC_URL") if not env.get(n)]:
        print(f"echo_bot: set {', '.join(missing)} too", file=sys.stderr)
        return 2
    with Client(env["LIVECHAT_TOKEN"], api_version=version) as client:
        with run_echo_bot(
            client,
            client_id=env["LIVECHAT_CLIENT_ID"],
            organization_id=env["LIVECHAT_ORGANIZATION_ID"],
            public_url=env["ECHO_BOT_PUBLIC_URL"],
            port=int(env.get("ECHO_BOT_PORT", "8080")),
        ):
            print("The echo bot answers in group 0. Ctrl-C stops it.", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0


def offline(version: str) -> int:
    """Runs the bot on the emulator, and plays the customer."""
    config = json.loads(os.environ.get("LCBOT_EMULATOR_CONFIG") or "{}")
    texts = ["Hello!", "Where is my order?", "Thanks, bye"]
    with Emulator(config) as emu, Client("dev-token", api_version=version, base_url=emu.url) as client:
        with run_echo_bot(client, client_id="dev-client", organization_id=emu.organization_id) as echo:
            print(f"echo bot {echo.bot.bot_agent_id} online on API v{version}, webhooks to {echo.url}")
            chat = play_customer(emu, texts)
            deadline = time.monotonic() + 10  # a retried delivery may still be on its way
            while emu.deliveries().pending and time.monotonic() < deadline:
                time.sleep(0.01)
        print(f"transcript of chat {chat.chat_id}:")
        for entry in chat.transcript:
            print(f"  {entry.author_type:<8} {entry.text}")
        log = emu.deliveries()
        print(f"webhook deliveries: {log.delivered} delivered, {log.retried} retried")
    return 0 if echoes(chat) == [f"echo: {text}" for text in texts] else 1


def main() -> int:
    version = os.environ.get("LIVECHAT_API_VERSION", "3.6")
    return on_livechat(version) if os.environ.get("LIVECHAT_TOKEN") else offline(version)


if __name__ == "__main__":
    sys.exit(main())
