"""Bots in chats: a Bot acting on the Agent Chat API against the emulator,
the emulator playing the customer, and the Configuration API actions a bot
needs (its token, its secret, its webhooks)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import wait_for_fault_taken

from livechat_bots import (
    AgentRoutingStatus,
    ApiError,
    AuthenticationError,
    AuthorizationError,
    Bot,
    BotToken,
    Chat,
    ChatPage,
    Client,
    CreatedBot,
    Emulator,
    Group,
    NotFoundError,
    Priority,
    RegisteredWebhook,
    RequestTimeout,
    RoutingStatus,
    StartedChat,
    Status,
    ValidationError,
)

DEV_CLIENT = "dev-client"

# -- helpers ----------------------------------------------------------------


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Polls `condition` until it holds; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.01)


def wait_past(unix_time: float, timeout: float = 30.0) -> None:
    """Waits until the wall clock (the emulator's, in this process) is past
    `unix_time`, e.g. a token's `exp`."""
    wait_for(f"the clock passes {unix_time}", lambda: time.time() > unix_time, timeout)


def version_client(emulator: Emulator, version: str) -> Client:
    return Client("dev-token", api_version=version, base_url=emulator.url, retry={"max_attempts": 1})


def make_bot(
    client: Client,
    emulator: Emulator,
    version: str,
    name: str,
    *,
    group: int = 0,
    max_chats_count: int = 6,
    routing: RoutingStatus | str | None = None,
) -> Bot:
    """Creates a bot in `group` and a Bot handle for it (with its secret
    from v3.5), then sets its routing status through the handle."""
    # The status is required by create up to v3.1 and refused from v3.3.
    status = Status.NOT_ACCEPTING_CHATS if version in ("3.0", "3.1") else None
    created = client.create_bot_agent(
        name, status, max_chats_count=max_chats_count, groups=[Group(group, Priority.NORMAL)]
    )
    bot = Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id=emulator.organization_id)
    if routing is not None:
        bot.set_routing_status(routing)
    return bot


def agent_requests(emulator: Emulator, action: str | None = None) -> list[dict[str, Any]]:
    return [
        r
        for r in emulator.requests()
        if r.get("api") == "agent" and (action is None or r.get("action") == action)
    ]


def count_requests(emulator: Emulator, action: str) -> int:
    return sum(1 for r in emulator.requests() if r.get("action") == action)


