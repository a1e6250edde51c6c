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
    /// 3.0: the spec's shapes; bodies wrapped in `payload`.
    #[default]
    V3_0,
    /// 3.1: bodies unwrapped; a bot named by `X-Author-Id`.
    V3_1,
    /// 3.2: renamed actions (`create_bot`, ...), `default_group_priority`.
    V3_2,
    /// 3.3: routing status and webhooks move out of the bot; `owner_client_id`.
    V3_3,
    /// 3.4.
    V3_4,
    /// 3.5: bot secrets and bot tokens (`issue_bot_token`).
    V3_5,
    /// 3.6: the bot's `type`; a bot acts only with its own token.
    V3_6,
}

impl ApiVersion {
    /// Every version, oldest first.
    pub const ALL: [ApiVersion; 7] = [
        ApiVersion::V3_0,
        ApiVersion::V3_1,
        ApiVersion::V3_2,
        ApiVersion::V3_3,
        ApiVersion::V3_4,
        ApiVersion::V3_5,
        ApiVersion::V3_6,
    ];

    /// Reads `"3.0"` to `"3.6"`; anything else is a validation error naming the versions.
    pub fn parse(s: &str) -> Result<Self> {
        ApiVersion::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            Error::validation(format!(
                "api_version: expected one of 3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6; got {}",
                crate::validate::describe(&serde_json::Value::String(s.to_owned()))
            ))
        })
    }

    /// `"3.0"` to `"3.6"`, as in the URL.
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
