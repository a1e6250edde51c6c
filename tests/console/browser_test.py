#!/usr/bin/env python3
"""The emulator's web console in a real browser (headless Chromium via Selenium).

Starts an emulator (the Python package's ``Emulator``) with an echo bot:
its webhook receiver gets the customer's messages from the emulator and
answers each through ``Bot.send_message`` (v3.2); "menu" gets a card with
buttons, "wait" a typing indicator, and the card's "Talk to a human" button
a handoff to Anna, a human agent of group 5. Then, in the page: starts a chat in the customer's chat box, writes, sees the echo;
sees "typing...", the card, clicks its button, and answers as Anna;
sees the request log (credentials by scheme only, filters); sees the webhook
delivery of the message; creates a bot by hand; injects a fault and sees the
bot's next call fail; clears faults. No secret may appear in the page.

    browser_test.py [--screenshots DIR]

With --screenshots, writes chats.png, bots.png, requests.png,
deliveries.png, card.png and handoff.png into DIR. Every wait polls with a deadline; nothing sleeps a
fixed time.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import sys
import threading
import time
import urllib.request
from typing import Any, Callable

from livechat_bots import ApiError, Bot, Client, Emulator, SecretMismatchError, webhooks
from livechat_bots.rich_messages import Button, card, cards
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

DEADLINE_S = 15
WEBHOOK_SECRET = "whsec-console-test-must-not-show"
TOKEN = "dev-token"
ANNA = {"id": "anna@example.com", "name": "Anna", "groups": [5], "max_chats": 2}


def wait_for(what: str, check: Callable[[], Any], deadline_s: float = DEADLINE_S) -> Any:
    """Polls `check` until it returns something truthy, or fails after the deadline."""
    end = time.monotonic() + deadline_s
    last: Any = None
    while time.monotonic() < end:
        try:
            last = check()
            if last:
                return last
        except Exception as e:  # a stale element or a page mid-render: look again
            last = e
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


class EchoBot:
    """An echo bot as a bot is built: LiveChat's webhooks in (verified with the
    bot's secret key), ``Bot.send_message`` out (v3.2: the app's token and
    X-Author-Id). Answers each customer message with "echo: <text>"."""

    def __init__(self, emu: Emulator, bot_id: str) -> None:
        self.bot_id = bot_id
        # No retries, so that an injected failure is the bot's failure.
        self.client = Client(TOKEN, base_url=emu.url, api_version="3.2", retry={"max_attempts": 1})
        self.bot = Bot(self.client, bot_id)
        self.seen: set[str] = set()
        self.failures: list[int | None] = []
        self.lock = threading.Lock()

    def handle(self, body: bytes) -> int:
        """The HTTP status to answer a webhook delivery with."""
        try:
            event = webhooks.verify(body, [WEBHOOK_SECRET])
        except SecretMismatchError:
            return 401
        if event.action != "incoming_event" or not isinstance(event.payload, webhooks.IncomingEvent):
            return 200
        message = event.payload
        with self.lock:
            fresh = event.dedupe_key not in self.seen
            self.seen.add(event.dedupe_key)
        if fresh and message.author_id != self.bot_id and message.event_type == "message":
            try:
                self.answer(message.chat_id, message.text or "", message.event.get("postback"))
            except ApiError as e:
                self.failures.append(e.http_status)
        return 200

    def answer(self, chat_id: str, text: str, postback: dict[str, Any] | None) -> None:
        if postback and postback.get("id") == "agent":
            self.bot.send_message(chat_id, "Handing you to a human.")
            self.bot.transfer_chat(chat_id, {"type": "group", "ids": [5]}, ignore_agents_availability=True)
        elif text == "menu":
            menu = card("Help desk", "What next?", buttons=[Button.message("Talk to a human", postback_id="agent"),
                                                             Button.url("Docs", "https://example.com/docs")])
            self.bot.send_rich_message(chat_id, cards(menu))
        elif text == "wait":
            self.bot.send_typing_indicator(chat_id)
        else:
            self.bot.send_message(chat_id, f"echo: {text}")

    def close(self) -> None:
        self.bot.close()
        self.client.close()


def receiver_for(bot: EchoBot) -> http.server.ThreadingHTTPServer:
    """The bot's webhook receiver on 127.0.0.1."""

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(bot.handle(body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser(width: int, height: int) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", f"--window-size={width},{height}"):
        options.add_argument(arg)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def text_of(driver: WebDriver, css: str) -> str:
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, css))


