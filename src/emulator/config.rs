//! The emulator's config: which tokens it accepts, the bots it starts with,
//! its port, faults to inject from the start and how webhooks are delivered.

use crate::configuration::actions::{Action, SCOPE_ALL_RO, SCOPE_ALL_RW, SCOPE_MY_RO, SCOPE_MY_RW};
use crate::emulator::faults::Fault;
use crate::error::{Error, Result};
use crate::http::config::Region;
use crate::json::parse_strict;
use crate::validate::object;
use crate::version::ApiVersion;
use serde_json::{Map, Value};
use std::time::Duration;

/// The token the default config accepts.
pub(crate) const DEV_TOKEN: &str = "dev-token";
/// The client `dev-token` acts for.
pub(crate) const DEV_CLIENT_ID: &str = "dev-client";
/// The organization the emulated license belongs to, unless configured.
pub(crate) const DEFAULT_ORGANIZATION_ID: &str = "7d2f9c1e-4b3a-4e8d-9f60-2a1b3c4d5e6f";
/// The request log keeps this many entries unless told otherwise.
pub(crate) const DEFAULT_LOG_LIMIT: usize = 10_000;

/// A token the emulator accepts, with who it is and what it may do.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The credential as sent after `Bearer ` (or, for Basic, the base64
    /// text or the `account:pat` it decodes to).
    pub token: crate::Secret,
    /// The client the token acts for.
    pub client_id: String,
    /// What it may do (a `:rw` scope includes its `:ro` twin).
    pub scopes: Vec<String>,
    /// The region it belongs to: a request for the other one gets 421.
    pub region: Region,
    /// Refused as expired from this long after the emulator started.
    pub expires_in: Option<std::time::Duration>,
}

impl TokenGrant {
    /// A grant that never expires.
    pub fn new(token: &str, client_id: &str, scopes: &[&str], region: Region) -> Self {
        TokenGrant {
            token: crate::Secret::new(token),
            client_id: client_id.to_owned(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            region,
            expires_in: None,
        }
    }

    /// `dev-token`: client `dev-client`, every bot scope,
    /// `webhooks.configuration:rw` and `bots.templates:rw`, region `dal`.
    pub fn dev() -> Self {
        let mut scopes = ALL_SCOPES.to_vec();
        scopes.push(crate::emulator::webhooks::SCOPE_WEBHOOKS_RW);
        scopes.push(crate::configuration::templates::SCOPE_TEMPLATES_RW);
        TokenGrant::new(DEV_TOKEN, DEV_CLIENT_ID, &scopes, Region::Dal)
    }

    /// A `:rw` scope includes its `:ro` twin.
    pub fn has_scope(&self, needed: &str) -> bool {
        let rw = needed.strip_suffix(":ro").map(|base| format!("{base}:rw"));
        self.scopes.iter().any(|s| s == needed || Some(s) == rw.as_ref())
    }
}

/// Every bot scope (`my` and `all`, read-write and read-only).
pub(crate) const ALL_SCOPES: [&str; 4] = [SCOPE_MY_RW, SCOPE_ALL_RW, SCOPE_MY_RO, SCOPE_ALL_RO];

/// How an emulator starts (see [`EmulatorConfig::from_json`] for its JSON form).
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The tokens it accepts (by default `dev-token`).
    pub tokens: Vec<TokenGrant>,
    /// Bots present at start, in the `bot_agent` shape of
    /// `get_bot_agent_details` (`id` and `application` optional).
    pub bots: Vec<Map<String, Value>>,
    /// 0 picks a free port.
    pub port: u16,
    /// Faults pending from the start, tried in order.
    pub faults: Vec<Fault>,
    /// How many entries the request log and the delivery log keep.
    pub log_limit: usize,
    /// Close a keep-alive connection idle this long, as load balancers do.
    pub idle_timeout: Option<std::time::Duration>,
    /// Versions past their stable stage: answers carry `Legacy: <until>`
    /// or `Deprecation: <until>`.
    pub stages: Vec<(ApiVersion, RetiringStage)>,
    /// What `issue_bot_token` checks `organization_id` against.
    pub organization_id: String,
    /// How long a bot token is valid (24 h unless configured).
    pub bot_token_lifetime: std::time::Duration,
    /// How webhooks are delivered: tries, backoff, timeout, remote targets.
    pub delivery: DeliveryConfig,
    /// Serve HTTPS with a certificate made at start (`None`: plain HTTP).
    pub tls: Option<crate::emulator::tls::TlsOptions>,
    /// Human agents: `{"id", "name"?, "groups": [ids], "max_chats"?}` each.
    pub agents: Vec<Map<String, Value>>,
}

