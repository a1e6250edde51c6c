//! SIGPIPE around the library's writes. A write into a connection whose
//! peer has gone raises SIGPIPE, and its default action ends the process.
//! Rust programs ignore it and Python and Go handle it, but a C program
//! usually keeps the default, and over TLS such writes are ordinary: closing
//! a connection writes a close_notify, maybe after the server has gone.
//!
//! So a thread that makes a blocking call over TLS blocks SIGPIPE while the
//! call runs and takes one raised meanwhile off the thread before unblocking
//! it: the write just fails with EPIPE (as libpq does it). That costs three
//! system calls per call (block, take, restore). Over plain HTTP no guard is
//! set: there the only write is the request, and a connection the server
//! closed fails it with a reset, not a second write. The library's own
//! threads (the queue's I/O thread, the emulator's) keep SIGPIPE blocked for
//! good. The process's disposition is never changed.

use std::mem::MaybeUninit;

/// SIGPIPE blocked on this thread until dropped (a no-op when the thread
/// had it blocked already).
///
/// None can be pending when the guard starts: the thread did not block it,
/// so one would have been delivered. One pending at the end was raised
/// while the guard held, by this call's writes (or sent to the process in
/// that time, which a thread blocking it takes as well): it is taken.
pub(crate) struct SigpipeBlocked {
    old: libc::sigset_t,
}

fn sigpipe_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set before sigaddset reads it.
    unsafe {
        let mut set = MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), libc::SIGPIPE);
        set.assume_init()
    }
}

impl SigpipeBlocked {
    /// Blocks SIGPIPE on the calling thread.
    pub(crate) fn new() -> Option<SigpipeBlocked> {
        let set = sigpipe_set();
        let mut old = MaybeUninit::<libc::sigset_t>::uninit();
        // SAFETY: valid sets; pthread_sigmask fills `old` when it succeeds.
        let old = unsafe {
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, old.as_mut_ptr()) != 0 {
                return None;
            }
            old.assume_init()
        };
        // SAFETY: `old` is initialised.
        if unsafe { libc::sigismember(&old, libc::SIGPIPE) } == 1 {
            return None;
        }
        Some(SigpipeBlocked { old })
    }
}

impl Drop for SigpipeBlocked {
    fn drop(&mut self) {
        // One system call whether or not one is pending (EAGAIN when none):
        // asking first (sigpending) would cost one more on every call.
        let set = sigpipe_set();
        let now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: valid set and timeout; the signal's info is not wanted.
        while unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &now) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
        {}
        // SAFETY: restores the mask this guard saved.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut()) };
    }
}

/// Blocks SIGPIPE on the calling thread for good (the library's own threads).
pub(crate) fn block_on_this_thread() {
    std::mem::forget(SigpipeBlocked::new());
}
