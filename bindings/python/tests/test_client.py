"""Every Client method against the emulator, and the client's lifetime."""

from __future__ import annotations

import re

import pytest
from conftest import payloads

from livechat_bots import (
    BotAgent,
    BotAgentDetails,
    Client,
    CreatedBot,
    Emulator,
    Group,
    Priority,
    Status,
    WebhookAction,
    Webhooks,
)

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def test_create_returns_a_new_id(client: Client) -> None:
    first = client.create_bot_agent("One", Status.ACCEPTING_CHATS)
    second = client.create_bot_agent("Two", "offline")
    assert isinstance(first, CreatedBot)
    assert HEX_ID.match(first.bot_agent_id) and HEX_ID.match(second.bot_agent_id)
    assert first != second
    assert first.bot_secret is None  # bot secrets come with v3.5
    assert str(first) == first.bot_agent_id


def test_create_returns_the_secret_from_v3_5_and_never_shows_it(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, api_version="3.5") as client:
        created = client.create_bot_agent("Secretive")
        assert HEX_ID.match(created.bot_agent_id)
        secret = created.bot_secret
        assert isinstance(secret, str) and secret
        for text in (repr(created), str(created), f"{created}", f"{created!r}", repr([created])):
            assert secret not in text
        assert created.bot_agent_id in repr(created)
        # Equal by id: the secret takes no part in comparisons.
        assert created == CreatedBot(created.bot_agent_id)
        # Usable wherever the id was: methods take it as the id.
        assert client.get_bot_agent_details(created).id == created.bot_agent_id
        client.update_bot_agent(created, name="Renamed")
        client.remove_bot_agent(created)
        assert client.get_bot_agents() == []
    assert secret not in str(emulator.requests())


def test_create_with_every_field_as_models(client: Client, emulator: Emulator) -> None:
    webhooks = Webhooks(
        url="https://example.com/hook",
        secret_key="s3cret",
        actions=[WebhookAction("incoming_chat", additional_data=["chat_properties"]), WebhookAction("incoming_event")],
    )
    bot_id = client.create_bot_agent(
        "Full",
        Status.NOT_ACCEPTING_CHATS,
        avatar="https://example.com/a.png",
        max_chats_count=7,
        groups=[Group(0, Priority.FIRST), Group(1, "last")],  # type: ignore[arg-type]
        webhooks=webhooks,
    )
    details = client.get_bot_agent_details(bot_id)
    assert details.name == "Full"
    assert details.status is Status.NOT_ACCEPTING_CHATS
    assert details.avatar == "https://example.com/a.png"
    assert details.max_chats_count == 7
    assert details.groups == (Group(0, Priority.FIRST), Group(1, Priority.LAST))
    assert details.webhooks is not None
    assert details.webhooks.url == "https://example.com/hook"
    assert details.webhooks.secret_key == "s3cret"
    assert [a.name for a in details.webhooks.actions] == ["incoming_chat", "incoming_event"]
    assert details.webhooks.actions[0].additional_data == ("chat_properties",)
    (sent,) = payloads(emulator, "create_bot_agent")
    assert sent["status"] == "not accepting chats"
    assert sent["groups"] == [{"id": 0, "priority": "first"}, {"id": 1, "priority": "last"}]


def test_create_with_dicts(client: Client) -> None:
    bot_id = client.create_bot_agent(
        "Dicts",
        "accepting chats",
        groups=[{"id": 0, "priority": "normal"}],
        webhooks={"url": "https://example.com/h", "secret_key": "k", "actions": [{"name": "incoming_chat"}]},
    )
    details = client.get_bot_agent_details(bot_id)
    assert details.groups == (Group(0, Priority.NORMAL),)
    assert details.webhooks is not None and details.webhooks.actions[0] == WebhookAction("incoming_chat")


def test_optional_fields_left_out_are_not_sent(client: Client, emulator: Emulator) -> None:
    client.create_bot_agent("Plain", Status.OFFLINE)
    (sent,) = payloads(emulator, "create_bot_agent")
    assert sent == {"name": "Plain", "status": "offline"}