def header(request: dict[str, Any], name: str) -> str | None:
    for key, value in (request.get("headers") or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


@pytest.fixture
def emu36() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def client36(emu36: Emulator) -> Iterator[Client]:
    with version_client(emu36, "3.6") as client:
        yield client


# -- routing, answering, the transcript ---------------------------------------


def test_a_chat_goes_to_the_online_bot_of_its_group(client36: Client, emu36: Emulator) -> None:
    full = make_bot(client36, emu36, "3.6", "Full", max_chats_count=1, routing="accepting_chats")
    first = emu36.start_chat(0, "first customer")
    assert isinstance(first, StartedChat)
    assert (first.state, first.bot_id) == ("assigned", full.bot_agent_id)
    online = make_bot(client36, emu36, "3.6", "Online", routing=RoutingStatus.ACCEPTING_CHATS)
    make_bot(client36, emu36, "3.6", "Offline", routing="offline")
    make_bot(client36, emu36, "3.6", "Not accepting", routing="not_accepting_chats")
    make_bot(client36, emu36, "3.6", "Other group", group=1, routing="accepting_chats")
    for i in range(3):
        chat = emu36.start_chat(0, f"customer {i}")
        assert (chat.state, chat.bot_id) == ("assigned", online.bot_agent_id), i
    statuses = {s.agent_id: s.status for s in online.list_routing_statuses()}
    assert statuses[online.bot_agent_id] == "accepting_chats"
    assert statuses[full.bot_agent_id] == "accepting_chats"
    assert all(isinstance(s, AgentRoutingStatus) for s in online.list_routing_statuses(group_ids=[0]))


def test_a_chat_waits_queued_until_a_bot_comes_online(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Late", group=2)
    chat = emu36.start_chat(2, "anyone there?")
    assert (chat.state, chat.bot_id) == ("queued", None)
    assert emu36.chat(chat.chat_id).state == "queued"
    bot.set_routing_status("accepting_chats")
    wait_for("the queued chat is assigned", lambda: emu36.chat(chat.chat_id).state == "assigned")
    routed = emu36.chat(chat.chat_id)
    assert routed.bot_id == bot.bot_agent_id
    assert [step.what for step in routed.routing] == ["queued", "assigned"]


def test_a_full_bot_gets_the_next_chat_when_a_slot_frees(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "One at a time", group=3, max_chats_count=1, routing="accepting_chats")
    first = emu36.start_chat(3, "one")
    second = emu36.start_chat(3, "two")
    assert (first.state, second.state) == ("assigned", "queued")
    emu36.close_chat(first.chat_id)
    wait_for("the second chat is assigned", lambda: emu36.chat(second.chat_id).bot_id == bot.bot_agent_id)
    assert emu36.chat(first.chat_id).state == "closed"


def test_the_bot_answers_and_the_transcript_shows_both(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Helper", routing="accepting_chats")
    started = emu36.start_chat(0, "Hi, I need help", customer={"name": "Ann", "email": "ann@example.com"})
    assert started.event_id is not None
    event_id = bot.send_message(started.chat_id, "Hello Ann, how can I help?")
    assert isinstance(event_id, str) and event_id.startswith(started.thread_id)
    emu36.send_message(started.chat_id, "My order is late")
    rich = bot.send_event(
        started.chat_id,
        {"type": "system_message", "text": "routed to a bot", "visibility": "agents"},
    )
    assert rich != event_id

    transcript = emu36.chat(started.chat_id)
    assert transcript.texts() == [
        ("customer", "Hi, I need help"),
        ("bot", "Hello Ann, how can I help?"),
        ("customer", "My order is late"),
        ("bot", "routed to a bot"),
    ]
    assert transcript.transcript[1].author_id == bot.bot_agent_id
    assert transcript.transcript[1].event_id == event_id
    assert transcript.transcript[3].visibility == "agents"

    chat = bot.get_chat(started.chat_id)
    assert isinstance(chat, Chat) and chat.id == started.chat_id
    assert chat.thread is not None and chat.thread.id == started.thread_id and chat.thread.active
    assert [e.text for e in chat.events] == [t for _, t in transcript.texts()]
    assert chat.events[1].author_id == bot.bot_agent_id and chat.events[1].visibility == "all"
    assert chat.events[0].author_id == started.customer_id
    users = {u.id: u for u in chat.users}
    assert users[started.customer_id].type == "customer" and users[started.customer_id].name == "Ann"
    assert users[bot.bot_agent_id].type == "agent"
    # Unknown fields are kept.
    assert "properties" in chat.raw or "access" in chat.raw
    assert bot.get_chat(started.chat_id, started.thread_id).thread == chat.thread

    page = bot.list_chats()
    assert isinstance(page, ChatPage)
    assert [c.id for c in page.chats_summary] == [started.chat_id]
    assert page.chats_summary[0].active is True


def test_transfer_to_a_bot_to_a_group_and_deactivate(client36: Client, emu36: Emulator) -> None:
    first = make_bot(client36, emu36, "3.6", "First", routing="accepting_chats")
    chat = emu36.start_chat(0, "hello")
    assert chat.bot_id == first.bot_agent_id
    second = make_bot(client36, emu36, "3.6", "Second")  # not accepting yet
    with pytest.raises(ApiError) as info:
        first.transfer_chat(chat.chat_id, {"type": "agent", "ids": [second.bot_agent_id]})
    # LiveChat's own validation error: an ApiError (sent, refused), not the
    # library's ValidationError (refused before sending).
    assert info.value.api_type == "validation" and info.value.http_status == 400
    assert "available" in info.value.message.lower()
    assert emu36.chat(chat.chat_id).bot_id == first.bot_agent_id

    second.set_routing_status("accepting_chats")
    first.transfer_chat(chat.chat_id, {"type": "agent", "ids": [second.bot_agent_id]})
    assert emu36.chat(chat.chat_id).bot_id == second.bot_agent_id
    assert first.bot_agent_id not in {u.id for u in second.get_chat(chat.chat_id).users}
    with pytest.raises(AuthorizationError):
        first.send_message(chat.chat_id, "still here?")

    third = make_bot(client36, emu36, "3.6", "Third", group=4, routing="accepting_chats")
    second.transfer_chat(chat.chat_id, {"type": "group", "ids": [4]})
    assert emu36.chat(chat.chat_id).bot_id == third.bot_agent_id
    third.send_message(chat.chat_id, "I'm the third")
    third.deactivate_chat(chat.chat_id)
    closed = emu36.chat(chat.chat_id)
    assert closed.state == "closed"
    assert [s.what for s in closed.routing] == ["assigned", "transferred", "transferred", "closed"]
    with pytest.raises(ApiError) as inactive:
        third.send_message(chat.chat_id, "hello?")
    assert inactive.value.api_type == "chat_inactive"
    with pytest.raises(ValidationError) as customer:
        emu36.send_message(chat.chat_id, "are you there?")
    assert "chat_inactive" in customer.value.message
    page = third.list_chats(filters={"active": False})
    assert chat.chat_id in {c.id for c in page.chats_summary}


def test_transfer_without_target_goes_to_another_bot_of_the_group(client36: Client, emu36: Emulator) -> None:
    first = make_bot(client36, emu36, "3.6", "First", group=5, routing="accepting_chats")
    chat = emu36.start_chat(5, "hello")
    other = make_bot(client36, emu36, "3.6", "Other", group=5, routing="accepting_chats")
    first.transfer_chat(chat.chat_id)
    assert emu36.chat(chat.chat_id).bot_id == other.bot_agent_id


def test_chat_errors(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Helper", routing="accepting_chats")
    other = make_bot(client36, emu36, "3.6", "Other")
    chat = emu36.start_chat(0, "hi")
    with pytest.raises(NotFoundError):
        bot.get_chat("NOSUCHCHAT")
    with pytest.raises(NotFoundError):
        bot.send_message("NOSUCHCHAT", "hi")
    with pytest.raises(AuthorizationError):
        other.send_message(chat.chat_id, "not my chat")
    with pytest.raises(AuthorizationError):
        other.deactivate_chat(chat.chat_id)
    with pytest.raises(ValidationError) as unknown:
        emu36.send_message("NOSUCHCHAT", "hi")
    assert "not_found" in unknown.value.message


# -- the same scenario in each version, each with its own auth rule ----------


# The issue asks for 3.0, 3.2, 3.4 and 3.6; the others cost little. On 3.5
# the bot has its secret (make_bot), so it uses its own token, as on 3.6.
@pytest.mark.parametrize("version", ["3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"])
def test_the_scenario_in_each_version(version: str) -> None:
    with Emulator() as emu, version_client(emu, version) as client:
        full = make_bot(client, emu, version, "Full", max_chats_count=1, routing="accepting_chats")
        first = emu.start_chat(0, "first")
        assert first.bot_id == full.bot_agent_id
        helper = make_bot(client, emu, version, "Helper", routing="accepting_chats")
        make_bot(client, emu, version, "Offline", routing="offline")
        backup = make_bot(client, emu, version, "Backup")

        named_by = "author_id" if version == "3.0" else "X-Author-Id" if version < "3.5" else "bot token"
        assert f"auth={named_by!r}" in repr(helper)
        chat = emu.start_chat(0, "Hi")
        assert (chat.state, chat.bot_id) == ("assigned", helper.bot_agent_id)
        helper.send_message(chat.chat_id, "Hello!", visibility="all")
        emu.send_message(chat.chat_id, "Thanks")
        assert emu.chat(chat.chat_id).texts() == [("customer", "Hi"), ("bot", "Hello!"), ("customer", "Thanks")]
        got = helper.get_chat(chat.chat_id)
        assert [e.text for e in got.events] == ["Hi", "Hello!", "Thanks"]
        assert all(e.visibility == "all" for e in got.events), "recipients is visibility in every version"
        assert chat.chat_id in {c.id for c in helper.list_chats().chats_summary}

        backup.set_routing_status("accepting_chats")
        helper.transfer_chat(chat.chat_id, {"type": "agent", "ids": [backup.bot_agent_id]})
        assert emu.chat(chat.chat_id).bot_id == backup.bot_agent_id
        backup.deactivate_chat(chat.chat_id)
        assert emu.chat(chat.chat_id).state == "closed"

        if version >= "3.2":
            assert {s.agent_id for s in helper.list_routing_statuses()} >= {helper.bot_agent_id}
        else:
            with pytest.raises(ValidationError):
                helper.list_routing_statuses()

        check_the_wire(emu, version, helper.bot_agent_id, backup.bot_agent_id)


def check_the_wire(emu: Emulator, version: str, helper: str, backup: str) -> None:
    """The request log shows how each version names the bot and its actions."""
    sent = agent_requests(emu, "send_event")
    assert len(sent) == 1
    request = sent[0]
    body = request["body"]
    assert request["version"] == version and request["status"] == 200
    assert header(request, "authorization") == "Bearer [redacted]"
    if version == "3.0":
        assert body["author_id"] == helper and "payload" in body
        assert header(request, "x-author-id") is None
        event = body["payload"]["event"]
    elif version < "3.5":
        assert header(request, "x-author-id") == helper
        assert "author_id" not in body and "payload" not in body
        event = body["event"]
    else:
        # The bot's own token: no author anywhere, a token issued just before.
        assert header(request, "x-author-id") is None
        assert "author_id" not in body and "payload" not in body
        event = body["event"]
        issued = [r for r in emu.requests() if r.get("action") == "issue_bot_token"]
        assert issued and all(r["status"] == 200 and r["api"] == "configuration" for r in issued)
        assert issued[0]["seq"] < request["seq"]
    audience, other = ("recipients", "visibility") if version < "3.4" else ("visibility", "recipients")
    assert event[audience] == "all" and other not in event

    actions = [r["action"] for r in agent_requests(emu)]
    if version < "3.2":
        assert {"get_chat_threads", "get_chats_summary", "close_thread", "transfer_chat"} <= set(actions)
        assert "set_routing_status" not in actions
        updates = [r for r in emu.requests() if r.get("action") == "update_bot_agent"]
        # The v3.0 Configuration API wraps its payload too.
        assert any(r["body"].get("payload", r["body"]).get("status") == "accepting chats" for r in updates)
    else:
        assert {"get_chat", "list_chats", "deactivate_chat", "transfer_chat", "set_routing_status"} <= set(actions)
    deactivate = [r for r in agent_requests(emu) if r["action"] in ("deactivate_chat", "close_thread")][0]
    named = deactivate["body"].get("payload", deactivate["body"])
    assert ("chat_id" in named) == (version < "3.3") and ("id" in named) == (version >= "3.3")
    # Every agent request of the bots was answered as theirs.
    for r in agent_requests(emu):
        assert r["status"] == 200, r


# -- the bot token: renewal, one at a time, never shown ----------------------


def token_emulator(lifetime_ms: int) -> Emulator:
    return Emulator({"bot_token_lifetime_ms": lifetime_ms})


def test_a_bot_token_is_renewed_after_it_expires() -> None:
    lifetime_ms = 1500
    with token_emulator(lifetime_ms) as emu, version_client(emu, "3.6") as client:
        created = client.create_bot_agent("Renewing")
        bot = Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id=emu.organization_id)
        bot.list_chats()
        assert count_requests(emu, "issue_bot_token") == 1
        # A token issued now expires no earlier than the bot's.
        probe = client.issue_bot_token(created, client_id=DEV_CLIENT, organization_id=emu.organization_id)
        assert probe.expires_at is not None and probe.expires_at - time.time() < lifetime_ms / 1000 + 1
        before = count_requests(emu, "issue_bot_token")
        bot.list_chats()
        assert count_requests(emu, "issue_bot_token") == before, "a fresh token is reused"
        wait_past(probe.expires_at)
        bot.list_chats()
        assert count_requests(emu, "issue_bot_token") == before + 1
        refused = [r for r in agent_requests(emu) if r["status"] != 200]
        assert refused == [], "the bot renews an expired token before using it"


def test_a_refused_token_is_renewed_once() -> None:
    with token_emulator(3_600_000) as emu, version_client(emu, "3.6") as client:
        created = client.create_bot_agent("Refused")
        bot = Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id=emu.organization_id)
        bot.list_chats()
        emu.inject(action="list_chats", status=401, error_type="authentication", message="Invalid access token", times=1)
        bot.list_chats()
        assert count_requests(emu, "issue_bot_token") == 2
        statuses = [r["status"] for r in agent_requests(emu, "list_chats")]
        assert statuses == [200, 401, 200]


def test_sixteen_threads_share_one_renewal() -> None:
    lifetime_ms = 1000
    with token_emulator(lifetime_ms) as emu, version_client(emu, "3.6") as client:
        created = client.create_bot_agent("Shared", groups=[Group(0, Priority.NORMAL)])
        bot = Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id=emu.organization_id)
        bot.set_routing_status("accepting_chats")
        chat = emu.start_chat(0, "hi")
        probe = client.issue_bot_token(created, client_id=DEV_CLIENT, organization_id=emu.organization_id)
        assert probe.expires_at is not None
        before = count_requests(emu, "issue_bot_token")
        wait_past(probe.expires_at)
        # A slow renewal: every thread arrives while it is under way.
        emu.inject(action="issue_bot_token", delay_ms=300, times=1)

        start = threading.Barrier(16)
        errors: list[BaseException] = []

        def worker(i: int) -> None:
            try:
                start.wait(timeout=10)
                if i % 2:
                    bot.get_chat(chat.chat_id)
                else:
                    bot.send_message(chat.chat_id, f"message {i}")
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in threads)
        assert errors == []
        assert count_requests(emu, "issue_bot_token") == before + 1
        assert len([e for e in emu.chat(chat.chat_id).transcript if e.author_type == "bot"]) == 8
        # Each thread's call was made once, with the new token, after the renewal.
        renewal = [r for r in emu.requests() if r.get("action") == "issue_bot_token"][-1]
        after = [r for r in agent_requests(emu) if r["seq"] > renewal["seq"]]
        assert len(after) == 16 and all(r["status"] == 200 for r in after)


