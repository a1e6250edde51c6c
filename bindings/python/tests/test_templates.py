"""Bot templates and batches (API v3.5+) from Python, against the emulator."""

from __future__ import annotations

import time

import pytest

from livechat_bots import (
    ApiError,
    AuthenticationError,
    BotTemplate,
    Client,
    CreatedBot,
    CreatedBotTemplate,
    Emulator,
    LiveChatBotsError,
    NotFoundError,
    Priority,
    ValidationError,
)


@pytest.fixture(params=["3.5", "3.6"])
def client36(request: pytest.FixtureRequest, emulator: Emulator) -> Client:
    c = Client("dev-token", base_url=emulator.url, api_version=request.param, retry={"max_attempts": 3, "base_delay_ms": 1})
    request.addfinalizer(c.close)
    return c


def test_template_lifecycle_and_installation(client36: Client, emulator: Emulator) -> None:
    created = client36.create_bot_template("Greeter", job_title="Concierge", default_group_priority=Priority.FIRST)
    assert isinstance(created, CreatedBotTemplate)
    assert created.secret not in repr(created) and str(created) == created.id

    (listed,) = client36.list_bot_templates()
    assert listed == BotTemplate(
        id=created.id, name="Greeter", job_title="Concierge", default_group_priority=Priority.FIRST, owner_client_id="dev-client"
    )
    client36.update_bot_template(created, name="Greeter 2")
    assert client36.list_bot_templates("dev-client")[0].name == "Greeter 2"

    assert emulator.install_application("dev-client") == [created.id]
    assert client36.get_bot_agent_details(created.id).name == "Greeter 2"
    assert emulator.templates()["installed"] == ["dev-client"]

    new_secret = client36.reset_bot_template_secret(created, affect_existing_installations=True)
    assert new_secret != created.secret
    client36.issue_bot_token(created.id, new_secret, client_id="dev-client", organization_id=emulator.organization_id)
    client36.delete_bot_template(created, affect_existing_installations=True)
    with pytest.raises(NotFoundError):
        client36.get_bot_agent_details(created.id)
    assert client36.list_bot_templates() == []
    assert new_secret not in str(emulator.requests()) and created.secret not in str(emulator.templates())


def test_a_sixth_template_and_an_unknown_id(client36: Client) -> None:
    for i in range(5):
        client36.create_bot_template(f"T{i}")
    with pytest.raises(ApiError) as sixth:
        client36.create_bot_template("T5")
    assert (sixth.value.http_status, sixth.value.api_type) == (400, "limit_reached")
    with pytest.raises(NotFoundError):
        client36.delete_bot_template("no-such-template")


def test_a_mixed_batch_gives_one_item_per_request(client36: Client, emulator: Emulator) -> None:
    created = client36.batch_create_bot_agents([{"name": "One"}, {"name": "Two", "max_chats_count": 3}])
    bots = [c for c in created if isinstance(c, CreatedBot) and c.bot_secret]
    assert len(bots) == 2
    ids = [str(c) for c in bots]

    updated = client36.batch_update_bot_agents([{"id": ids[0], "name": "One+"}, {"id": "ghost", "name": "Ghost"}])
    assert updated[0] is None
    item = updated[1]
    assert isinstance(item, NotFoundError)
    with pytest.raises(NotFoundError) as single:
        client36.remove_bot_agent("ghost")
    assert (item.code, item.status, item.http_status, item.api_type) == (
        single.value.code,
        single.value.status,
        single.value.http_status,
        single.value.api_type,
    )
    assert item.message.startswith("requests[1]: ")

    removed = client36.batch_remove_bot_agents([bots[1], "ghost", ids[0]])
    assert [r is None for r in removed] == [True, False, True]
    assert client36.get_bot_agents() == []
    assert bots[0].bot_secret is not None and bots[0].bot_secret not in repr(created)


def test_items_are_checked_before_anything_is_sent(client36: Client, emulator: Emulator) -> None:
    with pytest.raises(ValidationError, match=r"^requests\[3\]\.name: must not be empty$"):
        client36.batch_create_bot_agents([{"name": "A"}, {"name": "B"}, {"name": "C"}, {"name": ""}])
    with pytest.raises(ValidationError, match=r"requests\[0\]\.groups\[0\]\.priority"):
        client36.batch_update_bot_agents([{"id": "x", "groups": [{"id": 0, "priority": "supervisor"}]}])
    with pytest.raises(ValidationError, match="^max_chats_count"):
        client36.create_bot_template("T", max_chats_count=501)
    assert emulator.requests() == []


def test_older_versions_refuse_naming_v3_5(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, api_version="3.4") as client:
        with pytest.raises(ValidationError, match=r"^create_bot_template: not in API v3\.4; it exists from v3\.5$"):
            client.create_bot_template("T")
        with pytest.raises(ValidationError, match=r"^batch_delete_bots: not in API v3\.4; it exists from v3\.5$"):
            client.batch_remove_bot_agents(["a"])
    assert emulator.requests() == []


def test_a_lost_batch_is_sent_once_and_unknown_per_item(emulator: Emulator) -> None:
    emulator.inject(action="batch_create_bots", drop_connection=True)
    with Client("dev-token", base_url=emulator.url, api_version="3.6", retry={"max_attempts": 5, "base_delay_ms": 1}) as client:
        items = client.batch_create_bot_agents([{"name": "A"}, {"name": "B"}])
    assert len(items) == 2
    for item in items:
        assert isinstance(item, LiveChatBotsError) and item.outcome == "unknown"
    deadline = time.monotonic() + 10
    while not emulator.requests() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert [r["action"] for r in emulator.requests()] == ["batch_create_bots"]


def test_a_refused_batch_is_each_items_refusal(emulator: Emulator) -> None:
    with Client("wrong-token", base_url=emulator.url, api_version="3.6") as client:
        items = client.batch_remove_bot_agents(["a", "b"])
    assert all(isinstance(i, AuthenticationError) for i in items)
