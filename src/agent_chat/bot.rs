//! Bot: the Agent Chat Web API as one bot, right in every version.
//!
//! How a request names the bot changes with the version, and is decided
//! once, when the handle is made:
//! - v3.0: the creator's token, and `author_id` beside the wrapped payload;
//! - v3.1 to v3.4 (and v3.5 without a secret): the creator's token and an
//!   `X-Author-Id` header;
//! - v3.6 (and v3.5 with a secret): the bot's own token from
//!   `issue_bot_token`, kept in memory only, renewed before it expires and
//!   once after LiveChat refuses it, by one thread at a time.
//!
//! Nothing about the bot is mutable state shared with the client: many
//! bots may use one client, and many threads one bot.

use base64::Engine;
use crate::agent_chat::actions::{status_with_spaces, ChatAction};
use crate::agent_chat::model::{Chat, ChatPage, RoutingStatus};
use crate::configuration::actions::{check_untyped_call, Action};
use crate::configuration::bot_admin::AdminAction;
use crate::error::{Error, ErrorCode, Result};
use crate::http::cancel::CallOptions;
use crate::http::client::{cancelled, Api, Authorizer, BoxFuture, Client, Outgoing};
use crate::http::transport::Io;
use crate::json::{from_answer as from_value, parse_strict};
use crate::secret::Secret;
use crate::validate::object;
use crate::version::ApiVersion;
use reqwest::header::HeaderValue;
use serde_json::{json, Value};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A bot token lives 24 hours unless it says otherwise.
const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Who the bot is: its id, and for bot tokens its secret, its owner
/// application's client id and the organization.
#[derive(Debug, Clone)]
pub struct BotIdentity {
    /// The bot's id.
    pub bot_agent_id: String,
    /// The bot's secret (v3.5+): with it the bot gets a token of its own.
    pub bot_secret: Option<Secret>,
    /// The client id of the application that owns the bot (with a secret).
    pub client_id: Option<String>,
    /// The license's organization id (with a secret).
    pub organization_id: Option<String>,
}

impl BotIdentity {
    /// A bot named by id alone (v3.0 to v3.5).
    pub fn new(bot_agent_id: impl Into<String>) -> Self {
        BotIdentity { bot_agent_id: bot_agent_id.into(), bot_secret: None, client_id: None, organization_id: None }
    }

    /// A bot that gets its own token (v3.5+; required on v3.6).
    pub fn with_secret(
        bot_agent_id: impl Into<String>,
        bot_secret: Secret,
        client_id: impl Into<String>,
        organization_id: impl Into<String>,
    ) -> Self {
        BotIdentity {
            bot_agent_id: bot_agent_id.into(),
            bot_secret: Some(bot_secret),
            client_id: Some(client_id.into()),
            organization_id: Some(organization_id.into()),
        }
    }

    /// `{"bot_agent_id", "bot_secret"?, "client_id"?, "organization_id"?}`.
    pub fn from_json(text: &str) -> Result<Self> {
        let doc = parse_strict(text, "identity_json")?;
        let o = object(&doc, "identity_json")?;
        o.only(&["bot_agent_id", "bot_secret", "client_id", "organization_id"])?;
        let text = |key: &str| -> Result<Option<String>> {
            match o.opt_str(key)? {
                Some("") => Err(Error::validation(format!("identity_json.{key}: must not be empty"))),
                other => Ok(other.map(str::to_owned)),
            }
        };
        let bot_agent_id = text("bot_agent_id")?.ok_or_else(|| Error::validation("identity_json.bot_agent_id: required"))?;
        Ok(BotIdentity {
            bot_agent_id,
            bot_secret: text("bot_secret")?.map(Secret::new),
            client_id: text("client_id")?,
            organization_id: text("organization_id")?,
        })
    }
}

/// How requests name the bot (see the module's notes).
enum BotAuth {
    AuthorInBody,
    AuthorHeader(HeaderValue),
    Token(BotToken),
}

