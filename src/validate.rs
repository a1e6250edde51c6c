//! Small helpers to check a JSON document field by field, with messages that
//! name the path, what was expected and what came:
//! `groups[1].priority: expected one of first, normal, last; got "supervisor"`.

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// A short, safe rendering of a value for an error message.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push('…');
            }
            serde_json::to_string(&shown).unwrap_or_default()
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn expected(path: &str, what: &str, got: &Value) -> Error {
    Error::validation(format!("{path}: expected {what}; got {}", describe(got)))
}

/// A JSON object under check, with the path that leads to it.
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: String,
}

/// `v` must be an object; `path` is empty for the top level.
pub fn object<'a>(v: &'a Value, path: &str) -> Result<Obj<'a>> {
    match v {
        Value::Object(map) => Ok(Obj { map, path: path.to_owned() }),
        other => Err(expected(if path.is_empty() { "request" } else { path }, "an object", other)),
    }
}

impl<'a> Obj<'a> {
    fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// Refuses any key not in `allowed`, naming it with its path (a long or
    /// odd key is quoted and cut, so the message stays short and printable).
    pub fn only(&self, allowed: &[&str]) -> Result<()> {
        for key in self.map.keys() {
            if !allowed.contains(&key.as_str()) {
                let plain = key.len() <= 40 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                let shown = if plain { key.clone() } else { describe(&Value::String(key.clone())) };
                return Err(Error::validation(format!(
                    "{}: unknown field; expected one of {}",
                    self.at(&shown),
                    allowed.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The value at `key`. An explicit `null` is not taken for absent: it
    /// fails the type check, so a caller's mistake is never guessed away.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    fn required(&self, key: &str) -> Result<&'a Value> {
        self.get(key)
            .ok_or_else(|| Error::validation(format!("{}: required field is missing", self.at(key))))
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(expected(&self.at(key), "a string", other)),
        }
    }

    /// A string that must be present and not empty.
    pub fn req_str(&self, key: &str) -> Result<&'a str> {
        self.required(key)?;
        let s = self.opt_str(key)?.unwrap_or_default();
        if s.is_empty() {
            return Err(Error::validation(format!("{}: must not be empty", self.at(key))));
        }
        Ok(s)
    }

    /// A string that may be absent, but not empty when present.
    pub fn opt_non_empty_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.req_str(key).map(Some),
        }
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(expected(&self.at(key), "true or false", other)),
        }
    }

    /// An integer within `min..=max`.
    pub fn opt_int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>> {
        let what = format!("an integer from {min} to {max}");
        match self.get(key) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
                _ => Err(expected(&self.at(key), &what, v)),
            },
            Some(other) => Err(expected(&self.at(key), &what, other)),
        }
    }

    /// An unsigned integer (0 to 2^64-1), required.
    pub fn req_uint(&self, key: &str) -> Result<u64> {
        let v = self.required(key)?;
        v.as_u64().ok_or_else(|| expected(&self.at(key), "an unsigned integer", v))
    }

    pub fn opt_enum(&self, key: &str, allowed: &[&str]) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(v @ Value::String(s)) if !allowed.contains(&s.as_str()) => {
                Err(expected(&self.at(key), &format!("one of {}", allowed.join(", ")), v))
            }
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(expected(&self.at(key), &format!("one of {}", allowed.join(", ")), other)),
        }
    }

    pub fn req_enum(&self, key: &str, allowed: &[&str]) -> Result<&'a str> {
        self.required(key)?;
        Ok(self.opt_enum(key, allowed)?.unwrap_or_default())
    }

    pub fn opt_object(&self, key: &str) -> Result<Option<Obj<'a>>> {
        self.get(key).map(|v| object(v, &self.at(key))).transpose()
    }

    pub fn req_object(&self, key: &str) -> Result<Obj<'a>> {
        object(self.required(key)?, &self.at(key))
    }

    /// An array; each element is handed to `each` with its path (`key[i]`).
    pub fn opt_array(&self, key: &str, each: impl Fn(&'a Value, &str) -> Result<()>) -> Result<bool> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    each(item, &format!("{}[{i}]", self.at(key)))?;
                }
                Ok(true)
            }
            Some(other) => Err(expected(&self.at(key), "an array", other)),
        }
    }

    pub fn req_array(&self, key: &str, each: impl Fn(&'a Value, &str) -> Result<()>) -> Result<()> {
        self.required(key)?;
        self.opt_array(key, each).map(|_| ())
    }
}

/// A string element of an array.
pub fn string_item(v: &Value, path: &str) -> Result<()> {
    match v {
        Value::String(_) => Ok(()),
        other => Err(expected(path, "a string", other)),
    }
}
