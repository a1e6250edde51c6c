"""The exception classes, one per status code of the C ABI.

Every failure the library reports comes back as an error document
``{"code", "status", "message", "http_status", "api_error", "attempts",
"outcome"?}``; :func:`error_from_document` turns it into the matching
exception.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "LiveChatBotsError",
    "NullArgumentError",
    "InvalidUtf8Error",
    "InvalidJsonError",
    "ValidationError",
    "TransportError",
    "RequestTimeout",
    "ApiError",
    "AuthenticationError",
    "AuthorizationError",
    "NotFoundError",
    "DecodeError",
    "PanicError",
    "CancelledError",
    "SecretMismatchError",
    "BodyTooLargeError",
    "STATUS_TABLE",
    "api_error_class",
    "error_from_document",
]


class LiveChatBotsError(Exception):
    """Base class of every error the library reports.

    Attributes:
        code: the machine-readable category, e.g. ``"validation"``.
        status: the C status number, e.g. ``4``.
        message: what went wrong and where.
        http_status: the HTTP status of LiveChat's answer, if one came.
        api_error: LiveChat's error body (``{"type", "message", "data"?}``), if any.
        api_type: ``api_error["type"]`` or ``None``.
        attempts: how many HTTP attempts were made (0 when nothing was sent).
        outcome: ``"unknown"`` when a write may have been applied although the
            call failed (check with a read before repeating it), else ``None``.
    """

    code: str
    status: int
    message: str
    http_status: int | None
    api_error: dict[str, Any] | None
    attempts: int | None
    outcome: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int,
        http_status: int | None = None,
        api_error: dict[str, Any] | None = None,
        attempts: int | None = None,
        outcome: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.http_status = http_status
        self.api_error = api_error
        self.attempts = attempts
        self.outcome = outcome

    @property
    def api_type(self) -> str | None:
        """The ``type`` of LiveChat's error body, e.g. ``"authentication"``."""
        if self.api_error is None:
            return None
        value = self.api_error.get("type")
        return value if isinstance(value, str) else None

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"http_status={self.http_status!r}, api_type={self.api_type!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: rebuild through a helper so pickling works.
        return (_rebuild, (type(self), self.message, self._fields()))

    def _fields(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "http_status": self.http_status,
            "api_error": self.api_error,
            "attempts": self.attempts,
            "outcome": self.outcome,
        }


def _rebuild(cls: type[LiveChatBotsError], message: str, fields: dict[str, Any]) -> LiveChatBotsError:
    return cls(message, **fields)


class NullArgumentError(LiveChatBotsError):
    """A required argument was missing (a NULL pointer at the C boundary)."""


class InvalidUtf8Error(LiveChatBotsError):
    """A string argument was not valid UTF-8."""


class InvalidJsonError(LiveChatBotsError):
    """A JSON argument could not be parsed."""


class ValidationError(LiveChatBotsError):
    """The input broke a rule of the API or of the client config; nothing was sent."""


class TransportError(LiveChatBotsError):
    """The request could not be delivered or its answer not received."""


class RequestTimeout(LiveChatBotsError, TimeoutError):
    """The request timed out. Also a builtin :class:`TimeoutError`."""


class ApiError(LiveChatBotsError):
    """LiveChat answered with an error; see ``http_status`` and ``api_error``.

    Raised as :class:`NotFoundError` (type ``"not_found"`` or HTTP 404),
    :class:`AuthenticationError` (``"authentication"`` or 401) or
    :class:`AuthorizationError` (``"authorization"`` or 403), the rule of Go's
    helpers; see :func:`api_error_class`.
    """


class AuthenticationError(ApiError):
    """LiveChat refused the credentials (``api_error.type == "authentication"`` or HTTP 401)."""


class AuthorizationError(ApiError):
    """The credentials lack a scope (``api_error.type == "authorization"`` or HTTP 403)."""


class NotFoundError(ApiError):
    """The bot agent (or other object) does not exist (``api_error.type == "not_found"`` or HTTP 404)."""


class DecodeError(LiveChatBotsError):
    """LiveChat answered 2xx with a body that could not be read."""


class PanicError(LiveChatBotsError):
    """An internal error of the library (a caught panic); the process may go on."""


class CancelledError(LiveChatBotsError):
    """The call was cancelled (Ctrl-C on the main thread, see the README).

    A cancelled write whose request may have been sent has ``outcome ==
    "unknown"``: check with a read before repeating it. Not to be confused
    with :class:`asyncio.CancelledError`.
    """


class SecretMismatchError(LiveChatBotsError):
    """A webhook body's ``secret_key`` is missing or none of the accepted
    secrets: answer LiveChat 401. The message never shows a secret, neither
    the accepted ones nor the one received."""


class BodyTooLargeError(LiveChatBotsError):
    """A webhook body is over the size cap (1 MiB unless set): answer 413."""


