"""The echo bot of examples/echo_bot.py on asyncio: its webhook receiver is an aiohttp app and
it answers through AsyncBot, so one event loop serves every chat at once, each answer awaited
while the loop goes on receiving (no thread per call).

Offline, on the emulator inside the library (the script plays the customer too):

    pip install aiohttp
    python examples/echo_bot_async.py

On LiveChat, until Ctrl-C, with the settings of examples/echo_bot.py (LIVECHAT_TOKEN,
LIVECHAT_CLIENT_ID, LIVECHAT_ORGANIZATION_ID, ECHO_BOT_PUBLIC_URL, ECHO_BOT_PORT,
LIVECHAT_API_VERSION).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from livechat_bots import AsyncBot, AsyncClient, Emulator, Group, Priority, Status, WebhookAction, Webhooks, webhooks
from livechat_bots.webhooks import IncomingChat, IncomingEvent, WebhookEvent

# The customer's side of the offline run is the blocking example's (it is not the bot).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from echo_bot import echoes, play_customer  # noqa: E402


class EchoBot:
    """What the bot does with each webhook LiveChat sends it."""

    bot: AsyncBot  # set once the bot is created (a webhook before that fails, is answered 500 and comes again)

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key
        self.url = ""  # where its webhooks go
        self.handled: dict[str, None] = {}  # the dedupe keys of the events answered, oldest first

    async def handle(self, event: WebhookEvent) -> None:
        bot = self.bot
        if isinstance(event.payload, IncomingChat):  # a new chat, with the customer's first message
            chat_id, events = event.payload.chat_id, event.payload.events
        elif isinstance(event.payload, IncomingEvent):  # a message in a chat of ours
            chat_id, events = event.payload.chat_id, (event.payload.event,)
        else:
            return
        texts = [e["text"] for e in events if e.get("type") == "message" and e.get("author_id") != bot.bot_agent_id]
        if not texts or event.dedupe_key in self.handled:
            return  # not a message, our own echo, or an event LiveChat delivered again
        # One loop, no lock: nothing awaits between the check above and this mark.
        self.handled[event.dedupe_key] = None
        if len(self.handled) > 10_000:
            del self.handled[next(iter(self.handled))]
        try:
            for text in texts:
                await bot.send_message(chat_id, f"echo: {text}")
        except Exception:
            self.handled.pop(event.dedupe_key, None)  # not answered: let the next delivery try again
            raise

    async def receive(self, request: web.Request) -> web.Response:
        """The webhook receiver: checked by webhooks.respond, answered once the echo is sent."""
        body = await request.read()
        received: list[WebhookEvent] = []
        status, answer = webhooks.respond(request.method, request.headers, body, [self.secret_key], received.append)
        if received:
            try:
                await self.handle(received[0])
            except Exception:
                status, answer = 500, b'{"error": "handler_failed"}'  # LiveChat delivers the event again
        return web.Response(status=status, body=answer, content_type="application/json")

    async def serve(self, port: int = 0) -> web.AppRunner:
        """Serves the webhook receiver on 127.0.0.1, on the running loop."""
        app = web.Application(client_max_size=webhooks.DEFAULT_MAX_BODY_BYTES)
        app.router.add_post("/webhook", self.receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        return runner


@asynccontextmanager
async def run_echo_bot(
    client: AsyncClient, *, client_id: str, organization_id: str, public_url: str | None = None, port: int = 0
) -> AsyncIterator[EchoBot]:
    """Creates the bot in group 0, serves its webhook receiver, gives the bot its webhook and sets
    it accepting chats. On exit the bot and its webhook are removed."""
    version = tuple(int(n) for n in client.api_version.split("."))
    echo = EchoBot(secrets.token_hex(16))
    runner = await echo.serve(port)
    bound = runner.addresses[0][1]
    url = echo.url = public_url or f"http://127.0.0.1:{bound}/webhook"
    webhook_ids: list[str] = []
    try:
        if version < (3, 3):  # v3.0-v3.2: the webhooks are part of the bot
            actions = [
                WebhookAction("incoming_chat" if version >= (3, 2) else "incoming_chat_thread"),
                WebhookAction("incoming_event", filters={"author_type": "customer"} if version >= (3, 1) else None),
            ]
            created = await client.create_bot_agent(
                "Echo", Status.NOT_ACCEPTING_CHATS, groups=[Group(0, Priority.FIRST)], webhooks=Webhooks(url, echo.secret_key, actions)
            )
        else:  # v3.3+: the Webhooks API, for the bots of our client id
            created = await client.create_bot_agent("Echo", groups=[Group(0, Priority.FIRST)])
            mine = {"chat_presence": {"my_bots": True}}
            webhook_ids = list(
                await asyncio.gather(
                    client.register_webhook("incoming_chat", url, echo.secret_key, owner_client_id=client_id, filters=mine),
                    client.register_webhook(
                        "incoming_event", url, echo.secret_key, owner_client_id=client_id, filters={"author_type": "customer", **mine}
                    ),
                )
            )
        try:
            async with AsyncBot.from_created(client, created, client_id=client_id, organization_id=organization_id) as bot:
                echo.bot = bot
                await bot.set_routing_status("accepting_chats")
                yield echo
        finally:
            for webhook_id in webhook_ids:
                await client.unregister_webhook(webhook_id, owner_client_id=client_id)
            await client.remove_bot_agent(created)
    finally:
        await runner.cleanup()


async def on_livechat(version: str) -> int:
    """Runs the bot on LiveChat until Ctrl-C."""
    env = os.environ
    if missing := [n for n in ("LIVECHAT_CLIENT_ID", "LIVECHAT_ORGANIZATION_ID", "ECHO_BOT_PUBLIC_URL") if not env.get(n)]:
        print(f"echo_bot_async: set {', '.join(missing)} too", file=sys.stderr)
        return 2
    async with AsyncClient(env["LIVECHAT_TOKEN"], api_version=version) as client:
        async with run_echo_bot(
            client,
            client_id=env["LIVECHAT_CLIENT_ID"],
            organization_id=env["LIVECHAT_ORGANIZATION_ID"],
            public_url=env["ECHO_BOT_PUBLIC_URL"],
            port=int(env.get("ECHO_BOT_PORT", "8080")),
        ):
            print("The echo bot answers in group 0. Ctrl-C stops it.", flush=True)
            await asyncio.Event().wait()
    return 0


async def offline(version: str) -> int:
    """Runs the bot on the emulator, and plays the customer (from a thread: its calls block)."""
    config = json.loads(os.environ.get("LCBOT_EMULATOR_CONFIG") or "{}")
    texts = ["Hello!", "Where is my order?", "Thanks, bye"]
    with Emulator(config) as emu:
        async with AsyncClient("dev-token", api_version=version, base_url=emu.url) as client:
            async with run_echo_bot(client, client_id="dev-client", organization_id=emu.organization_id) as echo:
                print(f"echo bot {echo.bot.bot_agent_id} online on API v{version}, webhooks to {echo.url}")
                chat = await asyncio.to_thread(play_customer, emu, texts)
                deadline = time.monotonic() + 10  # a retried delivery may still be on its way
                while emu.deliveries().pending and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
        print(f"transcript of chat {chat.chat_id}:")
        for entry in chat.transcript:
            print(f"  {entry.author_type:<8} {entry.text}")
        log = emu.deliveries()
        print(f"webhook deliveries: {log.delivered} delivered, {log.retried} retried")
    return 0 if echoes(chat) == [f"echo: {text}" for text in texts] else 1


def main() -> int:
    version = os.environ.get("LIVECHAT_API_VERSION", "3.6")
    try:
        return asyncio.run(on_livechat(version) if os.environ.get("LIVECHAT_TOKEN") else offline(version))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
