//! Client: the blocking HTTP core. It validates, shapes the body for the
//! configured version, sends with retries that never duplicate a write, and
//! turns every answer into a document or an [`Error`].

use crate::actions::{check_action_name, Action};
use crate::config::{ClientConfig, TokenType};
use crate::error::{ApiError, Error, ErrorCode, Outcome, Result};
use crate::json::parse_strict;
use crate::model::{BotAgent, BotAgentDetails, CreateBotAgent, UpdateBotAgent};
use crate::retry::{is_retryable_status, parse_retry_after};
use crate::wire::{request_to_wire, response_from_wire};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A LiveChat Configuration API client. Cheap to share: `&Client` may be used
/// from many threads at once.
#[derive(Debug)]
pub struct Client {
    http: crate::transport::Transport,
    config: ClientConfig,
    /// The five actions' URLs, parsed once (a parse costs more than the
    /// rest of the request's preparation).
    urls: Vec<(&'static str, reqwest::Url)>,
}

impl std::fmt::Debug for crate::transport::Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Transport")
    }
}

/// What one HTTP attempt gave.
enum Attempt {
    Done(Result<Value>),
    /// Failed in a way that may be tried again, after the given wait.
    Retry(Error, Option<Duration>),
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self> {
        config.check()?;
        let scheme = match config.token_type {
            TokenType::Bearer => "Bearer",
            TokenType::Basic => "Basic",
        };
        let mut auth = HeaderValue::from_str(&format!("{scheme} {}", config.token.expose()))
            .map_err(|_| Error::validation("token: contains a character not allowed in an HTTP header"))?;
        // Marked sensitive so that no Debug print of a request shows it.
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(region) = config.region {
            headers.insert("x-region", HeaderValue::from_static(region.as_str()));
        }
        let user_agent = config.user_agent.clone();
        let connect_timeout = config.connect_timeout;
        let plain_http = config.base_url.starts_with("http://");
        let http = crate::transport::Transport::new(move || {
            let builder = reqwest::Client::builder()
                .default_headers(headers.clone())
                .user_agent(user_agent.as_str())
                .connect_timeout(connect_timeout)
                // The API never redirects; following one could carry the
                // token elsewhere or turn a POST into a GET.
                .redirect(reqwest::redirect::Policy::none());
            // Every request goes to base_url: over plain http (the emulator)
            // no certificate is ever checked, so none is loaded.
            if plain_http { builder.tls_certs_only([]) } else { builder }.build()
        })
        .map_err(|e| Error::new(ErrorCode::Transport, format!("cannot build the HTTP client: {}", chain(&e))))?;
        let mut urls = Vec::with_capacity(Action::ALL.len());
        for action in Action::ALL {
            let name = action.wire_name(config.api_version);
            urls.push((name, parse_url(&action_url(&config, name))?));
        }
        Ok(Client { http, config, urls })
    }

