//! What a chat holds beyond its events, as the conversation actions leave
//! it: the chat's and each thread's properties, each thread's tags, who has
//! seen the events up to when, and the indicator ("typing...",
//! "thinking...") a bot shows until it writes, hides it or it times out.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long "typing..." shows without a new `send_typing_indicator`.
pub(crate) const TYPING_SHOWS_FOR: Duration = Duration::from_secs(10);
/// How long "thinking..." shows without the bot writing.
pub(crate) const THINKING_SHOWS_FOR: Duration = Duration::from_secs(30);

/// An indicator a bot shows.
pub(crate) struct Indicator {
    /// `typing` or `thinking`.
    pub kind: &'static str,
    pub author_id: String,
    pub visibility: String,
    /// The thinking indicator's `title` and `description`.
    pub title: Option<String>,
    pub description: Option<String>,
    until: Instant,
}

#[derive(Default)]
pub(crate) struct ChatTalk {
    /// `{namespace: {name: value}}`.
    pub properties: Map<String, Value>,
    /// Per thread id: `{namespace: {name: value}}`.
    pub thread_properties: BTreeMap<String, Map<String, Value>>,
    /// Per thread id, in the order added.
    pub tags: BTreeMap<String, Vec<String>>,
    /// Per user id: the RFC 3339 time they have seen the events up to.
    pub seen_up_to: BTreeMap<String, String>,
    indicator: Option<Indicator>,
}

impl ChatTalk {
    /// Merges `{namespace: {name: value}}` into `target`.
    pub fn update(target: &mut Map<String, Value>, properties: &Map<String, Value>) {
        for (namespace, values) in properties {
            let slot = target.entry(namespace.clone()).or_insert_with(|| json!({}));
            if let (Some(slot), Some(values)) = (slot.as_object_mut(), values.as_object()) {
                slot.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
    }

    /// Removes `{namespace: [names]}` from `target` (an emptied namespace too).
    pub fn delete(target: &mut Map<String, Value>, properties: &Map<String, Value>) {
        for (namespace, names) in properties {
            if let Some(slot) = target.get_mut(namespace).and_then(Value::as_object_mut) {
                for name in names.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    slot.remove(name);
                }
                if slot.is_empty() {
                    target.remove(namespace);
                }
            }
        }
    }

    /// Shows `kind` for `author_id` (replacing any indicator shown).
    pub fn show(&mut self, kind: &'static str, author_id: &str, visibility: &str, title: Option<String>, description: Option<String>) {
        let lasts = if kind == "typing" { TYPING_SHOWS_FOR } else { THINKING_SHOWS_FOR };
        self.indicator = Some(Indicator {
            kind,
            author_id: author_id.to_owned(),
            visibility: visibility.to_owned(),
            title,
            description,
            until: Instant::now() + lasts,
        });
    }

    /// `author_id` wrote an event or stopped typing: its indicator ends.
    pub fn hide(&mut self, author_id: &str) {
        if self.indicator.as_ref().is_some_and(|i| i.author_id == author_id) {
            self.indicator = None;
        }
    }

    /// The indicator showing now, if any.
    pub fn indicator(&self) -> Option<&Indicator> {
        self.indicator.as_ref().filter(|i| Instant::now() < i.until)
    }

    /// The control call's view: properties, tags per thread, seen times and
    /// the indicator showing now (`null` when none).
    pub fn control_doc(&self) -> Value {
        let indicator = self.indicator().map(|i| {
            json!({
                "kind": i.kind, "author_id": i.author_id, "visibility": i.visibility,
                "title": i.title, "description": i.description,
            })
        });
        json!({
            "properties": self.properties,
            "thread_properties": self.thread_properties,
            "tags": self.tags,
            "seen_up_to": self.seen_up_to,
            "indicator": indicator,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_merge_and_delete_by_namespace() {
        let mut props = Map::new();
        ChatTalk::update(&mut props, json!({"bot": {"step": "menu", "n": 1}}).as_object().unwrap());
        ChatTalk::update(&mut props, json!({"bot": {"step": "order"}}).as_object().unwrap());
        assert_eq!(Value::Object(props.clone()), json!({"bot": {"step": "order", "n": 1}}));
        ChatTalk::delete(&mut props, json!({"bot": ["step", "n"]}).as_object().unwrap());
        assert!(props.is_empty());
    }

    #[test]
    fn an_indicator_ends_when_its_author_writes() {
        let mut talk = ChatTalk::default();
        talk.show("thinking", "bot1", "all", Some("Checking".into()), None);
        talk.hide("someone-else");
        assert_eq!(talk.indicator().map(|i| i.kind), Some("thinking"));
        talk.hide("bot1");
        assert!(talk.indicator().is_none());
    }
}
