//! Client: the blocking HTTP core. It sends a request the API rooms have
//! checked and shaped, with retries that never duplicate a write and one
//! renewal of refused credentials, and turns every answer into a document or
//! an [`Error`]. The actions themselves are methods added by the rooms
//! (`configuration::calls`, and `agent_chat::bot` for a bot's own calls).

use crate::error::{ApiError, Error, ErrorCode, Outcome, Result};
use crate::http::cancel::CallOptions;
use crate::http::config::{ClientConfig, TokenType};
use crate::http::credentials::{Credentials, TokenProvider};
use crate::http::notice::Notices;
use crate::http::retry::{is_retryable_status, parse_retry_after};
use crate::http::transport::{Failure, Io};
use crate::json::to_text;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A LiveChat Configuration API client. Cheap to share: `&Client` may be used
/// from many threads at once.
#[derive(Debug)]
pub struct Client {
    http: crate::http::transport::Transport,
    config: ClientConfig,
    /// The five actions' URLs (see [`Client::build`]), parsed once.
    urls: Vec<(&'static str, reqwest::Url)>,
    /// The Authorization header, replaceable while calls are in flight
    /// (shared with a queued call's token provider run).
    credentials: Arc<Credentials>,
    notices: Notices,
}

impl std::fmt::Debug for crate::http::transport::Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Transport")
    }
}

/// The two LiveChat APIs a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Configuration,
    AgentChat,
}

/// A request ready to go: where, what, and on whose behalf.
pub(crate) struct Outgoing<'a> {
    pub url: &'a reqwest::Url,
    pub body: String,
    /// Reads are retried after any failure; writes only when surely not applied.
    pub is_read: bool,
    /// `X-Author-Id`: the bot a creator's token acts as (v3.1-v3.5).
    pub author: Option<&'a HeaderValue>,
    pub auth: &'a (dyn Authorizer + Sync),
}

/// A future boxed, for the few awaits that may recurse (a bot's token is
/// issued by a call of its own) or that a trait object makes.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the Authorization header comes from: the client's credentials, or
/// a bot's own token.
pub(crate) trait Authorizer {
    /// The header to send now and its generation, when there is one without
    /// waiting (the fast path of every call).
    fn ready(&self) -> Option<(HeaderValue, u64)>;
    /// The header to send when `ready` had none: got now (a bot's token).
    fn fetch<'a>(&'a self, options: &'a CallOptions, io: &'a Io) -> BoxFuture<'a, Result<(HeaderValue, u64)>>;
    /// After the header of `failed` was refused: `Ok(true)` when a newer one
    /// is in place (renewed by this call or by another meanwhile), `Ok(false)`
    /// when there is nothing to renew with, `Err` when renewing failed.
    fn renew<'a>(&'a self, failed: u64, options: &'a CallOptions, io: &'a Io) -> BoxFuture<'a, Result<bool>>;
}

impl Authorizer for Arc<Credentials> {
    fn ready(&self) -> Option<(HeaderValue, u64)> {
        Some(self.current())
    }

    fn fetch<'a>(&'a self, _: &'a CallOptions, _: &'a Io) -> BoxFuture<'a, Result<(HeaderValue, u64)>> {
        Box::pin(std::future::ready(Ok(self.current())))
    }

    fn renew<'a>(&'a self, failed: u64, options: &'a CallOptions, io: &'a Io) -> BoxFuture<'a, Result<bool>> {
        // The provider is the user's and may block: `Io::blocking` keeps it
        // off the I/O thread of queued calls.
        let credentials = Arc::clone(self);
        Box::pin(async move {
            match io.blocking(move || credentials.refresh(failed), options.cancel.as_ref()).await {
                Ok(renewed) => Ok(renewed),
                Err(Failure::Cancelled) => Err(cancelled(false)),
                Err(_) => Ok(false),
            }
        })
    }
}

/// What one HTTP attempt gave.
enum Attempt {
    Done(Result<Value>),
    /// Failed in a way that may be tried again, after the given wait.
    Retry(Error, Option<Duration>),
    /// LiveChat refused the credentials: worth one more try with new ones.
    Unauthenticated(Error),
}

impl Client {
    /// A client for `config`, with the URLs of `hot_actions` (Configuration
    /// API action names in the configured version) parsed once: a parse
    /// costs more than the rest of a request's preparation.
    pub(crate) fn build(config: ClientConfig, hot_actions: impl Iterator<Item = &'static str>) -> Result<Self> {
        config.check()?;
        let credentials = Arc::new(Credentials::new(config.token.expose(), config.token_type)?);
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(region) = config.region {
            headers.insert("x-region", HeaderValue::from_static(region.as_str()));
        }
        let user_agent = config.user_agent.clone();
        let connect_timeout = config.connect_timeout;
        // Over plain http (the emulator) no certificate is ever checked, so
        // no roots are loaded; over https one TLS configuration (roots,
        // session cache) serves every thread's connections.
        let https = !config.base_url.starts_with("http://");
        let tls = if https {
            crate::http::tls::client_config(config.ca_pem.as_deref())?
        } else {
            crate::http::tls::no_roots_config()?
        };
        let http = crate::http::transport::Transport::new(https, move || {
            let builder = reqwest::Client::builder()
                .default_headers(headers.clone())
                .user_agent(user_agent.as_str())
                .connect_timeout(connect_timeout)
                // The API never redirects; following one could carry the
                // token elsewhere or turn a POST into a GET.
                .redirect(reqwest::redirect::Policy::none());
            builder.tls_backend_preconfigured(tls.clone()).build()
        })
        .map_err(|e| Error::new(ErrorCode::Transport, format!("cannot build the HTTP client: {}", chain(&e))))?;
        let notices = Notices::new(config.api_version);
        let mut client = Client { http, config, urls: Vec::new(), credentials, notices };
        for name in hot_actions {
            let url = client.url(Api::Configuration, name)?;
            client.urls.push((name, url));
        }
        Ok(client)
    }