    /// Builds a client from the config document of `lcbot_client_new`.
    pub fn from_json(config_json: &str) -> Result<Self> {
        Client::new(ClientConfig::from_json(config_json)?)
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Runs one of the five actions: validates `request` (the spec's request
    /// object) against the spec, sends it in the configured version's shape
    /// and returns the answer in the spec's (v3.0) shape, whatever the version.
    pub fn execute(&self, action: Action, request: &Value) -> Result<Value> {
        let version = self.config.api_version;
        action.validate_request(version, request)?;
        let wire = request_to_wire(action, version, request);
        match self.send(action.wire_name(version), &wire, action.is_read())? {
            // An empty answer body stands for `{}`.
            None => action.check_response(json!({})),
            Some(doc) => action.check_response(response_from_wire(action, version, doc)?),
        }
    }

    /// [`Client::execute`] on JSON text, as the C ABI uses it.
    pub fn execute_json(&self, action: Action, request_json: &str) -> Result<String> {
        let request = parse_strict(request_json, "request_json")?;
        self.execute(action, &request).map(|v| to_text(&v))
    }

    /// Sends any Configuration API action as given. Treated as a write: it is
    /// repeated only when the server surely did not act on it.
    pub fn call(&self, action: &str, payload: &Value) -> Result<Value> {
        check_action_name(action)?;
        if !payload.is_object() {
            return Err(Error::validation(format!(
                "payload_json: expected an object; got {}",
                crate::validate::describe(payload)
            )));
        }
        Ok(self.send(action, payload, false)?.unwrap_or_else(|| json!({})))
    }

    pub fn call_json(&self, action: &str, payload_json: &str) -> Result<String> {
        let payload = parse_strict(payload_json, "payload_json")?;
        self.call(action, &payload).map(|v| to_text(&v))
    }

    /// Creates a bot and returns its id.
    pub fn create_bot_agent(&self, request: &CreateBotAgent) -> Result<String> {
        let doc = self.execute(Action::CreateBotAgent, &to_value(request)?)?;
        Ok(doc["bot_agent_id"].as_str().unwrap_or_default().to_owned())
    }

    pub fn remove_bot_agent(&self, bot_agent_id: &str) -> Result<()> {
        self.execute(Action::RemoveBotAgent, &json!({ "bot_agent_id": bot_agent_id })).map(|_| ())
    }

    pub fn update_bot_agent(&self, request: &UpdateBotAgent) -> Result<()> {
        self.execute(Action::UpdateBotAgent, &to_value(request)?).map(|_| ())
    }

    pub fn get_bot_agents(&self, all: bool) -> Result<Vec<BotAgent>> {
        let mut doc = self.execute(Action::GetBotAgents, &json!({ "all": all }))?;
        from_value(doc["bot_agents"].take())
    }

    pub fn get_bot_agent_details(&self, bot_agent_id: &str) -> Result<BotAgentDetails> {
        let mut doc = self.execute(Action::GetBotAgentDetails, &json!({ "bot_agent_id": bot_agent_id }))?;
        from_value(doc["bot_agent"].take())
    }

    /// Posts `request` to `action`, retrying as the policy and `is_read`
    /// allow. `Ok(None)` is a 2xx answer with an empty body.
    fn send(&self, action: &str, request: &Value, is_read: bool) -> Result<Option<Value>> {
        let version = self.config.api_version;
        // Borrowed for the five actions; only lcbot_call's others are parsed here.
        let parsed;
        let url = match self.urls.iter().find(|(name, _)| *name == action) {
            Some((_, url)) => url,
            None => {
                parsed = parse_url(&action_url(&self.config, action))?;
                &parsed
            }
        };
        let body = if version.wraps_payload() {
            format!("{{\"payload\":{}}}", to_text(request))
        } else {
            to_text(request)
        };
        if body.len() > crate::json::MAX_INPUT_BYTES {
            return Err(Error::validation(format!(
                "request body is {} bytes; the API accepts at most {}",
                body.len(),
                crate::json::MAX_INPUT_BYTES
            )));
        }
        let policy = self.config.retry;
        // timeout_ms is the budget of the whole call: each attempt gets what
        // is left of it, and no retry starts once it is spent.
        let deadline = Instant::now() + self.config.timeout;
        let mut attempt = 1;
        loop {
            let mut left = deadline.saturating_duration_since(Instant::now());
            if let Some(cap) = self.config.attempt_timeout {
                left = left.min(cap);
            }
            match self.attempt(url, &body, is_read, left) {
                Attempt::Done(result) => {
                    return result.map(|v| (!v.is_null()).then_some(v)).map_err(|e| Error { attempts: attempt, ..e })
                }
                Attempt::Retry(error, retry_after) => {
                    let wait = policy.delay(attempt, retry_after);
                    let out_of_time = Instant::now() + wait >= deadline;
                    if attempt >= policy.max_attempts || out_of_time {
                        return Err(Error { attempts: attempt, ..error });
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    /// One HTTP round trip, classified. An empty 2xx body comes back as null.
    fn attempt(&self, url: &reqwest::Url, body: &str, is_read: bool, time_left: Duration) -> Attempt {
        let answer = match self.http.post(url.clone(), body, time_left) {
            Ok(a) => a,
            Err(crate::transport::Failure::Http(e)) => return transport_failure(&e, is_read),
            Err(crate::transport::Failure::Runtime(e)) => {
                return Attempt::Done(Err(Error::new(ErrorCode::Transport, format!("cannot start the I/O runtime: {e}"))))
            }
        };
        let status = answer.status;
        let retry_after = answer.retry_after.as_deref().and_then(parse_retry_after);
        let bytes = answer.body;
        if (200..300).contains(&status) {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Attempt::Done(Ok(Value::Null));
            }
            return Attempt::Done(
                serde_json::from_slice(&bytes)
                    .map_err(|e| Error { http_status: Some(status), ..Error::decode(format!("the answer is not JSON: {e}")) }),
            );
        }
        let error = Error::api(status, parse_api_error(&bytes));
        // 429 means the server refused before doing anything: safe for writes too.
        if status == 429 || (is_read && is_retryable_status(status)) {
            Attempt::Retry(error, retry_after)
        } else if !is_read && status >= 500 {
            // A server error may come after the write was carried out.
            Attempt::Done(Err(outcome_unknown(error)))
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// Classifies a failure of reqwest. A connect failure (refused, DNS, TLS
/// handshake) means nothing was sent, so any request may be repeated; after
/// that, only reads are, and a write's outcome is unknown.
fn transport_failure(e: &reqwest::Error, is_read: bool) -> Attempt {
    let code = if e.is_timeout() { ErrorCode::Timeout } else { ErrorCode::Transport };
    let never_sent = e.is_connect();
    let error = Error::new(code, chain(e));
    if never_sent || is_read {
        Attempt::Retry(error, None)
    } else {
        Attempt::Done(Err(outcome_unknown(error)))
    }
}

/// Marks a failed write that may have been applied anyway.
fn outcome_unknown(mut error: Error) -> Error {
    error.outcome = Some(Outcome::Unknown);
    error.message.push_str("; the write may have been applied: check with a read before repeating it");
    error
}

/// An error and its causes, joined: reqwest's own text is too terse.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// Reads `{"error": {"type", "message", "data"}}`; anything else is `None`.
fn parse_api_error(bytes: &[u8]) -> Option<ApiError> {
    let doc: Value = serde_json::from_slice(bytes).ok()?;
    let e = doc.get("error")?;
    Some(ApiError {
        error_type: e.get("type")?.as_str()?.to_owned(),
        message: e.get("message").and_then(Value::as_str).unwrap_or_default().to_owned(),
        data: e.get("data").cloned(),
    })
}

fn action_url(config: &ClientConfig, action: &str) -> String {
    format!("{}/v{}/configuration/action/{action}", config.base_url, config.api_version.as_str())
}

fn parse_url(text: &str) -> Result<reqwest::Url> {
    reqwest::Url::parse(text).map_err(|e| Error::validation(format!("base_url: cannot form an action URL ({e})")))
}

/// JSON text of a value (serde's writer; faster than `Display`).
fn to_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::validation(e.to_string()))
}

fn from_value<T: DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| Error::decode(format!("the answer does not match the model: {e}")))
}
