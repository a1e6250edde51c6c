"""Fixtures: a fresh emulator and a client pointed at it, for every test."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import livechat_bots
from livechat_bots import Client, Emulator


# A client takes what its config leaves out from these: the tests never see
# the shell's (the tests of that reading set them with monkeypatch).
for _name in ("LIVECHAT_BASE_URL", "LIVECHAT_TOKEN", "LIVECHAT_API_VERSION", "LIVECHAT_REGION"):
    os.environ.pop(_name, None)


def pytest_report_header() -> list[str]:
    from livechat_bots import _ffi

    return [
        f"livechat_bots {livechat_bots.__version__} from {livechat_bots.__file__}",
        f"library: {_ffi.library_path()}",
    ]


@pytest.fixture(autouse=True, scope="session")
def over_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bool]:
    """``LCBOT_TEST_TLS=1`` runs the same tests over HTTPS: every emulator
    starts with ``"tls": True`` and its CA joins a bundle named by
    ``SSL_CERT_FILE``, so that each client, made as the test makes it,
    trusts it (and ``SSL_CERT_FILE`` is exercised along the way)."""
    if os.environ.get("LCBOT_TEST_TLS") != "1":
        yield False
        return
    bundle: Path = tmp_path_factory.mktemp("tls") / "roots.pem"
    bundle.write_text("")
    start = Emulator.__init__

    def start_over_tls(self: Emulator, config: Any = None) -> None:
        start(self, {**(config or {}), "tls": True})
        with bundle.open("a") as roots:
            roots.write(self.ca_pem or "")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSL_CERT_FILE", str(bundle))
        patch.setattr(Emulator, "__init__", start_over_tls)
        yield True


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    # No retry delays: tests that inject faults want quick answers.
    with Client("dev-token", base_url=emulator.url, retry={"max_attempts": 1}) as c:
        yield c


def payloads(emulator: Emulator, action: str) -> list[dict[str, object]]:
    """The payloads the emulator received for `action`, oldest first."""
    out = []
    for request in emulator.requests():
        if request.get("action") == action:
            body = request.get("body")
            assert isinstance(body, dict)
            out.append(body.get("payload", body))
    return out


def wait_for_fault_taken(emulator: Emulator, timeout: float = 10.0) -> None:
    """Waits until the emulator has taken the faults injected so far, that is,
    until the stalled request they were injected for has arrived.

    The request log has an entry only once a request is answered, so a
    stalled one is not there yet; a fault, though, is taken from the queue the
    moment its request arrives. Each look injects a probe fault for an action
    no one calls and reads the queue's length from the answer.
    """
    deadline = time.monotonic() + timeout
    probes = 0
    while True:
        probes += 1
        pending = emulator.inject(action="livechat_bots_test_probe", status=500)["pending_faults"]
        if pending == probes:  # only probes left
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the stalled request did not reach the emulator within {timeout} s")
        time.sleep(0.005)