    /// Replaces the token for the calls that start from now on; calls in
    /// flight finish with the one they started with.
    pub fn set_credentials(&self, token: &str, token_type: TokenType) -> Result<()> {
        self.credentials.replace(token, token_type)
    }

    /// Sets (or with `None` removes) the function asked for a new token when
    /// LiveChat answers `authentication`: at most once per call, one at a
    /// time, and once for all the calls that failed with the same token.
    pub fn set_token_provider(&self, provider: Option<TokenProvider>) {
        self.credentials.set_provider(provider);
    }

    pub(crate) fn credentials(&self) -> &Arc<Credentials> {
        &self.credentials
    }

    /// Runs `call` on the calling thread's runtime and pool, blocking until
    /// it ends: how every blocking call runs the one async implementation.
    pub(crate) fn block_on<T, F: Future<Output = Result<T>>>(&self, call: impl FnOnce(Io) -> F) -> Result<T> {
        self.http.block_on(call).map_err(runtime_failure)?
    }

    /// The [`Io`] of this client's queued calls: its shared pool, driven by
    /// the background I/O thread's start `generation`.
    pub(crate) fn queued_io(&self, generation: u64) -> Result<Io> {
        self.http.queued_io(generation).map_err(runtime_failure)
    }

    /// The notices of a retiring API version seen so far.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// The settings the client was made with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Posts `request` to the Configuration API's `action`, retrying as the
    /// policy and `is_read` allow. `Ok(None)` is a 2xx answer with an empty body.
    pub(crate) async fn send(
        &self,
        action: &str,
        request: &Value,
        is_read: bool,
        options: &CallOptions,
        io: &Io,
    ) -> Result<Option<Value>> {
        // Borrowed for the five actions; only lcbot_call's others are parsed here.
        let parsed;
        let url = match self.urls.iter().find(|(name, _)| *name == action) {
            Some((_, url)) => url,
            None => {
                parsed = self.url(Api::Configuration, action)?;
                &parsed
            }
        };
        let body = self.body(request, None);
        self.dispatch(Outgoing { url, body, is_read, author: None, auth: &self.credentials }, options, io).await
    }

    /// The body text of `request` in the configured version: wrapped in
    /// `{"payload": ...}` on v3.0, where a bot is named by `author_id` beside it.
    pub(crate) fn body(&self, request: &Value, author_id: Option<&str>) -> String {
        if !self.config.api_version.wraps_payload() {
            return to_text(request);
        }
        match author_id {
            None => format!("{{\"payload\":{}}}", to_text(request)),
            Some(id) => format!("{{\"payload\":{},\"author_id\":{}}}", to_text(request), to_text(&json!(id))),
        }
    }

    /// The URL of `action` in `api` for the configured version.
    pub(crate) fn url(&self, api: Api, action: &str) -> Result<reqwest::Url> {
        let path = match api {
            Api::Configuration => "configuration",
            Api::AgentChat => "agent",
        };
        let text = format!("{}/v{}/{path}/action/{action}", self.config.base_url, self.config.api_version.as_str());
        reqwest::Url::parse(&text).map_err(|e| Error::validation(format!("base_url: cannot form an action URL ({e})")))
    }

