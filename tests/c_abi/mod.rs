//! The C ABI as a C program sees it, declared from the header's prototypes:
//! for the Rust tests that prove what only the C boundary does (the panic
//! guard, the emulator's C calls, the schema document). Statuses are the
//! header's numbers, read from `ErrorCode::number`.
#![allow(dead_code)]

use std::os::raw::c_char;

/// `struct lcbot_client`, `struct lcbot_emulator`, `struct lcbot_call_options`: opaque here.
pub enum LcbotClient {}
pub enum LcbotEmulator {}
pub enum LcbotCallOptions {}

/// `LCBOT_OK`.
pub const LCBOT_OK: i32 = 0;

extern "C" {
    pub fn lcbot_client_new(config_json: *const c_char, client_out: *mut *mut LcbotClient, error_out: *mut *mut c_char) -> i32;
    pub fn lcbot_client_free(client: *mut LcbotClient);
    pub fn lcbot_call(
        client: *const LcbotClient,
        action: *const c_char,
        payload_json: *const c_char,
        options: *const LcbotCallOptions,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn lcbot_get_bot_agents(
        client: *const LcbotClient,
        request_json: *const c_char,
        options: *const LcbotCallOptions,
        out: *mut *mut c_char,
    ) -> i32;
    pub fn lcbot_emulator_start(config_json: *const c_char, emulator_out: *mut *mut LcbotEmulator, error_out: *mut *mut c_char) -> i32;
    pub fn lcbot_emulator_stop(emulator: *mut LcbotEmulator);
    pub fn lcbot_emulator_url(emulator: *const LcbotEmulator) -> *const c_char;
    pub fn lcbot_emulator_inject(emulator: *const LcbotEmulator, fault_json: *const c_char, out: *mut *mut c_char) -> i32;
    pub fn lcbot_emulator_faults(emulator: *const LcbotEmulator, out: *mut *mut c_char) -> i32;
    pub fn lcbot_emulator_clear_faults(emulator: *const LcbotEmulator, out: *mut *mut c_char) -> i32;
    pub fn lcbot_schema(out: *mut *mut c_char) -> i32;
    pub fn lcbot_string_free(s: *mut c_char);
}

/// Takes an owned string from the library: its text, and the string freed.
///
/// # Safety
/// `s` is NULL or a string the library handed out and nobody freed.
pub unsafe fn take(s: *mut c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    let text = std::ffi::CStr::from_ptr(s).to_str().expect("UTF-8").to_owned();
    lcbot_string_free(s);
    Some(text)
}

/// `lcbot_schema`'s document.
pub fn schema() -> serde_json::Value {
    let mut out = std::ptr::null_mut();
    // SAFETY: `out` is a valid place for one pointer; the string is taken once.
    let text = unsafe {
        assert_eq!(lcbot_schema(&mut out), LCBOT_OK);
        take(out).expect("a schema document")
    };
    serde_json::from_str(&text).expect("the schema is JSON")
}