/// One bot acting through a client. `&Bot` may be used from many threads.
pub struct Bot {
    client: Arc<Client>,
    id: String,
    auth: BotAuth,
    /// The typed actions' URLs in the client's version, parsed once.
    urls: Vec<(ChatAction, reqwest::Url)>,
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match self.auth {
            BotAuth::AuthorInBody => "author_id",
            BotAuth::AuthorHeader(_) => "X-Author-Id",
            BotAuth::Token(_) => "bot token",
        };
        f.debug_struct("Bot").field("id", &self.id).field("auth", &auth).finish_non_exhaustive()
    }
}

impl Bot {
    /// A bot acting through `client` (kept alive by the bot) in the
    /// client's API version.
    pub fn new(client: Arc<Client>, identity: BotIdentity) -> Result<Bot> {
        let version = client.config().api_version;
        let BotIdentity { bot_agent_id: id, bot_secret, client_id, organization_id } = identity;
        if id.is_empty() {
            return Err(Error::validation("bot_agent_id: must not be empty"));
        }
        let auth = match (version, bot_secret) {
            (v, Some(_)) if v < ApiVersion::V3_5 => {
                return Err(Error::validation(format!(
                    "bot_secret: bot tokens exist from API v3.5; on v{} the bot is named by its id alone",
                    v.as_str()
                )))
            }
            (ApiVersion::V3_6, None) => {
                return Err(Error::validation(
                    "bot_secret: required on API v3.6, where a bot acts only with its own token (issue_bot_token)",
                ))
            }
            (_, Some(secret)) => {
                let need = |v: Option<String>, key: &str| {
                    v.ok_or_else(|| Error::validation(format!("{key}: required with bot_secret (issue_bot_token needs it)")))
                };
                let client_id = need(client_id, "client_id")?;
                let organization_id = need(organization_id, "organization_id")?;
                BotAuth::Token(BotToken::new(&id, &client_id, secret, &organization_id))
            }
            (ApiVersion::V3_0, None) => BotAuth::AuthorInBody,
            (_, None) => BotAuth::AuthorHeader(
                HeaderValue::from_str(&id).map_err(|_| Error::validation("bot_agent_id: not a valid header value"))?,
            ),
        };
        let mut urls = Vec::new();
        for action in ChatAction::ALL {
            if let Some(name) = action.wire_name(version) {
                urls.push((action, client.url(Api::AgentChat, name)?));
            }
        }
        Ok(Bot { client, id, auth, urls })
    }

    /// [`Bot::new`] from the identity document of `lcbot_bot_new`.
    pub fn from_json(client: Arc<Client>, identity_json: &str) -> Result<Bot> {
        Bot::new(client, BotIdentity::from_json(identity_json)?)
    }

    /// The bot's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client the bot acts through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs a typed action: `request` in today's (v3.6) shape, checked,
    /// sent in the client's version, and answered in today's shape.
    pub fn execute_with(&self, action: ChatAction, request: &Value, options: &CallOptions) -> Result<Value> {
        self.client.block_on(|io| async move { self.execute_on(action, request, options, &io).await })
    }

    /// [`Bot::execute_with`] through `io`: the one implementation of the
    /// blocking call and of the queued one.
    pub(crate) async fn execute_on(&self, action: ChatAction, request: &Value, options: &CallOptions, io: &Io) -> Result<Value> {
        let version = self.client.config().api_version;
        action.validate_request(version, request)?;
        if action == ChatAction::SetRoutingStatus && version < ApiVersion::V3_2 {
            // v3.0/3.1 have no set_routing_status: the bot's status is a field of the bot.
            let agent = request.get("agent_id").and_then(Value::as_str).unwrap_or(&self.id);
            let status = status_with_spaces(request["status"].as_str().unwrap_or_default());
            let update = json!({ "id": agent, "status": status });
            return self.client.execute_on(Action::UpdateBotAgent, &update, options, io).await.map(|_| json!({}));
        }
        let url = match self.urls.iter().find(|(a, _)| *a == action) {
            Some((_, url)) => url,
            None => return Err(Error::validation(format!("{}: not in API v{}", action.name(), version.as_str()))),
        };
        let wire = action.request_to_wire(version, request.clone(), &self.id);
        let answer = self.send(url, &wire, action.is_read(), options, io).await?;
        action.response_from_wire(version, answer.unwrap_or_else(|| json!({})))
    }

