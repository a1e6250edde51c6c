"""Every exception class, raised for real where the emulator can cause it."""

from __future__ import annotations

import http.server
import json
import os
import pickle
import threading
from collections.abc import Iterator

import pytest

from livechat_bots import (
    ApiError,
    AuthenticationError,
    AuthorizationError,
    CancelledError,
    Client,
    DecodeError,
    Emulator,
    InvalidJsonError,
    InvalidUtf8Error,
    LiveChatBotsError,
    NotFoundError,
    NullArgumentError,
    PanicError,
    RequestTimeout,
    Status,
    TransportError,
    ValidationError,
    _ffi,
)
from livechat_bots._errors import error_from_document

HERE = os.path.dirname(os.path.abspath(__file__))

NO_RETRY = {"max_attempts": 1}


def test_validation_error(client: Client) -> None:
    with pytest.raises(ValidationError) as info:
        client.create_bot_agent("Bot", Status.OFFLINE, groups=[{"id": 1, "priority": "supervisor"}])
    e = info.value
    assert isinstance(e, LiveChatBotsError)
    assert (e.code, e.status, e.http_status, e.api_error, e.api_type) == ("validation", 4, None, None, None)
    assert e.attempts == 0
    assert "groups[0].priority" in e.message and str(e) == e.message


def test_bad_client_config_is_a_validation_error(emulator: Emulator) -> None:
    with pytest.raises(ValidationError, match="api_version"):
        Client("dev-token", base_url=emulator.url, api_version="9.9")
    with pytest.raises(ValidationError, match="region"):
        Client("dev-token", region="mars")


def test_plain_http_is_refused_beyond_loopback_unless_allowed() -> None:
    with pytest.raises(ValidationError, match="http"):
        Client("dev-token", base_url="http://example.com")
    Client("dev-token", base_url="http://example.com", allow_insecure_http=True).close()


def test_invalid_json_error(client: Client) -> None:
    # A lone surrogate survives json.dumps as "\ud800", which no JSON parser accepts.
    with pytest.raises(InvalidJsonError) as info:
        client.create_bot_agent("\ud800", Status.OFFLINE)
    assert (info.value.code, info.value.status) == ("invalid_json", 3)


def test_null_argument_error_from_the_c_layer(client: Client) -> None:
    with client._handle.use() as address:
        with pytest.raises(NullArgumentError) as info:
            _ffi.call(_ffi.lib.lcbot_get_bot_agents, address, None, None)
    assert (info.value.code, info.value.status) == ("null_argument", 1)
    with pytest.raises(NullArgumentError):
        _ffi.call(_ffi.lib.lcbot_get_bot_agents, None, b"{}", None)


def test_invalid_utf8_error_from_the_c_layer(client: Client) -> None:
    with client._handle.use() as address:
        with pytest.raises(InvalidUtf8Error) as info:
            _ffi.call(_ffi.lib.lcbot_get_bot_agents, address, b'{"all": "\xff"}', None)
    assert (info.value.code, info.value.status) == ("invalid_utf8", 2)


def test_authentication_error(emulator: Emulator) -> None:
    with Client("wrong-token", base_url=emulator.url, retry=NO_RETRY) as client:
        with pytest.raises(AuthenticationError) as info:
            client.get_bot_agents()
    e = info.value
    assert isinstance(e, ApiError)
    assert (e.code, e.status, e.http_status, e.api_type) == ("api", 7, 401, "authentication")
    assert e.api_error is not None and e.api_error["message"] == "Invalid access token"
    assert e.attempts == 1
    assert "wrong-token" not in str(e) and "wrong-token" not in repr(e)


def test_authorization_error() -> None:
    config = {"tokens": [{"token": "read-only", "client_id": "ro", "scopes": ["agents-bot--my:ro"]}]}
    with Emulator(config) as emu, Client("read-only", base_url=emu.url, retry=NO_RETRY) as client:
        assert client.get_bot_agents() == []
        with pytest.raises(AuthorizationError) as info:
            client.create_bot_agent("Bot", Status.OFFLINE)
    assert (info.value.http_status, info.value.api_type) == (403, "authorization")


