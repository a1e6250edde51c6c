"""Compatibility: the official SDK, unmodified, against the emulator; our Client on every version.

The official client is LiveChat's `lc-sdk-python` (module `livechat`), which
`make test-python` installs into the venv. Its Configuration API clients build
`https://{base_url}/v3.X/configuration/action` from a host name, so each test
points the client's `api_url` attribute at the emulator; nothing else of the
SDK is changed. The SDK tests skip only when the SDK cannot be imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from livechat_bots import BotAgent, BotAgentDetails, Client, Emulator, Group, Priority, Status, ValidationError

if TYPE_CHECKING:
    import httpx

HEX_ID = re.compile(r"^[0-9a-f]{32}$")

# The versions the SDK has Configuration API clients for that the emulator serves too.
SDK_VERSIONS = ["3.5", "3.6"]
ALL_VERSIONS = ["3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]


class BotsApi(Protocol):
    """What these tests use of the SDK's ConfigurationApiV35/V36 (the SDK ships no type hints)."""

    api_url: str
    session: httpx.Client

    def create_bot(
        self,
        *,
        name: str,
        avatar: str,
        max_chats_count: int,
        groups: list[dict[str, Any]],
        default_group_priority: str,
    ) -> httpx.Response: ...

    def list_bots(self) -> httpx.Response: ...

    def get_bot(self, *, id: str) -> httpx.Response: ...

    def update_bot(self, *, id: str, name: str) -> httpx.Response: ...

    def delete_bot(self, *, id: str) -> httpx.Response: ...

    def create_bot_template(self, *, name: str, job_title: str) -> httpx.Response: ...

    def update_bot_template(self, *, id: str, name: str, affect_existing_installations: bool) -> httpx.Response: ...

    def list_bot_templates(self) -> httpx.Response: ...

    def reset_bot_template_secret(self, *, id: str) -> httpx.Response: ...

    def delete_bot_template(self, *, id: str, affect_existing_installations: bool) -> httpx.Response: ...

    def batch_create_bots(self, *, requests: list[dict[str, Any]]) -> httpx.Response: ...

    def batch_update_bots(self, *, requests: list[dict[str, Any]]) -> httpx.Response: ...

    def batch_delete_bots(self, *, requests: list[dict[str, Any]]) -> httpx.Response: ...


SdkFactory = Callable[..., BotsApi]


@pytest.fixture(scope="module")
def sdk_configuration() -> Any:
    """The SDK's `livechat.configuration.base` module; skips the test when the SDK is not installed."""
    reason = "lc-sdk-python (and loguru) not installed: `make test-python` installs them"
    return pytest.importorskip("livechat.configuration.base", reason=reason)


@pytest.fixture
def sdk_client(sdk_configuration: Any, emulator: Emulator) -> Iterator[SdkFactory]:
    """Makes SDK clients aimed at the emulator, and closes their HTTP sessions afterwards."""
    opened: list[BotsApi] = []

    def make(version: str, token: str = "Bearer dev-token") -> BotsApi:
        # The SDK sends `token` verbatim as the Authorization header: it includes the scheme.
        client: BotsApi = sdk_configuration.ConfigurationApi.get_client(token=token, version=version)
        opened.append(client)
        assert client.api_url == f"https://api.livechatinc.com/v{version}/configuration/action"
        client.api_url = f"{emulator.url}/v{version}/configuration/action"
        return client

    yield make
    for client in opened:
        client.session.close()