    /// [`Bot::execute_with`] on JSON text, as the C ABI uses it.
    pub fn execute_json_with(&self, action: ChatAction, request_json: &str, options: &CallOptions) -> Result<String> {
        let request = parse_strict(request_json, "request_json")?;
        self.execute_with(action, &request, options).map(|v| v.to_string())
    }

    /// Any Agent Chat action as this bot, sent as given in the client's
    /// version (no renaming) and answered as received (`{}` for an empty
    /// body). Treated as a write: repeated only when surely not applied.
    pub fn call_with(&self, action: &str, payload: &Value, options: &CallOptions) -> Result<Value> {
        self.client.block_on(|io| async move { self.call_on(action, payload, options, &io).await })
    }

    /// [`Bot::call_with`] through `io`.
    pub(crate) async fn call_on(&self, action: &str, payload: &Value, options: &CallOptions, io: &Io) -> Result<Value> {
        check_untyped_call(action, payload)?;
        let url = self.client.url(Api::AgentChat, action)?;
        Ok(self.send(&url, payload, false, options, io).await?.unwrap_or_else(|| json!({})))
    }

    /// [`Bot::call_with`] on JSON text, as the C ABI uses it.
    pub fn call_json_with(&self, action: &str, payload_json: &str, options: &CallOptions) -> Result<String> {
        let payload = parse_strict(payload_json, "payload_json")?;
        self.call_with(action, &payload, options).map(|v| v.to_string())
    }

    /// Sets the bot's routing status (`accepting_chats`, `not_accepting_chats`, `offline`).
    pub fn set_routing_status(&self, status: &str) -> Result<()> {
        self.execute(ChatAction::SetRoutingStatus, json!({ "status": status })).map(|_| ())
    }

    /// Sends a text message to a chat; returns the event id.
    pub fn send_message(&self, chat_id: &str, text: &str) -> Result<String> {
        self.send_event(chat_id, json!({ "type": "message", "text": text, "visibility": "all" }))
    }

    /// Sends an event (`message`, `rich_message` or `system_message`); returns its id.
    pub fn send_event(&self, chat_id: &str, event: Value) -> Result<String> {
        let doc = self.execute(ChatAction::SendEvent, json!({ "chat_id": chat_id, "event": event }))?;
        Ok(doc["event_id"].as_str().unwrap_or_default().to_owned())
    }

    /// One page of chats; `request` holds `filters`, `sort_order`, `limit`
    /// or the `page_id` of a previous page.
    pub fn list_chats(&self, request: Value) -> Result<ChatPage> {
        from_value(self.execute(ChatAction::ListChats, request)?)
    }

    /// A chat with one thread (the latest when `thread_id` is `None`).
    pub fn get_chat(&self, chat_id: &str, thread_id: Option<&str>) -> Result<Chat> {
        let mut request = json!({ "chat_id": chat_id });
        if let Some(thread) = thread_id {
            request["thread_id"] = json!(thread);
        }
        from_value(self.execute(ChatAction::GetChat, request)?)
    }

    /// Transfers a chat: `target` is `{"type": "group"|"agent", "ids": [...]}`,
    /// or `None` for another agent of the chat's group.
    pub fn transfer_chat(&self, chat_id: &str, target: Option<Value>) -> Result<()> {
        let mut request = json!({ "id": chat_id });
        if let Some(target) = target {
            request["target"] = target;
        }
        self.execute(ChatAction::TransferChat, request).map(|_| ())
    }