/// A retiring version's stage and the date it ends (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetiringStage {
    /// Answers carry `Legacy: <until>`.
    Legacy(String),
    /// Answers carry `Deprecation: <until>`.
    Deprecated(String),
}

impl RetiringStage {
    /// The response header that announces it, and its value.
    pub fn header(&self) -> (&'static str, &str) {
        match self {
            RetiringStage::Legacy(until) => ("legacy", until),
            RetiringStage::Deprecated(until) => ("deprecation", until),
        }
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            tokens: vec![TokenGrant::dev()],
            bots: vec![],
            port: 0,
            faults: vec![],
            log_limit: DEFAULT_LOG_LIMIT,
            idle_timeout: None,
            stages: vec![],
            organization_id: DEFAULT_ORGANIZATION_ID.to_owned(),
            bot_token_lifetime: crate::emulator::bot_tokens::DEFAULT_LIFETIME,
            delivery: Default::default(),
            tls: None,
            agents: vec![],
        }
    }
}

/// How deliveries are made (emulator config).
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Tries per delivery (the first included).
    pub tries: u32,
    /// Wait before the second try; doubled before each next one.
    pub backoff: Duration,
    /// How long one try waits for an answer.
    pub timeout: Duration,
    /// Allow targets that are not loopback addresses.
    pub allow_remote: bool,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig { tries: 3, backoff: Duration::from_secs(1), timeout: Duration::from_secs(5), allow_remote: false }
    }
}

