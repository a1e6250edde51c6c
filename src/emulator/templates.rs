//! The bot templates the emulated license's store holds (v3.5+): each
//! application's templates, with their secrets, and the applications
//! installed on the license. What the template actions and an installation
//! do with them is `template_api`'s.

use crate::emulator::failure::ApiFailure;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The fields a template keeps besides its id and owner (`avatar_path` as
/// the API answers it).
const TEMPLATE_FIELDS: [&str; 5] = ["name", "avatar", "max_chats_count", "default_group_priority", "job_title"];

pub(crate) struct Template {
    /// `{id, name, avatar_path?, max_chats_count?, default_group_priority?, job_title?, owner_client_id}`.
    pub doc: Map<String, Value>,
    /// What bots made from it get their tokens with; never listed or logged.
    pub secret: String,
}

impl Template {
    pub fn owner(&self) -> &str {
        self.doc["owner_client_id"].as_str().unwrap_or_default()
    }

    pub fn id(&self) -> &str {
        self.doc["id"].as_str().unwrap_or_default()
    }

    /// The template's fields as a bot's (the details shape).
    pub fn bot_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        for (key, v) in &self.doc {
            match key.as_str() {
                "avatar_path" => fields.insert("avatar".into(), v.clone()),
                "id" | "owner_client_id" => None,
                _ => fields.insert(key.clone(), v.clone()),
            };
        }
        fields
    }
}

/// Every application's templates, in creation order, and the applications
/// installed on the license.
#[derive(Default)]
pub(crate) struct Templates {
    pub templates: Vec<Template>,
    pub installed: BTreeSet<String>,
}

impl Templates {
    /// Every template (secrets left out), in creation order.
    pub fn all(&self) -> Vec<Value> {
        self.templates.iter().map(|t| Value::Object(t.doc.clone())).collect()
    }

    /// The client ids installed on the license.
    pub fn installed(&self) -> Vec<String> {
        self.installed.iter().cloned().collect()
    }

    pub fn find(&self, id: &str, owner: &str) -> Result<usize, ApiFailure> {
        self.templates
            .iter()
            .position(|t| t.id() == id && t.owner() == owner)
            .ok_or_else(|| ApiFailure::new(404, "not_found", format!("Bot template {id} not found")))
    }
}

/// The template fields of `request` into `doc` (`avatar` kept as `avatar_path`).
pub(crate) fn copy_fields(doc: &mut Map<String, Value>, request: &Value) {
    for key in TEMPLATE_FIELDS {
        if let Some(v) = request.get(key) {
            let name = if key == "avatar" { "avatar_path" } else { key };
            doc.insert(name.into(), v.clone());
        }
    }
}

