"""The Emulator wrapper: start, url, faults, request log, lifetime."""

from __future__ import annotations

import re

import pytest

from livechat_bots import ApiError, Client, Emulator, Status


def test_url_is_loopback_http() -> None:
    with Emulator() as emu:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", emu.url)
        assert emu.url in repr(emu)


def test_two_emulators_are_independent() -> None:
    with Emulator() as a, Emulator() as b:
        assert a.url != b.url
        with Client("dev-token", base_url=a.url) as client:
            client.create_bot_agent("Only in a", Status.OFFLINE)
        with Client("dev-token", base_url=b.url) as client:
            assert client.get_bot_agents() == []


def test_requests_log(client: Client, emulator: Emulator) -> None:
    assert emulator.requests() == []
    client.create_bot_agent("Logged", Status.OFFLINE)
    client.get_bot_agents()
    log = emulator.requests()
    assert [r["action"] for r in log] == ["create_bot_agent", "get_bot_agents"]
    assert [r["seq"] for r in log] == [1, 2]
    assert all(r["method"] == "POST" and r["status"] == 200 and r["client_id"] == "dev-client" for r in log)
    assert log[0]["path"].endswith("/configuration/action/create_bot_agent")
    assert "dev-token" not in str(log)


def test_inject_takes_a_dict_or_keywords_and_counts_pending(client: Client, emulator: Emulator) -> None:
    assert emulator.inject({"action": "get_bot_agents", "status": 500}) == {"pending_faults": 1}
    assert emulator.inject({"action": "get_bot_agents"}, status=502, times=2) == {"pending_faults": 2}
    statuses = []
    for _ in range(3):
        with pytest.raises(ApiError) as info:
            client.get_bot_agents()
        statuses.append(info.value.http_status)
    assert statuses == [500, 502, 502]
    assert client.get_bot_agents() == []
    assert emulator.requests()[0]["fault"] is not None


def test_faults_are_listed_and_cleared(client: Client, emulator: Emulator) -> None:
    assert emulator.faults() == []
    emulator.inject(action="get_bot_agents", status=503, times=2)
    emulator.inject(delay_ms=5)
    assert emulator.faults() == [{"action": "get_bot_agents", "times": 2, "status": 503}, {"times": 1, "delay_ms": 5}]
    with pytest.raises(ApiError):
        client.get_bot_agents()
    assert emulator.faults()[0]["times"] == 1
    assert emulator.clear_faults() == 2
    assert emulator.faults() == []
    assert emulator.clear_faults() == 0
    assert client.get_bot_agents() == []


def test_config_seeds_tokens_and_bots() -> None:
    config = {
        "tokens": [{"token": "t-1", "client_id": "c-1", "scopes": ["agents-bot--my:rw", "agents-bot--my:ro"]}],
        "bots": [
            {
                "id": "a" * 32,
                "name": "Seeded",
                "status": "offline",
                "application": {"client_id": "c-1"},
                "max_chats_count": 6,
                "groups": [],
            }
        ],
        "port": 0,
        "log_limit": 10,
    }
    with Emulator(config) as emu, Client("t-1", base_url=emu.url) as client:
        assert [b.name for b in client.get_bot_agents()] == ["Seeded"]
        assert client.get_bot_agent_details("a" * 32).client_id == "c-1"


def test_faults_in_the_config() -> None:
    with Emulator({"faults": [{"action": "get_bot_agents", "status": 500}]}) as emu:
        with Client("dev-token", base_url=emu.url, retry={"max_attempts": 1}) as client:
            with pytest.raises(ApiError):
                client.get_bot_agents()
            assert client.get_bot_agents() == []


def test_close_is_idempotent_and_use_after_close_raises() -> None:
    emu = Emulator()
    emu.close()
    emu.close()
    assert emu.closed and "closed" in repr(emu)
    with pytest.raises(ValueError, match="Emulator is closed"):
        emu.requests()
    with pytest.raises(ValueError, match="Emulator is closed"):
        emu.inject(status=500)
    assert emu.url.startswith("http://")  # still readable


def test_a_client_can_outlive_its_emulator() -> None:
    with Emulator() as emu:
        client = Client("dev-token", base_url=emu.url, retry={"max_attempts": 1})
    with client:
        with pytest.raises(Exception) as info:
            client.get_bot_agents()
    assert info.type.__name__ == "TransportError"
