//! The environment's part in a client's settings: `LIVECHAT_BASE_URL`,
//! `LIVECHAT_TOKEN`, `LIVECHAT_API_VERSION` and `LIVECHAT_REGION` fill the
//! settings a config document leaves out, so that a bot is aimed at a running
//! emulator (or another data centre) without a change to its code. A setting
//! the document has always wins; an empty variable counts as unset.
//!
//! Only the clients made from a config document the way every language makes
//! them (`lcbot_client_new`, the command line) read the environment:
//! [`ClientConfig::from_json`] and [`ClientConfig::new`] never do.

use crate::error::Result;
use crate::http::config::ClientConfig;
use crate::json::parse_strict;
use serde_json::Value;

/// Each config key the environment may fill, with its variable.
pub const ENVIRONMENT_VARIABLES: [(&str, &str); 4] = [
    ("base_url", "LIVECHAT_BASE_URL"),
    ("token", "LIVECHAT_TOKEN"),
    ("api_version", "LIVECHAT_API_VERSION"),
    ("region", "LIVECHAT_REGION"),
];

impl ClientConfig {
    /// [`ClientConfig::from_json`], with each of `base_url`, `token`,
    /// `api_version` and `region` the document leaves out taken from its
    /// `LIVECHAT_*` variable when that is set and not empty. A message about
    /// a value from the environment names its variable.
    pub fn from_json_with_environment(text: &str) -> Result<Self> {
        Self::from_json_with_variables(text, |name| std::env::var(name).ok())
    }

    /// [`ClientConfig::from_json_with_environment`] with the variables read
    /// by `lookup` instead of from the process's environment.
    pub fn from_json_with_variables(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let Value::Object(mut doc) = parse_strict(text, "config_json")? else {
            // Not an object: from_json names the problem.
            return Self::from_json(text);
        };
        let mut filled = Vec::new();
        for (key, variable) in ENVIRONMENT_VARIABLES {
            if doc.contains_key(key) {
                continue;
            }
            if let Some(value) = lookup(variable).filter(|v| !v.is_empty()) {
                doc.insert(key.to_owned(), Value::String(value));
                filled.push((key, variable));
            }
        }
        if filled.is_empty() {
            return Self::from_json(text);
        }
        Self::from_json(&Value::Object(doc).to_string()).map_err(|mut e| {
            if let Some((_, variable)) = filled.iter().find(|(key, _)| e.message.starts_with(&format!("config_json.{key}:"))) {
                e.message = format!("{} (from {variable})", e.message);
            }
            e
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::config::{Region, DEFAULT_BASE_URL};
    use crate::version::ApiVersion;

    fn with(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    const ALL: &[(&str, &str)] = &[
        ("LIVECHAT_BASE_URL", "http://127.0.0.1:9/"),
        ("LIVECHAT_TOKEN", "env-token"),
        ("LIVECHAT_API_VERSION", "3.6"),
        ("LIVECHAT_REGION", "fra"),
    ];

    #[test]
    fn the_environment_fills_what_the_document_leaves_out() {
        let c = ClientConfig::from_json_with_variables("{}", with(ALL)).unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.token.expose(), "env-token");
        assert_eq!(c.api_version, ApiVersion::V3_6);
        assert_eq!(c.region, Some(Region::Fra));
    }

    #[test]
    fn the_document_always_wins() {
        let doc = r#"{"token": "doc-token", "base_url": "https://example.com", "api_version": "3.2", "region": "dal"}"#;
        let c = ClientConfig::from_json_with_variables(doc, with(ALL)).unwrap();
        assert_eq!(
            (c.token.expose(), c.base_url.as_str(), c.api_version, c.region),
            ("doc-token", "https://example.com", ApiVersion::V3_2, Some(Region::Dal))
        );
    }

    #[test]
    fn unset_or_empty_variables_leave_the_defaults() {
        let c = ClientConfig::from_json_with_variables(r#"{"token": "t"}"#, with(&[("LIVECHAT_BASE_URL", "")])).unwrap();
        assert_eq!((c.base_url.as_str(), c.api_version, c.region), (DEFAULT_BASE_URL, ApiVersion::V3_0, None));
        let e = ClientConfig::from_json_with_variables("{}", with(&[])).unwrap_err();
        assert!(e.message.starts_with("config_json.token: required"), "{}", e.message);
    }

    #[test]
    fn a_bad_variable_is_named_and_a_token_never_shown() {
        let e = ClientConfig::from_json_with_variables(r#"{"token": "t"}"#, with(&[("LIVECHAT_API_VERSION", "2.9")])).unwrap_err();
        assert!(e.message.starts_with("config_json.api_version") && e.message.ends_with("(from LIVECHAT_API_VERSION)"), "{}", e.message);
        let e = ClientConfig::from_json_with_variables(r#"{"token": "t"}"#, with(&[("LIVECHAT_REGION", "ams")])).unwrap_err();
        assert!(e.message.ends_with("(from LIVECHAT_REGION)"), "{}", e.message);
        let e = ClientConfig::from_json_with_variables(r#"{"token": "t"}"#, with(&[("LIVECHAT_BASE_URL", "http://example.com")])).unwrap_err();
        assert!(e.message.ends_with("(from LIVECHAT_BASE_URL)"), "{}", e.message);
        let e = ClientConfig::from_json_with_variables("{}", with(&[("LIVECHAT_TOKEN", "se\ncret")])).unwrap_err();
        assert!(e.message.ends_with("(from LIVECHAT_TOKEN)") && !e.message.contains("se\ncret"), "{}", e.message);
        // The document's own mistakes are not blamed on the environment.
        let e = ClientConfig::from_json_with_variables(r#"{"token": "t", "timeout_ms": 0}"#, with(ALL)).unwrap_err();
        assert!(!e.message.contains("(from"), "{}", e.message);
    }

    #[test]
    fn a_document_that_is_not_an_object_is_refused_as_before() {
        assert_eq!(
            ClientConfig::from_json_with_variables("[1]", with(ALL)).unwrap_err().message,
            ClientConfig::from_json("[1]").unwrap_err().message
        );
    }
}
