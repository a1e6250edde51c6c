//! ClientConfig: everything a client needs, parsed from the JSON callers give.

use base64::Engine;
use crate::error::{Error, Result};
use crate::http::retry::RetryPolicy;
use crate::json::parse_strict;
use crate::secret::Secret;
use crate::validate::{object, Obj};
use crate::version::ApiVersion;
use serde_json::Value;
use std::net::IpAddr;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.livechatinc.com";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_TIMEOUT_MS: i64 = 3_600_000;

/// How the token is sent in the Authorization header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// An OAuth access token (`Authorization: Bearer`).
    Bearer,
    /// A Personal Access Token, `account_id:token` (`Authorization: Basic`).
    Basic,
}

/// LiveChat's data centres.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The US data center (`dal`).
    Dal,
    /// The EU data center (`fra`).
    Fra,
}

impl Region {
    /// The name LiveChat uses (`dal`, `fra`).
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Dal => "dal",
            Region::Fra => "fra",
        }
    }

    /// Reads `dal` or `fra`.
    pub fn parse(s: &str) -> Option<Region> {
        match s {
            "dal" => Some(Region::Dal),
            "fra" => Some(Region::Fra),
            _ => None,
        }
    }

    /// A token prefixed `fra-` or `fra:` belongs to the `fra` data centre.
    pub fn of_token(token: &str) -> Option<Region> {
        (token.starts_with("fra-") || token.starts_with("fra:")).then_some(Region::Fra)
    }
}

/// The settings of a [`crate::Client`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The credential as sent after the scheme (for Basic: the base64 text).
    pub token: Secret,
    /// How the token is sent (default: bearer).
    pub token_type: TokenType,
    /// The API version every call speaks (default: 3.0, the spec's).
    pub api_version: ApiVersion,
    /// Without a trailing slash.
    pub base_url: String,
    /// Sent as `X-Region` when set (explicitly or from the token's prefix).
    pub region: Option<Region>,
    /// The budget of a whole call, retries and waits included.
    pub timeout: Duration,
    /// The most one attempt may take (within `timeout`); `None` lets an
    /// attempt use all that is left. Shorter than `timeout`, it lets a read
    /// survive a stalled attempt by trying again.
    pub attempt_timeout: Option<Duration>,
    /// The longest wait for a connection (default: 10 s).
    pub connect_timeout: Duration,
    /// The `User-Agent` header (default: `livechat-bots/<version>`).
    pub user_agent: String,
    /// Allows an `http://` base URL other than loopback (never for LiveChat itself).
    pub allow_insecure_http: bool,
    /// When and how often a failed attempt is repeated.
    pub retry: RetryPolicy,
    /// More roots to trust beside the system's (PEM text, one or more
    /// certificates), e.g. a proxy's or a test server's CA.
    pub ca_pem: Option<String>,
}

const KEYS: [&str; 12] = [
    "token",
    "token_type",
    "api_version",
    "base_url",
    "region",
    "timeout_ms",
    "attempt_timeout_ms",
    "connect_timeout_ms",
    "user_agent",
    "allow_insecure_http",
    "retry",
    "ca_pem",
];

impl ClientConfig {
    /// Defaults for a Bearer token.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        ClientConfig {
            region: Region::of_token(&token),
            token: Secret::new(token),
            token_type: TokenType::Bearer,
            api_version: ApiVersion::default(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("livechat-bots/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_insecure_http: false,
            retry: RetryPolicy::default(),
            ca_pem: None,
        }
    }

