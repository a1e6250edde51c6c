//! The emulator's web console: a page at `/` of the emulator's URL that
//! shows the bots, the chats (live), the request log, webhook deliveries and
//! the pending faults, lets a developer create and edit bots, play the
//! customer in a chat box, and add or clear faults.
//!
//! The page is plain HTML, CSS and JavaScript embedded in the library (no
//! build step, nothing fetched from elsewhere); it polls the console's JSON
//! endpoints under `/_emulator/`, a prefix LiveChat's API (`/v3.x/...`)
//! never uses. Each endpoint answers the document the C, Python and Go calls
//! return (the `control` function behind that `Emulator` method), with
//! every secret masked. Console requests are neither logged nor subject to
//! faults: the request log stays the API's.
//!
//! The emulator listens on 127.0.0.1 only; on top of that the console
//! answers only requests whose `Host` is a loopback name (a web page that
//! rebinds its own host name to 127.0.0.1 gets nothing), and its writes
//! only JSON bodies from the console's own origin (another site's form or
//! script cannot send them).

use bytes::Bytes;
use crate::configuration::actions::Action;
use crate::emulator::config::{TokenGrant, ALL_SCOPES};
use crate::emulator::control;
use crate::emulator::{human_seat, postback};
use crate::emulator::state::{lock, Shared};
use crate::error::Error;
use crate::http::config::Region;
use crate::version::ApiVersion;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::{json, Value};
use std::sync::Arc;

const INDEX_HTML: &str = include_str!("console/index.html");
const CONSOLE_CSS: &str = include_str!("console/console.css");
const CONSOLE_JS: &str = include_str!("console/console.js");

/// Where the console's endpoints and files live.
pub(crate) const PREFIX: &str = "/_emulator/";

/// Console request bodies are small documents.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Keys whose values the console never shows.
const MASKED_KEYS: [&str; 7] = ["secret_key", "secret", "bot_secret", "token", "access_token", "refresh_token", "client_secret"];

/// What a masked value reads.
pub(crate) const MASK: &str = "[redacted]";

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether `path` is the console's rather than the API's.
pub(crate) fn is_console_path(path: &str) -> bool {
    path == "/" || path == "/index.html" || path.starts_with(PREFIX)
}

/// Serves one console request.
pub(crate) async fn serve(req: Request<Incoming>, shared: Arc<Shared>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let host = parts.headers.get(hyper::header::HOST).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(host) = &host {
        if !is_loopback_host(host) {
            return error(403, "authorization", "The console answers only on a loopback host name (127.0.0.1, localhost, [::1])");
        }
    }
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let method = parts.method.clone();

    if method == Method::GET || method == Method::HEAD {
        return match path.as_str() {
            "/" | "/index.html" => file(INDEX_HTML, "text/html; charset=utf-8"),
            "/_emulator/console.css" => file(CONSOLE_CSS, "text/css; charset=utf-8"),
            "/_emulator/console.js" => file(CONSOLE_JS, "text/javascript; charset=utf-8"),
            _ => match read(&shared, &path, &query) {
                Some(doc) => ok(doc),
                None => not_found(&path),
            },
        };
    }
    if method != Method::POST {
        return error(405, "validation", "The console answers GET and POST only");
    }
    if !is_post_route(&path) {
        return not_found(&path);
    }
    let json_body = parts
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
    if !json_body {
        return error(415, "validation", "Console writes take Content-Type: application/json");
    }
    if let Some(origin) = parts.headers.get(hyper::header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let own = host.as_deref().is_some_and(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")));
        if !own {
            return error(403, "authorization", "Console writes are accepted from the console's own page only");
        }
    }
    let bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return error(413, "entity_too_large", "Request entity too large"),
    };
    let request = match std::str::from_utf8(&bytes).map_err(|_| Error::validation("body: not UTF-8")).and_then(|text| {
        crate::json::parse_strict(if text.trim().is_empty() { "{}" } else { text }, "body")
    }) {
        Ok(doc) => doc,
        Err(e) => return error(400, "validation", &e.message),
    };
    let written = write(&shared, &path, &request);
    // A bot made or changed by hand may have been routed a chat: its webhooks go out now.
    crate::emulator::delivery::flush(&shared);
    match written {
        Ok(doc) => ok(doc),
        Err(e) => {
            let kind = e.api_error.as_ref().map(|a| a.error_type.clone()).unwrap_or_else(|| "validation".into());
            let status = if kind == "not_found" { 404 } else { 400 };
            error(status, &kind, &e.message)
        }
    }
}

