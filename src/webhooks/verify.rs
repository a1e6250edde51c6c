//! What LiveChat POSTs to a bot: checked against the accepted secrets in
//! constant time, read in any API version, and normalized to one document.
//!
//! LiveChat puts the webhook's `secret_key` verbatim in the JSON body (no
//! signature header). v3.0 carries the event under `data`, later versions
//! under `payload`; v3.2-v3.3 add `license_id` (an integer), v3.4+
//! `organization_id` (a string); v3.2 renamed most actions. The document
//! gives today's action name and keeps the one sent beside it; anything
//! unknown passes through.

use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;

/// The default cap on a webhook body: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// Action names before v3.2, and the names they have had since.
pub const RENAMED_ACTIONS: [(&str, &str); 11] = [
    ("incoming_chat_thread", "incoming_chat"),
    ("thread_closed", "chat_deactivated"),
    ("agent_status_changed", "routing_status_set"),
    ("chat_user_added", "user_added_to_chat"),
    ("chat_user_removed", "user_removed_from_chat"),
    ("access_granted", "chat_access_granted"),
    ("access_revoked", "chat_access_revoked"),
    ("chat_thread_properties_updated", "thread_properties_updated"),
    ("chat_thread_properties_deleted", "thread_properties_deleted"),
    ("chat_thread_tagged", "thread_tagged"),
    ("chat_thread_untagged", "thread_untagged"),
];

/// The secrets a receiver accepts: more than one while a key is rotated.
#[derive(Debug, Clone)]
pub struct WebhookSecrets(Vec<Secret>);

impl WebhookSecrets {
    /// Refuses an empty list (it would accept nothing, or invite a caller to
    /// "accept everything") and empty secrets.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Result<Self> {
        if secrets.is_empty() {
            return Err(Error::validation("secrets: at least one secret is needed; an empty list is a configuration error"));
        }
        if let Some(i) = secrets.iter().position(|s| s.as_ref().is_empty()) {
            return Err(Error::validation(format!("secrets[{i}]: must not be empty")));
        }
        Ok(WebhookSecrets(secrets.iter().map(|s| Secret::new(s.as_ref())).collect()))
    }

    /// Reads `["secret", ...]` (the C ABI's form). Messages never show a secret.
    pub fn from_json(text: &str) -> Result<Self> {
        let doc = crate::json::parse_strict(text, "secrets_json")?;
        let Value::Array(items) = doc else {
            return Err(Error::validation("secrets_json: expected an array of strings"));
        };
        let mut secrets = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => secrets.push(s),
                None => return Err(Error::validation(format!("secrets_json[{i}]: expected a string"))),
            }
        }
        WebhookSecrets::new(&secrets)
    }

    /// Whether `received` is one of the secrets. Every secret is compared,
    /// each in constant time, so the answer's timing says nothing of which
    /// bytes matched.
    fn accepts(&self, received: &str) -> bool {
        let mut matched = subtle::Choice::from(0);
        for secret in &self.0 {
            matched |= secret.expose().as_bytes().ct_eq(received.as_bytes());
        }
        matched.into()
    }
}

