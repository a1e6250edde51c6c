//! Faults injected into the emulator's answers (and webhook deliveries), for
//! tests of retries and timeouts, and the error type an HTTP status is sent
//! with when a fault names none.

use crate::error::Result;
use crate::validate::object;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// One fault, applied to the next `times` requests (of `action`, or of any).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// The action it applies to (a request's or a webhook's); None: any.
    pub action: Option<String>,
    /// How many requests (or deliveries) it applies to.
    pub times: u32,
    /// Answer this HTTP status with an API error body instead of serving.
    pub status: Option<u16>,
    /// The error body's `type` (by default the one the status goes with).
    pub error_type: Option<String>,
    /// The error body's `message`.
    pub message: Option<String>,
    /// With `status`: send `Retry-After` with this many seconds.
    pub retry_after_s: Option<u64>,
    /// Wait this long before answering (a stall).
    pub delay: Option<Duration>,
    /// Close the connection without answering.
    pub drop_connection: bool,
    /// Not for requests: send the next delivery of webhook `action` twice.
    pub duplicate_delivery: bool,
    /// Webhook deliveries: the next delivery's first try counts as failed
    /// whatever the receiver answered (its answer "lost"), so it is retried.
    pub lost_answer: bool,
}

impl Fault {
    /// A fault from its JSON document (see [`Fault::from_value`]).
    pub fn from_json(text: &str) -> Result<Fault> {
        let doc = crate::json::parse_strict(text, "fault_json")?;
        Fault::from_value(&doc, "fault_json")
    }

    /// A fault from `{action?, times?, status?, error_type?, message?,
    /// retry_after_s?, delay_ms?, drop_connection?, duplicate_delivery?,
    /// lost_answer?}`; errors name the field under `path`.
    pub fn from_value(v: &Value, path: &str) -> Result<Fault> {
        let o = object(v, path)?;
        o.only(&["action", "times", "status", "error_type", "message", "retry_after_s", "delay_ms", "drop_connection", "duplicate_delivery", "lost_answer"])?;
        let fault = Fault {
            action: o.opt_str("action")?.map(str::to_owned),
            times: o.opt_int("times", 1, 1_000_000)?.unwrap_or(1) as u32,
            status: o.opt_int("status", 400, 599)?.map(|s| s as u16),
            error_type: o.opt_str("error_type")?.map(str::to_owned),
            message: o.opt_str("message")?.map(str::to_owned),
            retry_after_s: o.opt_int("retry_after_s", 0, 86_400)?.map(|s| s as u64),
            delay: o.opt_int("delay_ms", 0, 600_000)?.map(|ms| Duration::from_millis(ms as u64)),
            drop_connection: o.opt_bool("drop_connection")?.unwrap_or(false),
            duplicate_delivery: o.opt_bool("duplicate_delivery")?.unwrap_or(false),
            lost_answer: o.opt_bool("lost_answer")?.unwrap_or(false),
        };
        if fault.duplicate_delivery && fault.lost_answer {
            return Err(crate::Error::validation(format!("{path}: duplicate_delivery and lost_answer are two faults; inject them apart")));
        }
        if fault.for_deliveries() && (fault.status.is_some() || fault.delay.is_some() || fault.drop_connection) {
            return Err(crate::Error::validation(format!(
                "{path}: duplicate_delivery and lost_answer are faults of webhook deliveries; they take no status, delay_ms or drop_connection"
            )));
        }
        if fault.status.is_none() && fault.delay.is_none() && !fault.drop_connection && !fault.for_deliveries() {
            return Err(crate::Error::validation(format!(
                "{path}: a fault needs at least one of status, delay_ms, drop_connection, duplicate_delivery, lost_answer"
            )));
        }
        Ok(fault)
    }

    /// Whether it applies to webhook deliveries rather than API requests.
    pub fn for_deliveries(&self) -> bool {
        self.duplicate_delivery || self.lost_answer
    }

    /// Whether it applies to `action`.
    pub fn matches(&self, action: &str) -> bool {
        self.action.as_deref().is_none_or(|a| a == action)
    }

    /// The error type sent with `status` when none was given.
    pub fn error_type_for(&self, status: u16) -> String {
        self.error_type.clone().unwrap_or_else(|| default_error_type(status).to_owned())
    }

    /// The fault as the document [`Fault::from_json`] reads (absent fields
    /// left out).
    pub fn to_value(&self) -> Value {
        let mut doc = serde_json::Map::new();
        if let Some(action) = &self.action {
            doc.insert("action".into(), json!(action));
        }
        doc.insert("times".into(), json!(self.times));
        if let Some(status) = self.status {
            doc.insert("status".into(), json!(status));
        }
        if let Some(t) = &self.error_type {
            doc.insert("error_type".into(), json!(t));
        }
        if let Some(m) = &self.message {
            doc.insert("message".into(), json!(m));
        }
        if let Some(s) = self.retry_after_s {
            doc.insert("retry_after_s".into(), json!(s));
        }
        if let Some(d) = self.delay {
            doc.insert("delay_ms".into(), json!(d.as_millis() as u64));
        }
        if self.drop_connection {
            doc.insert("drop_connection".into(), json!(true));
        }
        if self.duplicate_delivery {
            doc.insert("duplicate_delivery".into(), json!(true));
        }
        if self.lost_answer {
            doc.insert("lost_answer".into(), json!(true));
        }
        Value::Object(doc)
    }

    /// How the request log describes the fault.
    pub fn describe(&self) -> Value {
        json!({
            "status": self.status,
            "retry_after_s": self.retry_after_s,
            "delay_ms": self.delay.map(|d| d.as_millis() as u64),
            "drop_connection": self.drop_connection,
        })
    }
}

/// The error type the API sends with an HTTP status.
pub(crate) fn default_error_type(status: u16) -> &'static str {
    match status {
        400 => "validation",
        401 => "authentication",
        403 => "authorization",
        404 => "not_found",
        413 => "entity_too_large",
        421 => "misdirected_request",
        429 => "too_many_requests",
        _ => "internal",
    }
}

/// Takes one use of the first fault `wanted` picks: that fault as it was,
/// with one `times` less left in the queue (removed at its last use).
pub(crate) fn take_first(faults: &mut VecDeque<Fault>, wanted: impl Fn(&Fault) -> bool) -> Option<Fault> {
    let i = faults.iter().position(wanted)?;
    let taken = faults[i].clone();
    if taken.times <= 1 {
        faults.remove(i);
    } else {
        faults[i].times -= 1;
    }
    Some(taken)
}
