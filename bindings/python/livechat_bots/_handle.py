"""The lifetime of a C handle shared by many threads.

A handle is freed exactly once: by ``close()``, or by the garbage collector
when its owner is dropped unclosed. ``close()`` refuses new calls at once,
then waits for the calls in flight, so a handle is never freed under a
running call (the C ABI forbids that race).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TypeVar

__all__ = ["Handle", "Managed"]

_M = TypeVar("_M", bound="Managed")


class Handle:
    """Owns one C handle (an address) and the function that frees it."""

    def __init__(self, owner: object, address: int, free: Callable[[int], None], what: str) -> None:
        self._address: int | None = address
        self._what = what
        self._in_flight = 0
        # Held briefly by every call (acquire/release) and by close(); close()
        # waits on _idle, so a call that ends last wakes it only then.
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        # Runs free(address) once: at close(), or when `owner` is collected.
        self._finalizer = weakref.finalize(owner, free, address)
        _handles.add(self)

    def _after_fork_in_child(self) -> None:
        # The calls in flight belong to threads the child does not have, and
        # their lock may have been copied while held.
        self._in_flight = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    @property
    def closed(self) -> bool:
        return self._address is None

    def acquire(self) -> int:
        """The address for one call, counted in flight until :meth:`release`
        (call it in a ``finally``); raises ValueError once closed. The plain
        pair costs a fraction of the :meth:`use` context manager, which the
        hot path of every API call avoids."""
        with self._lock:
            address = self._address
            if address is None:
                raise ValueError(f"{self._what} is closed: it cannot be used after close()")
            self._in_flight += 1
        return address

    def release(self) -> None:
        """Ends a call begun by :meth:`acquire`."""
        with self._lock:
            self._in_flight -= 1
            # close() cleared the address before it waits: only then is
            # there anyone to wake.
            if self._in_flight == 0 and self._address is None:
                self._idle.notify_all()

    @contextmanager
    def use(self) -> Iterator[int]:
        """Yields the address for one call; raises ValueError once closed."""
        address = self.acquire()
        try:
            yield address
        finally:
            self.release()

    def close(self) -> None:
        """Frees the handle once no call is in flight. Idempotent."""
        with self._lock:
            if self._address is None:
                return
            self._address = None
            while self._in_flight:
                self._idle.wait()
        self._finalizer()


_handles: weakref.WeakSet[Handle] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for handle in list(_handles):
        handle._after_fork_in_child()


os.register_at_fork(after_in_child=_after_fork_in_child)


class Managed:
    """The lifetime API shared by Client and Emulator: an idempotent
    ``close()``, ``closed``, and use as a context manager."""

    _handle: Handle

    def close(self) -> None:
        """Frees the handle after the calls in flight finish. Idempotent."""
        self._handle.close()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def __enter__(self: _M) -> _M:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
