//! The emulator's HTTP side: routing, authentication, regions, body limits,
//! faults and the request log, over hyper on a tokio runtime.

use crate::configuration::actions::Action;
use crate::configuration::bot_admin::AdminAction;
use crate::http::config::Region;
use crate::emulator::config::{Stage, TokenGrant};
use crate::emulator::faults::Fault;
use crate::emulator::log::{logged_body, logged_headers, now_ms, RequestLog};
use crate::emulator::failure::{require, ApiFailure};
use crate::emulator::store::Store;
use crate::emulator::webhooks::SCOPE_WEBHOOKS_RW;
use crate::emulator::config::DeliveryConfig;
use crate::emulator::delivery::{dispatch, DeliveryLog};
use crate::emulator::{agent_chat, bot_tokens};
use crate::json::{parse_strict, MAX_INPUT_BYTES};
use crate::version::ApiVersion;
use crate::configuration::wire::{message_for_wire, request_from_wire, response_to_wire};
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

/// Everything the request handlers share.
pub struct Shared {
    pub store: Mutex<Store>,
    pub faults: Mutex<VecDeque<Fault>>,
    pub log: Mutex<RequestLog>,
    pub tokens: Vec<TokenGrant>,
    /// When the emulator started: tokens expire relative to it.
    pub started: std::time::Instant,
    pub stages: Vec<(ApiVersion, Stage)>,
    /// Keep-alive connections closed for being idle (see `idle_timeout_ms`).
    pub idle_closes: std::sync::atomic::AtomicU64,
    /// The emulator's runtime, where webhook deliveries run.
    pub runtime: std::sync::OnceLock<tokio::runtime::Handle>,
    pub delivery: DeliveryConfig,
    pub deliveries: Mutex<DeliveryLog>,
    /// One queue per receiver URL, so that its deliveries go in order.
    pub delivery_queues: Mutex<std::collections::HashMap<String, tokio::sync::mpsc::UnboundedSender<crate::emulator::delivery::Job>>>,
    /// The client deliveries are POSTed with.
    pub http: std::sync::OnceLock<reqwest::Client>,
}

impl Shared {
    /// Takes the delivery faults waiting for a webhook `action`: whether to
    /// send it twice, and whether its first try's answer is lost.
    pub fn take_delivery_faults(&self, action: &str) -> DeliveryFaults {
        let mut faults = lock(&self.faults);
        let mut take = |wanted: fn(&Fault) -> bool| {
            let Some(i) = faults.iter().position(|f| wanted(f) && f.matches(action)) else { return false };
            if faults[i].times <= 1 {
                faults.remove(i);
            } else {
                faults[i].times -= 1;
            }
            true
        };
        DeliveryFaults { duplicate: take(|f| f.duplicate_delivery), lost_answer: take(|f| f.lost_answer) }
    }

    /// Sends the deliveries the store planned (call with the store unlocked).
    pub fn flush_deliveries(self: &Arc<Self>) {
        let outgoing = std::mem::take(&mut lock(&self.store).outbox);
        if !outgoing.is_empty() {
            dispatch(self, outgoing);
        }
    }
}

/// The delivery faults taken for one delivery.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryFaults {
    pub duplicate: bool,
    pub lost_answer: bool,
}

/// Locks, going on after a panic elsewhere: every update here is a single
/// step, so the data is never left half-changed.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Serves one request that came on connection number `connection`.
pub async fn handle(req: Request<Incoming>, shared: Arc<Shared>, connection: u64) -> Result<Response<Full<Bytes>>, DropConnection> {
    // The web console (`/` and `/_emulator/...`): not the API, so neither
    // logged nor faulted.
    if crate::emulator::console::is_console_path(req.uri().path()) {
        return Ok(crate::emulator::console::serve(req, shared).await);
    }
    let mut entry = Map::new();
    entry.insert("time_ms".into(), json!(now_ms()));
    entry.insert("connection".into(), json!(connection));
    entry.insert("method".into(), json!(req.method().as_str()));
    let path = req.uri().path().to_owned();
    entry.insert("path".into(), json!(path));
    let route = parse_path(&path);
    entry.insert("version".into(), json!(route.map(|r| r.0)));
    entry.insert("api".into(), json!(route.map(|r| r.1.name())));
    entry.insert("action".into(), json!(route.map(|r| r.2)));
    entry.insert("headers".into(), logged_headers(req.headers()));
    let is_post = req.method() == hyper::Method::POST;
    let (parts, body) = req.into_parts();

    let body = match Limited::new(body, MAX_INPUT_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let failure = ApiFailure::new(413, "entity_too_large", "Request entity too large");
            return Ok(respond(&shared, entry, Err(failure), None));
        }
    };
    entry.insert("body".into(), logged_body(&body));
    let route = route.map(|(v, api, a)| (v.to_owned(), api, a.to_owned()));
    // A task of its own, so that a client that gives up (a timeout) does not
    // cancel the work: like the real server, the action still happens and
    // is logged.
    let task = tokio::spawn(finish(shared, entry, route, is_post, parts.headers, body));
    task.await.unwrap_or(Err(DropConnection))
}

