"""A menu bot: it greets each customer with quick replies, answers each choice (showing
"typing..." first), tags the thread with what was asked, and hands the chat to a human on
"agent" (transfer_chat to the humans' group, queued when nobody is free).

Offline, on the emulator inside the library (the script plays the customer, presses the
buttons, and plays Anna, the human agent of group 1, once the chat is hers):

    python examples/menu_bot.py

On a running emulator or LiveChat, until Ctrl-C (the environment aims the client, see the README's
"Your bot on the emulator"); MENU_BOT_PUBLIC_URL is where its webhooks reach it:

    LIVECHAT_BASE_URL=http://127.0.0.1:8080 LIVECHAT_TOKEN=dev-token LIVECHAT_CLIENT_ID=dev-client \\
    LIVECHAT_ORGANIZATION_ID=... MENU_BOT_PUBLIC_URL=http://127.0.0.1:8082/webhook MENU_BOT_PORT=8082 \\
    python examples/menu_bot.py

LIVECHAT_API_VERSION picks the API version (3.6 by default; 3.2 at the oldest). The bot answers in
group 0 and hands off to group MENU_BOT_HUMANS_GROUP (1 by default).
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import Any

from livechat_bots import Bot, Client, Emulator, EmulatorChat, Group, Priority, WebhookAction, Webhooks, webhooks
from livechat_bots.rich_messages import Button, quick_replies
from livechat_bots.webhooks import IncomingChat, IncomingEvent, IncomingRichMessagePostback, WebhookEvent

#: The menu: postback id -> (button text, answer; None for the handoff).
MENU: dict[str, tuple[str, str | None]] = {
    "hours": ("Opening hours", "We are open Monday to Friday, 9:00 to 17:00."),
    "order": ("Order status", "Your last order left our warehouse yesterday; it arrives within 2 days."),
    "agent": ("Talk to an agent", None),
}
GREETING = "Hi! What can I do for you?"
#: The human agent of the offline run, in the humans' group.
ANNA = {"id": "anna@example.com", "name": "Anna", "groups": [1], "max_chats": 2}
HANDOFF = "I am handing you to one of our people; please wait a moment."


class MenuBot:
    """What the bot does with each webhook LiveChat sends it."""

    bot: Bot  # set once the bot is created

    def __init__(self, secret_key: str, humans_group: int) -> None:
        self.secret_key = secret_key
        self.humans_group = humans_group
        self.url = ""
        self.handled: set[str] = set()  # dedupe keys of the webhooks acted on
        self.postbacks: list[str] = []  # postback ids the customers pressed, as told
        self.lock = threading.Lock()

    def handle(self, event: WebhookEvent) -> None:
        with self.lock:  # LiveChat delivers again when unsure: act once
            if event.dedupe_key in self.handled:
                return
            self.handled.add(event.dedupe_key)
        payload = event.payload
        if isinstance(payload, IncomingChat):
            self.greet(payload.chat_id)
        elif isinstance(payload, IncomingRichMessagePostback):
            with self.lock:
                self.postbacks.append(str(payload.raw["postback"]["id"]))
        elif isinstance(payload, IncomingEvent) and payload.event.get("author_id") != self.bot.bot_agent_id:
            self.answer(payload.chat_id, payload.thread_id, payload.event)

    def greet(self, chat_id: str) -> None:
        self.bot.send_typing_indicator(chat_id)
        self.bot.send_rich_message(chat_id, menu())

    def answer(self, chat_id: str, thread_id: str | None, event: dict[str, Any]) -> None:
        """Answers a customer's message: a pressed button (its postback) or typed text."""
        if event.get("type") != "message":
            return
        postback = event.get("postback") or {}
        choice = postback.get("id") or choice_of(str(event.get("text", "")))
        self.bot.send_typing_indicator(chat_id)
        if choice not in MENU:
            self.bot.send_message(chat_id, "Sorry, I did not get that. Please pick one:")
            self.bot.send_rich_message(chat_id, menu())
            return
        if thread_id is not None:
            self.bot.tag_thread(chat_id, thread_id, choice)
        answer = MENU[choice][1]
        if answer is None:
            self.bot.send_message(chat_id, HANDOFF)
            # Queued in the humans' group when none of them is free (ignore_agents_availability).
            self.bot.transfer_chat(
                chat_id, {"type": "group", "ids": [self.humans_group]}, ignore_agents_availability=True
            )
            return
        self.bot.send_message(chat_id, answer)
        self.bot.send_rich_message(chat_id, quick_replies("Anything else?", menu_buttons()))

    def serve(self, port: int = 0) -> ThreadingHTTPServer:
        """Serves the webhook receiver on 127.0.0.1, in a thread."""
        # handle is looked up per delivery, so that it may be replaced (the tests wrap it).
        return webhooks.serve([self.secret_key], lambda event: self.handle(event), port=port)


