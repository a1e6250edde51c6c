//! Many calls at once without a thread each: a completion queue. Any call
//! of the blocking API is submitted with a tag, runs on the background I/O
//! thread (`http::background`) through the same implementation as the
//! blocking call (its validation, retries, deadline, cancel token, token
//! provider and never-twice rule), and comes back as a [`Completion`] the
//! caller drains: by `next` with a timeout, or when the queue's eventfd
//! turns readable (poll, epoll, an asyncio loop, Go's netpoller).
//!
//! [`Completion`]: completion::Completion

pub(crate) mod completion;
pub(crate) mod operation;
