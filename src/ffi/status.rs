//! The status every fallible C function returns: the one table of the C
//! ABI's numbers. cbindgen turns this enum into the header's `lcbot_status`;
//! Go binds its constants to the header and Python's table is checked
//! against it, so a number is written here and nowhere else.

use crate::error::ErrorCode;

/// The status of a call: `LCBOT_OK` or one of the `LCBOT_ERR_*` codes. The
/// numbers are stable: never renumbered, never reused (a retired code stays
/// reserved), and new ones are appended. The error document's `"code"` is
/// the constant's name without `LCBOT_ERR_`, in lower case.
/// cbindgen:prefix-with-name=false
#[repr(i32)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum lcbot_status {
    /// Success.
    LCBOT_OK = 0,
    /// A required pointer argument was NULL.
    LCBOT_ERR_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8.
    LCBOT_ERR_INVALID_UTF8 = 2,
    /// A JSON argument could not be parsed (syntax, duplicate key, a byte
    /// order mark, nesting deeper than 127 levels).
    LCBOT_ERR_INVALID_JSON = 3,
    /// The input broke a rule of the API, of the config or of the call
    /// options; nothing was sent.
    LCBOT_ERR_VALIDATION = 4,
    /// The request could not be delivered or its answer not received.
    LCBOT_ERR_TRANSPORT = 5,
    /// The call ran out of time (`timeout_ms`, or a shorter per-call one).
    LCBOT_ERR_TIMEOUT = 6,
    /// LiveChat answered with an error; see `http_status` and `api_error`.
    LCBOT_ERR_API = 7,
    /// LiveChat answered 2xx with a body that could not be read.
    LCBOT_ERR_DECODE = 8,
    /// An internal error (a caught panic); the process may go on.
    LCBOT_ERR_PANIC = 9,
    /// The call's cancel token was cancelled (`lcbot_cancel`).
    LCBOT_ERR_CANCELLED = 10,
    /// A webhook's `secret_key` is none of the accepted secrets, or missing:
    /// answer LiveChat 401.
    LCBOT_ERR_SECRET_MISMATCH = 11,
    /// A webhook body is over the size cap: answer 413.
    LCBOT_ERR_TOO_LARGE = 12,
}

impl From<ErrorCode> for lcbot_status {
    fn from(code: ErrorCode) -> Self {
        match code {
            ErrorCode::NullArgument => lcbot_status::LCBOT_ERR_NULL_ARGUMENT,
            ErrorCode::InvalidUtf8 => lcbot_status::LCBOT_ERR_INVALID_UTF8,
            ErrorCode::InvalidJson => lcbot_status::LCBOT_ERR_INVALID_JSON,
            ErrorCode::Validation => lcbot_status::LCBOT_ERR_VALIDATION,
            ErrorCode::Transport => lcbot_status::LCBOT_ERR_TRANSPORT,
            ErrorCode::Timeout => lcbot_status::LCBOT_ERR_TIMEOUT,
            ErrorCode::Api => lcbot_status::LCBOT_ERR_API,
            ErrorCode::Decode => lcbot_status::LCBOT_ERR_DECODE,
            ErrorCode::Panic => lcbot_status::LCBOT_ERR_PANIC,
            ErrorCode::Cancelled => lcbot_status::LCBOT_ERR_CANCELLED,
            ErrorCode::SecretMismatch => lcbot_status::LCBOT_ERR_SECRET_MISMATCH,
            ErrorCode::TooLarge => lcbot_status::LCBOT_ERR_TOO_LARGE,
        }
    }
}

impl ErrorCode {
    /// The code's number in the C ABI (`LCBOT_ERR_*`, the header's
    /// `lcbot_status`), which the command line also exits with.
    pub fn number(self) -> i32 {
        lcbot_status::from(self) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_string_is_its_constant_name_in_lower_case() {
        for code in ErrorCode::ALL {
            let name = format!("{:?}", lcbot_status::from(code));
            assert_eq!(name.strip_prefix("LCBOT_ERR_").unwrap().to_lowercase(), code.as_str());
        }
    }

    #[test]
    fn numbers_are_dense_and_distinct() {
        let mut numbers: Vec<i32> = ErrorCode::ALL.iter().map(|c| lcbot_status::from(*c) as i32).collect();
        numbers.sort();
        assert_eq!(numbers, (1..=ErrorCode::ALL.len() as i32).collect::<Vec<_>>());
    }
}
