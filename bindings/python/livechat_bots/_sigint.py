"""Ctrl-C (SIGINT) during a call on the main thread.

While the main thread is inside a ctypes call, Python's C-level signal
handler cannot run Python code: it only notes the signal and writes its
number to the fd set by :func:`signal.set_wakeup_fd`. So, for a call on the
main thread while SIGINT has a Python-level handler (Python's
``default_int_handler`` unless the program set another one):

- the call gets a cancel token (``lcbot_cancel_token``) in its options;
- around the call, the wakeup fd is one end of a socketpair, and SIGINT's
  Python handler is a stand-in that only takes note;
- a daemon watcher thread reads the other end and, on a SIGINT byte, calls
  ``lcbot_cancel(token)`` (thread-safe); the core gives up within ~20 ms
  with ``LCBOT_ERR_CANCELLED``. Every byte read is forwarded to the wakeup
  fd that was set before (asyncio's, for instance), so nothing is lost;
- after the call, the previous wakeup fd and handler are put back, and if a
  SIGINT came, the program's own handler is run right there, with the
  call's :class:`~livechat_bots.CancelledError` (its ``outcome`` says whether
  a write may have been applied) as the ``__context__`` of what it raises:
  ``KeyboardInterrupt`` for the default handler.

One token serves every call on the main thread and is replaced only after
it was cancelled; the per-call cost is two ``set_wakeup_fd`` and two
``signal.signal`` calls (see benches/python/bench_sigint.py). Calls on other
threads, or while SIGINT is ignored or left to the OS, are not touched.
After ``fork()`` the child starts with fresh state.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import select
import signal as _signal_module
import socket
import sys
import threading
from types import FrameType
from typing import Any

from . import _ffi



def _c_signal_functions() -> Any:
    """CPython's C functions themselves (``_signal``): ``signal.signal`` and
    ``signal.getsignal`` wrap them with an enum conversion that costs
    microseconds (a ValueError raised and caught for every Python handler)."""
    try:
        return importlib.import_module("_signal")
    except ImportError:  # pragma: no cover - not CPython
        return _signal_module


signal: Any = _c_signal_functions()

__all__ = ["Guard", "deliver", "enter"]

_SIGINT = int(_signal_module.SIGINT)


class _State:
    def __init__(self) -> None:
        # Reentrant: the stand-in handler may run on the main thread while it holds the lock.
        self.lock = threading.RLock()
        self.token: int | None = None  # the main thread's cancel token
        self.cancelled = False  # `token` was cancelled: replace it after the call
        self.depth = 0  # calls on the main thread in progress (a callback may nest one)
        self.reader: socket.socket | None = None
        self.writer: socket.socket | None = None
        self.writer_fd = -1
        self.watcher: threading.Thread | None = None
        self.forward_fd = -1  # the wakeup fd set before ours (at the last call), -1 for none
        self.original: Any = None  # SIGINT's handler before ours
        self.pending = False  # a SIGINT reached the stand-in handler
        # The options of a call with no per-call setting, made once per token
        # (every call on the main thread passes the same; they are only read).
        self.options_token: int | None = None
        self.options_ref: Any = None

    def ensure_started(self) -> int:
        """Creates the socketpair, the watcher and the token if needed; returns the token."""
        if self.writer is None:
            reader, writer = socket.socketpair()
            # Both ends non-blocking: the watcher waits in poll() without the
            # GIL but reads only with it, as the main thread's drain does.
            reader.setblocking(False)
            writer.setblocking(False)
            self.reader, self.writer, self.writer_fd = reader, writer, writer.fileno()
            watcher = threading.Thread(target=_watch, args=(self, reader), name="livechat_bots-sigint", daemon=True)
            watcher.start()
            self.watcher = watcher
        if self.token is None:
            handle = ctypes.c_void_p()
            status = int(_ffi.lib.lcbot_cancel_token_new(ctypes.byref(handle)))
            if status != 0 or handle.value is None:  # pragma: no cover - allocation failure
                raise MemoryError("lcbot_cancel_token_new failed")
            self.token = handle.value
        return self.token

    def cancel(self) -> None:
        """Cancels the current token, if a call is using it. Any thread."""
        with self.lock:
            if self.depth > 0 and self.token is not None and not self.cancelled:
                _ffi.lib.lcbot_cancel(self.token)
                self.cancelled = True

    def retire_cancelled_token(self) -> None:
        """Frees a cancelled token (it stays cancelled); the next call makes a new one."""
        with self.lock:
            if self.cancelled and self.token is not None:
                _ffi.lib.lcbot_cancel_token_free(self.token)
                self.token = None
            self.cancelled = False


_state = _State()
# The thread whose calls Ctrl-C interrupts (Python runs signal handlers there only).
_main_ident = threading.main_thread().ident


def _forward(fd: int, data: bytes) -> None:
    if fd >= 0:
        try:
            os.write(fd, data)
        except OSError:
            pass


def _watch(state: _State, reader: socket.socket) -> None:
    """Cancels the main thread's call when a SIGINT's byte arrives.

    A byte is taken from the socket only while this thread holds the GIL
    (poll() waits without it; recv() is non-blocking), and the main thread
    drains the socket, also under the GIL, when a call that got a SIGINT
    ends: so a byte is never left over to cancel the next call.
    """
    poller = select.poll()
    poller.register(reader, select.POLLIN)
    while True:
        try:
            poller.poll()
            data = reader.recv(512)
        except (BlockingIOError, InterruptedError):
            continue  # the main thread drained it first
        except OSError:
            return
        if not data:
            return
        if _SIGINT in data:
            state.cancel()
        _forward(state.forward_fd, data)


def _stand_in(signum: int, frame: FrameType | None) -> None:
    """SIGINT's Python handler during a call: takes note and cancels the call."""
    _state.pending = True
    _state.cancel()