#: The one table of the C ABI's statuses in Python: (C constant, number, the
#: error document's ``code``, exception class). A test checks it against the
#: header's ``lcbot_status`` enum, both ways, so a number lives in Rust and
#: is only mirrored here. ``code`` is the constant's name without
#: ``LCBOT_ERR_``, in lower case.
STATUS_TABLE: tuple[tuple[str, int, str, type[LiveChatBotsError] | None], ...] = (
    ("LCBOT_OK", 0, "ok", None),
    ("LCBOT_ERR_NULL_ARGUMENT", 1, "null_argument", NullArgumentError),
    ("LCBOT_ERR_INVALID_UTF8", 2, "invalid_utf8", InvalidUtf8Error),
    ("LCBOT_ERR_INVALID_JSON", 3, "invalid_json", InvalidJsonError),
    ("LCBOT_ERR_VALIDATION", 4, "validation", ValidationError),
    ("LCBOT_ERR_TRANSPORT", 5, "transport", TransportError),
    ("LCBOT_ERR_TIMEOUT", 6, "timeout", RequestTimeout),
    ("LCBOT_ERR_API", 7, "api", ApiError),
    ("LCBOT_ERR_DECODE", 8, "decode", DecodeError),
    ("LCBOT_ERR_PANIC", 9, "panic", PanicError),
    ("LCBOT_ERR_CANCELLED", 10, "cancelled", CancelledError),
    ("LCBOT_ERR_SECRET_MISMATCH", 11, "secret_mismatch", SecretMismatchError),
    ("LCBOT_ERR_TOO_LARGE", 12, "too_large", BodyTooLargeError),
)

STATUS_OK = 0
STATUS_API = 7
STATUS_CANCELLED = 10

_BY_STATUS: dict[int, type[LiveChatBotsError]] = {n: cls for _, n, _, cls in STATUS_TABLE if cls is not None}
_BY_CODE: dict[str, int] = {code: n for _, n, code, cls in STATUS_TABLE if cls is not None}


def api_error_class(api_type: str | None, http_status: int | None) -> type[ApiError]:
    """The class of an API error (status ``LCBOT_ERR_API``), by the rule Go's
    ``IsNotFound``/``IsAuthentication``/``IsAuthorization`` use:

    - :class:`NotFoundError` when ``api_error.type == "not_found"`` or HTTP 404;
    - :class:`AuthenticationError` when the type is ``"authentication"`` or HTTP 401;
    - :class:`AuthorizationError` when the type is ``"authorization"`` or HTTP 403;
    - :class:`ApiError` otherwise.

    A known ``type`` wins over the HTTP status when the two disagree (Go's
    predicates may then both hold; a Python exception has one class).
    """
    by_type = _BY_API_TYPE.get(api_type or "")
    if by_type is not None:
        return by_type
    return _BY_HTTP_STATUS.get(http_status or 0, ApiError)


_BY_API_TYPE: dict[str, type[ApiError]] = {
    "not_found": NotFoundError,
    "authentication": AuthenticationError,
    "authorization": AuthorizationError,
}

_BY_HTTP_STATUS: dict[int, type[ApiError]] = {
    404: NotFoundError,
    401: AuthenticationError,
    403: AuthorizationError,
}


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def error_from_document(status: int, text: str | None) -> LiveChatBotsError:
    """Builds the exception for a failed call from its status and error document."""
    doc: dict[str, Any] = {}
    if text is not None:
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            doc = parsed
        else:
            doc = {"message": text}
    default_code = next((c for c, s in _BY_CODE.items() if s == status), "unknown")
    code = doc.get("code") if isinstance(doc.get("code"), str) else default_code
    message = doc.get("message")
    if not isinstance(message, str) or not message:
        message = f"livechat_bots call failed with status {status} ({code})"
    api_error = doc.get("api_error") if isinstance(doc.get("api_error"), dict) else None
    http_status = _opt_int(doc.get("http_status"))
    cls = _BY_STATUS.get(status, LiveChatBotsError)
    if cls is ApiError:
        api_type = api_error.get("type") if api_error is not None else None
        cls = api_error_class(api_type if isinstance(api_type, str) else None, http_status)
    outcome = doc.get("outcome")
    return cls(
        message,
        code=str(code),
        status=status,
        http_status=http_status,
        api_error=api_error,
        attempts=_opt_int(doc.get("attempts")),
        outcome=outcome if isinstance(outcome, str) else None,
    )


def local_error(cls: type[LiveChatBotsError], message: str) -> LiveChatBotsError:
    """An error raised by the wrapper itself, e.g. for a result it cannot read."""
    status = next((s for s, c in _BY_STATUS.items() if c is cls), 0)
    code = next((c for c, s in _BY_CODE.items() if s == status), "unknown")
    return cls(message, code=code, status=status)