    /// Parses the config document of `lcbot_client_new`. Every message names
    /// its field as `config_json.<path>`.
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_json_unprefixed(text).map_err(|mut e| {
            if !e.message.starts_with("config_json") {
                e.message = format!("config_json.{}", e.message);
            }
            e
        })
    }

    fn from_json_unprefixed(text: &str) -> Result<Self> {
        let doc = parse_strict(text, "config_json")?;
        let o = object(&doc, "config_json")?;
        o.only(&KEYS)?;

        let token_type = match o.opt_enum("token_type", &["Bearer", "Basic"])? {
            Some("Basic") => TokenType::Basic,
            _ => TokenType::Bearer,
        };
        let raw_token = token_text(&o, token_type)?;
        let mut config = ClientConfig::new(raw_token.clone());
        config.token_type = token_type;
        if token_type == TokenType::Basic {
            // The region prefix belongs to the account id, not to the encoding.
            config.region = Region::of_token(&raw_token).or_else(|| basic_region(&raw_token));
        }
        if let Some(v) = o.opt_str("api_version")? {
            config.api_version = ApiVersion::parse(v)?;
        }
        if let Some(url) = o.opt_str("base_url")? {
            config.base_url = url.trim_end_matches('/').to_owned();
        }
        if let Some(r) = o.opt_enum("region", &["dal", "fra"])? {
            config.region = Region::parse(r);
        }
        if let Some(ms) = o.opt_int("timeout_ms", 1, MAX_TIMEOUT_MS)? {
            config.timeout = Duration::from_millis(ms as u64);
        }
        if let Some(ms) = o.opt_int("attempt_timeout_ms", 1, MAX_TIMEOUT_MS)? {
            config.attempt_timeout = Some(Duration::from_millis(ms as u64));
        }
        if let Some(ms) = o.opt_int("connect_timeout_ms", 1, MAX_TIMEOUT_MS)? {
            config.connect_timeout = Duration::from_millis(ms as u64);
        }
        if let Some(ua) = o.opt_str("user_agent")? {
            config.user_agent = ua.to_owned();
        }
        config.allow_insecure_http = o.opt_bool("allow_insecure_http")?.unwrap_or(false);
        config.ca_pem = o.opt_str("ca_pem")?.map(str::to_owned);
        if let Some(r) = o.opt_object("retry")? {
            r.only(&["max_attempts", "base_delay_ms", "max_delay_ms"])?;
            if let Some(n) = r.opt_int("max_attempts", 1, 10)? {
                config.retry.max_attempts = n as u32;
            }
            if let Some(ms) = r.opt_int("base_delay_ms", 0, 60_000)? {
                config.retry.base_delay = Duration::from_millis(ms as u64);
            }
            if let Some(ms) = r.opt_int("max_delay_ms", 0, 600_000)? {
                config.retry.max_delay = Duration::from_millis(ms as u64);
            }
        }
        config.check()?;
        Ok(config)
    }

    /// Checks the rules that do not depend on how the config was built.
    pub fn check(&self) -> Result<()> {
        let token = self.token.expose();
        if token.is_empty() {
            return Err(Error::validation("token: must not be empty"));
        }
        if reqwest::header::HeaderValue::from_str(token).is_err() {
            // Never echo the token itself.
            return Err(Error::validation("token: contains a character not allowed in an HTTP header"));
        }
        if self.user_agent.is_empty() || reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(Error::validation("user_agent: must be non-empty printable ASCII"));
        }
        self.retry.check()?;
        if let Some(pem) = &self.ca_pem {
            crate::http::tls::parse_ca_pem(pem)?;
        }
        check_base_url(&self.base_url, self.allow_insecure_http)
    }
}

/// Reads `{"token", "token_type"}` with the config's rules, for replacing
/// a client's credentials. Messages name fields as `credentials_json.<key>`.
pub fn credentials_from_json(text: &str) -> Result<(Secret, TokenType)> {
    let parse = || {
        let doc = parse_strict(text, "credentials_json")?;
        let o = object(&doc, "credentials_json")?;
        o.only(&["token", "token_type"])?;
        let token_type = match o.opt_enum("token_type", &["Bearer", "Basic"])? {
            Some("Basic") => TokenType::Basic,
            _ => TokenType::Bearer,
        };
        Ok((Secret::new(token_text(&o, token_type)?), token_type))
    };
    parse().map_err(|mut e: Error| {
        if !e.message.starts_with("credentials_json") {
            e.message = format!("credentials_json.{}", e.message);
        }
        e
    })
}