def test_get_bot_agents(client: Client) -> None:
    assert client.get_bot_agents() == []
    ids = {client.create_bot_agent(f"Bot {i}", Status.ACCEPTING_CHATS).bot_agent_id for i in range(3)}
    bots = client.get_bot_agents()
    assert all(isinstance(b, BotAgent) for b in bots)
    assert {b.id for b in bots} == ids
    assert {b.name for b in bots} == {"Bot 0", "Bot 1", "Bot 2"}
    assert all(b.status is Status.ACCEPTING_CHATS for b in bots)


def test_get_bot_agents_all_sends_the_flag(client: Client, emulator: Emulator) -> None:
    client.create_bot_agent("Mine", Status.OFFLINE)
    assert [b.name for b in client.get_bot_agents(all=True)] == ["Mine"]
    client.get_bot_agents()
    assert [p["all"] for p in payloads(emulator, "get_bot_agents")] == [True, False]


def test_get_bot_agent_details(client: Client) -> None:
    bot_id = client.create_bot_agent("Detailed", Status.ACCEPTING_CHATS, max_chats_count=3).bot_agent_id
    details = client.get_bot_agent_details(bot_id)
    assert isinstance(details, BotAgentDetails)
    assert details.id == bot_id
    assert details.client_id == "dev-client"
    assert details.max_chats_count == 3
    assert details.raw["id"] == bot_id


def test_update_sends_only_the_fields_passed(client: Client, emulator: Emulator) -> None:
    bot_id = client.create_bot_agent("Before", Status.ACCEPTING_CHATS, max_chats_count=2).bot_agent_id
    client.update_bot_agent(bot_id, name="After")
    client.update_bot_agent(
        bot_id,
        status=Status.OFFLINE,
        groups=[Group(0, Priority.LAST)],
        default_group_priority=Priority.SUPERVISOR,
    )
    client.update_bot_agent(bot_id, default_group_priority="normal", max_chats_count=9)
    sent = payloads(emulator, "update_bot_agent")
    assert sent[0] == {"id": bot_id, "name": "After"}
    assert sent[1] == {
        "id": bot_id,
        "status": "offline",
        "groups": [{"id": 0, "priority": "last"}],
        "default_group_priority": "supervisor",
    }
    assert sent[2] == {"id": bot_id, "default_group_priority": "normal", "max_chats_count": 9}
    details = client.get_bot_agent_details(bot_id)
    assert (details.name, details.status, details.max_chats_count) == ("After", Status.OFFLINE, 9)
    assert details.default_group_priority is Priority.NORMAL
    assert details.groups == (Group(0, Priority.LAST),)


def test_update_webhooks(client: Client) -> None:
    bot_id = client.create_bot_agent("Hooked", Status.OFFLINE)
    client.update_bot_agent(
        bot_id, webhooks=Webhooks("https://example.com/w", "key", [WebhookAction("incoming_chat", filters={})])
    )
    details = client.get_bot_agent_details(bot_id)
    assert details.webhooks is not None and details.webhooks.url == "https://example.com/w"


def test_remove_bot_agent(client: Client) -> None:
    keep = client.create_bot_agent("Keep", Status.OFFLINE).bot_agent_id
    gone = client.create_bot_agent("Gone", Status.OFFLINE).bot_agent_id
    assert client.remove_bot_agent(gone) is None  # type: ignore[func-returns-value]
    assert [b.id for b in client.get_bot_agents()] == [keep]


def test_call_sends_any_action(client: Client) -> None:
    created = client.call("create_bot_agent", {"name": "Raw", "status": "offline"})
    assert HEX_ID.match(created["bot_agent_id"])
    listed = client.call("get_bot_agents", {"all": False})
    assert listed == {"bot_agents": [{"id": created["bot_agent_id"], "name": "Raw", "status": "offline"}]}
    assert client.call("get_bot_agents") == listed  # payload defaults to {}


def test_config_options_reach_the_requests(emulator: Emulator) -> None:
    with Client(
        "dev-token",
        base_url=emulator.url,
        api_version="3.1",
        token_type="Bearer",
        timeout=5.0,
        connect_timeout=2,
        user_agent="tests/1.0",
        retry={"max_attempts": 2, "base_delay_ms": 1, "max_delay_ms": 2},
    ) as client:
        client.get_bot_agents()
    (request,) = emulator.requests()
    assert request["version"] == "3.1"
    assert request["headers"]["user-agent"] == "tests/1.0"
    assert request["headers"]["authorization"] == "Bearer [redacted]"