    /// Sends a prepared request with retries that never repeat a write that
    /// may have been applied, and one renewal of refused credentials.
    pub(crate) async fn dispatch(&self, out: Outgoing<'_>, options: &CallOptions, io: &Io) -> Result<Option<Value>> {
        if out.body.len() > crate::json::MAX_INPUT_BYTES {
            return Err(Error::validation(format!(
                "request body is {} bytes; the API accepts at most {}",
                out.body.len(),
                crate::json::MAX_INPUT_BYTES
            )));
        }
        let cancel = options.cancel.as_ref();
        if cancel.is_some_and(|c| c.is_cancelled()) {
            return Err(cancelled(false));
        }
        let policy = self.config.retry;
        // timeout_ms is the budget of the whole call: each attempt gets what
        // is left of it, and no retry starts once it is spent.
        let deadline = Instant::now() + options.timeout.unwrap_or(self.config.timeout);
        let attempt_cap = options.attempt_timeout.or(self.config.attempt_timeout);
        let mut attempt = 1;
        let mut renewed = false;
        loop {
            let mut left = deadline.saturating_duration_since(Instant::now());
            if let Some(cap) = attempt_cap {
                left = left.min(cap);
            }
            let with_attempts = |e: Error| Error { attempts: attempt, ..e };
            let (auth, generation) = match out.auth.ready() {
                Some(ready) => ready,
                None => out.auth.fetch(options, io).await.map_err(with_attempts)?,
            };
            let outcome = self.attempt(&out, &auth, left, options, io).await;
            match outcome {
                Attempt::Done(result) => return result.map(|v| (!v.is_null()).then_some(v)).map_err(with_attempts),
                Attempt::Unauthenticated(error) => {
                    // LiveChat checks the token before anything else, so a
                    // write refused here was not applied: safe to repeat.
                    if renewed {
                        return Err(with_attempts(error));
                    }
                    match out.auth.renew(generation, options, io).await {
                        Ok(true) => renewed = true,
                        Ok(false) => return Err(with_attempts(error)),
                        Err(why) if why.code == ErrorCode::Cancelled => return Err(with_attempts(why)),
                        // Still the refusal (its code and type), saying why no
                        // new credentials came: that is what to fix.
                        Err(why) => {
                            let message = format!("{}; renewing the credentials failed: {}", error.message, why.message);
                            return Err(with_attempts(Error { message, ..error }));
                        }
                    }
                }
                Attempt::Retry(error, retry_after) => {
                    let wait = policy.delay(attempt, retry_after);
                    let out_of_time = Instant::now() + wait >= deadline;
                    if attempt >= policy.max_attempts || out_of_time {
                        return Err(with_attempts(error));
                    }
                    if io.pause(wait, cancel).await.is_err() {
                        return Err(with_attempts(cancelled(false)));
                    }
                }
            }
            attempt += 1;
        }
    }

    /// One HTTP round trip, classified. An empty 2xx body comes back as null.
    async fn attempt(&self, out: &Outgoing<'_>, auth: &HeaderValue, time_left: Duration, options: &CallOptions, io: &Io) -> Attempt {
        let is_read = out.is_read;
        let answer = match io.post(out.url, &out.body, auth, out.author, time_left, options.cancel.as_ref()).await {
            Ok(a) => a,
            Err(Failure::Http(e)) => return transport_failure(&e, is_read),
            Err(Failure::TimedOut) => {
                let error = Error::new(ErrorCode::Timeout, format!("no answer within {} ms: the request timed out", time_left.as_millis()));
                return unanswered(error, false, is_read);
            }
            Err(Failure::Runtime(e)) => {
                return Attempt::Done(Err(Error::new(ErrorCode::Transport, format!("cannot start the I/O runtime: {e}"))))
            }
            // The request may have been written before the cancel.
            Err(Failure::Cancelled) => return Attempt::Done(Err(cancelled(!is_read))),
        };
        self.notices.observe(answer.legacy.as_deref(), answer.deprecation.as_deref());
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
        if status == 401 || error.api_type() == Some("authentication") {
            Attempt::Unauthenticated(error)
        } else if status == 429 || (is_read && is_retryable_status(status)) {
            // 429 means the server refused before doing anything: safe for writes too.
            Attempt::Retry(error, retry_after)
        } else if !is_read && status >= 500 {
            // A server error may come after the write was carried out.
            Attempt::Done(Err(outcome_unknown(error)))
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// A transport that could not be set up (its runtime or its pool) as an error.
fn runtime_failure(failure: Failure) -> Error {
    match failure {
        Failure::Http(e) => Error::new(ErrorCode::Transport, format!("cannot build the HTTP client: {}", chain(&e))),
        Failure::Runtime(e) => Error::new(ErrorCode::Transport, format!("cannot start the I/O runtime: {e}")),
        Failure::Cancelled => cancelled(false),
        Failure::TimedOut => Error::new(ErrorCode::Timeout, "the call ran out of time before it was sent"),
    }
}

/// The error of a cancelled call; `maybe_sent` marks a write that may have
/// reached the server.
pub(crate) fn cancelled(maybe_sent: bool) -> Error {
    let error = Error::new(ErrorCode::Cancelled, "the call was cancelled");
    if maybe_sent {
        outcome_unknown(error)
    } else {
        error
    }
}

/// Classifies a failure of reqwest. A connect failure (refused, DNS, TLS
/// handshake) means nothing was sent, so any request may be repeated; after
/// that, only reads are, and a write's outcome is unknown.
fn transport_failure(e: &reqwest::Error, is_read: bool) -> Attempt {
    let code = if e.is_timeout() { ErrorCode::Timeout } else { ErrorCode::Transport };
    if let Some(why) = crate::http::tls::certificate_problem(e) {
        // Trying again would meet the same certificate.
        return Attempt::Done(Err(Error::new(ErrorCode::Transport, format!("{}; {why}", chain(e)))));
    }
    unanswered(Error::new(code, chain(e)), e.is_connect(), is_read)
}

/// A request that got no answer: tried again when it surely was not sent
/// (`never_sent`) or is a read; a write's outcome is unknown.
fn unanswered(error: Error, never_sent: bool, is_read: bool) -> Attempt {
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
