//! The webhook registry's data (v3.3+): what is registered, for whom, in
//! which version. The store owns it; the registry actions and their checks
//! are the Configuration handler's, and delivery reads from here.

use crate::version::ApiVersion;
use serde_json::{Map, Value};

/// The scope the three registry actions need.
pub(crate) const SCOPE_WEBHOOKS_RW: &str = "webhooks.configuration:rw";

/// Every registered webhook, with the version it was registered in.
#[derive(Default)]
pub(crate) struct Webhooks {
    /// In registration order; each in the `list_webhooks` shape.
    list: Vec<Map<String, Value>>,
    /// The API version each was registered in (its deliveries' body shape).
    versions: Vec<ApiVersion>,
}

impl Webhooks {
    /// Every registered webhook (secret keys included: they are the user's).
    pub fn all(&self) -> Vec<Value> {
        self.list.iter().cloned().map(Value::Object).collect()
    }

    /// The `type: "bot"` webhooks, with the version each was registered in.
    pub fn bot_hooks(&self) -> impl Iterator<Item = (&Map<String, Value>, ApiVersion)> {
        self.list.iter().zip(self.versions.iter().copied()).filter(|(w, _)| w["type"] == "bot")
    }

    /// The registered webhooks, in registration order.
    pub fn entries(&self) -> &[Map<String, Value>] {
        &self.list
    }

    /// Adds a webhook (in the `list_webhooks` shape) registered in `version`.
    pub fn add(&mut self, hook: Map<String, Value>, version: ApiVersion) {
        self.list.push(hook);
        self.versions.push(version);
    }

    /// Removes the webhook at index `at` of [`Webhooks::entries`].
    pub fn remove(&mut self, at: usize) {
        self.list.remove(at);
        self.versions.remove(at);
    }
}
