"""Ctrl-C (SIGINT) during a call on the main thread.

While the main thread is inside a ctypes call, Python's C-level signal
handler cannot run Python code: it only notes the signal and writes its
number to the fd set by :func:`signal.set_wakeup_fd`. So, while an
interruptible client (or a bot made from one) is open, and SIGINT has a
Python-level handler (Python's ``default_int_handler`` unless the program
set another one):

- at the first call on the main thread, SIGINT's Python handler becomes a
  stand-in of ours and the wakeup fd one end of a socketpair, once: they
  stay while such a client is open, and when the last one is freed the
  program's own handler and wakeup fd are put back exactly as they were;
- every call on the main thread carries a cancel token
  (``lcbot_cancel_token``) in its options;
- a daemon watcher thread reads the other end of the socketpair and, on a
  SIGINT byte during a call, calls ``lcbot_cancel(token)`` (thread-safe);
  the core gives up within ~10 ms with ``LCBOT_ERR_CANCELLED``. Every byte
  read is forwarded to the wakeup fd that was set before ours (asyncio's,
  for instance), so nothing is lost;
- the stand-in, run by Python for a SIGINT during a call, only takes note;
  the program's handler then runs right after the call, with the call's
  :class:`~livechat_bots.CancelledError` (its ``outcome`` says whether a
  write may have been applied) as the ``__context__`` of what it raises:
  ``KeyboardInterrupt`` for the default handler. Outside a call the stand-in
  hands the signal straight to the program's handler.

A call's own cost is one look at SIGINT's handler (``getsignal``) and the
call's bookkeeping: no handler or wakeup fd is swapped per call (each swap
costs system calls). A handler the program sets while a client is open
replaces the stand-in: the next call on the main thread takes it as the
program's own, with the wakeup fd in place then, and puts the stand-in back
in front of it. When the last client is freed on another thread (or by the
garbage collector there), where Python cannot change signal handlers, the
stand-in stays until the next SIGINT, which it passes to the program's
handler as it puts it back. Calls on other threads, or while
SIGINT is ignored or left to the OS, are not touched. After ``fork()`` the
child starts with fresh state and the program's own handler.
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
from collections.abc import Callable
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

__all__ = ["deliver", "enter", "hold", "leave", "releasing"]

_SIGINT = int(_signal_module.SIGINT)


class _State:
    def __init__(self, clients: int = 0) -> None:
        # Reentrant: the stand-in handler may run on the main thread while it holds the lock.
        self.lock = threading.RLock()
        self.clients = clients  # open interruptible clients and bots
        self.token: int | None = None  # the main thread's cancel token
        self.cancelled = False  # `token` was cancelled: replace it after the call
        self.depth = 0  # calls on the main thread in progress (a callback may nest one)
        self.reader: socket.socket | None = None
        self.writer: socket.socket | None = None
        self.writer_fd = -1
        self.watcher: threading.Thread | None = None
        self.installed = False  # the stand-in and our wakeup fd are in place
        self.forward_fd = -1  # the wakeup fd set before ours, -1 for none
        # SIGINT's handler before ours (kept after ours is taken out: a
        # stand-in the program put back itself still hands the signal on).
        self.original: Any = None
        self.pending = False  # a SIGINT reached the stand-in during a call
        # The options of a call with no per-call setting, made once per token
        # (every call on the main thread passes the same; they are only read).
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

    def install(self) -> bool:
        """Puts the stand-in and our wakeup fd in front of the program's
        (main thread). False when SIGINT has no Python-level handler."""
        handler = signal.getsignal(_SIGINT)
        if not callable(handler):  # SIG_DFL, SIG_IGN, or not installed from Python
            return False
        self.ensure_started()
        try:
            signal.signal(_SIGINT, _stand_in)
        except ValueError:  # not the main thread of the main interpreter
            return False
        try:
            previous = signal.set_wakeup_fd(self.writer_fd, warn_on_full_buffer=False)
        except (ValueError, OSError):  # pragma: no cover - the main thread of a subinterpreter
            signal.signal(_SIGINT, handler)
            return False
        if not self.installed or previous != self.writer_fd:
            self.forward_fd = previous
        if handler is not _stand_in:  # the program put ours back itself: keep its own
            self.original = handler
        self.installed = True
        return True

    def uninstall(self) -> None:
        """Puts the program's handler and wakeup fd back (main thread),
        leaving alone those the program set after ours."""
        if not self.installed:
            return
        self.installed = False
        current = signal.set_wakeup_fd(-1)
        try:
            signal.set_wakeup_fd(self.forward_fd if current == self.writer_fd else current)
        except (ValueError, OSError):  # the program's fd was closed meanwhile
            pass
        if signal.getsignal(_SIGINT) is _stand_in:
            signal.signal(_SIGINT, self.original)

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
                self.options_ref = None
            self.cancelled = False


_state = _State()


_get_ident = threading.get_ident


def _on_main_thread() -> bool:
    return _get_ident() == _main_ident


def hold() -> None:
    """An interruptible client or bot was opened."""
    with _state.lock:
        _state.clients += 1


def _release() -> None:
    """An interruptible client or bot was freed: the last one puts the
    program's handler back (on the main thread; elsewhere, see the module's
    docstring)."""
    state = _state
    with state.lock:
        state.clients -= 1
        last = state.clients == 0 and state.depth == 0
    if last and _on_main_thread():
        state.uninstall()


def releasing(free: Callable[[int], Any]) -> Callable[[int], None]:
    """``free``, followed by the release of the client or bot it frees."""

    def free_and_release(address: int) -> None:
        try:
            free(address)
        finally:
            _release()

    return free_and_release


def _forward(fd: int, data: bytes) -> None:
    if fd >= 0:
        try:
            os.write(fd, data)
        except OSError:
            pass


def _watch(state: _State, reader: socket.socket) -> None:
    """Cancels the main thread's call when a SIGINT's byte arrives.

    A byte is taken from the socket and acted on under the state's lock
    (poll() waits without it), and the stand-in drains the socket under the
    same lock: so a byte of a SIGINT already handled is never left over to
    cancel the next call.
    """
    poller = select.poll()
    poller.register(reader, select.POLLIN)
    while True:
        try:
            poller.poll()
            with state.lock:
                data = reader.recv(512)
                if data and _SIGINT in data:
                    state.cancel()
        except (BlockingIOError, InterruptedError):
            continue  # the main thread drained it first
        except OSError:
            return
        if not data:
            return
        _forward(state.forward_fd, data)


def _stand_in(signum: int, frame: FrameType | None) -> None:
    """SIGINT's Python handler while a client is open: during a call, takes
    note and cancels the call; otherwise runs the program's handler."""
    state = _state
    with state.lock:
        if state.depth > 0:
            state.pending = True
            state.cancel()
            return
        # The signal's byte may still be in the socket: take it now, so
        # that it cannot cancel the next call.
        _drain(state.forward_fd)
        handler = state.original
        if state.clients == 0:  # the last client was freed off the main thread
            state.uninstall()
    if callable(handler):
        handler(signum, frame)