/// The GET endpoints' documents.
fn read(shared: &Shared, path: &str, query: &str) -> Option<Value> {
    let doc = match path {
        "/_emulator/bots" => bots_doc(shared),
        "/_emulator/chats" => control::chats(shared),
        "/_emulator/requests" => requests_doc(shared, query),
        "/_emulator/deliveries" => deliveries_doc(shared),
        "/_emulator/faults" => parse(&control::faults_json(shared)),
        "/_emulator/agents" => human_seat::agents_doc(shared),
        _ => return None,
    };
    Some(masked(doc))
}

fn is_post_route(path: &str) -> bool {
    matches!(
        path,
        "/_emulator/bots"
            | "/_emulator/bots/update"
            | "/_emulator/chats/start"
            | "/_emulator/chats/send"
            | "/_emulator/chats/close"
            | "/_emulator/chats/press"
            | "/_emulator/chats/agent"
            | "/_emulator/faults"
            | "/_emulator/faults/clear"
            | "/_emulator/install"
    )
}

/// The POST endpoints: the customer's control calls, faults, and bots made
/// or changed by hand.
fn write(shared: &Arc<Shared>, path: &str, request: &Value) -> crate::Result<Value> {
    let doc = match path {
        "/_emulator/chats/start" => control::start_chat(shared, request)?,
        "/_emulator/chats/send" => control::send_message(shared, request)?,
        "/_emulator/chats/close" => control::close_chat(shared, request)?,
        "/_emulator/chats/press" => postback::press_button(shared, request)?,
        "/_emulator/chats/agent" => human_seat::agent_send_message(shared, request)?,
        "/_emulator/faults" => parse(&control::inject_json(shared, &request.to_string())?),
        "/_emulator/faults/clear" => parse(&control::clear_faults_json(shared)),
        "/_emulator/bots" => create_bot(shared, request)?,
        "/_emulator/bots/update" => update_bot(shared, request)?,
        "/_emulator/install" => control::install_application(shared, request)?,
        _ => return Err(Error::validation(format!("no console action at {path}"))),
    };
    Ok(masked(doc))
}

/// `{"bots": [details...], "webhooks": [registered...], "clients": [client
/// ids the tokens act for], "chats_in_progress": {"<bot id>": N},
/// "templates": [bot templates], "installed": [client ids]}`.
fn bots_doc(shared: &Shared) -> Value {
    let bots = control::bots(shared);
    let in_progress: serde_json::Map<String, Value> = {
        let store = lock(&shared.store);
        bots.iter()
            .filter_map(|b| b["id"].as_str())
            .map(|id| (id.to_owned(), json!(store.chats.active_count(id))))
            .collect()
    };
    let mut clients: Vec<&str> = Vec::new();
    for t in &shared.tokens {
        if !clients.contains(&t.client_id.as_str()) {
            clients.push(&t.client_id);
        }
    }
    let templates = control::templates(shared);
    json!({ "bots": bots, "webhooks": control::webhooks(shared), "clients": clients, "chats_in_progress": in_progress,
            "templates": templates["templates"], "installed": templates["installed"] })
}

/// `Emulator::requests_json`'s document, narrowed by the query:
/// `after=SEQ` (only newer entries), `action=NAME`, `status=CODE` (or
/// `2xx`, `4xx`, `5xx`, or `none` for dropped connections).
fn requests_doc(shared: &Shared, query: &str) -> Value {
    let mut doc = parse(&control::requests_json(shared));
    let (mut after, mut action, mut status) = (None::<f64>, None::<String>, None::<String>);
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "after" => after = v.parse().ok(),
            "action" if !v.is_empty() => action = Some(v.into_owned()),
            "status" if !v.is_empty() => status = Some(v.into_owned()),
            _ => {}
        }
    }
    if let Some(list) = doc.get_mut("requests").and_then(Value::as_array_mut) {
        list.retain(|r| {
            after.is_none_or(|a| r["seq"].as_f64().is_some_and(|s| s > a))
                && action.as_deref().is_none_or(|a| r["action"].as_str() == Some(a))
                && status.as_deref().is_none_or(|s| status_matches(&r["status"], s))
        });
    }
    doc
}

fn status_matches(status: &Value, wanted: &str) -> bool {
    match (status.as_u64(), wanted) {
        (None, "none") => true,
        (Some(code), w) if w.len() == 3 && w.ends_with("xx") => w.as_bytes()[0] == b'0' + (code / 100) as u8,
        (Some(code), w) => w.parse::<u64>().ok() == Some(code),
        _ => false,
    }
}

/// The webhook delivery log, `Emulator::deliveries_json`'s document.
fn deliveries_doc(shared: &Shared) -> Value {
    parse(&control::deliveries_json(shared))
}

