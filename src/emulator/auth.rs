//! Who a request is: the configured token grant its Authorization header
//! names (Bearer or Basic), or the bare credential of a Bearer header (a bot
//! token, checked against the store by the Agent Chat handler), and whether
//! it came to the data centre its credential belongs to.

use base64::Engine;
use crate::emulator::config::TokenGrant;
use crate::emulator::failure::ApiFailure;
use crate::http::config::Region;

/// The grant whose token is in the Authorization header (Bearer, or Basic
/// as base64 text or the `account:pat` it decodes to).
pub(crate) fn authenticate<'a>(tokens: &'a [TokenGrant], headers: &hyper::HeaderMap) -> Option<(&'a TokenGrant, bool)> {
    let value = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    // Auth schemes are case-insensitive (RFC 9110).
    let is_bearer = scheme.eq_ignore_ascii_case("Bearer");
    let is_basic = scheme.eq_ignore_ascii_case("Basic");
    let decoded = is_basic
        .then(|| base64::engine::general_purpose::STANDARD.decode(credential.trim()).ok())
        .flatten()
        .and_then(|b| String::from_utf8(b).ok());
    let credential = credential.trim();
    let grant = tokens.iter().find(|g| {
        let t = g.token.expose();
        (is_bearer || is_basic) && (t == credential || decoded.as_deref() == Some(t))
    })?;
    Some((grant, is_basic))
}

/// The credential of a `Bearer` Authorization header.
pub(crate) fn bearer(headers: &hyper::HeaderMap) -> Option<&str> {
    let value = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("Bearer").then(|| credential.trim())
}

/// Refuses with 421 when the request's data centre (`X-Region`, `dal` when
/// absent) is not the one its credential belongs to, naming the right one.
pub(crate) fn check_region(headers: &hyper::HeaderMap, region: Region) -> Result<(), ApiFailure> {
    let requested = headers.get("x-region").and_then(|v| v.to_str().ok()).and_then(Region::parse).unwrap_or(Region::Dal);
    if requested == region {
        return Ok(());
    }
    let mut failure = ApiFailure::new(421, "misdirected_request", "Wrong region");
    failure.data = Some(Box::new(serde_json::json!({ "region": region.as_str() })));
    Err(failure)
}
