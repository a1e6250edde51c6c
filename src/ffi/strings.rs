//! Freeing the strings handed to C, and the library's identity.

use std::ffi::CString;
use std::os::raw::c_char;

/// The version of the C ABI. Wrappers refuse a library whose number differs
/// from the one they were written for; it changes only on an incompatible
/// change of a signature, a code or a document. The shared library's soname
/// is `liblivechat_bots.so.<this number>`.
///
/// 2: the `lcbot_` prefix, `lcbot_call_options` on every call, cancel tokens.
pub const LCBOT_ABI_VERSION: u32 = 2;

static VERSION: &[u8] = concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes();

/// The library's version, e.g. `"0.1.0"`. Static: never free it.
#[no_mangle]
pub extern "C" fn lcbot_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The C ABI's version (`LCBOT_ABI_VERSION` when the header matches the library).
#[no_mangle]
pub extern "C" fn lcbot_abi_version() -> u32 {
    LCBOT_ABI_VERSION
}

/// Frees a string returned by this library. NULL is allowed and ignored.
///
/// # Safety
/// `s` must be NULL or a string returned by this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn lcbot_string_free(s: *mut c_char) {
    if !s.is_null() {
        crate::ffi::boundary::guard_void(|| drop(CString::from_raw(s)));
    }
}
