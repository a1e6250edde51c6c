"""set_credentials and the token provider (long-running services)."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from livechat_bots import AuthenticationError, Client, Emulator, NotFoundError, ValidationError, _ffi

SCOPES = ["agents-bot--my:rw", "agents-bot--my:ro", "agents-bot--all:rw", "agents-bot--all:ro"]
NO_RETRY = {"max_attempts": 1}


def expiring_emulator(expires_in_ms: int) -> Emulator:
    """`old-token` is refused from `expires_in_ms` after start; `new-token` always works."""
    return Emulator(
        {
            "tokens": [
                {"token": "old-token", "client_id": "app-1", "scopes": SCOPES, "expires_in_ms": expires_in_ms},
                {"token": "new-token", "client_id": "app-1", "scopes": SCOPES},
            ]
        }
    )


class Provider:
    """A token provider that counts its calls."""

    def __init__(self, answer: Callable[[], str | None]) -> None:
        self.answer = answer
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self) -> str | None:
        with self.lock:
            self.calls += 1
        return self.answer()


def test_set_credentials_replaces_the_token(emulator: Emulator) -> None:
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY) as client:
        with pytest.raises(AuthenticationError):
            client.get_bot_agents()
        client.set_credentials("dev-token")
        assert client.get_bot_agents() == []
        client.set_credentials("wrong-again", token_type="Bearer")
        with pytest.raises(AuthenticationError) as info:
            client.get_bot_agents()
    assert "wrong-again" not in str(info.value) and "wrong-again" not in repr(client)
    headers = [r["headers"]["authorization"] for r in emulator.requests()]
    assert headers == ["Bearer [redacted]"] * 3


def test_set_credentials_follows_the_configs_rules(client: Client) -> None:
    with pytest.raises(ValidationError, match="token_type"):
        client.set_credentials("t", token_type="Digest")
    with pytest.raises(ValidationError, match="token"):
        client.set_credentials("")
    with pytest.raises(ValidationError, match="token"):
        client.set_credentials({"account_id": "a"}, token_type="Basic")
    client.set_credentials({"account_id": "a", "pat": "p"}, token_type="Basic")


def test_a_call_crossing_the_expiry_succeeds_through_the_provider_called_once() -> None:
    expires_ms = 300
    provider = Provider(lambda: "new-token")
    with expiring_emulator(expires_ms) as emu:
        start = time.monotonic()
        with Client("old-token", base_url=emu.url, token_provider=provider, retry=NO_RETRY) as client:
            assert client.get_bot_agents() == []
            assert provider.calls == 0
            calls_per_thread: list[int] = []

            def hammer(_: int) -> None:
                n = 0
                # Calls from before the expiry to well after it.
                while time.monotonic() - start < expires_ms / 1000 + 0.5:
                    assert client.get_bot_agents() == []
                    n += 1
                calls_per_thread.append(n)

            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(hammer, range(8)))
        statuses = [r["status"] for r in emu.requests()]
    assert provider.calls == 1, f"the provider was called {provider.calls} times"
    assert sum(calls_per_thread) > 8
    assert 401 in statuses  # the token did expire during the run


def test_the_provider_is_called_only_on_authentication(emulator: Emulator) -> None:
    provider = Provider(lambda: "dev-token")
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY, token_provider=provider) as client:
        assert client.get_bot_agents() == []  # 401, the provider, the call again with the new token
        with pytest.raises(NotFoundError):
            client.get_bot_agent_details("0" * 32)  # not an authentication failure
        assert client.get_bot_agents() == []
    assert provider.calls == 1
    assert [r["status"] for r in emulator.requests()] == [401, 200, 404, 200]


def test_a_provider_set_as_a_temporary_lambda_survives_the_collector(emulator: Emulator) -> None:
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY) as client:
        client.set_token_provider(lambda: "dev-token")
        gc.collect()
        assert client.get_bot_agents() == []


@pytest.mark.parametrize(
    "answer",
    [
        lambda: None,  # no new token
        lambda: "",  # empty
        lambda: "x" * _ffi.TOKEN_MAX_LEN,  # no room for the NUL
        lambda: "bad\0token",
        lambda: 42,  # not a str
    ],
)
def test_no_usable_token_means_the_authentication_error_stands(emulator: Emulator, answer: Callable[[], object]) -> None:
    provider = Provider(answer)  # type: ignore[arg-type]
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY, token_provider=provider) as client:
        with pytest.raises(AuthenticationError):
            client.get_bot_agents()
    assert provider.calls == 1


def test_an_exception_in_the_provider_is_no_new_token_and_becomes_the_cause(emulator: Emulator) -> None:
    def failing() -> str | None:
        raise RuntimeError("the vault is locked")

    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY, token_provider=failing) as client:
        with pytest.raises(AuthenticationError) as info:
            client.get_bot_agents()
        assert isinstance(info.value.__cause__, RuntimeError)
        assert "vault" in str(info.value.__cause__)
        # The process and the client go on; a later failure does not carry it again.
        client.set_token_provider(None)
        with pytest.raises(AuthenticationError) as again:
            client.get_bot_agents()
        assert again.value.__cause__ is None


def test_a_provider_can_be_removed_and_replaced(emulator: Emulator) -> None:
    first = Provider(lambda: "wrong-too")
    second = Provider(lambda: "dev-token")
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY, token_provider=first) as client:
        with pytest.raises(AuthenticationError):
            client.get_bot_agents()
        client.set_token_provider(None)
        with pytest.raises(AuthenticationError):
            client.get_bot_agents()
        client.set_token_provider(second)
        assert client.get_bot_agents() == []
    assert (first.calls, second.calls) == (1, 1)


def test_the_providers_token_never_shows(emulator: Emulator) -> None:
    secret = "provider-secret-token-value"
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY, token_provider=lambda: secret) as client:
        with pytest.raises(AuthenticationError) as info:
            client.get_bot_agents()
        texts = [str(info.value), repr(info.value), repr(client), str(emulator.requests()), repr(client.notices())]
    assert all(secret not in t for t in texts)


def test_a_provider_must_be_callable(client: Client) -> None:
    with pytest.raises(TypeError, match="callable"):
        client.set_token_provider("dev-token")  # type: ignore[arg-type]