    /// Ends chat `chat_id` (`deactivate_chat`).
    pub fn deactivate_chat(&self, chat_id: &str) -> Result<()> {
        self.execute(ChatAction::DeactivateChat, json!({ "id": chat_id })).map(|_| ())
    }

    /// The routing status of every agent and bot (of `group_ids`, when given).
    pub fn list_routing_statuses(&self, group_ids: Option<&[u64]>) -> Result<Vec<RoutingStatus>> {
        let request = match group_ids {
            Some(ids) => json!({ "filters": { "group_ids": ids } }),
            None => json!({}),
        };
        from_value(self.execute(ChatAction::ListRoutingStatuses, request)?)
    }

    fn execute(&self, action: ChatAction, request: Value) -> Result<Value> {
        self.execute_with(action, &request, &CallOptions::default())
    }

    async fn send(
        &self,
        url: &reqwest::Url,
        request: &Value,
        is_read: bool,
        options: &CallOptions,
        io: &Io,
    ) -> Result<Option<Value>> {
        let client = &*self.client;
        let credentials = client.credentials();
        let out = match &self.auth {
            BotAuth::AuthorInBody => {
                Outgoing { url, body: client.body(request, Some(&self.id)), is_read, author: None, auth: credentials }
            }
            BotAuth::AuthorHeader(author) => {
                Outgoing { url, body: client.body(request, None), is_read, author: Some(author), auth: credentials }
            }
            BotAuth::Token(token) => {
                let auth = TokenAuth { client, token };
                let out = Outgoing { url, body: client.body(request, None), is_read, author: None, auth: &auth };
                return client.dispatch(out, options, io).await;
            }
        };
        client.dispatch(out, options, io).await
    }
}

/// A bot token in use, and when to get the next one.
struct Issued {
    /// `Bearer <token>`, marked sensitive.
    header: HeaderValue,
    generation: u64,
    renew_at: Instant,
}

/// The bot's own token: issued on first use, shared by every thread.
struct BotToken {
    /// The `issue_bot_token` request; holds the secret.
    request: Value,
    current: RwLock<Option<Issued>>,
    /// Held while a token is issued: one renewal at a time. An async lock:
    /// a queued call waits for it without holding the I/O thread.
    renewing: tokio::sync::Mutex<()>,
}

impl BotToken {
    fn new(bot_id: &str, client_id: &str, secret: Secret, organization_id: &str) -> Self {
        let request = json!({
            "bot_id": bot_id, "client_id": client_id, "bot_secret": secret.expose(), "organization_id": organization_id,
        });
        BotToken { request, current: RwLock::new(None), renewing: tokio::sync::Mutex::new(()) }
    }

    /// The token in use, if it is not due for renewal (and, after a refusal,
    /// newer than the refused one).
    fn usable(&self, refused: Option<u64>) -> Option<(HeaderValue, u64)> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        let issued = current.as_ref()?;
        let fresh = Instant::now() < issued.renew_at && refused.is_none_or(|g| g != issued.generation);
        fresh.then(|| (issued.header.clone(), issued.generation))
    }

    /// Issues a new token unless another thread did while this one waited.
    async fn renew(&self, client: &Client, refused: Option<u64>, options: &CallOptions, io: &Io) -> Result<(HeaderValue, u64)> {
        let _one_at_a_time = self.wait_turn(client, options).await?;
        if let Some(fresh) = self.usable(refused) {
            return Ok(fresh);
        }
        let mut doc = client.execute_checked_on(AdminAction::IssueBotToken, &self.request, options, io).await?;
        let token = doc["token"].take();
        let token = token.as_str().unwrap_or_default();
        let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| Error::decode("issue_bot_token: the token is not a valid header value"))?;
        header.set_sensitive(true);
        let renew_at = Instant::now() + renewal_delay(token);
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        let generation = current.as_ref().map_or(0, |i| i.generation) + 1;
        *current = Some(Issued { header: header.clone(), generation, renew_at });
        Ok((header, generation))
    }
}