def test_not_found_error(client: Client) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get_bot_agent_details("0" * 32)
    assert (info.value.http_status, info.value.api_type) == (404, "not_found")
    with pytest.raises(NotFoundError):
        client.remove_bot_agent("0" * 32)


def test_other_api_errors_are_plain_api_errors(client: Client, emulator: Emulator) -> None:
    emulator.inject(action="get_bot_agents", status=503, error_type="internal", message="try later")
    with pytest.raises(ApiError) as info:
        client.get_bot_agents()
    e = info.value
    assert type(e) is ApiError
    assert (e.http_status, e.api_type, e.api_error) == (503, "internal", {"type": "internal", "message": "try later"})


def test_retries_are_counted_in_attempts(emulator: Emulator) -> None:
    retry = {"max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 2}
    with Client("dev-token", base_url=emulator.url, retry=retry) as client:
        assert emulator.inject(action="get_bot_agents", status=503, times=3) == {"pending_faults": 1}
        with pytest.raises(ApiError) as info:
            client.get_bot_agents()
        assert info.value.attempts == 3
        emulator.inject(action="get_bot_agents", status=503, times=1)
        assert client.get_bot_agents() == []  # the second attempt succeeds


def test_transport_error_when_nothing_listens() -> None:
    with Emulator() as emu:
        url = emu.url
    with Client("dev-token", base_url=url, retry=NO_RETRY) as client:
        with pytest.raises(TransportError) as info:
            client.get_bot_agents()
    assert (info.value.code, info.value.status, info.value.outcome) == ("transport", 5, None)


def test_a_dropped_write_has_an_unknown_outcome(client: Client, emulator: Emulator) -> None:
    emulator.inject(action="create_bot_agent", drop_connection=True)
    with pytest.raises(TransportError) as info:
        client.create_bot_agent("Maybe", Status.OFFLINE)
    assert info.value.outcome == "unknown"


def test_request_timeout(emulator: Emulator) -> None:
    with Client("dev-token", base_url=emulator.url, timeout=0.2, retry=NO_RETRY) as client:
        emulator.inject(action="get_bot_agents", delay_ms=2000)
        with pytest.raises(RequestTimeout) as info:
            client.get_bot_agents()
    e = info.value
    assert isinstance(e, TimeoutError) and isinstance(e, LiveChatBotsError)
    assert (e.code, e.status) == ("timeout", 6)


class _NotJsonHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = b"<html>not json</html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _NotFoundHandler(_NotJsonHandler):
    """Answers 404 with a body that is not LiveChat's error object (a proxy's page)."""

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = b"<html>404 Not Found</html>"
        self.send_response(404)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def not_json_server() -> Iterator[str]:
    yield from _serve(_NotJsonHandler)


@pytest.fixture
def not_found_server() -> Iterator[str]:
    yield from _serve(_NotFoundHandler)


def test_decode_error_on_a_2xx_that_is_not_json(not_json_server: str) -> None:
    with Client("dev-token", base_url=not_json_server, retry=NO_RETRY) as client:
        with pytest.raises(DecodeError) as info:
            client.get_bot_agents()
    assert (info.value.code, info.value.status, info.value.http_status) == ("decode", 8, 200)


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (1, "null_argument", NullArgumentError),
        (2, "invalid_utf8", InvalidUtf8Error),
        (3, "invalid_json", InvalidJsonError),
        (4, "validation", ValidationError),
        (5, "transport", TransportError),
        (6, "timeout", RequestTimeout),
        (7, "api", ApiError),
        (8, "decode", DecodeError),
        (9, "panic", PanicError),
        (10, "cancelled", CancelledError),
    ],
)
def test_each_status_maps_to_its_class(status: int, code: str, cls: type[LiveChatBotsError]) -> None:
    doc = {"code": code, "status": status, "message": f"{code} happened", "http_status": None, "api_error": None, "attempts": 0}
    e = error_from_document(status, json.dumps(doc))
    assert type(e) is cls
    assert (e.code, e.status, e.message, e.attempts, e.outcome) == (code, status, f"{code} happened", 0, None)


