"""The offline emulator of the Bot Agents API, running inside this process."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import _ffi
from ._errors import DecodeError, local_error
from ._handle import Handle, Managed
from .models import to_json

__all__ = ["Emulator"]


def _object(text: str | None, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(text or "{}")
    except ValueError as e:
        raise local_error(DecodeError, f"{what}: unexpected result: {e}") from None
    if not isinstance(doc, dict):
        raise local_error(DecodeError, f"{what}: unexpected result: not a JSON object")
    return doc


class Emulator(Managed):
    """An in-process HTTP server that answers like the Bot Agents API.

    ``config`` (optional) is the emulator's config document, e.g.
    ``{"tokens": [...], "bots": [...], "port": 0, "faults": [...]}``; by
    default the token ``"dev-token"`` has every bot scope. Point a
    :class:`~livechat_bots.Client` at :attr:`url`. Use it as a context
    manager, or call :meth:`close` when done.
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        if not _ffi.has_emulator(_ffi.lib):
            raise RuntimeError("livechat_bots: this library was built without the emulator feature")
        body = None if config is None else to_json(config, "emulator config")
        address = _ffi.call_new(_ffi.lib.lcbot_emulator_start, body)
        self._handle = Handle(self, address, _ffi.lib.lcbot_emulator_stop, "Emulator")
        with self._handle.use() as handle:
            url = _ffi.lib.lcbot_emulator_url(handle)
        self._url: str = (url or b"").decode("utf-8")

    @property
    def url(self) -> str:
        """The base URL to give a client, e.g. ``"http://127.0.0.1:41234"``."""
        return self._url

    def inject(self, fault: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Queues a fault, e.g. ``inject(action="get_bot_agents", status=503, times=2)``.

        ``fault`` (a dict) and keyword fields are merged. Returns
        ``{"pending_faults": N}``.
        """
        document = {**(fault or {}), **fields}
        body = to_json(document, "fault")
        with self._handle.use() as handle:
            text = _ffi.call(_ffi.lib.lcbot_emulator_inject, handle, body)
        return _object(text, "inject")

    def requests(self) -> list[dict[str, Any]]:
        """The requests the emulator has received so far, oldest first."""
        with self._handle.use() as handle:
            text = _ffi.call(_ffi.lib.lcbot_emulator_requests, handle)
        requests = _object(text, "requests").get("requests")
        if not isinstance(requests, list):
            raise local_error(DecodeError, "requests: unexpected result: no list of requests")
        return requests

    def __repr__(self) -> str:
        return f"<livechat_bots.Emulator {self._url} {'closed' if self.closed else 'running'}>"
