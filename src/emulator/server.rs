//! The emulator's HTTP side, over hyper on a tokio runtime: accepts
//! connections (closing idle ones), serves the console's paths, routes an
//! API request by its path to that API's handler (`configuration`,
//! `agent_chat`), and applies body limits, faults and the request log.

use bytes::Bytes;
use crate::emulator::failure::ApiFailure;
use crate::emulator::faults::{take_first, Fault};
use crate::emulator::log::{logged_body, logged_headers, now_ms};
use crate::emulator::state::{lock, Shared};
use crate::emulator::{agent_chat, configuration, delivery};
use crate::json::MAX_INPUT_BYTES;
use crate::version::ApiVersion;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Serves one request that came on connection number `connection`.
pub(crate) async fn handle(req: Request<Incoming>, shared: Arc<Shared>, connection: u64) -> Result<Response<Full<Bytes>>, DropConnection> {
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
    delivery::flush(&shared);
    entry.insert("client_id".into(), json!(client_id));
    Ok(respond(&shared, entry, result, None))
}

/// Which of LiveChat's APIs a path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
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

/// The first API fault for `action`, one use of it taken.
fn take_fault(shared: &Shared, action: &str) -> Option<Fault> {
    take_first(&mut lock(&shared.faults), |f| !f.for_deliveries() && f.matches(action))
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
    match api {
        Api::Agent => agent_chat::answer(shared, version, action_name, headers, body),
        Api::Configuration => configuration::answer(shared, version, action_name, headers, body),
    }
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

/// Accepts connections until the emulator stops, each served on a task of
/// its own; with `tls`, each after its TLS handshake.
pub(crate) async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    idle_timeout: Option<Duration>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let mut connections: u64 = 0;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                connections += 1;
                let (shared, id) = (shared.clone(), connections);
                match tls.clone() {
                    None => tokio::spawn(serve_connection(stream, shared, id, idle_timeout)),
                    Some(acceptor) => tokio::spawn(async move {
                        // A client that stalls its handshake is let go, like a load balancer does.
                        let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
                        if let Ok(Ok(stream)) = handshake {
                            serve_connection(stream, shared, id, idle_timeout).await;
                        }
                    }),
                };
            }
            _ = stopped.changed() => break,
        }
    }
}

/// How long a client may take over its TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves one keep-alive connection; with an idle timeout, closes it once no
/// request has been in flight for that long (the client sees a FIN).
async fn serve_connection<S>(stream: S, shared: Arc<Shared>, id: u64, idle_timeout: Option<Duration>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::default());
    let seen = activity.clone();
    let served = shared.clone();
    let service = hyper::service::service_fn(move |req| {
        let (shared, seen) = (served.clone(), seen.clone());
        async move {
            seen.begin();
            let answer = handle(req, shared, id).await;
            seen.end();
            answer
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
    let Some(idle) = idle_timeout else {
        let _ = conn.await;
        return;
    };
    tokio::pin!(conn);
    loop {
        let wait = activity.idle_deadline(idle);
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = tokio::time::sleep_until(wait) => {
                if activity.idle_for(idle) {
                    // Finishes at once on an idle connection: hyper closes it.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.as_mut().await;
                    shared.idle_closes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    return;
                }
            }
        }
    }
}

/// Requests in flight on a connection and when the last one ended.
struct Activity {
    in_flight: std::sync::atomic::AtomicUsize,
    last: Mutex<tokio::time::Instant>,
}

impl Default for Activity {
    fn default() -> Self {
        Activity { in_flight: Default::default(), last: Mutex::new(tokio::time::Instant::now()) }
    }
}

impl Activity {
    fn begin(&self) {
        self.in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn end(&self) {
        *lock(&self.last) = tokio::time::Instant::now();
        self.in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// When to look again: `idle` after the last request ended, or, while
    /// one is in flight, `idle` from now (never a deadline already past,
    /// which would spin).
    fn idle_deadline(&self, idle: Duration) -> tokio::time::Instant {
        if self.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            tokio::time::Instant::now() + idle
        } else {
            *lock(&self.last) + idle
        }
    }

    fn idle_for(&self, idle: Duration) -> bool {
        self.in_flight.load(std::sync::atomic::Ordering::SeqCst) == 0 && lock(&self.last).elapsed() >= idle
    }
}
