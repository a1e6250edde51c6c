//! LiveChat's Agent Chat Web API as one bot uses it: the [`Bot`] handle
//! (who it acts as, its token, in every version), its actions (their names,
//! rules and wire shapes per version) and the chat documents it reads.
//! A bot gets its token through the `configuration` room and sends through
//! the `http` core.
//!
//! [`Bot`]: bot::Bot

pub(crate) mod actions;
pub(crate) mod bot;
pub(crate) mod model;
pub(crate) mod conversation;
pub(crate) mod events;
pub(crate) mod rich_message;