class Guard:
    """What :func:`enter` sets up for one call; :meth:`exit` undoes it."""

    __slots__ = ("token", "outermost")

    def __init__(self, token: int, outermost: bool) -> None:
        self.token = token
        self.outermost = outermost

    def options(self, timeout_ms: int, attempt_ms: int) -> Any:
        """The call's ``lcbot_call_options`` (by reference) with this guard's token."""
        if timeout_ms or attempt_ms:
            return ctypes.byref(_ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION, timeout_ms, attempt_ms, self.token))
        state = _state
        if state.options_token != self.token or state.options_ref is None:
            state.options_ref = ctypes.byref(_ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION, 0, 0, self.token))
            state.options_token = self.token
        return state.options_ref

    def exit(self) -> Any:
        """Puts the previous wakeup fd and handler back. Returns the program's
        SIGINT handler if a SIGINT came during the call (to be run by the
        caller with :func:`deliver`), else None."""
        state = _state
        if not self.outermost:
            state.depth -= 1
            return None
        try:
            signal.set_wakeup_fd(state.forward_fd)
        except (ValueError, OSError):  # the previous fd was closed meanwhile
            signal.set_wakeup_fd(-1)
        original = state.original
        # signal.signal first runs the pending Python handlers: ours, which
        # only takes note, but also those of other signals, which may raise
        # (SIGTERM's SystemExit, say). The swap must happen all the same.
        raised: BaseException | None = None
        for _ in range(100):
            try:
                signal.signal(_SIGINT, original)
                break
            except (ValueError, TypeError, OSError):  # pragma: no cover - never on the main thread
                raise
            except BaseException as e:  # noqa: BLE001 - another signal's handler: re-raised below
                if raised is None:
                    raised = e
        with state.lock:  # against the watcher's check-and-cancel
            state.depth -= 1
        # forward_fd stays: a byte of another signal that came at the very
        # end of the call is passed on there when the watcher gets to it.
        state.original = None
        if state.pending:
            # A SIGINT came: its byte may still be in the socket. Take what
            # is there now (no new byte can come: the fd is put back) and
            # pass it on, so that it cannot cancel the next call.
            _drain(state.forward_fd)
        if state.cancelled:
            state.retire_cancelled_token()
        if raised is not None:
            state.pending = False
            raise raised
        if state.pending:
            state.pending = False
            return original
        return None


def _drain(forward_fd: int) -> None:
    reader = _state.reader
    if reader is None:  # pragma: no cover - started before any call
        return
    while True:
        try:
            data = reader.recv(512)
        except OSError:  # BlockingIOError: empty
            return
        if not data:
            return
        _forward(forward_fd, data)


def enter() -> Guard | None:
    """Sets up SIGINT cancellation for a call about to start on this thread.

    Returns None (nothing to do) off the main thread or when SIGINT has no
    Python-level handler.
    """
    if threading.get_ident() != _main_ident:
        return None
    state = _state
    if state.depth > 0:  # a call from a callback of a call in progress: same token
        assert state.token is not None
        state.depth += 1
        return Guard(state.token, outermost=False)
    handler = signal.getsignal(_SIGINT)
    if not callable(handler):  # SIG_DFL, SIG_IGN, or not installed from Python
        return None
    token = state.ensure_started()
    state.original = handler
    state.pending = False
    try:
        signal.signal(_SIGINT, _stand_in)
    except ValueError:  # not the main thread of the main interpreter
        state.original = None
        return None
    try:
        previous = signal.set_wakeup_fd(state.writer_fd, warn_on_full_buffer=False)
    except (ValueError, OSError):  # pragma: no cover - the main thread of a subinterpreter
        signal.signal(_SIGINT, handler)
        state.original = None
        return None
    state.forward_fd = previous
    state.depth = 1
    if state.pending:  # a SIGINT between the two swaps: the stand-in saw it before depth was set
        state.cancel()
    return Guard(token, outermost=True)


def deliver(handler: Any, error: BaseException | None) -> None:
    """Runs the program's SIGINT handler for a SIGINT that came during a call.

    ``error`` (the call's CancelledError, if it was cancelled) becomes the
    ``__context__`` of what the handler raises. Returns if the handler does.
    """
    frame = sys._getframe(1)
    if error is None:
        handler(_SIGINT, frame)
        return
    try:
        raise error
    except BaseException:
        handler(_SIGINT, frame)


def _after_fork_in_child() -> None:
    """The child has no watcher and shares the parent's socketpair: start afresh."""
    global _state, _main_ident
    _main_ident = threading.get_ident()  # the thread that forked is the child's main thread
    old = _state
    if old.depth > 0:  # fork() from another thread during a call on the main thread
        try:
            signal.set_wakeup_fd(old.forward_fd)
        except (ValueError, OSError):
            pass
        if callable(old.original):
            try:
                signal.signal(_SIGINT, old.original)
            except (ValueError, OSError):
                pass
    for sock in (old.reader, old.writer):
        if sock is not None:
            sock.close()
    # The parent's token is left alone (a copy the child never uses again).
    _state = _State()
# The thread whose calls Ctrl-C interrupts (Python runs signal handlers there only).
_main_ident = threading.main_thread().ident


os.register_at_fork(after_in_child=_after_fork_in_child)