def menu_buttons() -> list[Button]:
    return [Button.message(text, postback_id=choice) for choice, (text, _) in MENU.items()]


def menu() -> dict[str, Any]:
    return quick_replies(GREETING, menu_buttons())


def choice_of(text: str) -> str | None:
    """The menu choice a typed text means ("agent", "hours", a button's text...)."""
    wanted = text.strip().lower()
    for choice, (label, _) in MENU.items():
        if wanted in (choice, label.lower()) or (choice == "agent" and "human" in wanted):
            return choice
    return None


@contextmanager
def run_menu_bot(
    client: Client, *, client_id: str, organization_id: str, humans_group: int, public_url: str | None = None, port: int = 0
) -> Iterator[MenuBot]:
    """Creates the bot in group 0, serves its receiver, registers its webhooks (incoming_chat,
    the customers' incoming_event, incoming_rich_message_postback) and sets it accepting
    chats. On exit the bot and its webhooks are removed."""
    version = tuple(int(n) for n in client.api_version.split("."))
    if version < (3, 2):
        raise SystemExit("menu_bot: API v3.2 or later (quick replies, tags and the typing indicator)")
    menu_bot = MenuBot(secrets.token_hex(16), humans_group)
    server = menu_bot.serve(port)
    url = menu_bot.url = public_url or f"http://127.0.0.1:{server.server_port}/webhook"
    customers = {"author_type": "customer"}
    actions = {"incoming_chat": None, "incoming_event": customers, "incoming_rich_message_postback": None}
    webhook_ids: list[str] = []
    try:
        if version < (3, 3):  # v3.2: the webhooks are part of the bot
            hooks = Webhooks(url, menu_bot.secret_key, [WebhookAction(a, filters=f) for a, f in actions.items()])
            created = client.create_bot_agent("Menu", groups=[Group(0, Priority.FIRST)], webhooks=hooks)
        else:  # v3.3+: the Webhooks API, for the bots of our client id
            created = client.create_bot_agent("Menu", groups=[Group(0, Priority.FIRST)])
            mine = {"chat_presence": {"my_bots": True}}
            webhook_ids = [
                client.register_webhook(a, url, menu_bot.secret_key, owner_client_id=client_id, filters={**(f or {}), **mine})
                for a, f in actions.items()
            ]
        try:
            with Bot.from_created(client, created, client_id=client_id, organization_id=organization_id) as bot:
                menu_bot.bot = bot
                bot.set_routing_status("accepting_chats")
                yield menu_bot
        finally:
            for webhook_id in webhook_ids:
                client.unregister_webhook(webhook_id, owner_client_id=client_id)
            client.remove_bot_agent(created)
    finally:
        server.shutdown()
        server.server_close()


def wait_for(emu: Emulator, chat_id: str, done: Any, timeout: float = 10.0) -> EmulatorChat:
    """The chat once ``done(chat)`` holds (or the deadline passed)."""
    deadline = time.monotonic() + timeout
    while not done(chat := emu.chat(chat_id)) and time.monotonic() < deadline:
        time.sleep(0.005)
    return chat


