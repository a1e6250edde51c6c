//! Bot secrets and the bot tokens `issue_bot_token` makes from them: issued
//! for a bot with its current secret, valid for a configured lifetime,
//! refused after `reset_bot_secret`. Tokens are never logged or shown in
//! an error.

use crate::http::config::Region;
use crate::emulator::clock::unix_seconds;
use base64::Engine;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

/// The default lifetime of a bot token, as LiveChat's: 24 hours.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(86_400);

/// A fresh bot secret: 32 lowercase hex characters.
pub fn new_secret() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// What a bot token stands for.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub bot_id: String,
    pub client_id: String,
    pub region: Region,
    expires: Instant,
}

/// Why a presented token is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Expired,
}

/// The tokens issued and not revoked.
#[derive(Default)]
pub struct BotTokens {
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

use crate::emulator::config::TokenGrant;
use crate::emulator::failure::{require, ApiFailure};
use crate::emulator::store::Store;
use crate::validate::object;

fn invalid(e: crate::Error) -> ApiFailure {
    ApiFailure::new(400, "validation", e.message)
}

/// `issue_bot_token {bot_id, client_id, bot_secret, organization_id}` ->
/// `{"token"}`. Needs no scope; the secret must be the bot's current one.
pub fn issue_bot_token(store: &mut Store, grant: &TokenGrant, request: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    let o = object(request, "").map_err(invalid)?;
    o.only(&["bot_id", "client_id", "bot_secret", "organization_id"]).map_err(invalid)?;
    let bot_id = o.req_str("bot_id").map_err(invalid)?;
    let client_id = o.req_str("client_id").map_err(invalid)?;
    let secret = o.req_str("bot_secret").map_err(invalid)?;
    let organization_id = o.req_str("organization_id").map_err(invalid)?;
    let owner = store.bot_owner(bot_id).ok_or_else(|| ApiFailure::new(404, "not_found", format!("Bot {bot_id} not found")))?;
    if owner != client_id {
        return Err(ApiFailure::new(403, "authorization", "client_id: the bot is not owned by this client"));
    }
    let current = store.bot_secret(bot_id).unwrap_or_default();
    if !bool::from(subtle::ConstantTimeEq::ct_eq(current.as_bytes(), secret.as_bytes())) {
        return Err(ApiFailure::new(403, "authorization", "Invalid bot secret"));
    }
    if organization_id != store.organization_id {
        return Err(ApiFailure::new(403, "authorization", "organization_id: not the organization of this license"));
    }
    let lifetime = store.bot_token_lifetime;
    let organization = store.organization_id.clone();
    let token = store.bot_tokens.issue(bot_id, client_id, &organization, grant.region, lifetime);
    Ok(json!({ "token": token }))
}

/// `reset_bot_secret {id, owner_client_id?}` -> `{"secret"}`: a new secret,
/// and every token issued for the bot refused from now on.
pub fn reset_bot_secret(store: &mut Store, grant: &TokenGrant, is_pat: bool, request: &serde_json::Value) -> Result<serde_json::Value, ApiFailure> {
    let o = object(request, "").map_err(invalid)?;
    o.only(&["id", "owner_client_id"]).map_err(invalid)?;
    let id = o.req_str("id").map_err(invalid)?;
    let owner_client_id = if o.get("owner_client_id").is_some() { Some(o.req_str("owner_client_id").map_err(invalid)?) } else { None };
    if is_pat && owner_client_id.is_none() {
        return Err(ApiFailure::new(400, "validation", "owner_client_id: required when authorizing with a personal access token"));
    }
    require(grant, crate::configuration::actions::SCOPE_MY_RW)?;
    let owner = store.bot_owner(id).ok_or_else(|| ApiFailure::new(404, "not_found", format!("Bot {id} not found")))?;
    if owner_client_id.is_some_and(|o| o != owner) {
        return Err(ApiFailure::new(403, "authorization", "owner_client_id: the bot is not owned by this client"));
    }
    if owner != grant.client_id {
        require(grant, crate::configuration::actions::SCOPE_ALL_RW)?;
    }
    let secret = store.reset_secret(id).unwrap_or_default();
    Ok(json!({ "secret": secret }))
}