def leave() -> Any:
    """Ends a call begun by :func:`enter` (which returned options). Returns
    the program's SIGINT handler if a SIGINT came during the call (to be run
    by the caller with :func:`deliver`), else None."""
    state = _state
    if state.depth > 1:  # a call made from a callback of a call in progress
        state.depth -= 1
        return None
    raised: BaseException | None = None
    if state.cancelled and not state.pending:
        # A SIGINT's byte cancelled the call; Python may not have run the
        # stand-in for it yet.
        try:
            _run_pending_handlers()
        except BaseException as e:  # noqa: BLE001 - another signal's handler: re-raised below
            raised = e
    with state.lock:  # against the watcher's check-and-cancel
        state.depth -= 1
        if state.cancelled:
            state.retire_cancelled_token()
        handler = state.original if state.pending else None
        if state.pending:
            state.pending = False
            # The SIGINT's byte may still be in the socket: pass it on now.
            _drain(state.forward_fd)
    if state.clients == 0:  # the last client was freed during this call
        state.uninstall()
    if raised is not None:
        raise raised
    return handler


def _run_pending_handlers() -> None:
    """Lets Python run the signal handlers it has noted but not run yet (the
    stand-in among them): ``signal.signal`` does that first. SIGINT's
    handler is set to what it is."""
    handler = signal.getsignal(_SIGINT)
    if callable(handler) or isinstance(handler, int):
        signal.signal(_SIGINT, handler)


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


def enter(timeout_ms: int = 0, attempt_ms: int = 0) -> Any:
    """Begins a call on this thread that Ctrl-C may cancel: returns its
    ``lcbot_call_options`` (by reference, with the cancel token and the
    given settings), to be followed by :func:`leave` once the call is back.

    Returns None (nothing to do) off the main thread, when no interruptible
    client is open, or when SIGINT has no Python-level handler.
    """
    if _get_ident() != _main_ident:
        return None
    state = _state
    if state.depth > 0:  # a call from a callback of a call in progress: same token
        state.depth += 1
    else:
        if signal.getsignal(_SIGINT) is not _stand_in:
            # First call, or the program set a handler since: ours goes in front.
            if state.clients <= 0:
                state.uninstall()  # the last client was freed off the main thread
                return None
            if not state.install():
                return None
        if state.cancelled:  # an earlier call's end was cut short
            state.retire_cancelled_token()
        state.depth = 1
    if timeout_ms or attempt_ms:
        return ctypes.byref(_ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION, timeout_ms, attempt_ms, state.ensure_started()))
    options = state.options_ref
    if options is None:
        options = ctypes.byref(_ffi.CallOptions(_ffi.CALL_OPTIONS_VERSION, 0, 0, state.ensure_started()))
        state.options_ref = options
    return options


def deliver(handler: Any, error: BaseException | None) -> None:
    """Runs the program's SIGINT handler for a SIGINT that came during a call.

    ``error`` (the call's CancelledError, if it was cancelled) becomes the
    ``__context__`` of what the handler raises. Returns if the handler does.
    """
    if not callable(handler):
        return
    frame = sys._getframe(1)
    if error is None:
        handler(_SIGINT, frame)
        return
    try:
        raise error
    except BaseException:
        handler(_SIGINT, frame)


def _after_fork_in_child() -> None:
    """The child has no watcher and shares the parent's socketpair: it gets
    the program's handler and wakeup fd back, and starts afresh."""
    global _state, _main_ident
    _main_ident = threading.get_ident()  # the thread that forked is the child's main thread
    old = _state
    if old.installed:
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
    # Its clients are the child's too.
    _state = _State(clients=old.clients)


# The thread whose calls Ctrl-C interrupts (Python runs signal handlers there only).
_main_ident = threading.main_thread().ident


os.register_at_fork(after_in_child=_after_fork_in_child)