@pytest.mark.parametrize(
    ("api_type", "http_status", "cls"),
    [
        # Go's rule (IsNotFound, IsAuthentication, IsAuthorization): the type, or the HTTP status.
        ("not_found", 404, NotFoundError),
        ("not_found", 400, NotFoundError),
        (None, 404, NotFoundError),
        ("other", 404, NotFoundError),
        ("authentication", 401, AuthenticationError),
        ("authentication", 400, AuthenticationError),
        (None, 401, AuthenticationError),
        ("authorization", 403, AuthorizationError),
        ("authorization", 400, AuthorizationError),
        (None, 403, AuthorizationError),
        # A known type wins when the two disagree.
        ("authentication", 404, AuthenticationError),
        ("not_found", 403, NotFoundError),
        ("validation", 400, ApiError),
        ("internal", 500, ApiError),
        (None, 429, ApiError),
        (None, None, ApiError),
    ],
)
def test_api_error_class_follows_the_type_or_the_http_status(
    api_type: str | None, http_status: int | None, cls: type[ApiError]
) -> None:
    api_error = None if api_type is None else {"type": api_type, "message": "m"}
    doc = {"code": "api", "status": 7, "message": "m", "http_status": http_status, "api_error": api_error, "attempts": 1}
    e = error_from_document(7, json.dumps(doc))
    assert type(e) is cls
    assert (e.http_status, e.api_type) == (http_status, api_type)


def test_the_http_status_alone_picks_no_class_outside_api_errors() -> None:
    doc = {"code": "decode", "status": 8, "message": "m", "http_status": 404, "api_error": None, "attempts": 1}
    assert type(error_from_document(8, json.dumps(doc))) is DecodeError


def test_a_404_without_a_type_from_a_server_is_not_found(not_found_server: str) -> None:
    with Client("dev-token", base_url=not_found_server, retry=NO_RETRY) as client:
        with pytest.raises(NotFoundError) as info:
            client.get_bot_agent_details("0" * 32)
    assert (info.value.http_status, info.value.api_type) == (404, None)


def test_unreadable_or_unknown_error_documents_still_raise_something_useful() -> None:
    e = error_from_document(4, "not json at all")
    assert type(e) is ValidationError and e.message == "not json at all"
    e = error_from_document(42, None)
    assert type(e) is LiveChatBotsError and e.status == 42 and "42" in e.message


def test_errors_pickle(client: Client) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get_bot_agent_details("f" * 32)
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is NotFoundError
    assert (copy.message, copy.http_status, copy.api_error, copy.attempts) == (
        info.value.message,
        404,
        info.value.api_error,
        1,
    )


def test_errors_raised_by_the_wrapper_carry_their_code() -> None:
    from livechat_bots._errors import local_error

    e = local_error(DecodeError, "bad result")
    assert (type(e), e.code, e.status, e.message) == (DecodeError, "decode", 8, "bad result")


PANIC_SCRIPT = """
from livechat_bots import Client, Emulator, PanicError
with Emulator() as emu, Client("dev-token", base_url=emu.url) as client:
    try:
        client.call("lcbot_test_panic", {})
    except PanicError as e:
        assert (e.code, e.status) == ("panic", 9), e
        print("PanicError:", e.message)
    assert client.get_bot_agents() == []  # the process and the client go on
    print("still working")
"""


def test_a_panic_in_the_core_is_a_panic_error() -> None:
    # The core's test hook (read once per process) makes lcbot_call panic on
    # the action "lcbot_test_panic": run it in a process of its own.
    import subprocess
    import sys

    env = {**os.environ, "LIVECHAT_BOTS_TEST_HOOKS": "1"}
    # cwd: the tests' folder, so that the installed package is the one imported.
    run = subprocess.run(
        [sys.executable, "-c", PANIC_SCRIPT], env=env, capture_output=True, text=True, timeout=60, cwd=HERE
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PanicError: " in run.stdout and "still working" in run.stdout
