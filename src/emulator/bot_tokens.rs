//! The bot token table the store owns, and bot secrets: a token is valid
//! for a configured lifetime and refused once its bot's secret is reset.
//! Tokens are never logged or shown in an error. (`issue_bot_token` and
//! `reset_bot_secret` themselves are the Configuration handler's.)

use base64::Engine;
use crate::emulator::clock::unix_seconds;
use crate::http::config::Region;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

/// The default lifetime of a bot token, as LiveChat's: 24 hours.
pub(crate) const DEFAULT_LIFETIME: Duration = Duration::from_secs(86_400);

/// A fresh bot secret: 32 lowercase hex characters.
pub(crate) fn new_secret() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// What a bot token stands for.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub bot_id: String,
    pub client_id: String,
    pub region: Region,
    expires: Instant,
}

/// Why a presented token is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Unknown,
    Expired,
}

/// The tokens issued and not revoked.
#[derive(Default)]
pub(crate) struct BotTokens {
    issued: HashMap<String, IssuedToken>,
}

impl BotTokens {
    /// Issues a token for `bot_id` valid for `lifetime`; returns its text.
    pub fn issue(&mut self, bot_id: &str, client_id: &str, organization_id: &str, region: Region, lifetime: Duration) -> String {
        let now = Instant::now();
        // Forget tokens long expired; a recent one still answers "expired".
        self.issued.retain(|_, t| t.expires + Duration::from_secs(600) > now);
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let issued_at = SystemTime::now();
        let header = json!({ "alg": "HS256", "typ": "JWT" });
        let payload = json!({
            "bot_id": bot_id,
            "client_id": client_id,
            "organization_id": organization_id,
            "exp": unix_seconds(issued_at + lifetime),
            "iat": unix_seconds(issued_at),
        });
        let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
        let token = format!("{}.{}.{}", b64(header.to_string().as_bytes()), b64(payload.to_string().as_bytes()), b64(&signature));
        self.issued.insert(
            token.clone(),
            IssuedToken { bot_id: bot_id.to_owned(), client_id: client_id.to_owned(), region, expires: now + lifetime },
        );
        token
    }

    /// The token `credential`, if it was issued, is not revoked and has not expired.
    pub fn check(&self, credential: &str) -> Result<&IssuedToken, Refusal> {
        let token = self.issued.get(credential).ok_or(Refusal::Unknown)?;
        if Instant::now() >= token.expires {
            return Err(Refusal::Expired);
        }
        Ok(token)
    }

    /// Revokes every token of `bot_id` (its secret was reset, or it was removed).
    pub fn revoke_bot(&mut self, bot_id: &str) {
        self.issued.retain(|_, t| t.bot_id != bot_id);
    }
}
