"""A client takes what it is not given from LIVECHAT_BASE_URL, LIVECHAT_TOKEN,
LIVECHAT_API_VERSION and LIVECHAT_REGION; what it is given always wins."""

from __future__ import annotations

import pytest

from livechat_bots import Client, Emulator, ValidationError


def test_the_environment_aims_a_client_given_nothing(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVECHAT_BASE_URL", emulator.url)
    monkeypatch.setenv("LIVECHAT_TOKEN", "dev-token")
    monkeypatch.setenv("LIVECHAT_API_VERSION", "3.6")
    with Client() as client:
        assert (client.api_version, client.base_url) == ("3.6", emulator.url)
        assert client.get_bot_agents() == []
        assert "dev-token" not in repr(client)
    # The v3.6 name of the call reached the emulator.
    assert any(r.get("action") == "list_bots" for r in emulator.requests())


def test_what_the_caller_passes_wins(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVECHAT_BASE_URL", "https://example.com")
    monkeypatch.setenv("LIVECHAT_TOKEN", "env-token")
    monkeypatch.setenv("LIVECHAT_API_VERSION", "3.6")
    with Client("dev-token", base_url=emulator.url, api_version="3.2") as client:
        assert (client.api_version, client.base_url) == ("3.2", emulator.url)
        client.get_bot_agents()
    request = emulator.requests()[-1]
    assert request["version"] == "3.2"


def test_without_the_environment_the_defaults_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVECHAT_API_VERSION", "")
    with Client("t") as client:
        assert (client.api_version, client.base_url) == ("3.0", "https://api.livechatinc.com")
    with pytest.raises(ValidationError, match="token: required field is missing"):
        Client()


def test_a_bad_variable_is_named_and_a_token_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVECHAT_REGION", "ams")
    with pytest.raises(ValidationError, match=r"region.*\(from LIVECHAT_REGION\)"):
        Client("t")
    monkeypatch.delenv("LIVECHAT_REGION")
    monkeypatch.setenv("LIVECHAT_TOKEN", "se\ncret")
    with pytest.raises(ValidationError, match=r"\(from LIVECHAT_TOKEN\)") as caught:
        Client()
    assert "se\ncret" not in str(caught.value)
