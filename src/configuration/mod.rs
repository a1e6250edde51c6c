//! LiveChat's Configuration API, the part that manages bots: the five Bot
//! Agents actions (their names, rules and answers in every version, and how
//! each version puts them on the wire), the typed models, the untyped call,
//! and the actions a bot needs beyond the five (its token and secret, the
//! webhooks registry). Everything is checked here before the `http` core
//! sends it.

pub(crate) mod actions;
pub(crate) mod bot_admin;
pub(crate) mod calls;
pub(crate) mod model;
pub(crate) mod wire;
pub(crate) mod batches;
pub(crate) mod templates;
