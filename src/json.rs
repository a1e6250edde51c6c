//! Strict JSON parsing for everything that comes from a caller, and the
//! small conversions every room makes on the way out.
//!
//! serde_json keeps the last of two equal keys silently; a caller who wrote a
//! key twice made a mistake we must report, so objects are built here with a
//! duplicate check. serde_json's own recursion limit (128) still applies, so
//! input nested 100 000 deep is an error, not a stack overflow.

use crate::error::{Error, ErrorCode, Result};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// The largest JSON document accepted from a caller: the API refuses request
/// bodies over 10 MB, so anything larger could never succeed.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// Parses `text` (named `what` in messages) into a JSON value, refusing
/// syntax errors, duplicate keys, excessive nesting and oversize input.
pub fn parse_strict(text: &str, what: &str) -> Result<Value> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::validation(format!(
            "{what}: document is {} bytes; at most {MAX_INPUT_BYTES} are accepted (the API's limit on a request body)",
            text.len()
        )));
    }
    if text.starts_with('\u{feff}') {
        return Err(Error::new(
            ErrorCode::InvalidJson,
            format!("{what}: invalid JSON: starts with a byte order mark (U+FEFF); JSON text must not"),
        ));
    }
    serde_json::from_str::<Strict>(text)
        .map(|s| s.0)
        .map_err(|e| Error::new(ErrorCode::InvalidJson, format!("{what}: invalid JSON: {e}")))
}

/// JSON text of a value (serde's writer; faster than `Display`).
pub(crate) fn to_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Reads an answer document into a typed model; a mismatch is the server's
/// (a decode error), never the caller's.
pub(crate) fn from_answer<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| Error::decode(format!("the answer does not match the model: {e}")))
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key \"{key}\"")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let e = parse_strict(r#"{"a": {"b": 1, "b": 2}}"#, "request_json").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert!(e.message.contains("duplicate key \"b\""), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let e = parse_strict(&text, "x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert!(e.message.contains("recursion limit"), "{}", e.message);
    }

    #[test]
    fn oversize_input_is_a_validation_error() {
        let text = format!("\"{}\"", "a".repeat(MAX_INPUT_BYTES));
        assert_eq!(parse_strict(&text, "x").unwrap_err().code, ErrorCode::Validation);
    }

    #[test]
    fn big_numbers_stay_numbers() {
        let v = parse_strict("[18446744073709551616, -1, 1.5]", "x").unwrap();
        assert!(v[0].as_u64().is_none() && v[0].is_f64());
        assert_eq!(v[1].as_i64(), Some(-1));
    }
}