/// Checks a webhook body and returns its normalized document:
/// `{"action", "action_as_sent", "webhook_id", "license_id",
/// "organization_id", "payload", "additional_data", "dedupe_key"}`.
///
/// Errors: `TooLarge` over `max_body_bytes`; `InvalidUtf8`, `InvalidJson`
/// or `Validation` for a malformed body; `SecretMismatch` when its
/// `secret_key` is missing or none of `secrets`.
pub fn verify(body: &[u8], secrets: &WebhookSecrets, max_body_bytes: usize) -> Result<Value> {
    check_size(body.len(), max_body_bytes)?;
    let text = std::str::from_utf8(body)
        .map_err(|e| Error::new(ErrorCode::InvalidUtf8, format!("body: invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let doc = crate::json::parse_strict(text, "body")?;
    let Value::Object(mut body) = doc else {
        return Err(Error::validation(format!("body: expected an object; got {}", kind(&doc))));
    };
    // The secret first: nothing more is said to a sender without it.
    match body.remove("secret_key") {
        Some(Value::String(received)) if secrets.accepts(&received) => {}
        Some(Value::String(_)) => return Err(mismatch("secret_key: not one of the accepted secrets")),
        Some(_) => return Err(mismatch("secret_key: expected a string")),
        None => return Err(mismatch("secret_key: required field is missing")),
    }
    let sent = match body.remove("action") {
        Some(Value::String(a)) if !a.is_empty() => a,
        Some(_) => return Err(Error::validation("action: expected a non-empty string")),
        None => return Err(Error::validation("action: required field is missing")),
    };
    let payload = match (body.remove("payload"), body.remove("data")) {
        (Some(p @ Value::Object(_)), None) | (None, Some(p @ Value::Object(_))) => p,
        (Some(_), Some(_)) => return Err(Error::validation("payload: both payload and data are present")),
        (None, None) => return Err(Error::validation("payload: required field is missing (payload, or data in v3.0)")),
        (Some(p), None) | (None, Some(p)) => {
            return Err(Error::validation(format!("payload: expected an object; got {}", kind(&p))))
        }
    };
    let webhook_id = optional(&mut body, "webhook_id", Value::is_string, "a string")?;
    let license_id = optional(&mut body, "license_id", |v| v.is_i64() || v.is_u64(), "an integer")?;
    let organization_id = optional(&mut body, "organization_id", Value::is_string, "a string")?;
    let additional_data = optional(&mut body, "additional_data", Value::is_object, "an object")?;
    let action = RENAMED_ACTIONS.iter().find(|(old, _)| *old == sent).map_or(sent.as_str(), |(_, new)| new).to_owned();
    let dedupe_key = dedupe_key(&action, &payload);

    let mut event = Map::new();
    event.insert("action".into(), json!(action));
    event.insert("action_as_sent".into(), json!(sent));
    event.insert("webhook_id".into(), webhook_id);
    event.insert("license_id".into(), license_id);
    event.insert("organization_id".into(), organization_id);
    event.insert("payload".into(), payload);
    event.insert("additional_data".into(), if additional_data.is_null() { json!({}) } else { additional_data });
    event.insert("dedupe_key".into(), json!(dedupe_key));
    // Fields a later version adds pass through, after the known ones.
    event.extend(body);
    Ok(Value::Object(event))
}

/// What a value is, never what it holds: a body's text may be a secret sent
/// in the wrong shape, so no webhook error quotes it.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `TooLarge` for a body of `len` bytes over `max` (the C boundary checks
/// the length it is given before it makes a slice of it).
pub(crate) fn check_size(len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(Error::new(ErrorCode::TooLarge, format!("body: {len} bytes; the limit is {max}")));
    }
    Ok(())
}

fn mismatch(message: &str) -> Error {
    Error::new(ErrorCode::SecretMismatch, message)
}

/// Removes `key`: null when absent, an error when of the wrong kind.
fn optional(body: &mut Map<String, Value>, key: &str, ok: fn(&Value) -> bool, want: &str) -> Result<Value> {
    match body.remove(key) {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(v) if ok(&v) => Ok(v),
        Some(v) => Err(Error::validation(format!("{key}: expected {want}; got {}", kind(&v)))),
    }
}

/// The same for every delivery of one event (LiveChat retries a delivery
/// with the same body), different for different events. Events that happen
/// once per id are keyed by it (`incoming_event` by the event's id,
/// `incoming_chat` and `chat_deactivated` by the chat and thread); every
/// other action by its chat and a hash of the whole payload with its keys
/// sorted, since a second tag, transfer or edit in one thread is another
/// event. (Two identical payloads, such as a routing status set back to an
/// earlier value, cannot be told apart: keep keys for minutes, not days.)
fn dedupe_key(action: &str, payload: &Value) -> String {
    let text = |pointer: &str| payload.pointer(pointer).and_then(Value::as_str);
    let once = match action {
        "incoming_event" => text("/chat_id").zip(text("/event/id")),
        "incoming_chat" => text("/chat/id").zip(text("/chat/thread/id")),
        "chat_deactivated" => text("/chat_id").zip(text("/thread_id")),
        _ => None,
    };
    if let Some((chat, id)) = once {
        return format!("{action}/{chat}/{id}");
    }
    let chat = text("/chat_id").or_else(|| text("/chat/id")).unwrap_or("-");
    let mut canonical = String::new();
    write_sorted(payload, &mut canonical);
    format!("{action}/{chat}/{:016x}", fnv1a(canonical.as_bytes()))
}

/// JSON text with every object's keys sorted: the same for the same payload
/// whatever order its fields were sent in.
fn write_sorted(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_sorted(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// 64-bit FNV-1a: stable across runs and builds, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn every_secret_is_accepted_and_no_other() {
        let s = WebhookSecrets::new(&["new-key", "old-key"]).unwrap();
        assert!(s.accepts("new-key") && s.accepts("old-key"));
        assert!(!s.accepts("new-ke") && !s.accepts("new-keyy") && !s.accepts(""));
        assert!(WebhookSecrets::new::<&str>(&[]).is_err());
        assert!(WebhookSecrets::new(&["a", ""]).is_err());
        assert!(!format!("{s:?}").contains("new-key"));
    }
}