def ok_json(response: httpx.Response) -> Any:
    """The body of a 200 JSON answer."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_official_sdk_bot_lifecycle(version: str, sdk_client: SdkFactory, emulator: Emulator) -> None:
    sdk = sdk_client(version)
    avatar = "https://example.com/sdk-bot.png"
    groups = [{"id": 0, "priority": "first"}]

    created = ok_json(
        sdk.create_bot(name="SDK bot", avatar=avatar, max_chats_count=5, groups=groups, default_group_priority="normal")
    )
    # Bot secrets came with v3.5.
    assert list(created) == (["id", "secret"] if version in ("3.5", "3.6") else ["id"])
    bot_id = created["id"]
    assert isinstance(bot_id, str) and HEX_ID.match(bot_id)

    assert ok_json(sdk.list_bots()) == [{"id": bot_id, "name": "SDK bot", "avatar_path": avatar}]

    details = {
        "id": bot_id,
        "name": "SDK bot",
        "avatar_path": avatar,
        "default_group_priority": "normal",
        "owner_client_id": "dev-client",
        "max_chats_count": 5,
        "groups": [{"id": 0, "priority": "first"}],
    }
    assert ok_json(sdk.get_bot(id=bot_id)) == details

    assert ok_json(sdk.update_bot(id=bot_id, name="SDK bot 2")) == {}
    assert ok_json(sdk.get_bot(id=bot_id)) == {**details, "name": "SDK bot 2"}

    assert ok_json(sdk.delete_bot(id=bot_id)) == {}
    assert ok_json(sdk.list_bots()) == []

    # What the emulator received is exactly what the SDK sends, on the version's own path.
    log = emulator.requests()
    prefix = f"/v{version}/configuration/action/"
    create_body = {
        "name": "SDK bot",
        "avatar": avatar,
        "max_chats_count": 5,
        "default_group_priority": "normal",
        "groups": groups,
    }
    assert [(r["method"], r["path"], r["action"], r["body"], r["status"]) for r in log] == [
        ("POST", prefix + "create_bot", "create_bot", create_body, 200),
        ("POST", prefix + "list_bots", "list_bots", {}, 200),
        ("POST", prefix + "get_bot", "get_bot", {"id": bot_id}, 200),
        ("POST", prefix + "update_bot", "update_bot", {"id": bot_id, "name": "SDK bot 2"}, 200),
        ("POST", prefix + "get_bot", "get_bot", {"id": bot_id}, 200),
        ("POST", prefix + "delete_bot", "delete_bot", {"id": bot_id}, 200),
        ("POST", prefix + "list_bots", "list_bots", {}, 200),
    ]
    for request in log:
        assert request["version"] == version
        assert request["client_id"] == "dev-client"
        assert request["headers"]["authorization"] == "Bearer [redacted]"
        assert request["headers"]["content-type"] == "application/json"
        assert request["headers"]["user-agent"].startswith("python-httpx/")
    assert "dev-token" not in str(log)


@pytest.mark.parametrize("version", SDK_VERSIONS)
@pytest.mark.parametrize("token", ["Bearer not-a-valid-token", "test"])
def test_official_sdk_bad_token_gets_401(version: str, token: str, sdk_client: SdkFactory, emulator: Emulator) -> None:
    # "test" (no scheme) is the token the SDK's own test suite expects this answer for.
    response = sdk_client(version, token).list_bots()
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": {"type": "authentication", "message": "Invalid access token"}}

    (request,) = emulator.requests()
    assert (request["path"], request["action"], request["status"]) == (
        f"/v{version}/configuration/action/list_bots",
        "list_bots",
        401,
    )
    assert request["client_id"] is None
    # Nothing was done on the rejected token's behalf.
    assert ok_json(sdk_client(version).list_bots()) == []


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_official_sdk_bot_templates(version: str, sdk_client: SdkFactory, emulator: Emulator) -> None:
    sdk = sdk_client(version)
    created = ok_json(sdk.create_bot_template(name="Template bot", job_title="Concierge"))
    assert list(created) == ["id", "secret"] and HEX_ID.match(created["id"])
    template_id = created["id"]
    listed = {"id": template_id, "name": "Template bot", "job_title": "Concierge", "owner_client_id": "dev-client"}
    assert ok_json(sdk.list_bot_templates()) == [listed]

    # Installing the application makes the template's bot, with its id and secret.
    assert emulator.install_application("dev-client") == [template_id]
    assert ok_json(sdk.get_bot(id=template_id))["name"] == "Template bot"

    assert ok_json(sdk.update_bot_template(id=template_id, name="Renamed", affect_existing_installations=True)) == {}
    assert ok_json(sdk.get_bot(id=template_id))["name"] == "Renamed"
    secret = ok_json(sdk.reset_bot_template_secret(id=template_id))["secret"]
    assert isinstance(secret, str) and secret != created["secret"]
    assert ok_json(sdk.delete_bot_template(id=template_id, affect_existing_installations=True)) == {}
    assert ok_json(sdk.list_bot_templates()) == []
    assert sdk.get_bot(id=template_id).status_code == 404

    for _ in range(5):
        ok_json(sdk.create_bot_template(name="T", job_title="x"))
    sixth = sdk.create_bot_template(name="Sixth", job_title="x")
    assert sixth.status_code == 400 and sixth.json()["error"]["type"] == "limit_reached"
    assert sdk.delete_bot_template(id="unknown", affect_existing_installations=False).status_code == 404

    prefix = f"/v{version}/configuration/action/"
    log = emulator.requests()
    assert log[0]["path"] == prefix + "create_bot_template"
    assert log[0]["body"] == {"name": "Template bot", "job_title": "Concierge"}
    assert created["secret"] not in str(log) and secret not in str(log)


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_official_sdk_batches(version: str, sdk_client: SdkFactory, emulator: Emulator) -> None:
    sdk = sdk_client(version)
    created = ok_json(sdk.batch_create_bots(requests=[{"name": "A"}, {"name": ""}, {"name": "C", "max_chats_count": 3}]))
    first, invalid, third = created["responses"]
    assert list(first) == ["id", "secret"] and list(third) == ["id", "secret"]
    assert invalid == {"error": {"type": "validation", "message": "name: must not be empty"}}

    updated = ok_json(sdk.batch_update_bots(requests=[{"id": first["id"], "name": "A2"}, {"id": "ghost", "name": "G"}]))
    assert updated["responses"][0] == {}
    assert updated["responses"][1]["error"]["type"] == "not_found"
    assert ok_json(sdk.get_bot(id=first["id"]))["name"] == "A2"

    deleted = ok_json(sdk.batch_delete_bots(requests=[{"id": first["id"]}, {"id": third["id"]}, {}]))
    assert deleted["responses"][:2] == [{}, {}]
    assert deleted["responses"][2]["error"]["type"] == "validation"
    assert ok_json(sdk.list_bots()) == []
    paths = [r["path"] for r in emulator.requests()]
    assert paths[0] == f"/v{version}/configuration/action/batch_create_bots"


# -- our own client, the same lifecycle on every API version -------------------

LEGACY_ACTIONS = [
    "create_bot_agent",
    "get_bot_agents",
    "get_bot_agent_details",
    "update_bot_agent",
    "get_bot_agent_details",
    "remove_bot_agent",
    "get_bot_agents",
]
BOT_ACTIONS = ["create_bot", "list_bots", "get_bot", "update_bot", "get_bot", "delete_bot", "list_bots"]


def routing_status(version: str) -> Status | None:
    # From v3.3 bots have no routing status in the Configuration API (it is set
    # with the Agent Chat API's set_routing_status): create_bot refuses it and
    # list_bots and get_bot do not carry it, so the models have none.
    # Everything else is the same.
    return Status.ACCEPTING_CHATS if version in ("3.0", "3.1", "3.2") else None


@pytest.mark.parametrize("version", ALL_VERSIONS)
def test_our_client_same_lifecycle_and_models_on_every_version(version: str, emulator: Emulator) -> None:
    avatar = "https://example.com/our-bot.png"
    status = routing_status(version)
    with Client("dev-token", base_url=emulator.url, api_version=version, retry={"max_attempts": 1}) as client:
        created = client.create_bot_agent(
            "Our bot", status, avatar=avatar, max_chats_count=5, groups=[Group(0, Priority.FIRST)]
        )
        bot_id = created.bot_agent_id
        assert HEX_ID.match(bot_id)
        assert (created.bot_secret is not None) == (version in ("3.5", "3.6"))
        expected = BotAgentDetails(
            id=bot_id,
            name="Our bot",
            status=status,
            avatar=avatar,
            client_id="dev-client",
            max_chats_count=5,
            groups=(Group(0, Priority.FIRST),),
            default_group_priority=None,
            webhooks=None,
        )

        assert client.get_bot_agents() == [BotAgent(id=bot_id, name="Our bot", status=status, avatar=avatar)]
        assert client.get_bot_agent_details(bot_id) == expected

        assert client.update_bot_agent(bot_id, name="Our bot 2") is None  # type: ignore[func-returns-value]
        after_update = client.get_bot_agent_details(bot_id)
        assert after_update == replace(expected, name="Our bot 2")
        assert after_update.raw["id"] == bot_id

        assert client.remove_bot_agent(bot_id) is None  # type: ignore[func-returns-value]
        assert client.get_bot_agents() == []

    actions = LEGACY_ACTIONS if version in ("3.0", "3.1") else BOT_ACTIONS
    with Client("dev-token", base_url=emulator.url, api_version=version) as client:
        if status is None:
            with pytest.raises(ValidationError, match="status: not part of create_bot"):
                client.create_bot_agent("No status here", Status.OFFLINE)
    prefix = f"/v{version}/configuration/action/"
    assert [(r["method"], r["path"], r["action"], r["version"], r["status"]) for r in emulator.requests()] == [
        ("POST", prefix + action, action, version, 200) for action in actions
    ]
