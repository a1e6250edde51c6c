//! What the handlers and the store answer with: an API error
//! ([`ApiFailure`]), the scope check that refuses with one, and fresh ids.

use crate::emulator::config::TokenGrant;
use serde_json::{json, Value};

/// An answer the API gives as an error: HTTP status, `type`, `message`, `data`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiFailure {
    pub status: u16,
    pub error_type: String,
    pub message: String,
    /// Boxed: rare, and it keeps every `Result` of the emulator small.
    pub data: Option<Box<Value>>,
}

impl ApiFailure {
    pub fn new(status: u16, error_type: &str, message: impl Into<String>) -> Self {
        ApiFailure { status, error_type: error_type.to_owned(), message: message.into(), data: None }
    }

    /// A 400 `validation` answer saying `message`.
    pub fn validation(message: impl Into<String>) -> Self {
        ApiFailure::new(400, "validation", message)
    }

    /// The 400 `validation` answer to a request one of our checks refused.
    pub fn invalid(e: crate::Error) -> Self {
        ApiFailure::validation(e.message)
    }

    pub fn body(&self) -> Value {
        let mut error = json!({ "type": self.error_type, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = (**data).clone();
        }
        json!({ "error": error })
    }
}

/// A fresh id: 32 lowercase hex characters, like the real API's.
pub(crate) fn new_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// Refuses with 403 unless `grant` has `scope` (or its `:rw` twin).
pub(crate) fn require(grant: &TokenGrant, scope: &str) -> Result<(), ApiFailure> {
    if grant.has_scope(scope) {
        Ok(())
    } else {
        Err(ApiFailure::new(403, "authorization", format!("Missing required scope: {scope}")))
    }
}