def test_reset_bot_secret_retires_the_tokens(client36: Client, emu36: Emulator) -> None:
    created = client36.create_bot_agent("Reset")
    bot = Bot.from_created(client36, created, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    bot.set_routing_status("accepting_chats")
    new_secret = client36.reset_bot_secret(created)
    assert isinstance(new_secret, str) and new_secret and new_secret != created.bot_secret
    with pytest.raises((AuthenticationError, AuthorizationError)) as info:
        bot.list_chats()
    for text in (str(info.value), repr(info.value), json.dumps(info.value.api_error)):
        assert new_secret not in text and (created.bot_secret or "?") not in text
        assert "eyJ" not in text, "a token in an error"
    renewed = Bot(client36, created.bot_agent_id, new_secret, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    renewed.list_chats()


def test_tokens_and_secrets_never_show(client36: Client, emu36: Emulator) -> None:
    created = client36.create_bot_agent("Quiet", groups=[Group(0, Priority.NORMAL)])
    secret = created.bot_secret
    assert secret
    bot = Bot.from_created(client36, created, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    bot.set_routing_status("accepting_chats")
    chat = emu36.start_chat(0, "hi")
    bot.send_message(chat.chat_id, "hello")
    token = client36.issue_bot_token(created, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    assert isinstance(token, BotToken) and token.token.count(".") == 2
    for text in (repr(bot), str(bot), repr(token), str(token), repr([token])):
        assert secret not in text and token.token not in text and "eyJ" not in text
    assert bot.bot_agent_id in repr(bot) and "bot token" in repr(bot)
    log = json.dumps(emu36.requests())
    # Neither the secret nor a token (a JWT's header is base64 of '{"', eyJ...).
    assert secret not in log and token.token not in log and "eyJ" not in log
    with pytest.raises(AuthorizationError) as wrong:
        client36.issue_bot_token(created, "0" * 32, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    assert "0" * 32 not in str(wrong.value) and secret not in str(wrong.value)


def test_the_bot_outlives_its_client(emu36: Emulator) -> None:
    client = version_client(emu36, "3.6")
    bot = make_bot(client, emu36, "3.6", "Lasting", routing="accepting_chats")
    client.close()
    chat = emu36.start_chat(0, "hi")
    bot.send_message(chat.chat_id, "still here")
    bot.close()
    bot.close()
    assert bot.closed and "closed" in repr(bot)
    with pytest.raises(ValueError):
        bot.list_chats()


def test_x_author_id_and_v3_5_with_and_without_a_secret() -> None:
    with Emulator() as emu, version_client(emu, "3.5") as client:
        created = client.create_bot_agent("Five")
        by_header = Bot(client, created.bot_agent_id)
        by_token = Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id=emu.organization_id)
        assert "X-Author-Id" in repr(by_header) and "bot token" in repr(by_token)
        by_header.set_routing_status("not_accepting_chats")
        by_token.set_routing_status("accepting_chats")
        first, second = agent_requests(emu, "set_routing_status")
        assert header(first, "x-author-id") == created.bot_agent_id
        assert header(second, "x-author-id") is None
        assert count_requests(emu, "issue_bot_token") == 1


def test_another_clients_bot_is_refused() -> None:
    config = {
        "tokens": [
            {"token": "dev-token", "client_id": DEV_CLIENT, "scopes": ["agents-bot--all:rw", "agents-bot--my:rw"]},
            {"token": "other-token", "client_id": "other-client", "scopes": ["agents-bot--all:rw", "agents-bot--my:rw"]},
        ]
    }
    with Emulator(config) as emu, version_client(emu, "3.4") as client:
        created = client.create_bot_agent("Mine")
        with Client("other-token", api_version="3.4", base_url=emu.url, retry={"max_attempts": 1}) as other:
            with pytest.raises(AuthorizationError):
                Bot(other, created).set_routing_status("accepting_chats")


# -- pagination ----------------------------------------------------------------


def test_iter_chats_follows_next_page_id(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Busy", max_chats_count=20, routing="accepting_chats")
    started = [emu36.start_chat(0, f"customer {i}").chat_id for i in range(7)]
    first = bot.list_chats(limit=3)
    assert len(first.chats_summary) == 3 and first.found_chats == 7 and first.next_page_id
    seen = [c.id for c in bot.iter_chats(limit=3)]
    assert len(seen) == 7 and set(seen) == set(started)
    assert seen == list(reversed(started)), "newest first by default"
    assert [c.id for c in bot.iter_chats(sort_order="asc", limit=3)] == started
    assert [c.id for c in bot.iter_chats()] == list(reversed(started))
    bodies = [r["body"] for r in agent_requests(emu36, "list_chats")]
    # 1 + 3 + 3 + 1 calls: each first request with its settings, then each
    # page by its page_id alone.
    assert len(bodies) == 8
    assert [set(b) for b in bodies] == [{"limit"}, {"limit"}, {"page_id"}, {"page_id"},
                                        {"sort_order", "limit"}, {"page_id"}, {"page_id"}, set()]
    with pytest.raises(ValidationError) as info:
        bot.list_chats(limit=3, page_id=first.next_page_id)
    assert "page_id" in info.value.message
    # Lazy: only as many pages as are read.
    before = len(agent_requests(emu36, "list_chats"))
    it = bot.iter_chats(limit=3)
    next(it)
    assert len(agent_requests(emu36, "list_chats")) == before + 1


def test_list_chats_filters(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Filter", max_chats_count=10, routing="accepting_chats")
    chats = [emu36.start_chat(0, f"c{i}").chat_id for i in range(3)]
    bot.deactivate_chat(chats[0])
    active = {c.id for c in bot.iter_chats(filters={"active": True})}
    assert active == set(chats[1:])
    assert {c.id for c in bot.iter_chats(filters={"group_ids": [7]})} == set()


# -- bad input -------------------------------------------------------------------


def test_bad_input_is_refused_before_sending(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Strict", routing="accepting_chats")
    chat = emu36.start_chat(0, "hi").chat_id
    sent_before = len(agent_requests(emu36))

    def refused(call: Callable[[], object], *fields: str) -> None:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.attempts in (0, None)  # None: refused by the wrapper itself
        for f in fields:
            assert f in info.value.message, (f, info.value.message)

    refused(lambda: bot.set_routing_status("online"), "status", "accepting_chats")
    refused(lambda: bot.set_routing_status("accepting chats"), "status")
    refused(lambda: bot.set_routing_status(None), "status")  # type: ignore[arg-type]
    refused(lambda: bot.send_message(None, "x"), "chat_id")  # type: ignore[arg-type]
    refused(lambda: bot.send_message(123, "x"), "chat_id")  # type: ignore[arg-type]
    refused(lambda: bot.send_message("", "x"), "chat_id")
    refused(lambda: bot.send_message(chat, None), "event.text")  # type: ignore[arg-type]
    refused(lambda: bot.send_message(chat, ""), "event.text")
    refused(lambda: bot.send_message(chat, "x" * 16385), "16384")
    refused(lambda: bot.send_message(chat, "x", visibility="me"), "visibility")
    refused(lambda: bot.send_event(chat, {"type": "file"}), "event.type")
    refused(lambda: bot.send_event(chat, "hello"), "event")  # type: ignore[arg-type]
    refused(lambda: bot.send_event(chat, {"type": "message", "text": "x"}, attach_to_last_thread="yes"), "attach_to_last_thread")  # type: ignore[arg-type]
    refused(lambda: bot.list_chats(filters=[1]), "filters")  # type: ignore[arg-type]
    refused(lambda: bot.send_event(chat, {"type": "message", "text": "x", "colour": "red"}), "colour")
    refused(lambda: bot.list_chats(limit=0), "limit")
    refused(lambda: bot.list_chats(limit=101), "limit")
    refused(lambda: bot.list_chats(limit="5"), "limit")  # type: ignore[arg-type]
    refused(lambda: bot.list_chats(sort_order="up"), "sort_order")
    refused(lambda: bot.list_chats(filters={"group_ids": [-1]}), "group_ids[0]")
    refused(lambda: bot.get_chat(""), "chat_id")
    refused(lambda: bot.get_chat(None), "chat_id")  # type: ignore[arg-type]
    refused(lambda: bot.transfer_chat(chat, {"type": "agent", "ids": [1]}), "target.ids[0]")
    refused(lambda: bot.transfer_chat(chat, {"type": "agent", "ids": []}), "target.ids")
    refused(lambda: bot.transfer_chat(chat, {"type": "person", "ids": ["x"]}), "target.type")
    refused(lambda: bot.deactivate_chat(None), "id")  # type: ignore[arg-type]
    refused(lambda: bot.list_routing_statuses(group_ids=["a"]), "group_ids[0]")  # type: ignore[list-item]
    refused(lambda: bot.call("no such action!", {}), "action")
    refused(lambda: bot.list_chats(timeout=0), "timeout")
    with pytest.raises(TypeError):
        bot.send_message(chat, object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bot.list_chats(timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bot.call(None, {})  # type: ignore[arg-type]
    assert len(agent_requests(emu36)) == sent_before, "nothing was sent"


def test_bad_identities(emu36: Emulator, client36: Client) -> None:
    created = client36.create_bot_agent("Who")
    assert created.bot_secret
    with pytest.raises(ValidationError) as info:
        Bot(client36, created.bot_agent_id)  # no secret on v3.6
    assert "bot_secret" in info.value.message
    with pytest.raises(ValidationError) as info:
        Bot(client36, created.bot_agent_id, created.bot_secret)  # no client_id
    assert "client_id" in info.value.message and created.bot_secret not in str(info.value)
    with pytest.raises(ValidationError):
        Bot(client36, "", "s", client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    with pytest.raises(ValidationError):
        Bot(client36, None, "s", client_id=DEV_CLIENT, organization_id="o")  # type: ignore[arg-type]
    with pytest.raises(TypeError) as typed:
        Bot(client36, created.bot_agent_id, 987654321, client_id=DEV_CLIENT)  # type: ignore[arg-type]
    assert "987654321" not in str(typed.value)
    with pytest.raises(TypeError):
        Bot("not a client", created.bot_agent_id)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Bot.from_created(client36, created.bot_agent_id)  # type: ignore[arg-type]
    with version_client(emu36, "3.4") as old:
        with pytest.raises(ValidationError) as early:
            Bot(old, created.bot_agent_id, "secret", client_id=DEV_CLIENT, organization_id="o")
        assert "v3.5" in early.value.message
        with pytest.raises(ValidationError) as admin:
            old.issue_bot_token(created, client_id=DEV_CLIENT, organization_id="o")
        assert "3.5" in admin.value.message
    # A wrong secret is found on the first call, when the token is issued.
    wrong = Bot(client36, created, "f" * 32, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    with pytest.raises(AuthorizationError):
        wrong.list_chats()
    lost = Bot(client36, created, created.bot_secret, client_id=DEV_CLIENT, organization_id="another-org")
    with pytest.raises(AuthorizationError):
        lost.list_chats()


def test_timeouts_per_call(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Slow", routing="accepting_chats")
    emu36.inject(action="list_chats", delay_ms=3000)
    start = time.monotonic()
    with pytest.raises(RequestTimeout):
        bot.list_chats(timeout=0.3)
    assert time.monotonic() - start < 2.5


def test_generic_call_as_the_bot(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Generic", routing="accepting_chats")
    chat = emu36.start_chat(0, "hi")
    answer = bot.call("send_event", {"chat_id": chat.chat_id, "event": {"type": "message", "text": "raw"}})
    assert isinstance(answer, dict) and "event_id" in answer
    assert emu36.chat(chat.chat_id).texts()[-1] == ("bot", "raw")
    with pytest.raises(NotFoundError):
        bot.call("no_such_action", {})


# -- the webhook registry ------------------------------------------------------


def test_register_list_and_unregister_webhooks(client36: Client) -> None:
    hook = client36.register_webhook(
        "incoming_chat", "https://example.com/hook", "hook-secret-1", owner_client_id=DEV_CLIENT, description="chats"
    )
    assert isinstance(hook, str) and len(hook) == 32
    client36.register_webhook(
        "incoming_event", "https://example.com/hook", "hook-secret-2", owner_client_id=DEV_CLIENT,
        additional_data=["chat_properties"], filters={"author_type": "customer"},
    )
    listed = client36.list_webhooks(DEV_CLIENT)
    assert all(isinstance(w, RegisteredWebhook) for w in listed)
    by_action = {w.action: w for w in listed}
    assert by_action["incoming_chat"].id == hook and by_action["incoming_chat"].description == "chats"
    assert by_action["incoming_chat"].secret_key == "hook-secret-1"
    assert by_action["incoming_event"].additional_data == ("chat_properties",)
    assert by_action["incoming_chat"].type == "bot"
    assert "hook-secret" not in repr(listed)
    for i in range(2):
        client36.register_webhook("incoming_chat", f"https://example.com/{i}", "k", owner_client_id=DEV_CLIENT)
    with pytest.raises(ApiError) as limit:
        client36.register_webhook("incoming_chat", "https://example.com/4", "k", owner_client_id=DEV_CLIENT)
    assert limit.value.api_type == "limit_reached"
    client36.unregister_webhook(hook, owner_client_id=DEV_CLIENT)
    assert hook not in {w.id for w in client36.list_webhooks(DEV_CLIENT)}
    with pytest.raises(NotFoundError):
        client36.unregister_webhook(hook, owner_client_id=DEV_CLIENT)
    with pytest.raises(AuthorizationError):
        client36.list_webhooks("someone-else")
    with pytest.raises(ValidationError):
        client36.register_webhook("no_such_action", "https://example.com", "k", owner_client_id=DEV_CLIENT)
    with pytest.raises(ValidationError):
        client36.register_webhook("incoming_chat", "ftp://example.com", "k", owner_client_id=DEV_CLIENT)
    with pytest.raises(TypeError):
        client36.register_webhook("incoming_chat", "https://example.com", 5, owner_client_id=DEV_CLIENT)  # type: ignore[arg-type]


# -- the emulator's control calls ------------------------------------------------


def test_emulator_control_calls(emulator: Emulator) -> None:
    chat = emulator.start_chat()
    assert chat.state == "queued" and chat.event_id is None and len(chat.chat_id) == 10
    event = emulator.send_message(chat.chat_id, "anyone?")
    emulator.close_chat(chat.chat_id)
    [seen] = emulator.chats()
    assert seen.chat_id == chat.chat_id and seen.customer_id == chat.customer_id and seen.group_id == 0
    assert seen.state == "closed" and [e.event_id for e in seen.transcript] == [event]
    assert seen.texts() == [("customer", "anyone?")]
    with pytest.raises(KeyError):
        emulator.chat("NOSUCHCHAT")
    with pytest.raises(ValidationError):
        emulator.start_chat(-1)
    with pytest.raises(ValidationError):
        emulator.start_chat(0, "x", customer={"age": 3})
    with pytest.raises(ValidationError):
        emulator.send_message(chat.chat_id, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        emulator.send_message(chat.chat_id, object())  # type: ignore[arg-type]


def test_emulator_organization_id() -> None:
    with Emulator({"organization_id": "org-1"}) as emu, version_client(emu, "3.6") as client:
        assert emu.organization_id == "org-1"
        created = client.create_bot_agent("Org")
        Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id="org-1").list_chats()
        with pytest.raises(AuthorizationError):
            Bot.from_created(client, created, client_id=DEV_CLIENT, organization_id="org-2").list_chats()
    with Emulator() as emu:
        assert len(emu.organization_id) == 36


def test_created_bot_feeds_the_bot(client36: Client, emu36: Emulator) -> None:
    created = client36.create_bot_agent("Typed")
    assert isinstance(created, CreatedBot)
    bot = Bot(client36, created, created.bot_secret, client_id=DEV_CLIENT, organization_id=emu36.organization_id)
    assert bot.bot_agent_id == created.bot_agent_id and bot.client is client36
    with bot:
        bot.set_routing_status(RoutingStatus.OFFLINE)
    assert bot.closed


def test_the_enums_follow_the_core() -> None:
    from livechat_bots import _ffi

    schema = json.loads(_ffi.call(_ffi.lib.lcbot_schema) or "{}")
    assert [s.value for s in RoutingStatus] == schema["bots"]["routing_statuses"]
    assert schema["bots"]["max_message_bytes"] == 16384


def test_a_bot_call_warns_of_a_deprecated_version_at_the_callers_line() -> None:
    config = {"versions": {"3.4": {"stage": "deprecated", "until": "2027-01-31"}}}
    with Emulator(config) as emu, version_client(emu, "3.3") as maker, version_client(emu, "3.4") as client:
        created = maker.create_bot_agent("Old", groups=[Group(0, Priority.NORMAL)])
        bot = Bot(client, created)
        with pytest.warns(DeprecationWarning, match="3.4") as caught:
            bot.set_routing_status("accepting_chats")
        assert caught[0].filename == __file__
        assert [n.kind for n in client.notices()] == ["deprecated"]


@pytest.mark.parametrize("version", ["3.4", "3.6"])
def test_a_refused_token_goes_to_the_clients_provider_or_the_bots_renewal(version: str) -> None:
    calls: list[int] = []

    def provider() -> str:
        calls.append(1)
        return "dev-token"

    with Emulator() as emu, Client(
        "dev-token", api_version=version, base_url=emu.url, retry={"max_attempts": 1}, token_provider=provider
    ) as client:
        bot = make_bot(client, emu, version, "Provided", routing="accepting_chats")
        issued = count_requests(emu, "issue_bot_token")
        emu.inject(action="list_chats", status=401, error_type="authentication", times=1)
        bot.list_chats()
        if version == "3.4":
            # The client's token was refused: its provider gives the next one.
            assert calls == [1] and count_requests(emu, "issue_bot_token") == issued == 0
        else:
            # The bot's own token was refused: the bot renews it; the client's token is not involved.
            assert calls == [] and count_requests(emu, "issue_bot_token") == issued + 1
        assert [r["status"] for r in agent_requests(emu, "list_chats")] == [401, 200]


def test_close_waits_for_the_bots_calls_in_flight(client36: Client, emu36: Emulator) -> None:
    bot = make_bot(client36, emu36, "3.6", "Closing", routing="accepting_chats")
    emu36.inject(action="list_chats", delay_ms=400)
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(bot.list_chats()))
    worker.start()
    wait_for_fault_taken(emu36)
    bot.close()
    worker.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], ChatPage)
    with pytest.raises(ValueError, match="closed"):
        bot.list_chats()


# The flags of v3.4+ on older versions (the core translates or refuses them).


def test_transfer_ignoring_availability_on_v3_2_is_sent_as_force() -> None:
    with Emulator() as emu, version_client(emu, "3.2") as client:
        first = make_bot(client, emu, "3.2", "First", routing="accepting_chats")
        second = make_bot(client, emu, "3.2", "Second")
        chat = emu.start_chat(0, "hi")
        first.transfer_chat(chat.chat_id, {"type": "agent", "ids": [second.bot_agent_id]}, ignore_agents_availability=True)
        assert emu.chat(chat.chat_id).state == "queued"
        [wire] = agent_requests(emu, "transfer_chat")
        assert wire["body"].get("force") is True and "ignore_agents_availability" not in wire["body"]


def test_ignore_requester_presence_before_v3_4_is_refused_before_sending() -> None:
    with Emulator() as emu, version_client(emu, "3.3") as client:
        bot = make_bot(client, emu, "3.3", "Early", routing="accepting_chats")
        chat = emu.start_chat(0, "hi")
        with pytest.raises(ValidationError) as info:
            bot.deactivate_chat(chat.chat_id, ignore_requester_presence=True)
        assert "ignore_requester_presence" in info.value.message and "v3.3" in info.value.message
        assert agent_requests(emu, "deactivate_chat") == []
        assert emu.chat(chat.chat_id).state == "assigned"


def test_active_only_lists_exist_from_v3_6() -> None:
    with Emulator() as emu, version_client(emu, "3.5") as client:
        bot = make_bot(client, emu, "3.5", "Lists", routing="accepting_chats")
        chats = [emu.start_chat(0, f"c{i}").chat_id for i in range(2)]
        bot.deactivate_chat(chats[0])
        with pytest.raises(ValidationError) as info:
            bot.list_chats(filters={"active": True})
        assert "include_active" in info.value.message
        assert {c.id for c in bot.iter_chats(filters={"active": False})} == {chats[0]}
        assert {c.id for c in bot.iter_chats()} == set(chats)