async fn finish(
    shared: Arc<Shared>,
    mut entry: Map<String, Value>,
    route: Option<(String, Api, String)>,
    is_post: bool,
    headers: hyper::HeaderMap,
    body: Bytes,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let route = route.as_ref().map(|(v, api, a)| (v.as_str(), *api, a.as_str()));
    let action_name = route.map(|r| r.2).unwrap_or("");
    let fault = take_fault(&shared, action_name);
    if let Some(fault) = &fault {
        entry.insert("fault".into(), fault.describe());
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        if fault.drop_connection {
            entry.insert("status".into(), Value::Null);
            lock(&shared.log).push(entry);
            return Err(DropConnection);
        }
        if let Some(status) = fault.status {
            let message = fault.message.clone().unwrap_or_else(|| format!("Injected fault: HTTP {status}"));
            let failure = ApiFailure::new(status, &fault.error_type_for(status), message);
            return Ok(respond(&shared, entry, Err(failure), fault.retry_after_s));
        }
    }

    let (result, client_id) = if is_post {
        answer(&shared, route, &headers, &body)
    } else {
        (Err(ApiFailure::new(405, "validation", "Only POST is allowed")), None)
    };
    shared.flush_deliveries();
    entry.insert("client_id".into(), json!(client_id));
    Ok(respond(&shared, entry, result, None))
}

/// Which of LiveChat's APIs a path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Configuration,
    Agent,
}

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::Configuration => "configuration",
            Api::Agent => "agent",
        }
    }
}

/// `/v3.0/configuration/action/create_bot_agent` -> `("3.0", Configuration, "create_bot_agent")`;
/// `/v3.6/agent/action/send_event` -> `("3.6", Agent, "send_event")`.
fn parse_path(path: &str) -> Option<(&str, Api, &str)> {
    let rest = path.strip_prefix("/v")?;
    let (version, rest) = rest.split_once('/')?;
    let (api, action) = match rest.strip_prefix("configuration/action/") {
        Some(action) => (Api::Configuration, action),
        None => (Api::Agent, rest.strip_prefix("agent/action/")?),
    };
    (!action.is_empty() && !action.contains('/')).then_some((version, api, action))
}

fn take_fault(shared: &Shared, action: &str) -> Option<Fault> {
    let mut faults = lock(&shared.faults);
    let i = faults.iter().position(|f| !f.for_deliveries() && f.matches(action))?;
    let fault = faults[i].clone();
    if faults[i].times <= 1 {
        faults.remove(i);
    } else {
        faults[i].times -= 1;
    }
    Some(fault)
}

