"""Deprecation notices: a DeprecationWarning once per client and kind, and Client.notices()."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from livechat_bots import Client, Emulator, Notice

DEPRECATED = {"versions": {"3.3": {"stage": "deprecated", "until": "2027-01-31"}}}
LEGACY = {"versions": {"3.4": {"stage": "legacy", "until": "2026-12-31"}}}


def deprecation_warnings(record: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    return [w for w in record if issubclass(w.category, DeprecationWarning)]


def test_a_deprecated_version_warns_once_per_client_with_version_and_date() -> None:
    with Emulator(DEPRECATED) as emu:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            with Client("dev-token", base_url=emu.url, api_version="3.3") as client:
                for _ in range(3):
                    assert client.get_bot_agents() == []
                client.create_bot_agent("Noticed")
                notices = client.notices()
            with Client("dev-token", base_url=emu.url, api_version="3.3") as other:
                other.get_bot_agents()
                other.get_bot_agents()
    found = deprecation_warnings(record)
    assert len(found) == 2, [str(w.message) for w in found]  # one per client
    text = str(found[0].message)
    assert "3.3" in text and "2027-01-31" in text
    # Issued at the caller's line, not inside the package.
    assert found[0].filename == __file__
    assert len(notices) == 1
    notice = notices[0]
    assert isinstance(notice, Notice)
    assert (notice.kind, notice.api_version, notice.until) == ("deprecated", "3.3", "2027-01-31")
    assert "2027-01-31" in notice.message


def test_a_legacy_version_is_told_as_well() -> None:
    with Emulator(LEGACY) as emu, Client("dev-token", base_url=emu.url, api_version="3.4") as client:
        with pytest.warns(DeprecationWarning, match=r"3\.4.*2026-12-31"):
            client.get_bot_agents()
        assert [(n.kind, n.until) for n in client.notices()] == [("legacy", "2026-12-31")]


def test_other_versions_are_quiet() -> None:
    with Emulator(DEPRECATED) as emu, Client("dev-token", base_url=emu.url, api_version="3.5") as client:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            client.get_bot_agents()
        assert client.notices() == []


def test_many_threads_one_warning() -> None:
    with Emulator(DEPRECATED) as emu, Client("dev-token", base_url=emu.url, api_version="3.3") as client:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(lambda _: client.get_bot_agents(), range(64)))
        assert len(deprecation_warnings(record)) == 1
        assert len(client.notices()) == 1


def test_warnings_as_errors_raise_from_the_call_that_got_the_notice() -> None:
    with Emulator(DEPRECATED) as emu, Client("dev-token", base_url=emu.url, api_version="3.3") as client:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            with pytest.raises(DeprecationWarning, match="2027-01-31"):
                client.get_bot_agents()
            client.get_bot_agents()  # told once: no second error
        assert len(client.notices()) == 1


def test_a_failing_call_keeps_its_own_error_when_warnings_are_errors() -> None:
    from livechat_bots import NotFoundError

    with Emulator(DEPRECATED) as emu, Client("dev-token", base_url=emu.url, api_version="3.3") as client:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            with pytest.raises(NotFoundError):
                client.get_bot_agent_details("0" * 32)
        assert len(client.notices()) == 1
