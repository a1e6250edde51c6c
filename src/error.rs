//! The one error type of the library and its stable codes.
//!
//! Every failure, whatever layer it comes from, becomes an [`Error`] with a
//! [`ErrorCode`] whose number is part of the C ABI and never changes.

use serde_json::{json, Map, Value};
use std::fmt;

/// Stable error categories. Each has one C status code (`lcbot_status` in
/// `src/ffi/status.rs`, the only place the numbers are written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A required pointer argument was NULL.
    NullArgument,
    /// A string argument was not valid UTF-8.
    InvalidUtf8,
    /// A JSON argument could not be parsed.
    InvalidJson,
    /// The input broke a rule of the API (checked before anything is sent), or the config is bad.
    Validation,
    /// The request could not be delivered or its answer not received (connect, DNS, TLS, reset).
    Transport,
    /// The request timed out.
    Timeout,
    /// LiveChat answered with an error.
    Api,
    /// LiveChat answered 2xx with a body that could not be read.
    Decode,
    /// A bug: a panic was caught at the C boundary.
    Panic,
    /// The caller cancelled the call (a cancel token, Ctrl-C, a Go context).
    Cancelled,
    /// A webhook's `secret_key` is none of the accepted secrets (answer 401).
    SecretMismatch,
    /// A webhook body is over the size cap (answer 413).
    TooLarge,
}

impl ErrorCode {
    /// Every code, in the C ABI's order.
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::NullArgument,
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidJson,
        ErrorCode::Validation,
        ErrorCode::Transport,
        ErrorCode::Timeout,
        ErrorCode::Api,
        ErrorCode::Decode,
        ErrorCode::Panic,
        ErrorCode::Cancelled,
        ErrorCode::SecretMismatch,
        ErrorCode::TooLarge,
    ];
}

impl ErrorCode {
    /// The machine-readable name used in error documents.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NullArgument => "null_argument",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::Validation => "validation",
            ErrorCode::Transport => "transport",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Api => "api",
            ErrorCode::Decode => "decode",
            ErrorCode::Panic => "panic",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::SecretMismatch => "secret_mismatch",
            ErrorCode::TooLarge => "too_large",
        }
    }
}

/// The error body LiveChat sent: `{"error": {"type", "message", "data"}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// LiveChat's `type` (`validation`, `authentication`, `not_found`, ...).
    pub error_type: String,
    /// LiveChat's message.
    pub message: String,
    /// LiveChat's `data`, when it sent one.
    pub data: Option<Value>,
}

/// Whether a write may have been applied by the server although the call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The request may have reached the server: check with a read before repeating it.
    Unknown,
}

/// A failed call. Its message never contains the token.
#[derive(Debug, Clone)]
pub struct Error {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What went wrong and where (`groups[1].priority: ...`); never holds a token.
    pub message: String,
    /// The HTTP status LiveChat answered with, when it answered.
    pub http_status: Option<u16>,
    /// Boxed: it is rare, and a small `Error` keeps every `Result` small.
    pub api_error: Option<Box<ApiError>>,
    /// How many HTTP attempts were made (0 when nothing was sent).
    pub attempts: u32,
    /// `Some(Unknown)` when a write failed after it may have been applied: read before repeating it.
    pub outcome: Option<Outcome>,
}

impl Error {
    /// An error of `code` saying `message` (one attempt, outcome known).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            http_status: None,
            api_error: None,
            attempts: 0,
            outcome: None,
        }
    }

    pub(crate) fn null_argument(name: &str) -> Self {
        Error::new(ErrorCode::NullArgument, format!("{name}: must not be NULL"))
    }

    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Validation, message)
    }

    pub(crate) fn decode(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Decode, message)
    }

    /// An error answered by the API, with its HTTP status and body.
    pub fn api(http_status: u16, api_error: Option<ApiError>) -> Self {
        let message = match &api_error {
            Some(e) => format!("LiveChat answered HTTP {http_status} {}: {}", e.error_type, e.message),
            None => format!("LiveChat answered HTTP {http_status} without an error document"),
        };
        Error {
            http_status: Some(http_status),
            api_error: api_error.map(Box::new),
            ..Error::new(ErrorCode::Api, message)
        }
    }

    /// The `type` of the API error, when LiveChat sent one.
    pub fn api_type(&self) -> Option<&str> {
        self.api_error.as_ref().map(|e| e.error_type.as_str())
    }

    /// [`Error::to_document`] with `"status"`, the code's number
    /// ([`ErrorCode::number`]), second after `"code"`: the error document of
    /// the C ABI, as a value (a batch item's `"error"`, a completion's
    /// document).
    pub fn to_status_document(&self) -> Value {
        let mut doc = self.to_document();
        if let Some(map) = doc.as_object_mut() {
            map.shift_insert(1, "status".into(), self.code.number().into());
        }
        doc
    }

    /// The error document handed to C callers:
    /// `{"code", "message", "http_status", "api_error", "attempts"[, "outcome"]}`
    /// (the C boundary adds `"status"`, the code's number).
    pub fn to_document(&self) -> Value {
        let mut doc = Map::new();
        doc.insert("code".into(), json!(self.code.as_str()));
        doc.insert("message".into(), json!(self.message));
        doc.insert("http_status".into(), json!(self.http_status));
        doc.insert(
            "api_error".into(),
            match &self.api_error {
                Some(e) => {
                    let mut a = Map::new();
                    a.insert("type".into(), json!(e.error_type));
                    a.insert("message".into(), json!(e.message));
                    if let Some(data) = &e.data {
                        a.insert("data".into(), data.clone());
                    }
                    Value::Object(a)
                }
                None => Value::Null,
            },
        );
        doc.insert("attempts".into(), json!(self.attempts));
        if let Some(Outcome::Unknown) = self.outcome {
            doc.insert("outcome".into(), json!("unknown"));
        }
        Value::Object(doc)
    }

    /// [`Error::to_document`] as JSON text: the C ABI's error document.
    pub fn to_json(&self) -> String {
        self.to_document().to_string()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// This library's result: an [`Error`] on failure.
pub type Result<T, E = Error> = std::result::Result<T, E>;