/// Serves a request that got past faults: the API's checks in the API's
/// order, then the action. Also returns who the caller was.
fn answer(
    shared: &Shared,
    route: Option<(&str, Api, &str)>,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> (Result<Value, ApiFailure>, Option<String>) {
    let Some((version, api, action_name)) = route else {
        return (Err(ApiFailure::new(404, "not_found", "Unknown path")), None);
    };
    let Ok(version) = ApiVersion::parse(version) else {
        return (Err(ApiFailure::new(400, "unsupported_version", format!("Unsupported version: {version}"))), None);
    };
    if api == Api::Agent {
        return answer_agent(shared, version, action_name, headers, body);
    }
    let Some((grant, is_pat)) = authenticate(&shared.tokens, headers) else {
        return (Err(ApiFailure::new(401, "authentication", "Invalid access token")), None);
    };
    if grant.expires_in.is_some_and(|ttl| shared.started.elapsed() >= ttl) {
        return (Err(ApiFailure::new(401, "authentication", "Access token expired")), Some(grant.client_id.clone()));
    }
    let client_id = Some(grant.client_id.clone());
    let requested = headers.get("x-region").and_then(|v| v.to_str().ok()).and_then(Region::parse).unwrap_or(Region::Dal);
    if requested != grant.region {
        let mut failure = ApiFailure::new(421, "misdirected_request", "Wrong region");
        failure.data = Some(Box::new(json!({ "region": grant.region.as_str() })));
        return (Err(failure), client_id);
    }
    let Some(action) = Action::from_wire_name(version, action_name) else {
        if let Some(extra) = AdminAction::ALL.into_iter().find(|a| a.name() == action_name && version >= a.since()) {
            let result = read_request(version, body).and_then(|request| {
                let mut store = lock(&shared.store);
                match extra {
                    AdminAction::IssueBotToken => bot_tokens::issue_bot_token(&mut store, grant, &request),
                    AdminAction::ResetBotSecret => bot_tokens::reset_bot_secret(&mut store, grant, is_pat, &request),
                    AdminAction::RegisterWebhook | AdminAction::ListWebhooks | AdminAction::UnregisterWebhook => {
                        require(grant, SCOPE_WEBHOOKS_RW)?;
                        match extra {
                            AdminAction::RegisterWebhook => store.webhooks.register(&grant.client_id, version, &request),
                            AdminAction::ListWebhooks => store.webhooks.list(&grant.client_id, version, &request),
                            _ => store.webhooks.unregister(&grant.client_id, version, &request),
                        }
                    }
                }
            });
            return (result, client_id);
        }
        return (Err(ApiFailure::new(404, "not_found", format!("Unknown action: {action_name}"))), client_id);
    };
    let result = read_request(version, body).and_then(|sent| {
        // Messages name the fields as this version's caller sent them.
        let invalid = |e: crate::Error| ApiFailure::new(400, "validation", message_for_wire(action, version, e.message, &sent));
        let request = request_from_wire(action, version, sent.clone()).map_err(invalid)?;
        action.validate_request(version, &request).map_err(invalid)?;
        if action == Action::CreateBotAgent && version.flat_bots() {
            check_owner_client_id(version, &request, is_pat)?;
        }
        let fields: Vec<String> = request
            .get("fields")
            .and_then(Value::as_array)
            .map(|f| f.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let mut store = lock(&shared.store);
        let doc = store.apply(grant, action, &request)?;
        if request.get("webhooks").is_some() {
            // Deliveries to a bot's config webhooks speak this version.
            let id = doc.get("bot_agent_id").or_else(|| request.get("id")).and_then(Value::as_str).unwrap_or_default();
            store.set_webhook_version(id, version);
        }
        drop(store);
        Ok(response_to_wire(action, version, doc, &fields))
    });
    (result, client_id)
}

/// An Agent Chat API request: the token (an app's, or from v3.5 a bot's),
/// the author it acts as, then the action.
fn answer_agent(
    shared: &Shared,
    version: ApiVersion,
    action_name: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> (Result<Value, ApiFailure>, Option<String>) {
    let unauthenticated = |m: &str| Err(ApiFailure::new(401, "authentication", m.to_owned()));
    // The caller's client, the author a bot token names, and the token's region.
    let (client_id, token_bot, region, expired) = match authenticate(&shared.tokens, headers) {
        Some((grant, _)) => {
            let expired = grant.expires_in.is_some_and(|ttl| shared.started.elapsed() >= ttl);
            (grant.client_id.clone(), None, grant.region, expired)
        }
        None => {
            let store = lock(&shared.store);
            let found = bearer(headers).map(|credential| store.bot_tokens.check(credential));
            match found {
                Some(Ok(token)) if version >= ApiVersion::V3_5 => {
                    (token.client_id.clone(), Some(token.bot_id.clone()), token.region, false)
                }
                Some(Err(bot_tokens::Refusal::Expired)) if version >= ApiVersion::V3_5 => {
                    return (unauthenticated("Bot token expired"), None);
                }
                _ => return (unauthenticated("Invalid access token"), None),
            }
        }
    };
    let who = Some(client_id.clone());
    if expired {
        return (unauthenticated("Access token expired"), who);
    }
    let requested = headers.get("x-region").and_then(|v| v.to_str().ok()).and_then(Region::parse).unwrap_or(Region::Dal);
    if requested != region {
        let mut failure = ApiFailure::new(421, "misdirected_request", "Wrong region");
        failure.data = Some(Box::new(json!({ "region": region.as_str() })));
        return (Err(failure), who);
    }
    let Some(op) = agent_chat::Op::from_wire(version, action_name) else {
        return (Err(ApiFailure::new(404, "not_found", format!("Unknown action: {action_name}"))), who);
    };
    let result = agent_chat::read_body(version, body).and_then(|(request, body_author)| {
        let header_author = headers.get("x-author-id").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if header_author.is_some() && version >= ApiVersion::V3_6 {
            return Err(ApiFailure::new(
                403,
                "authorization",
                "X-Author-Id is not accepted from v3.6: act as a bot with a bot token (issue_bot_token)",
            ));
        }
        let author = match (&token_bot, version.wraps_payload()) {
            (Some(bot), _) => {
                if header_author.as_ref().is_some_and(|h| h != bot) {
                    return Err(ApiFailure::new(403, "authorization", "X-Author-Id names another bot than the bot token"));
                }
                Some(bot.clone())
            }
            (None, true) => body_author,
            (None, false) => header_author,
        };
        let mut store = lock(&shared.store);
        if let Some(author) = &author {
            agent_chat::check_author(&store, &client_id, author)?;
        }
        let request = agent_chat::normalize(version, op, request)?;
        let caller = agent_chat::Caller { client_id: client_id.clone(), author };
        agent_chat::serve(&mut store, version, op, &caller, &request)
    });
    (result, who)
}

/// The credential of a `Bearer` Authorization header.
fn bearer(headers: &hyper::HeaderMap) -> Option<&str> {
    let value = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("Bearer").then(|| credential.trim())
}

/// v3.3+: `owner_client_id` is required when authorizing with a personal
/// access token (Basic); with a Bearer token it is refused before v3.6 and
/// names the owner from v3.6.
fn check_owner_client_id(version: ApiVersion, request: &Value, is_pat: bool) -> Result<(), ApiFailure> {
    match (request.get("owner_client_id").is_some(), is_pat) {
        (true, false) if version < ApiVersion::V3_6 => Err(ApiFailure::new(400, "validation", "owner_client_id: not allowed with a Bearer token")),
        (false, true) => Err(ApiFailure::new(
            400,
            "validation",
            "owner_client_id: required when authorizing with a personal access token",
        )),
        _ => Ok(()),
    }
}

/// The request document: the body itself, or its `payload` in v3.0.
fn read_request(version: ApiVersion, body: &[u8]) -> Result<Value, ApiFailure> {
    let invalid = |m: String| ApiFailure::new(400, "validation", m);
    let text = std::str::from_utf8(body).map_err(|_| invalid("Request body is not UTF-8".into()))?;
    let doc = parse_strict(text, "body").map_err(|e| invalid(e.message))?;
    if !version.wraps_payload() {
        return Ok(doc);
    }
    match doc {
        Value::Object(mut o) if o.len() == 1 && o.contains_key("payload") => Ok(o.remove("payload").unwrap_or_default()),
        _ => Err(invalid("payload: the body must be {\"payload\": {...}} in v3.0".into())),
    }
}

/// The grant whose token is in the Authorization header (Bearer, or Basic
/// as base64 text or the `account:pat` it decodes to).
fn authenticate<'a>(tokens: &'a [TokenGrant], headers: &hyper::HeaderMap) -> Option<(&'a TokenGrant, bool)> {
    let value = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    // Auth schemes are case-insensitive (RFC 9110).
    let is_bearer = scheme.eq_ignore_ascii_case("Bearer");
    let is_basic = scheme.eq_ignore_ascii_case("Basic");
    let decoded = is_basic
        .then(|| base64::engine::general_purpose::STANDARD.decode(credential.trim()).ok())
        .flatten()
        .and_then(|b| String::from_utf8(b).ok());
    let credential = credential.trim();
    let grant = tokens.iter().find(|g| {
        let t = g.token.expose();
        (is_bearer || is_basic) && (t == credential || decoded.as_deref() == Some(t))
    })?;
    Some((grant, is_basic))
}

/// Builds the HTTP answer and logs it.
fn respond(
    shared: &Shared,
    mut entry: Map<String, Value>,
    result: Result<Value, ApiFailure>,
    retry_after_s: Option<u64>,
) -> Response<Full<Bytes>> {
    let (status, body) = match result {
        Ok(doc) => (200, doc),
        Err(failure) => (failure.status, failure.body()),
    };
    entry.insert("status".into(), json!(status));
    let version = entry.get("version").and_then(Value::as_str).and_then(|v| ApiVersion::parse(v).ok());
    lock(&shared.log).push(entry);
    let mut response = Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "application/json");
    // A retiring version says so on every answer, as LiveChat's do.
    if let Some((_, stage)) = shared.stages.iter().find(|(v, _)| Some(*v) == version) {
        let (name, until) = stage.header();
        response = response.header(name, until);
    }
    if let Some(secs) = retry_after_s {
        response = response.header(hyper::header::RETRY_AFTER, secs.to_string());
    }
    response
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::from_static(b"{}"))))
}