def tab(driver: WebDriver, name: str) -> None:
    driver.find_element(By.ID, f"tab-{name}").click()
    wait_for(f"the {name} view", lambda: driver.find_element(By.ID, f"view-{name}").is_displayed())


def type_into(driver: WebDriver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def say(driver: WebDriver, text: str) -> None:
    wait_for("the chat box to accept text", lambda: driver.find_element(By.ID, "send-text").is_enabled())
    type_into(driver, "send-text", text)
    driver.find_element(By.ID, "send-button").click()


def no_secret_in(driver: WebDriver) -> None:
    source = driver.page_source
    for secret in (WEBHOOK_SECRET, TOKEN):
        assert secret not in source, f"{secret} shown in the page"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", help="write chats.png, bots.png, requests.png and deliveries.png here")
    args = parser.parse_args()

    bot_doc = {
        "id": "echo-bot-0000000000000000000000e1", "name": "Echo", "status": "accepting chats", "max_chats_count": 3,
        "groups": [{"id": 0, "priority": "first"}, {"id": 2, "priority": "normal"}],
    }
    with Emulator({"bots": [bot_doc], "agents": [ANNA]}) as emu:
        bot = EchoBot(emu, bot_doc["id"])
        receiver = receiver_for(bot)
        driver = None
        try:
            # The bot's webhook (v3.2 keeps it in the bot's config), as the bot's owner sets it.
            hook = {"url": f"http://127.0.0.1:{receiver.server_address[1]}/livechat", "secret_key": WEBHOOK_SECRET,
                    "actions": [{"name": "incoming_event"}]}
            bot.client.update_bot_agent(bot.bot_id, webhooks=hook)
            driver = browser(1280, 900)
            run(driver, emu.url, emu.url + "/", bot, args.screenshots)
        finally:
            if driver:
                driver.quit()
            receiver.shutdown()
            bot.close()
    print("console browser test: OK" + (f"; screenshots in {args.screenshots}" if args.screenshots else ""))
    return 0


def run(driver: WebDriver, url: str, console: str, bot: EchoBot, shots: str | None) -> None:
    driver.get(console)
    wait_for("the page to go live", lambda: driver.find_element(By.ID, "live").text == "live")

    # The customer's chat box: group 0, a chat, a message, the bot's echo.
    Select(driver.find_element(By.ID, "start-group")).select_by_value("0")
    type_into(driver, "start-name", "Ada")
    driver.find_element(By.ID, "start-button").click()
    wait_for("the chat to be assigned to Echo", lambda: "assigned" in driver.find_element(By.ID, "chatbox-head").text)
    say(driver, "hello bot")
    wait_for("the echo in the chat box", lambda: "echo: hello bot" in text_of(driver, "#chatbox-transcript li.bot"))
    assert "assigned to Echo" in text_of(driver, "#chatbox-transcript li.routing")
    say(driver, "what can you do?")
    wait_for("the second echo", lambda: "echo: what can you do?" in text_of(driver, "#chatbox-transcript li.bot"))
    wait_for("the chat in the chat list", lambda: "echo: hello bot" in text_of(driver, "#chat-list .transcript"))
    no_secret_in(driver)
    if shots:
        driver.save_screenshot(os.path.join(shots, "chats.png"))

    # Requests: the bot's send_event and a Configuration API call, each
    # credential by its scheme only; the filter.
    listing = urllib.request.Request(
        f"{url}/v3.6/configuration/action/list_bots", data=b"{}", method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(listing, timeout=5) as r:
        assert r.status == 200
    tab(driver, "requests")
    wait_for("list_bots in the request log", lambda: "list_bots" in text_of(driver, "#request-table tr.entry"))
    row = '#request-table tr.entry[data-action="send_event"][data-status="200"]'
    wait_for("send_event 200 in the request log", lambda: driver.find_elements(By.CSS_SELECTOR, row))
    first = driver.find_elements(By.CSS_SELECTOR, row)[-1]
    assert "Bearer" in first.text, first.text
    Select(driver.find_element(By.ID, "filter-action")).select_by_value("send_event")
    wait_for("only send_event rows", lambda: {e.get_attribute("data-action") for e in driver.find_elements(By.CSS_SELECTOR, "#request-table tr.entry")} == {"send_event"})
    driver.find_elements(By.CSS_SELECTOR, row)[-1].click()
    wait_for("the request's body", lambda: "echo: hello bot" in text_of(driver, "#request-table tr.detail pre"))
    driver.find_elements(By.CSS_SELECTOR, row)[-1].click()
    wait_for("the body folded again", lambda: not driver.find_elements(By.CSS_SELECTOR, "#request-table tr.detail"))
    no_secret_in(driver)

    # Webhook deliveries: the customer's message delivered to the bot's webhook, its secret masked.
    tab(driver, "deliveries")
    wait_for("the message's delivery", lambda: driver.find_elements(By.CSS_SELECTOR, "#delivery-list .card"))
    wait_for("a delivered incoming_event", lambda: "delivered" in text_of(driver, "#delivery-list .card") and "incoming_event" in text_of(driver, "#delivery-list .card"))
    driver.find_element(By.CSS_SELECTOR, "#delivery-list details summary").click()
    wait_for("the delivery's body", lambda: "[redacted]" in text_of(driver, "#delivery-list details pre"))
    no_secret_in(driver)
    if shots:
        driver.save_screenshot(os.path.join(shots, "deliveries.png"))

    # Bots: the seeded bot with its chat in progress; one made by hand.
    tab(driver, "bots")
    card = f'article[data-bot="{bot.bot_id}"]'
    wait_for("Echo's card", lambda: "1 in progress of 3" in text_of(driver, card))
    assert "[redacted]" in text_of(driver, card), text_of(driver, card)
    driver.find_element(By.ID, "new-bot").click()
    type_into(driver, "bot-name", "Handmade")
    type_into(driver, "bot-groups", "0:last, 7:first")
    Select(driver.find_element(By.ID, "bot-status")).select_by_value("not accepting chats")
    driver.find_element(By.ID, "bot-save").click()
    wait_for("the hand-made bot", lambda: "Handmade" in text_of(driver, "#bot-list .card"))
    no_secret_in(driver)

    # Bot templates (v3.5+): one created through the API shows; installing
    # its application from the page makes its bot, with the template's id.
    with Client(TOKEN, base_url=url, api_version="3.6") as templates:
        template = templates.create_bot_template("Greeter", job_title="Concierge")
    template_card = f'article[data-template="{template.id}"]'
    wait_for("the template's card", lambda: "not installed" in text_of(driver, template_card))
    Select(driver.find_element(By.ID, "install-client")).select_by_value("dev-client")
    driver.find_element(By.ID, "install-button").click()
    wait_for("the template's bot", lambda: "Greeter" in text_of(driver, f'article[data-bot="{template.id}"]'))
    wait_for("the template marked as installed", lambda: "bot on the license" in text_of(driver, template_card))
    assert template.secret not in driver.page_source
    if shots:
        driver.save_screenshot(os.path.join(shots, "bots.png"))

    # Faults: send_event answers 503 once; the bot's next answer fails.
    tab(driver, "faults")
    type_into(driver, "fault-action", "send_event")
    type_into(driver, "fault-status", "503")
    driver.find_element(By.ID, "fault-add").click()
    wait_for("the pending fault", lambda: "send_event" in text_of(driver, "#fault-list .card"))
    tab(driver, "chats")
    say(driver, "are you there?")
    wait_for("the bot's failed call", lambda: 503 in bot.failures)
    tab(driver, "requests")
    Select(driver.find_element(By.ID, "filter-status")).select_by_value("5xx")
    failed = '#request-table tr.entry[data-action="send_event"][data-status="503"]'
    wait_for("send_event 503 in the request log", lambda: driver.find_elements(By.CSS_SELECTOR, failed))
    tab(driver, "faults")
    wait_for("the fault taken", lambda: driver.find_element(By.ID, "faults-empty").is_displayed())
    tab(driver, "requests")
    Select(driver.find_element(By.ID, "filter-status")).select_by_value("")
    Select(driver.find_element(By.ID, "filter-action")).select_by_value("")
    driver.find_elements(By.CSS_SELECTOR, failed)[-1].click()
    wait_for("the failed call's body", lambda: "are you there?" in text_of(driver, "#request-table tr.detail pre"))
    if shots:
        driver.save_screenshot(os.path.join(shots, "requests.png"))

    # Clearing: two faults added, then none.
    tab(driver, "faults")
    type_into(driver, "fault-action", "")
    type_into(driver, "fault-status", "500")
    type_into(driver, "fault-times", "4")
    driver.find_element(By.ID, "fault-add").click()
    wait_for("the fault count", lambda: driver.find_element(By.ID, "fault-count").text == "1")
    driver.find_element(By.ID, "fault-clear").click()
    wait_for("no faults", lambda: driver.find_element(By.ID, "faults-empty").is_displayed())
    assert get_json(f"{url}/_emulator/faults")["pending_faults"] == 0

    # "typing...", a card with buttons, a click, the handoff, Anna's seat.
    tab(driver, "chats")
    say(driver, "wait")
    wait_for("the bot typing", lambda: "Echo is typing" in driver.find_element(By.ID, "indicator").text)
    say(driver, "menu")
    button = '#chatbox-transcript .rich-button[data-postback="agent"]'
    wait_for("the card's button", lambda: driver.find_elements(By.CSS_SELECTOR, button))
    assert "Help desk" in text_of(driver, "#chatbox-transcript .rich-card")
    assert not driver.find_elements(By.ID, "indicator"), "the typing indicator outlived the bot's message"
    if shots:
        driver.save_screenshot(os.path.join(shots, "card.png"))
    driver.find_element(By.CSS_SELECTOR, button).click()
    wait_for("the button's message", lambda: "Talk to a human" in text_of(driver, "#chatbox-transcript li.customer"))
    wait_for("the chat with Anna", lambda: "with Anna (agent)" in driver.find_element(By.ID, "chatbox-head").text)
    wait_for("the agent's seat", lambda: driver.find_element(By.ID, "seat-form").is_displayed())
    type_into(driver, "seat-text", "Hi, Anna here. How can I help?")
    driver.find_element(By.ID, "seat-send").click()
    wait_for("Anna's answer", lambda: "Anna here" in text_of(driver, "#chatbox-transcript li.agent"))
    assert get_json(f"{url}/_emulator/agents")["agents"][0]["chats"], "the chat is not Anna's"
    no_secret_in(driver)
    if shots:
        driver.save_screenshot(os.path.join(shots, "handoff.png"))

    # A narrow window still shows the chat box.
    driver.set_window_size(380, 800)
    tab(driver, "chats")
    wait_for("the chat box in a narrow window", lambda: driver.find_element(By.ID, "send-text").is_displayed())
    no_secret_in(driver)


if __name__ == "__main__":
    sys.exit(main())