impl EmulatorConfig {
    /// Parses the config of `lcbot_emulator_start` (`{}` is the default).
    pub fn from_json(text: &str) -> Result<Self> {
        let doc = parse_strict(text, "config_json")?;
        let o = object(&doc, "config_json")?;
        o.only(&[
            "tokens",
            "bots",
            "port",
            "faults",
            "log_limit",
            "idle_timeout_ms",
            "versions",
            "organization_id",
            "bot_token_lifetime_ms",
            "webhook_tries",
            "webhook_backoff_ms",
            "webhook_timeout_ms",
            "webhook_allow_remote",
            "tls",
            "agents",
        ])?;
        let mut config = EmulatorConfig::default();
        if let Some(tls) = o.get("tls") {
            config.tls = crate::emulator::tls::TlsOptions::from_value(tls, "config_json.tls")?;
        }
        if let Some(n) = o.opt_int("webhook_tries", 1, 10)? {
            config.delivery.tries = n as u32;
        }
        if let Some(ms) = o.opt_int("webhook_backoff_ms", 0, 600_000)? {
            config.delivery.backoff = std::time::Duration::from_millis(ms as u64);
        }
        if let Some(ms) = o.opt_int("webhook_timeout_ms", 1, 600_000)? {
            config.delivery.timeout = std::time::Duration::from_millis(ms as u64);
        }
        if let Some(allow) = o.opt_bool("webhook_allow_remote")? {
            config.delivery.allow_remote = allow;
        }
        if let Some(org) = o.opt_str("organization_id")? {
            if org.is_empty() {
                return Err(Error::validation("config_json.organization_id: must not be empty"));
            }
            config.organization_id = org.to_owned();
        }
        if let Some(ms) = o.opt_int("bot_token_lifetime_ms", 1, 86_400_000)? {
            config.bot_token_lifetime = std::time::Duration::from_millis(ms as u64);
        }
        if let Some(ms) = o.opt_int("idle_timeout_ms", 1, 3_600_000)? {
            config.idle_timeout = Some(std::time::Duration::from_millis(ms as u64));
        }
        if let Some(versions) = o.opt_object("versions")? {
            for (name, stage) in versions.map.iter() {
                let path = format!("config_json.versions.{name}");
                let version = ApiVersion::parse(name).map_err(|e| Error::validation(format!("{path}: {}", e.message)))?;
                let s = object(stage, &path)?;
                s.only(&["stage", "until"])?;
                let until = s.req_str("until")?;
                let valid_date = until.len() == 10
                    && until.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
                if !valid_date {
                    return Err(Error::validation(format!("{path}.until: expected a date YYYY-MM-DD; got \"{until}\"")));
                }
                let stage = match s.req_enum("stage", &["legacy", "deprecated"])? {
                    "legacy" => RetiringStage::Legacy(until.to_owned()),
                    _ => RetiringStage::Deprecated(until.to_owned()),
                };
                config.stages.push((version, stage));
            }
        }
        if let Some(p) = o.opt_int("port", 0, 65535)? {
            config.port = p as u16;
        }
        if let Some(n) = o.opt_int("log_limit", 0, 10_000_000)? {
            config.log_limit = n as usize;
        }
        if o.get("tokens").is_some() {
            let mut tokens = Vec::new();
            o.req_array("tokens", |item, path| {
                let t = object(item, path)?;
                t.only(&["token", "client_id", "scopes", "region", "expires_in_ms"])?;
                t.opt_int("expires_in_ms", 0, 365 * 86_400_000)?;
                t.req_str("token")?;
                t.req_str("client_id")?;
                t.req_array("scopes", crate::validate::string_item)?;
                t.opt_enum("region", &["dal", "fra"])?;
                Ok(())
            })?;
            for item in o.get("tokens").and_then(Value::as_array).into_iter().flatten() {
                let scopes: Vec<&str> = item["scopes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let region = item.get("region").and_then(Value::as_str).and_then(Region::parse).unwrap_or(Region::Dal);
                let mut grant = TokenGrant::new(
                    item["token"].as_str().unwrap_or_default(),
                    item["client_id"].as_str().unwrap_or_default(),
                    &scopes,
                    region,
                );
                grant.expires_in = item.get("expires_in_ms").and_then(Value::as_u64).map(std::time::Duration::from_millis);
                tokens.push(grant);
            }
            config.tokens = tokens;
        }
        o.opt_array("bots", check_seed_bot)?;
        config.bots = o
            .get("bots")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|b| b.as_object().cloned())
            .collect();
        o.opt_array("agents", crate::emulator::humans::check)?;
        config.agents = o.get("agents").and_then(Value::as_array).into_iter().flatten().filter_map(|a| a.as_object().cloned()).collect();
        o.opt_array("faults", |item, path| Fault::from_value(item, path).map(|_| ()))?;
        for item in o.get("faults").and_then(Value::as_array).into_iter().flatten() {
            config.faults.push(Fault::from_value(item, "faults")?);
        }
        Ok(config)
    }
}

/// A seed bot is a `bot_agent` of get_bot_agent_details: the create rules of
/// v3.2 (status optional, webhooks and default_group_priority allowed), the
/// fields v3.3+ added, and an optional `id` and `application.client_id`.
fn check_seed_bot(item: &Value, path: &str) -> Result<()> {
    let mut bot = object(item, path)?.map.clone();
    if let Some(id) = bot.remove("id") {
        if id.as_str().is_none_or(str::is_empty) {
            return Err(Error::validation(format!("{path}.id: expected a non-empty string")));
        }
    }
    if let Some(app) = bot.remove("application") {
        let a = object(&app, &format!("{path}.application"))?;
        a.only(&["client_id"])?;
        a.req_str("client_id")?;
    }
    let newer = object(item, path)?;
    for key in ["job_title", "timezone", "type"] {
        newer.opt_str(key)?;
        bot.remove(key);
    }
    newer.opt_object("work_scheduler")?;
    bot.remove("work_scheduler");
    Action::CreateBotAgent
        .validate_request(ApiVersion::V3_2, &Value::Object(bot))
        .map_err(|e| Error::validation(format!("{path}.{}", e.message)))
}
