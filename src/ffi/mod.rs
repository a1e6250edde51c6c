//! The C ABI: thin functions that convert pointers and JSON strings and call
//! the core. No business logic lives here.

pub mod boundary;
pub mod client;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod strings;
pub mod test_hooks;

/// Success.
pub const LCBOT_OK: i32 = 0;
/// A required pointer argument was NULL.
pub const LCBOT_ERR_NULL_ARGUMENT: i32 = 1;
/// A string argument was not valid UTF-8.
pub const LCBOT_ERR_INVALID_UTF8: i32 = 2;
/// A JSON argument could not be parsed (syntax, duplicate key, a byte order mark,
/// nesting deeper than 127 levels).
pub const LCBOT_ERR_INVALID_JSON: i32 = 3;
/// The input broke a rule of the API or of the config; nothing was sent.
pub const LCBOT_ERR_VALIDATION: i32 = 4;
/// The request could not be delivered or its answer not received.
pub const LCBOT_ERR_TRANSPORT: i32 = 5;
/// The request timed out.
pub const LCBOT_ERR_TIMEOUT: i32 = 6;
/// LiveChat answered with an error; see `http_status` and `api_error`.
pub const LCBOT_ERR_API: i32 = 7;
/// LiveChat answered 2xx with a body that could not be read.
pub const LCBOT_ERR_DECODE: i32 = 8;
/// An internal error (a caught panic); the process may go on.
pub const LCBOT_ERR_PANIC: i32 = 9;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn constants_match_the_core_codes() {
        let pairs = [
            (LCBOT_ERR_NULL_ARGUMENT, ErrorCode::NullArgument),
            (LCBOT_ERR_INVALID_UTF8, ErrorCode::InvalidUtf8),
            (LCBOT_ERR_INVALID_JSON, ErrorCode::InvalidJson),
            (LCBOT_ERR_VALIDATION, ErrorCode::Validation),
            (LCBOT_ERR_TRANSPORT, ErrorCode::Transport),
            (LCBOT_ERR_TIMEOUT, ErrorCode::Timeout),
            (LCBOT_ERR_API, ErrorCode::Api),
            (LCBOT_ERR_DECODE, ErrorCode::Decode),
            (LCBOT_ERR_PANIC, ErrorCode::Panic),
        ];
        for (c, code) in pairs {
            assert_eq!(c, code.status());
        }
        assert_eq!(LCBOT_OK, 0);
    }
}