/// A bot made by hand: the fields of a v3.2 `create_bot_agent` (name,
/// status, max_chats_count, groups, default_group_priority, webhooks...)
/// plus `owner_client_id` (default: the first token's client). Answers
/// `{"bot_agent_id"}`; the bot's secret is not shown.
fn create_bot(shared: &Shared, request: &Value) -> crate::Result<Value> {
    let mut fields = request.as_object().cloned().ok_or_else(|| Error::validation("body: expected an object"))?;
    let owner = match fields.remove("owner_client_id") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(other) => return Err(Error::validation(format!("owner_client_id: expected a non-empty string; got {}", crate::validate::describe(&other)))),
        None => shared.tokens.first().map(|t| t.client_id.clone()).unwrap_or_default(),
    };
    let fields = Value::Object(fields);
    Action::CreateBotAgent.validate_request(ApiVersion::V3_2, &fields)?;
    let mut request = fields;
    request["owner_client_id"] = json!(owner);
    let answer = lock(&shared.store).apply(&grant_for(&owner), Action::CreateBotAgent, &request).map_err(failure)?;
    Ok(json!({ "bot_agent_id": answer["bot_agent_id"] }))
}

/// A bot changed by hand: `{id, ...}` with the fields of a v3.2
/// `update_bot_agent`. Answers `{}`.
fn update_bot(shared: &Shared, request: &Value) -> crate::Result<Value> {
    Action::UpdateBotAgent.validate_request(ApiVersion::V3_2, request)?;
    let id = request["id"].as_str().unwrap_or_default();
    let mut store = lock(&shared.store);
    let owner = store.bot_owner(id).map(str::to_owned).ok_or_else(|| {
        let mut e = Error::validation(format!("not_found: no bot {}", crate::validate::describe(&json!(id))));
        e.api_error = Some(Box::new(crate::error::ApiError { error_type: "not_found".into(), message: "Bot not found".into(), data: None }));
        e
    })?;
    store.apply(&grant_for(&owner), Action::UpdateBotAgent, request).map_err(failure)
}

/// The owner's own rights over its bots, as the console acts for it.
fn grant_for(owner: &str) -> TokenGrant {
    TokenGrant::new("", owner, &ALL_SCOPES, Region::Dal)
}

fn failure(f: crate::emulator::failure::ApiFailure) -> Error {
    Error::validation(format!("{}: {}", f.error_type, f.message))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// `doc` with every value under a secret's key replaced by [`MASK`].
pub(crate) fn masked(mut doc: Value) -> Value {
    mask(&mut doc);
    doc
}

fn mask(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if MASKED_KEYS.contains(&key.as_str()) && !value.is_null() {
                    *value = json!(MASK);
                } else {
                    mask(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// `127.0.0.1[:port]`, `localhost[:port]` or `[::1][:port]`.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host }),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn with_headers(builder: hyper::http::response::Builder) -> hyper::http::response::Builder {
    builder
        .header(hyper::header::CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("content-security-policy", CSP)
}

fn file(text: &'static str, content_type: &str) -> Response<Full<Bytes>> {
    with_headers(Response::builder().status(200).header(hyper::header::CONTENT_TYPE, content_type))
        .body(Full::new(Bytes::from_static(text.as_bytes())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn ok(doc: Value) -> Response<Full<Bytes>> {
    json_response(200, doc)
}

fn error(status: u16, kind: &str, message: &str) -> Response<Full<Bytes>> {
    json_response(status, json!({ "error": { "type": kind, "message": message } }))
}

fn not_found(path: &str) -> Response<Full<Bytes>> {
    error(404, "not_found", &format!("No console endpoint at {path}"))
}

fn json_response(status: u16, doc: Value) -> Response<Full<Bytes>> {
    with_headers(Response::builder().status(status).header(hyper::header::CONTENT_TYPE, "application/json"))
        .body(Full::new(Bytes::from(doc.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in ["127.0.0.1", "127.0.0.1:8080", "localhost:1", "LOCALHOST", "[::1]:99", "[::1]", "127.9.9.9:1"] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in ["example.com", "example.com:80", "10.0.0.1:80", "127.0.0.1.nip.io", "[::2]:1", "localhost.evil:1", ""] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn statuses() {
        assert!(status_matches(&json!(503), "5xx"));
        assert!(status_matches(&json!(503), "503"));
        assert!(!status_matches(&json!(200), "5xx"));
        assert!(status_matches(&Value::Null, "none"));
        assert!(!status_matches(&json!(200), "none"));
    }

    #[test]
    fn masks_every_secret() {
        let doc = masked(json!({ "a": [{ "secret_key": "s" }], "webhooks": { "secret_key": "k", "url": "u" }, "secret": null }));
        assert_eq!(doc, json!({ "a": [{ "secret_key": MASK }], "webhooks": { "secret_key": MASK, "url": "u" }, "secret": null }));
    }
}
