"""The dataclasses and enums."""

from __future__ import annotations

import dataclasses
import inspect
import json
from typing import Any

import pytest

from livechat_bots import (
    BotAgent,
    BotAgentDetails,
    Client,
    CreatedBot,
    Group,
    Priority,
    Status,
    WebhookAction,
    Webhooks,
    _ffi,
)


def test_enum_values_are_the_api_strings() -> None:
    assert [s.value for s in Status] == ["accepting chats", "not accepting chats", "offline"]
    assert [p.value for p in Priority] == ["first", "normal", "last", "supervisor"]
    assert Status("offline") is Status.OFFLINE


def test_models_are_frozen() -> None:
    group = Group(1, Priority.FIRST)
    with pytest.raises(dataclasses.FrozenInstanceError):
        group.id = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        BotAgent("i", "n").name = "m"  # type: ignore[misc]


def test_group_accepts_a_priority_string() -> None:
    assert Group(3, "last") == Group(3, Priority.LAST)  # type: ignore[arg-type]
    assert Group(3, Priority.LAST).to_dict() == {"id": 3, "priority": "last"}


def test_webhooks_round_trip_and_hide_the_secret() -> None:
    doc = {
        "url": "https://example.com/h",
        "secret_key": "hush",
        "actions": [{"name": "incoming_chat", "filters": {"chat_presence": {"my_bots": True}}, "additional_data": ["x"]}],
    }
    hooks = Webhooks.from_dict(doc)
    assert hooks.actions == (WebhookAction("incoming_chat", {"chat_presence": {"my_bots": True}}, ("x",)),)
    assert hooks.to_dict() == doc
    assert "hush" not in repr(hooks)


def test_details_from_a_minimal_document() -> None:
    details = BotAgentDetails.from_dict({"id": "i", "name": "n"})
    assert details == BotAgentDetails(id="i", name="n")
    assert (details.status, details.groups, details.webhooks, details.client_id) == (None, (), None, None)


def test_details_keep_unknown_fields_in_raw() -> None:
    details = BotAgentDetails.from_dict({"id": "i", "name": "n", "status": "offline", "new_field": 1})
    assert details.raw["new_field"] == 1
    assert details.status is Status.OFFLINE


# -- the models against the core's field lists (lcbot_schema) ----------------

# The Client methods' parameters that are not fields of the request.
NOT_REQUEST_FIELDS = {"self", "timeout", "attempt_timeout"}
# Parameters named otherwise than the request's key.
PARAMETER_KEYS = {"update_bot_agent": {"bot_agent_id": "id"}}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    doc = json.loads(_ffi.call(_ffi.lib.lcbot_schema) or "null")
    assert isinstance(doc, dict)
    return doc


def request_keys(action: str) -> set[str]:
    renames = PARAMETER_KEYS.get(action, {})
    parameters = inspect.signature(getattr(Client, action)).parameters
    return {renames.get(p, p) for p in parameters if p not in NOT_REQUEST_FIELDS}


def model_keys(model: type) -> set[str]:
    return {f.metadata["key"] for f in dataclasses.fields(model) if f.name != "raw"}


def test_every_request_field_the_core_accepts_is_a_parameter(schema: dict[str, Any]) -> None:
    requests = schema["requests"]
    assert set(requests) == {
        "create_bot_agent",
        "remove_bot_agent",
        "update_bot_agent",
        "get_bot_agents",
        "get_bot_agent_details",
    }
    for action, keys in requests.items():
        ours = request_keys(action)
        assert ours == set(keys), (
            f"{action}: the core accepts, Client lacks: {sorted(set(keys) - ours)}; "
            f"Client has, the core does not accept: {sorted(ours - set(keys))}"
        )


def test_every_version_accepts_only_fields_the_union_has(schema: dict[str, Any]) -> None:
    for version, actions in schema["versions"].items():
        for action, keys in actions.items():
            assert set(keys) <= set(schema["requests"][action]), (version, action)


def test_every_result_field_the_core_answers_is_modelled(schema: dict[str, Any]) -> None:
    results = schema["results"]
    models = {"create_bot_agent": CreatedBot, "bot_agent": BotAgent, "bot_agent_details": BotAgentDetails}
    assert set(results) == set(models), "a result the Python package does not model"
    created = {f.name for f in dataclasses.fields(CreatedBot)}
    assert created == set(results["create_bot_agent"])
    for name in ("bot_agent", "bot_agent_details"):
        ours = model_keys(models[name])
        assert ours == set(results[name]), (
            f"{name}: the core answers, the model lacks: {sorted(set(results[name]) - ours)}; "
            f"the model has, the core never answers: {sorted(ours - set(results[name]))}"
        )


# One value for each field a bot document may carry.
SAMPLE_BOT: dict[str, Any] = {
    "id": "b" * 32,
    "name": "Sample",
    "avatar": "https://example.com/a.png",
    "status": "offline",
    "application": {"client_id": "app-1"},
    "max_chats_count": 4,
    "groups": [{"id": 2, "priority": "last"}],
    "default_group_priority": "supervisor",
    "webhooks": {"url": "https://example.com/h", "secret_key": "k", "actions": [{"name": "incoming_chat"}]},
    "job_title": "Support",
    "timezone": "Europe/Warsaw",
    "work_scheduler": {"monday": [{"start": "08:00", "end": "16:00"}]},
    "type": "chatbot",
}


@pytest.mark.parametrize(("result", "model"), [("bot_agent", BotAgent), ("bot_agent_details", BotAgentDetails)])
def test_results_keep_every_field(schema: dict[str, Any], result: str, model: Any) -> None:
    keys = schema["results"][result]
    missing = [k for k in keys if k not in SAMPLE_BOT]
    assert not missing, f"no sample value for {missing}: add one to SAMPLE_BOT"
    parsed = model.from_dict({k: SAMPLE_BOT[k] for k in keys})
    by_key = {f.metadata["key"]: getattr(parsed, f.name) for f in dataclasses.fields(model) if f.name != "raw"}
    dropped = [k for k in keys if by_key[k] in (None, ())]
    assert not dropped, f"{model.__name__}.from_dict dropped {dropped}"


def test_details_fields_as_values() -> None:
    details = BotAgentDetails.from_dict(SAMPLE_BOT)
    assert details.client_id == "app-1"
    assert details.groups == (Group(2, Priority.LAST),)
    assert details.default_group_priority is Priority.SUPERVISOR
    assert (details.job_title, details.timezone, details.type) == ("Support", "Europe/Warsaw", "chatbot")
    assert details.work_scheduler == {"monday": [{"start": "08:00", "end": "16:00"}]}


def test_created_bot_hides_its_secret() -> None:
    created = CreatedBot.from_dict({"bot_agent_id": "a" * 32, "bot_secret": "s3cr3t-value"})
    assert created.bot_secret == "s3cr3t-value"
    for text in (repr(created), str(created), f"{created}", repr({"bot": created}), repr(dataclasses.replace(created))):
        assert "s3cr3t-value" not in text
    assert str(created) == "a" * 32
    assert not isinstance(created, str)
    assert CreatedBot.from_dict({"bot_agent_id": "a" * 32}).bot_secret is None
