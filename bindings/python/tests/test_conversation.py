"""A bot's conversation actions against the emulator, on v3.2 and v3.6:
rich messages built with the builders, indicators, previews, tags,
properties, seen events, the customer; an action a version lacks is
refused before sending."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from livechat_bots import Bot, Customer, Emulator, Group, Priority, ValidationError, WebhookAction, Webhooks
from livechat_bots.rich_messages import Button, card, cards, quick_replies, sticker
from test_bots import count_requests, make_bot, version_client, wait_for


@pytest.fixture(params=["3.2", "3.6"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def scene(version: str) -> Iterator[tuple[Emulator, Bot, str, str, str]]:
    """A bot accepting chats and a chat routed to it: (emulator, bot, chat, thread, customer)."""
    with Emulator() as emu, version_client(emu, version) as client:
        bot = make_bot(client, emu, version, "Talker", routing="accepting_chats")
        chat = emu.start_chat(0, "Hi")
        assert chat.bot_id == bot.bot_agent_id
        yield emu, bot, chat.chat_id, chat.thread_id, chat.customer_id
        bot.close()


def talk(emu: Emulator, chat_id: str) -> dict[str, Any]:
    state = emu.chat(chat_id).raw["talk"]
    assert isinstance(state, dict)
    return state


def test_the_builders_make_what_the_api_takes() -> None:
    event = quick_replies("How can I help?", ["Orders", Button.message("Agent", postback_id="agent")])
    buttons = event["elements"][0]["buttons"]
    assert event["template_id"] == "quick_replies" and event["type"] == "rich_message"
    assert buttons[0] == {"text": "Orders", "type": "message", "value": "Orders", "postback_id": "Orders", "user_ids": []}
    assert buttons[1]["postback_id"] == "agent"
    shoe = card("Shoes", "Red", image_url="https://example.com/s.png", alternative_text="red shoes",
                buttons=[Button.url("Open", "https://example.com", target="new"), Button.phone("Call", "+100"),
                         Button.webview("Size", "https://example.com/w", "compact")])
    event = cards(shoe)
    assert event["elements"][0]["image"] == {"url": "https://example.com/s.png", "alternative_text": "red shoes"}
    assert [b["type"] for b in event["elements"][0]["buttons"]] == ["url", "phone", "webview"]
    assert sticker("https://example.com/x.png")["template_id"] == "sticker"
    with pytest.raises(TypeError, match=r"buttons\[0\]"):
        quick_replies("?", [3])  # type: ignore[list-item]


def test_rich_messages_are_sent_kept_and_checked(scene: tuple[Emulator, Bot, str, str, str], version: str) -> None:
    emu, bot, chat_id, _, _ = scene
    event_id = bot.send_rich_message(chat_id, quick_replies("Pick one", ["Orders", "Agent"]))
    entry = [e for e in emu.chat(chat_id).transcript if e.event_id == event_id][0]
    assert entry.raw["template_id"] == "quick_replies"
    assert [b["postback_id"] for b in entry.raw["elements"][0]["buttons"]] == ["Orders", "Agent"]
    sent = count_requests(emu, "send_event")
    bad = cards(card("x", buttons=[Button("x", "file", "v", "p")]))
    with pytest.raises(ValidationError, match=r"event\.elements\[0\]\.buttons\[0\]\.type"):
        bot.send_rich_message(chat_id, bad)
    with pytest.raises(ValidationError, match=r"at most 13"):
        bot.send_rich_message(chat_id, quick_replies("?", [str(i) for i in range(14)]))
    target = cards(card("x", buttons=[Button.url("Open", "https://example.com", target="new")]))
    if version == "3.2":
        with pytest.raises(ValidationError, match=r"target: not in API v3.2; it exists from v3.3"):
            bot.send_rich_message(chat_id, target)
    else:
        bot.send_rich_message(chat_id, target)
        sent += 1
    assert count_requests(emu, "send_event") == sent  # nothing refused was sent


def test_indicators_show_until_the_bot_writes(scene: tuple[Emulator, Bot, str, str, str], version: str) -> None:
    emu, bot, chat_id, _, _ = scene
    bot.send_typing_indicator(chat_id)
    assert talk(emu, chat_id)["indicator"]["kind"] == "typing"
    bot.send_typing_indicator(chat_id, False)
    assert talk(emu, chat_id)["indicator"] is None
    if version == "3.6":
        bot.send_thinking_indicator(chat_id, title="Checking your order")
        assert talk(emu, chat_id)["indicator"]["title"] == "Checking your order"
        bot.send_message(chat_id, "Found it")
        assert talk(emu, chat_id)["indicator"] is None
        bot.send_event_preview(chat_id, "Your ord")
        assert talk(emu, chat_id)["indicator"]["kind"] == "preview"
    else:
        with pytest.raises(ValidationError, match=r"send_thinking_indicator: not in API v3.2; it exists from v3.6"):
            bot.send_thinking_indicator(chat_id)
        with pytest.raises(ValidationError, match=r"send_event_preview: not in API v3.2; it exists from v3.6"):
            bot.send_event_preview(chat_id, "x")
        assert count_requests(emu, "send_thinking_indicator") == 0


def test_tags_properties_seen_and_the_customer(scene: tuple[Emulator, Bot, str, str, str]) -> None:
    emu, bot, chat_id, thread_id, customer_id = scene
    bot.tag_thread(chat_id, thread_id, "menu")
    bot.tag_thread(chat_id, thread_id, "vip")
    bot.untag_thread(chat_id, thread_id, "menu")
    bot.update_chat_properties(chat_id, {"menu": {"step": "start", "visits": 2}})
    bot.delete_chat_properties(chat_id, {"menu": ["visits"]})
    bot.update_thread_properties(chat_id, thread_id, {"menu": {"choice": "orders"}})
    bot.delete_thread_properties(chat_id, thread_id, {"menu": ["choice"]})
    bot.mark_events_as_seen(chat_id, "2030-01-01T00:00:00.000000Z")
    state = talk(emu, chat_id)
    assert state["tags"] == {thread_id: ["vip"]}
    assert state["properties"] == {"menu": {"step": "start"}}
    assert state["thread_properties"] == {thread_id: {}}
    assert state["seen_up_to"] == {bot.bot_agent_id: "2030-01-01T00:00:00.000000Z"}
    assert bot.get_chat(chat_id).raw["thread"]["tags"] == ["vip"]
    customer = bot.get_customer(customer_id)
    assert isinstance(customer, Customer)
    assert (customer.id, customer.chat_ids) == (customer_id, (chat_id,))
    with pytest.raises(ValidationError, match=r"seen_up_to: expected an RFC 3339"):
        bot.mark_events_as_seen(chat_id, "yesterday")
    with pytest.raises(ValidationError, match=r"properties.menu: expected an object"):
        bot.update_chat_properties(chat_id, {"menu": ["x"]})  # type: ignore[dict-item]


def test_actions_a_version_lacks_are_refused_before_sending() -> None:
    with Emulator() as emu, version_client(emu, "3.1") as client:
        bot = make_bot(client, emu, "3.1", "Old")
        with pytest.raises(ValidationError, match=r"tag_thread: not in API v3.1; it exists from v3.2"):
            bot.tag_thread("C", "T", "x")
        assert not [r for r in emu.requests() if r.get("action") == "tag_thread"]
        bot.close()


def test_the_customer_presses_buttons(version: str) -> None:
    """The press reaches the bot's webhooks (read from the delivery log: they
    go to a closed port) as incoming_rich_message_postback and, for a message
    button, as the customer's message with its postback."""
    closed = "http://127.0.0.1:1/hook"
    actions = ["incoming_rich_message_postback", "incoming_event"]
    with Emulator({"webhook_backoff_ms": 20}) as emu, version_client(emu, version) as client:
        hooks = Webhooks(closed, "k", [WebhookAction(a) for a in actions]) if version < "3.3" else None
        created = client.create_bot_agent("Menu", groups=[Group(0, Priority.FIRST)], webhooks=hooks)
        for action in actions if version >= "3.3" else []:
            client.register_webhook(action, closed, "k", owner_client_id="dev-client")
        with Bot.from_created(client, created, client_id="dev-client", organization_id=emu.organization_id) as bot:
            bot.set_routing_status("accepting_chats")
            chat = emu.start_chat(0, "Hi")
            menu = bot.send_rich_message(chat.chat_id, quick_replies("Pick one", ["Orders", Button.message("Agent", "agent")]))
            said = emu.press_button(chat.chat_id, menu, "agent")
            assert said is not None
            entry = [e for e in emu.chat(chat.chat_id).transcript if e.event_id == said][0]
            assert (entry.author_type, entry.text) == ("customer", "Agent")
            assert entry.raw["postback"] == {"id": "agent", "thread_id": chat.thread_id, "event_id": menu, "type": "message", "value": "Agent"}

            def payloads(action: str) -> list[Mapping[str, Any]]:
                return [d.payload for d in emu.deliveries() if d.action == action]

            wait_for("the postback's delivery", lambda: len(payloads("incoming_rich_message_postback")) == 1)
            postback: dict[str, Any] = {"id": "agent", "toggled": True}
            if version == "3.6":  # v3.6 names the button's type and value
                postback.update(button_type="message", button_value="Agent")
            assert payloads("incoming_rich_message_postback")[0] == {
                "user_id": chat.customer_id, "chat_id": chat.chat_id, "thread_id": chat.thread_id,
                "event_id": menu, "postback": postback,
            }
            wait_for("the message's delivery", lambda: any(p["event"]["id"] == said for p in payloads("incoming_event")))
            # Pressed again, the press is taken back; an unknown button is refused.
            assert emu.press_button(chat.chat_id, menu, "agent") is None
            with pytest.raises(ValidationError, match="button_id"):
                emu.press_button(chat.chat_id, menu, "nope")


