//! What LiveChat POSTs to a bot: [`verify`] checks the secret and reads the
//! body of any API version into one document, [`event`] types the actions a
//! bot lives on and answers the POST. Needs no client: a webhook receiver
//! may run where no token is.
//!
//! [`verify`]: verify::verify

pub(crate) mod event;
pub(crate) mod verify;
