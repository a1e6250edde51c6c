//! What every event a bot sends shares, whatever the action that carries it
//! (`send_event`, `send_event_preview`): who sees it, and a message's size.

/// An event's `visibility` (`recipients` before v3.4).
pub const VISIBILITIES: [&str; 2] = ["all", "agents"];
/// The longest `message` text LiveChat takes, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;