/// The token as it goes after the scheme. Basic accepts a ready base64
/// credential or `{"account_id", "pat"}`, which is encoded here.
fn token_text(o: &Obj, token_type: TokenType) -> Result<String> {
    match o.map.get("token") {
        None => Err(Error::validation("token: required field is missing")),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Object(_)) if token_type == TokenType::Basic => {
            let t = o.req_object("token")?;
            t.only(&["account_id", "pat"])?;
            let account = secret_field(&t, "account_id")?;
            let pat = secret_field(&t, "pat")?;
            Ok(base64::engine::general_purpose::STANDARD.encode(format!("{account}:{pat}")))
        }
        Some(Value::Object(_)) => Err(Error::validation(
            "token: an {\"account_id\", \"pat\"} object needs token_type \"Basic\"",
        )),
        // The value is not shown: it may be a secret in the wrong shape.
        Some(_) => Err(Error::validation("token: expected a string")),
    }
}

fn secret_field(t: &Obj, key: &str) -> Result<String> {
    match t.map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(Error::validation(format!("token.{key}: expected a non-empty string"))),
        None => Err(Error::validation(format!("token.{key}: required field is missing"))),
    }
}

/// The region of a Basic credential, read from its decoded account id.
fn basic_region(encoded: &str) -> Option<Region> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    Region::of_token(std::str::from_utf8(&bytes).ok()?)
}

/// `https://` anywhere; `http://` only to a loopback host unless allowed.
fn check_base_url(base: &str, allow_insecure_http: bool) -> Result<()> {
    let url = url::Url::parse(base)
        .map_err(|e| Error::validation(format!("base_url: not a valid URL ({e})")))?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(Error::validation("base_url: must not carry credentials, a query or a fragment"));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(()),
        "http" => Err(Error::validation(
            "base_url: plain http:// is refused for a non-loopback host (the token would travel in clear); \
             use https:// or set allow_insecure_http",
        )),
        other => Err(Error::validation(format!("base_url: expected an http(s) URL; got scheme \"{other}\""))),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_region_from_prefix() {
        let c = ClientConfig::from_json(r#"{"token": "fra:abc"}"#).unwrap();
        assert_eq!(c.region, Some(Region::Fra));
        assert_eq!(c.api_version, ApiVersion::V3_0);
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert_eq!(ClientConfig::from_json(r#"{"token": "abc"}"#).unwrap().region, None);
        let explicit = ClientConfig::from_json(r#"{"token": "fra-abc", "region": "dal"}"#).unwrap();
        assert_eq!(explicit.region, Some(Region::Dal));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let e = ClientConfig::from_json(r#"{"token": "t", "tiemout_ms": 5}"#).unwrap_err();
        assert!(e.message.starts_with("config_json.tiemout_ms: unknown field"), "{}", e.message);
        let e = ClientConfig::from_json(r#"{"token": "t", "timeout_ms": 0}"#).unwrap_err();
        assert!(e.message.contains("timeout_ms: expected an integer from 1"), "{}", e.message);
        let e = ClientConfig::from_json(r#"{"token": "t", "api_version": "2.0"}"#).unwrap_err();
        assert!(e.message.contains("api_version"), "{}", e.message);
    }

    #[test]
    fn http_only_to_loopback_unless_allowed() {
        let ok = |u: &str| ClientConfig::from_json(&format!(r#"{{"token": "t", "base_url": "{u}"}}"#));
        assert!(ok("http://127.0.0.1:8080").is_ok());
        assert!(ok("http://localhost:1/").is_ok());
        assert!(ok("http://[::1]:1").is_ok());
        assert!(ok("http://example.com").is_err());
        assert!(ok("ftp://example.com").is_err());
        assert!(ok("https://user:pw@example.com").is_err());
        let allowed = r#"{"token": "t", "base_url": "http://example.com", "allow_insecure_http": true}"#;
        assert!(ClientConfig::from_json(allowed).is_ok());
    }

    #[test]
    fn basic_credentials_are_encoded_and_never_echoed() {
        let c = ClientConfig::from_json(
            r#"{"token": {"account_id": "fra:acc", "pat": "p"}, "token_type": "Basic"}"#,
        )
        .unwrap();
        assert_eq!(c.token.expose(), "ZnJhOmFjYzpw");
        assert_eq!(c.region, Some(Region::Fra));
        let e = ClientConfig::from_json(r#"{"token": "se\ncret"}"#).unwrap_err();
        assert!(!e.message.contains("se\ncret") && !format!("{c:?}").contains("ZnJhOmFjYzpw"));
    }
}