impl BotToken {
    /// The renewal lock, waited for no longer than this call may wait:
    /// another call's renewal (a slow `issue_bot_token`) must not hold a
    /// call past its own timeout, nor after its cancel token fired.
    async fn wait_turn(&self, client: &Client, options: &CallOptions) -> Result<tokio::sync::MutexGuard<'_, ()>> {
        let budget = options.timeout.unwrap_or(client.config().timeout);
        let turn = tokio::time::timeout(budget, self.renewing.lock());
        let turn = match &options.cancel {
            None => turn.await,
            Some(token) => tokio::select! {
                turn = turn => turn,
                _ = token.cancelled() => return Err(cancelled(false)),
            },
        };
        turn.map_err(|_| Error::new(ErrorCode::Timeout, "timed out waiting for the bot token another call is renewing"))
    }
}

/// A bot token as the source of a request's Authorization header.
struct TokenAuth<'a> {
    client: &'a Client,
    token: &'a BotToken,
}

impl Authorizer for TokenAuth<'_> {
    fn ready(&self) -> Option<(HeaderValue, u64)> {
        self.token.usable(None)
    }

    fn fetch<'a>(&'a self, options: &'a CallOptions, io: &'a Io) -> BoxFuture<'a, Result<(HeaderValue, u64)>> {
        Box::pin(self.token.renew(self.client, None, options, io))
    }

    fn renew<'a>(&'a self, refused: u64, options: &'a CallOptions, io: &'a Io) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move { self.token.renew(self.client, Some(refused), options, io).await.map(|_| true) })
    }
}

/// How long to use a token before getting the next: nine tenths of its
/// life, read from the `exp` claim when the token is a JWT (as LiveChat's
/// are), else of 24 hours.
fn renewal_delay(token: &str) -> Duration {
    let life = jwt_expiry(token)
        .map(|exp| {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64();
            Duration::from_secs_f64((exp - now).clamp(0.0, TOKEN_LIFETIME.as_secs_f64()))
        })
        .unwrap_or(TOKEN_LIFETIME);
    life.mul_f64(0.9)
}

/// The `exp` claim (seconds since the epoch) of a JWT; `None` for any other token.
fn jwt_expiry(token: &str) -> Option<f64> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64().filter(|e| e.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: Value) -> String {
        let part = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.sig", part(&json!({"alg": "none"})), part(&claims))
    }

    #[test]
    fn a_token_is_renewed_at_nine_tenths_of_its_life() {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
        let d = renewal_delay(&jwt(json!({"exp": now + 100.0})));
        assert!(d <= Duration::from_secs(90) && d >= Duration::from_secs(89), "{d:?}");
        assert_eq!(renewal_delay(&jwt(json!({"exp": now - 5.0}))), Duration::ZERO);
        assert_eq!(renewal_delay("opaque-token"), TOKEN_LIFETIME.mul_f64(0.9));
        assert_eq!(renewal_delay(&jwt(json!({"sub": "x"}))), TOKEN_LIFETIME.mul_f64(0.9));
    }

    #[test]
    fn identities_are_checked() {
        let e = BotIdentity::from_json(r#"{"bot_secret": "s"}"#).unwrap_err();
        assert!(e.message.contains("bot_agent_id"), "{}", e.message);
        let e = BotIdentity::from_json(r#"{"bot_agent_id": "b", "token": "t"}"#).unwrap_err();
        assert!(e.message.contains("token"), "{}", e.message);
        let id = BotIdentity::from_json(r#"{"bot_agent_id": "b", "bot_secret": "s3cr3t"}"#).unwrap();
        assert!(!format!("{id:?}").contains("s3cr3t"));
    }
}