def last_menu(chat: EmulatorChat) -> str | None:
    """The event id of the bot's newest quick replies in the chat."""
    menus = [e.event_id for e in chat.transcript if e.author_type == "bot" and e.raw.get("template_id") == "quick_replies"]
    return menus[-1] if menus else None


def bot_texts(chat: EmulatorChat) -> list[str | None]:
    return [e.text for e in chat.transcript if e.author_type == "bot" and e.type == "message"]


def play_customer(emu: Emulator, choices: list[str]) -> EmulatorChat:
    """A customer starts a chat and presses ``choices`` in turn, each on the newest menu."""
    chat_id = emu.start_chat(group_id=0, text="Hi").chat_id
    chat = wait_for(emu, chat_id, lambda c: last_menu(c) is not None)
    for choice in choices:
        menu_id = last_menu(chat)
        assert menu_id is not None, "the bot offered no menu"
        answered = len(bot_texts(chat))
        emu.press_button(chat_id, menu_id, choice)
        chat = wait_for(emu, chat_id, lambda c: len(bot_texts(c)) > answered and (choice == "agent" or last_menu(c) != menu_id))
    # Handed off: the bot leaves; the chat goes to a human, or waits for one.
    return wait_for(emu, chat_id, lambda c: "agent" not in choices or c.bot_id is None or c.bot_id == ANNA["id"])


def on_livechat(version: str) -> int:
    """Runs the bot wherever the environment says (a running emulator, LiveChat) until Ctrl-C."""
    env = os.environ
    if missing := [n for n in ("LIVECHAT_CLIENT_ID", "LIVECHAT_ORGANIZATION_ID", "MENU_BOT_PUBLIC_URL") if not env.get(n)]:
        print(f"menu_bot: set {', '.join(missing)} too", file=sys.stderr)
        return 2
    with Client(api_version=version) as client:
        with run_menu_bot(
            client,
            client_id=env["LIVECHAT_CLIENT_ID"],
            organization_id=env["LIVECHAT_ORGANIZATION_ID"],
            humans_group=int(env.get("MENU_BOT_HUMANS_GROUP", "1")),
            public_url=env["MENU_BOT_PUBLIC_URL"],
            port=int(env.get("MENU_BOT_PORT", "8080")),
        ):
            print(f"The menu bot answers in group 0 of {client.base_url}. Ctrl-C stops it.", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0


def offline(version: str) -> int:
    """Runs the bot on the emulator and plays a customer through every choice, then Anna."""
    with Emulator({"agents": [ANNA]}) as emu, Client("dev-token", api_version=version, base_url=emu.url) as client:
        with run_menu_bot(client, client_id="dev-client", organization_id=emu.organization_id, humans_group=1) as menu_bot:
            chat = play_customer(emu, ["hours", "order", "agent"])
            if chat.bot_id == ANNA["id"]:  # the chat is hers now
                emu.agent_send_message(chat.chat_id, str(ANNA["id"]), "Hi, Anna here. How can I help?")
                chat = emu.chat(chat.chat_id)
            tags = chat.raw["talk"]["tags"]
        print(f"menu bot on API v{version}; transcript of chat {chat.chat_id}:")
        for entry in chat.transcript:
            shown = entry.text if entry.type == "message" else f"[{entry.raw.get('template_id')}]"
            print(f"  {entry.author_type:<8} {shown}")
        print(f"thread tags: {sorted(t for thread in tags.values() for t in thread)}; chat now {chat.state} ({chat.bot_id})")
        print(f"postbacks the bot was told of: {menu_bot.postbacks}")
    ok = bot_texts(chat)[-1] == HANDOFF and chat.transcript[-1].author_type == "agent"
    return 0 if ok else 1


def main() -> int:
    version = os.environ.get("LIVECHAT_API_VERSION", "3.6")
    return on_livechat(version) if os.environ.get("LIVECHAT_TOKEN") else offline(version)


if __name__ == "__main__":
    sys.exit(main())
