"""Fixtures: a fresh emulator and a client pointed at it, for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import livechat_bots
from livechat_bots import Client, Emulator


def pytest_report_header() -> list[str]:
    from livechat_bots import _ffi

    return [
        f"livechat_bots {livechat_bots.__version__} from {livechat_bots.__file__}",
        f"library: {_ffi.library_path()}",
    ]


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