def test_context_manager_and_idempotent_close(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url) as client:
        assert not client.closed
        client.get_bot_agents()
    assert client.closed
    client.close()
    client.close()
    assert client.closed


@pytest.mark.parametrize(
    "use",
    [
        lambda c: c.get_bot_agents(),
        lambda c: c.create_bot_agent("x", "offline"),
        lambda c: c.remove_bot_agent("x"),
        lambda c: c.update_bot_agent("x", name="y"),
        lambda c: c.get_bot_agent_details("x"),
        lambda c: c.call("get_bot_agents", {}),
    ],
)
def test_every_call_after_close_raises(emulator: Emulator, use: object) -> None:
    client = Client("dev-token", base_url=emulator.url)
    client.close()
    with pytest.raises(ValueError, match="Client is closed"):
        use(client)  # type: ignore[operator]


def test_repr_never_shows_the_token(emulator: Emulator) -> None:
    with Client("very-secret-token", base_url=emulator.url) as client:
        assert "very-secret-token" not in repr(client)
        assert "open" in repr(client)
    assert "closed" in repr(client)


def test_an_unclosed_client_is_freed_by_the_collector(emulator: Emulator) -> None:
    import gc
    import weakref

    client = Client("dev-token", base_url=emulator.url)
    finalizer = client._handle._finalizer
    ref = weakref.ref(client)
    del client
    gc.collect()
    assert ref() is None
    assert not finalizer.alive


def test_every_v3_6_field_is_sent_and_read_back(emulator: Emulator) -> None:
    scheduler = {"monday": [{"start": "08:00", "end": "16:00"}]}
    with Client("dev-token", base_url=emulator.url, api_version="3.6") as client:
        created = client.create_bot_agent(
            "Complete",
            avatar="https://example.com/c.png",
            max_chats_count=3,
            groups=[Group(0, Priority.NORMAL)],
            default_group_priority=Priority.FIRST,
            job_title="Support",
            work_scheduler=scheduler,
            timezone="Europe/Warsaw",
            owner_client_id="dev-client",
            type="chatbot",
        )
        details = client.get_bot_agent_details(created)
        assert (details.name, details.avatar, details.max_chats_count) == ("Complete", "https://example.com/c.png", 3)
        assert details.groups == (Group(0, Priority.NORMAL),)
        assert details.default_group_priority is Priority.FIRST
        assert (details.job_title, details.timezone, details.type) == ("Support", "Europe/Warsaw", "chatbot")
        assert details.work_scheduler == scheduler
        assert details.client_id == "dev-client"
        client.update_bot_agent(created, job_title="Sales", timezone="UTC", work_scheduler={})
        details = client.get_bot_agent_details(created)
        assert (details.job_title, details.timezone, details.work_scheduler) == ("Sales", "UTC", {})
    (create,) = payloads(emulator, "create_bot")
    assert create["type"] == "chatbot" and create["work_scheduler"] == scheduler
    (update,) = payloads(emulator, "update_bot")
    assert update == {"id": created.bot_agent_id, "job_title": "Sales", "timezone": "UTC", "work_scheduler": {}}


def test_fields_are_sent_on_reads(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, api_version="3.4") as client:
        created = client.create_bot_agent("Fields", job_title="Support")
        client.get_bot_agents(fields=["job_title"])
        client.get_bot_agent_details(created, fields=["job_title"])
    assert payloads(emulator, "list_bots") == [{"all": False, "fields": ["job_title"]}]
    assert payloads(emulator, "get_bot") == [{"id": created.bot_agent_id, "fields": ["job_title"]}]


def test_call_returns_a_bare_array_as_it_came(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, api_version="3.3") as client:
        assert client.call("list_bots", {}) == []
        created = client.call("create_bot", {"name": "Raw"})
        assert isinstance(created, dict) and HEX_ID.match(created["id"])
        listed = client.call("list_bots", {})
    assert isinstance(listed, list)
    assert listed == [{"id": created["id"], "name": "Raw"}]
