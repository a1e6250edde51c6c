//! Who a request is: the configured token grant its Authorization header
//! names (Bearer or Basic), or the bare credential of a Bearer header (a bot
//! token, checked against the store by the Agent Chat handler).

use crate::emulator::config::TokenGrant;
use base64::Engine;

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
