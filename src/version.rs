//! The Configuration API versions this library speaks, and what changed
//! between them for the bot actions.

use crate::error::{Error, Result};

/// A Configuration API version.
///
/// | version | body | action names | id field in remove/details | answers |
/// |---|---|---|---|---|
/// | 3.0 | `{"payload": ...}` | `*_bot_agent*` | `bot_agent_id` | wrapped objects |
/// | 3.1 | bare | `*_bot_agent*` | `bot_agent_id` | wrapped objects |
/// | 3.2 | bare | `create_bot` ... | `bot_agent_id` | wrapped objects |
/// | 3.3 to 3.6 | bare | `create_bot` ... | `id` | `{"id"}`, bare array, flat bot |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ApiVersion {
    #[default]
    V3_0,
    V3_1,
    V3_2,
    V3_3,
    V3_4,
    V3_5,
    V3_6,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 7] = [
        ApiVersion::V3_0,
        ApiVersion::V3_1,
        ApiVersion::V3_2,
        ApiVersion::V3_3,
        ApiVersion::V3_4,
        ApiVersion::V3_5,
        ApiVersion::V3_6,
    ];

    pub fn parse(s: &str) -> Result<Self> {
        ApiVersion::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            Error::validation(format!(
                "api_version: expected one of 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6; got {}",
                crate::validate::describe(&serde_json::Value::String(s.to_owned()))
            ))
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V3_0 => "3.0",
            ApiVersion::V3_1 => "3.1",
            ApiVersion::V3_2 => "3.2",
            ApiVersion::V3_3 => "3.3",
            ApiVersion::V3_4 => "3.4",
            ApiVersion::V3_5 => "3.5",
            ApiVersion::V3_6 => "3.6",
        }
    }

    /// Whether request bodies are wrapped in `{"payload": ...}` (v3.0 only).
    pub fn wraps_payload(self) -> bool {
        self == ApiVersion::V3_0
    }

    /// From v3.2 the actions are `create_bot`, `delete_bot`, `update_bot`,
    /// `list_bots` and `get_bot`.
    pub fn renames_actions(self) -> bool {
        self >= ApiVersion::V3_2
    }

    /// From v3.3 bots are named by `id`, answers are flat (`{"id"}`, a bare
    /// list, a flat bot with `avatar_path` and `owner_client_id`), and bots
    /// gain `job_title`, `work_scheduler`, `timezone`, `owner_client_id`.
    pub fn flat_bots(self) -> bool {
        self >= ApiVersion::V3_3
    }
}
