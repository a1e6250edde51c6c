//! The webhook delivery log: one entry per delivery, from the moment it is
//! planned, updated as its tries go (`secret_key` redacted).

use crate::emulator::log::now_ms;
use crate::emulator::outbox::Outgoing;
use serde_json::{json, Map, Value};

/// The delivery log: one entry per delivery, updated as its tries go; the
/// newest `limit` are kept (like the request log).
pub(crate) struct DeliveryLog {
    entries: std::collections::VecDeque<Value>,
    /// The `seq` of `entries[0]`.
    first_seq: usize,
    limit: usize,
}

impl DeliveryLog {
    pub fn new(limit: usize) -> Self {
        DeliveryLog { entries: Default::default(), first_seq: 1, limit }
    }

    pub fn all(&self) -> Vec<Value> {
        self.entries.iter().cloned().collect()
    }

    /// `{"deliveries": [...], "delivered", "failed", "pending", "refused",
    /// "retried"}`: the counts are of the entries kept.
    pub fn document(&self) -> Value {
        let state = |name: &str| self.entries.iter().filter(|e| e["state"] == name).count();
        let retried = self.entries.iter().filter(|e| e["tries"].as_array().is_some_and(|t| t.len() > 1)).count();
        json!({
            "deliveries": self.all(),
            "delivered": state("delivered"),
            "failed": state("failed"),
            "pending": state("pending"),
            "refused": state("refused"),
            "retried": retried,
        })
    }

    /// Logs a delivery about to be sent; returns its `seq`.
    pub(crate) fn start(&mut self, out: &Outgoing, duplicate: bool) -> usize {
        let mut body = out.body.clone();
        if let Some(map) = body.as_object_mut() {
            map.insert("secret_key".into(), json!("[redacted]"));
        }
        let seq = self.first_seq + self.entries.len();
        self.entries.push_back(json!({
            "seq": seq,
            "time_ms": now_ms(),
            "webhook_id": out.webhook_id,
            "bot_id": out.bot_id,
            "action": out.action,
            "version": out.version.as_str(),
            "url": out.url,
            "duplicate": duplicate,
            "state": "pending",
            "tries": [],
            "body": body,
        }));
        while self.entries.len() > self.limit {
            self.entries.pop_front();
            self.first_seq += 1;
        }
        seq
    }

    /// Changes the entry `seq`, if it is still kept.
    pub(crate) fn update(&mut self, seq: usize, f: impl FnOnce(&mut Map<String, Value>)) {
        let Some(index) = seq.checked_sub(self.first_seq) else { return };
        if let Some(Value::Object(map)) = self.entries.get_mut(index) {
            f(map);
        }
    }
}
