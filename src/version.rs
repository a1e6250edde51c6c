//! The Configuration API versions this library speaks.

use crate::error::{Error, Result};

/// A Configuration API version. v3.0 (the spec) wraps every request body in
/// `{"payload": ...}`; v3.1 sends the same fields bare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiVersion {
    V3_0,
    V3_1,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 2] = [ApiVersion::V3_0, ApiVersion::V3_1];

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "3.0" => Ok(ApiVersion::V3_0),
            "3.1" => Ok(ApiVersion::V3_1),
            other => Err(Error::validation(format!(
                "api_version: expected one of 3.0, 3.1; got {}",
                crate::validate::describe(&serde_json::Value::String(other.to_owned()))
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V3_0 => "3.0",
            ApiVersion::V3_1 => "3.1",
        }
    }

    /// Whether request bodies are wrapped in `{"payload": ...}`.
    pub fn wraps_payload(self) -> bool {
        self == ApiVersion::V3_0
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        ApiVersion::V3_0
    }
}
