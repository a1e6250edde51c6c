//! The emulator's request log: what each request was and what it got.

use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};

/// Bodies larger than this are logged by size only.
const MAX_LOGGED_BODY: usize = 64 * 1024;

pub(crate) struct RequestLog {
    entries: VecDeque<Value>,
    limit: usize,
    next_seq: u64,
}

impl RequestLog {
    pub fn new(limit: usize) -> Self {
        RequestLog { entries: VecDeque::new(), limit, next_seq: 0 }
    }

    /// Records one request; the oldest entries go once `limit` is reached.
    pub fn push(&mut self, mut entry: Map<String, Value>) {
        self.next_seq += 1;
        entry.insert("seq".into(), json!(self.next_seq));
        if self.limit == 0 {
            return;
        }
        if self.entries.len() == self.limit {
            self.entries.pop_front();
        }
        self.entries.push_back(Value::Object(entry));
    }

    pub fn all(&self) -> Vec<Value> {
        self.entries.iter().cloned().collect()
    }
}

/// Milliseconds since the Unix epoch, with microseconds as the fraction.
pub(crate) fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as f64 / 1000.0).unwrap_or(0.0)
}

/// Headers as logged: lowercase names, the credential replaced by its scheme.
pub(crate) fn logged_headers(headers: &hyper::HeaderMap) -> Value {
    let mut out = Map::new();
    for (name, value) in headers {
        let text = if name == hyper::header::AUTHORIZATION {
            // Keep a known scheme, never anything else: a header without a
            // scheme is all credential.
            let first = value.to_str().ok().and_then(|v| v.split_whitespace().next()).unwrap_or("");
            match ["Bearer", "Basic"].iter().find(|s| s.eq_ignore_ascii_case(first)) {
                Some(scheme) if value.len() > first.len() => format!("{scheme} [redacted]"),
                _ => "[redacted]".to_owned(),
            }
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.insert(name.as_str().to_owned(), json!(text));
    }
    Value::Object(out)
}

/// Body fields that hold a secret (a webhook's key, a bot's secret), at any depth.
const SECRET_FIELDS: [&str; 3] = ["secret_key", "secret", "bot_secret"];

/// The body as logged: its JSON when it parses (secrets replaced by
/// `[redacted]`), else its text.
pub(crate) fn logged_body(bytes: &[u8]) -> Value {
    if bytes.len() > MAX_LOGGED_BODY {
        return json!(format!("<{} bytes>", bytes.len()));
    }
    match serde_json::from_slice(bytes) {
        Ok(mut doc) => {
            redact(&mut doc);
            doc
        }
        Err(_) => json!(String::from_utf8_lossy(bytes)),
    }
}

fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) {
                    *value = json!("[redacted]");
                } else {
                    redact(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}
