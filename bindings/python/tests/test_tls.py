"""HTTPS: the emulator's CA handed to a client (``ca_pem``), the clear
refusals of an unknown issuer, an expired certificate and a wrong host
name, and a ``ca_pem`` that is not PEM."""

from __future__ import annotations

from typing import Any

import pytest

from livechat_bots import Client, Emulator, TransportError, ValidationError

NO_RETRY = {"max_attempts": 1}


def test_a_client_trusting_the_emulators_ca_calls_it_over_https() -> None:
    with Emulator({"tls": True}) as emu:
        assert emu.url.startswith("https://127.0.0.1:")
        assert emu.ca_pem is not None and emu.ca_pem.startswith("-----BEGIN CERTIFICATE-----")
        with Client("dev-token", base_url=emu.url, ca_pem=emu.ca_pem, api_version="3.6") as client:
            client.create_bot_agent(name="Over TLS")
            assert [b.name for b in client.get_bot_agents()] == ["Over TLS"]


def test_a_plain_emulator_has_no_ca() -> None:
    with Emulator({"tls": False}) as emu:
        assert emu.url.startswith("http://")
        assert emu.ca_pem is None


@pytest.mark.parametrize(
    ("tls", "trust", "says"),
    [
        (True, False, "unknown issuer"),
        ({"expired": True}, True, "expired"),
        ({"names": ["api.example.test"]}, True, "not valid for name"),
    ],
)
def test_a_refused_certificate_is_a_transport_error_naming_the_cause(tls: Any, trust: bool, says: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the system's roots (not a bundle a TLS run put in SSL_CERT_FILE).
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with Emulator({"tls": tls}) as emu:
        ca_pem = emu.ca_pem if trust else None
        with Client("dev-token", base_url=emu.url, ca_pem=ca_pem, retry={"max_attempts": 3}) as client:
            with pytest.raises(TransportError) as caught:
                client.get_bot_agents()
        assert says in str(caught.value)
        assert caught.value.attempts == 1, "a refused certificate is not tried again"
        assert emu.requests() == []


@pytest.mark.parametrize("pem", ["not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
def test_ca_pem_that_is_not_a_certificate_is_a_validation_error(pem: str) -> None:
    with pytest.raises(ValidationError, match="ca_pem"):
        Client("dev-token", base_url="https://127.0.0.1:1", ca_pem=pem)