def test_a_handoff_reaches_a_human_who_answers() -> None:
    """A chat transferred to the humans' group goes to its agent; the next
    waits while she is busy; she answers; the waiting one is hers after."""
    anna = "anna@example.com"
    with Emulator({"agents": [{"id": anna, "name": "Anna", "groups": [1], "max_chats": 1}]}) as emu, \
            version_client(emu, "3.6") as client:
        bot = make_bot(client, emu, "3.6", "Front", routing="accepting_chats")
        chats = []
        for _ in range(2):
            chat = emu.start_chat(0, "A human, please")
            bot.transfer_chat(chat.chat_id, {"type": "group", "ids": [1]}, ignore_agents_availability=True)
            chats.append(chat.chat_id)
        assert emu.agents() == [{"id": anna, "name": "Anna", "groups": [1], "max_chats": 1, "chats": chats[:1]}]
        assert (emu.chat(chats[1]).state, emu.chat(chats[1]).group_id) == ("queued", 1)
        emu.agent_send_message(chats[0], anna, "Anna here")
        with pytest.raises(ValidationError, match="is not in chat"):
            emu.agent_send_message(chats[1], anna, "not mine yet")
        emu.close_chat(chats[0])
        assert emu.agents()[0]["chats"] == chats[1:]
        last = emu.chat(chats[0]).transcript[-1]
        assert (last.author_type, last.text) == ("agent", "Anna here")
        bot.close()
    with pytest.raises(ValidationError, match=r"agents\[0\]\.groups"):
        Emulator({"agents": [{"id": "x"}]})
