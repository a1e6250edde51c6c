"""Per-call options: timeout and attempt_timeout on every method, NULL when none is given."""

from __future__ import annotations

import ctypes
import math
import time
from collections.abc import Callable
from typing import Any

import pytest

from livechat_bots import Client, Emulator, RequestTimeout, Status, ValidationError, _ffi
from livechat_bots import client as client_module

NO_RETRY = {"max_attempts": 1}

# Each method with the smallest arguments that make it a real call.
METHODS: dict[str, Callable[..., Any]] = {
    "create_bot_agent": lambda c, **kw: c.create_bot_agent("Bot", Status.OFFLINE, **kw),
    "remove_bot_agent": lambda c, **kw: c.remove_bot_agent("0" * 32, **kw),
    "update_bot_agent": lambda c, **kw: c.update_bot_agent("0" * 32, name="x", **kw),
    "get_bot_agents": lambda c, **kw: c.get_bot_agents(**kw),
    "get_bot_agent_details": lambda c, **kw: c.get_bot_agent_details("0" * 32, **kw),
    "call": lambda c, **kw: c.call("get_bot_agents", {}, **kw),
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_a_per_call_timeout_bounds_the_call(emulator: Emulator, method: str) -> None:
    # The client's own timeout is 30 s; the stall is 3 s; the call's is 0.2 s.
    with Client("dev-token", base_url=emulator.url, timeout=30, retry=NO_RETRY) as client:
        emulator.inject(delay_ms=3000)
        start = time.monotonic()
        with pytest.raises(RequestTimeout):
            METHODS[method](client, timeout=0.2)
        elapsed = time.monotonic() - start
    assert elapsed < 2.0, f"{method}: a 0.2 s per-call timeout took {elapsed:.2f} s"


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_takes_attempt_timeout(client: Client, method: str) -> None:
    try:
        METHODS[method](client, timeout=5, attempt_timeout=2.5)
    except Exception as e:  # noqa: BLE001 - some calls are refused (no such bot): not the point here
        assert not isinstance(e, (ValidationError, TypeError)), e


def test_a_per_call_attempt_timeout_lets_a_read_survive_a_stall(emulator: Emulator) -> None:
    retry = {"max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2}
    with Client("dev-token", base_url=emulator.url, retry=retry) as client:
        emulator.inject(action="get_bot_agents", delay_ms=3000)
        start = time.monotonic()
        # The first attempt is cut at 0.2 s, the second is not stalled: well
        # within the 3 s stall (which the emulator logs only once it is over).
        assert client.get_bot_agents(attempt_timeout=0.2) == []
        assert time.monotonic() - start < 2.0


def test_the_clients_attempt_timeout(emulator: Emulator) -> None:
    retry = {"max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2}
    with Client("dev-token", base_url=emulator.url, attempt_timeout=0.2, retry=retry) as client:
        emulator.inject(action="get_bot_agents", delay_ms=3000)
        start = time.monotonic()
        assert client.get_bot_agents() == []
        assert time.monotonic() - start < 2.0


def test_a_per_call_timeout_longer_than_the_clients(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, timeout=0.2, retry=NO_RETRY) as client:
        emulator.inject(action="get_bot_agents", delay_ms=500)
        assert client.get_bot_agents(timeout=5) == []
        emulator.inject(action="get_bot_agents", delay_ms=500)
        with pytest.raises(RequestTimeout):
            client.get_bot_agents()


@pytest.mark.parametrize("value", [0, 0.0, -1, -0.5, 3600.001, 7200, math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("name", ["timeout", "attempt_timeout"])
def test_out_of_range_values_are_validation_errors_and_nothing_is_sent(
    client: Client, emulator: Emulator, name: str, value: float
) -> None:
    for method in METHODS.values():
        with pytest.raises(ValidationError, match=name) as info:
            method(client, **{name: value})
        assert info.value.code == "validation"
    assert emulator.requests() == []


def test_the_bounds_themselves_are_accepted(client: Client) -> None:
    # Accepted, not refused: the call is made. A 1 ms attempt usually
    # completes against the in-process emulator, but may not on a busy
    # machine; a timeout then shows the bound reached the core as well.
    try:
        assert client.get_bot_agents(timeout=3600, attempt_timeout=0.001) == []
    except RequestTimeout as e:
        assert e.attempts == 1
    assert client_module._call_milliseconds("timeout", 0.0001) == 1  # rounded up, never 0
    assert client_module._call_milliseconds("timeout", 3600) == 3_600_000
    assert client_module._call_milliseconds("timeout", None) == 0


@pytest.mark.parametrize("value", ["1", True, object(), [1]])
def test_a_non_number_is_a_type_error(client: Client, value: Any) -> None:
    with pytest.raises(TypeError, match="timeout"):
        client.get_bot_agents(timeout=value)


class Spy:
    """Records the options pointer each C call gets."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.options: list[Any] = []
        real = _ffi.call

        def spy(fn: Any, *args: Any) -> Any:
            self.options.append(args[-1])
            return real(fn, *args)

        monkeypatch.setattr(_ffi, "call", spy)


def test_no_per_call_option_passes_null(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not interruptible: the options pointer is the only thing that could be passed.
    with Client("dev-token", base_url=emulator.url, interruptible=False) as client:
        spy = Spy(monkeypatch)
        client.get_bot_agents()
        client.get_bot_agents(timeout=1.5)
        client.get_bot_agents(attempt_timeout=0.25)
    assert spy.options[0] is None
    sent = [ctype_obj._obj for ctype_obj in spy.options[1:]]
    assert [(o.version, o.timeout_ms, o.attempt_timeout_ms, o.cancel) for o in sent] == [
        (_ffi.CALL_OPTIONS_VERSION, 1500, 0, None),
        (_ffi.CALL_OPTIONS_VERSION, 0, 250, None),
    ]


def test_a_call_off_the_main_thread_passes_null(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    spy = Spy(monkeypatch)
    worker = threading.Thread(target=client.get_bot_agents)
    worker.start()
    worker.join()
    assert spy.options == [None]


def test_the_core_refuses_an_options_version_it_does_not_know(client: Client) -> None:
    options = _ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION + 1000, 0, 0, None)
    with client._handle.use() as address:
        with pytest.raises(ValidationError):
            _ffi.call(_ffi.lib.lcbot_get_bot_agents, address, b"{}", ctypes.byref(options))
        options.version = 0
        with pytest.raises(ValidationError):
            _ffi.call(_ffi.lib.lcbot_get_bot_agents, address, b"{}", ctypes.byref(options))
