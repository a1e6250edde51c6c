"""The dataclasses and enums."""

from __future__ import annotations

import dataclasses

import pytest

from livechat_bots import BotAgent, BotAgentDetails, Group, Priority, Status, WebhookAction, Webhooks


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
