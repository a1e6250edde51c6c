"""Bad Python input becomes a clear error, never a crash."""

from __future__ import annotations

import math
from typing import Any

import pytest

from livechat_bots import (
    Client,
    Emulator,
    Group,
    InvalidJsonError,
    LiveChatBotsError,
    Status,
    ValidationError,
)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        (None, "offline"),  # None where a string is needed
        (42, "offline"),  # a wrong type
        ("Bot", None),
        ("Bot", 3),
        ("Bot", "busy"),  # not a status
        ("", Status.OFFLINE),
    ],
)
def test_bad_create_arguments_are_validation_errors(client: Client, name: Any, status: Any) -> None:
    with pytest.raises(ValidationError):
        client.create_bot_agent(name, status)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_chats_count": -1},
        {"max_chats_count": "7"},
        {"groups": "not a list"},
        {"groups": [{"id": "zero", "priority": "first"}]},
        {"groups": [{"id": 0}]},
        {"webhooks": {"url": "https://example.com"}},
        {"avatar": 5},
    ],
)
def test_bad_optional_create_arguments_are_validation_errors(client: Client, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        client.create_bot_agent("Bot", Status.OFFLINE, **kwargs)


def test_none_for_an_id_is_a_validation_error(client: Client) -> None:
    with pytest.raises(ValidationError):
        client.get_bot_agent_details(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        client.remove_bot_agent(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        client.update_bot_agent(None, name="x")  # type: ignore[arg-type]


def test_update_with_a_null_field_is_a_validation_error(client: Client) -> None:
    bot_id = client.create_bot_agent("Bot", Status.OFFLINE)
    with pytest.raises(ValidationError, match="avatar"):
        client.update_bot_agent(bot_id, avatar=None)  # type: ignore[arg-type]


def test_update_with_an_unknown_field_is_a_type_error(client: Client) -> None:
    with pytest.raises(TypeError):
        client.update_bot_agent("x", colour="blue")  # type: ignore[call-arg]


def test_get_bot_agents_with_a_non_bool(client: Client) -> None:
    with pytest.raises(ValidationError):
        client.get_bot_agents(all="yes")  # type: ignore[arg-type]


def test_values_json_cannot_carry(client: Client) -> None:
    with pytest.raises(TypeError, match="create_bot_agent"):
        client.create_bot_agent("Bot", Status.OFFLINE, groups=[object()])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="payload"):
        client.call("get_bot_agents", {"all": {1, 2}})
    with pytest.raises(ValueError, match="payload"):
        client.call("get_bot_agents", {"x": math.nan})
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ValueError, match="payload"):
        client.call("get_bot_agents", loop)


def test_call_action_must_be_a_clean_string(client: Client) -> None:
    with pytest.raises(TypeError, match="action"):
        client.call(None, {})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="action"):
        client.call(b"get_bot_agents", {})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        client.call("get_bot_agents\0; drop", {})
    with pytest.raises(ValueError, match="action"):
        client.call("\ud800", {})
    with pytest.raises(ValidationError, match="action"):
        client.call("Not An Action", {})


def test_call_payload_must_be_an_object(client: Client) -> None:
    with pytest.raises(ValidationError, match="payload"):
        client.call("get_bot_agents", [1, 2])  # type: ignore[arg-type]


def test_nul_characters_in_json_strings_are_safe(client: Client) -> None:
    # Inside JSON a NUL is escaped (\u0000): it reaches the core intact.
    try:
        bot_id = client.create_bot_agent("a\0b", Status.OFFLINE)
    except LiveChatBotsError:
        return  # refusing it is fine too; crashing or truncating is not
    assert client.get_bot_agent_details(bot_id).name == "a\0b"


def test_lone_surrogates_are_refused(client: Client) -> None:
    with pytest.raises(InvalidJsonError):
        client.get_bot_agent_details("\udc00")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"timeout": "soon"}, TypeError),
        ({"timeout": True}, TypeError),
        ({"timeout": math.inf}, ValueError),
        ({"connect_timeout": math.nan}, ValueError),
        ({"timeout": -1.0}, ValidationError),
        ({"retry": {"max_attempts": 0}}, ValidationError),
        ({"retry": {"tries": 3}}, ValidationError),
        ({"retry": "often"}, ValidationError),
        ({"token_type": "Digest"}, ValidationError),
        ({"base_url": "not a url"}, ValidationError),
        ({"user_agent": 7}, ValidationError),
        ({"api_version": 36}, ValidationError),  # None is "not given": the environment's or 3.0
    ],
)
def test_bad_client_options(emulator: Emulator, kwargs: dict[str, Any], error: type[Exception]) -> None:
    options: dict[str, Any] = {"base_url": emulator.url, **kwargs}
    with pytest.raises(error):
        Client("dev-token", **options)


@pytest.mark.parametrize("token", [None, 5, "", "a\0b", "line\nbreak"])
def test_bad_tokens(emulator: Emulator, token: Any) -> None:
    with pytest.raises(ValidationError):
        Client(token, base_url=emulator.url)


def test_basic_token_object(emulator: Emulator) -> None:
    # Accepted by the config; the emulator knows only bearer tokens.
    with Client({"account_id": "acc", "pat": "pat"}, token_type="Basic", base_url=emulator.url) as client:
        with pytest.raises(LiveChatBotsError):
            client.get_bot_agents()
    with pytest.raises(ValidationError):
        Client({"account_id": "acc"}, token_type="Basic", base_url=emulator.url)


def test_group_with_an_unknown_priority_string() -> None:
    with pytest.raises(ValueError, match="Priority"):
        Group(1, "highest")  # type: ignore[arg-type]


def test_bad_emulator_input() -> None:
    with pytest.raises(ValidationError):
        Emulator({"colour": "blue"})
    with pytest.raises(ValidationError):
        Emulator({"port": -1})
    with pytest.raises(TypeError):
        Emulator({"port": object()})
    with Emulator() as emu:
        with pytest.raises(ValidationError):
            emu.inject(times=1)  # a fault needs status, delay_ms or drop_connection
        with pytest.raises(ValidationError):
            emu.inject(status="500")
        with pytest.raises(TypeError):
            emu.inject(status=object())
