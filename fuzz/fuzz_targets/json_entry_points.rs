//! Feeds arbitrary bytes to every JSON entry point of the C ABI, as a C
//! caller would: NUL-terminated, possibly invalid UTF-8 (and whole, with
//! its length, to the webhook verifier). The client points
//! at a closed loopback port, so nothing valid ever leaves the machine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use livechat_bots::ErrorCode;
use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr::null_mut;
use std::sync::OnceLock;

// The C ABI as declared in include/livechat_bots.h (statuses as their numbers).
#[allow(non_camel_case_types)]
enum lcbot_client {}
#[allow(non_camel_case_types)]
enum lcbot_call_options {}
const LCBOT_OK: i32 = 0;

extern "C" {
    fn lcbot_client_new(config_json: *const c_char, client_out: *mut *mut lcbot_client, error_out: *mut *mut c_char) -> i32;
    fn lcbot_client_free(client: *mut lcbot_client);
    fn lcbot_create_bot_agent(client: *const lcbot_client, request_json: *const c_char, options: *const lcbot_call_options, out: *mut *mut c_char) -> i32;
    fn lcbot_remove_bot_agent(client: *const lcbot_client, request_json: *const c_char, options: *const lcbot_call_options, out: *mut *mut c_char) -> i32;
    fn lcbot_update_bot_agent(client: *const lcbot_client, request_json: *const c_char, options: *const lcbot_call_options, out: *mut *mut c_char) -> i32;
    fn lcbot_get_bot_agents(client: *const lcbot_client, request_json: *const c_char, options: *const lcbot_call_options, out: *mut *mut c_char) -> i32;
    fn lcbot_get_bot_agent_details(client: *const lcbot_client, request_json: *const c_char, options: *const lcbot_call_options, out: *mut *mut c_char) -> i32;
    fn lcbot_call(client: *const lcbot_client, action: *const c_char, payload_json: *const c_char, options: *const lcbot_call_options, out: *mut *mut c_char) -> i32;
    fn lcbot_webhook_verify(secrets_json: *const c_char, body: *const u8, body_len: usize, options: *const std::ffi::c_void, out: *mut *mut c_char) -> i32;
    fn lcbot_string_free(s: *mut c_char);
}

struct Handle(*mut lcbot_client);
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

fn client() -> *const lcbot_client {
    static CLIENT: OnceLock<Handle> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let config = CString::new(r#"{"token":"fuzz","base_url":"http://127.0.0.1:9","retry":{"max_attempts":1},"timeout_ms":50}"#).unwrap();
            let mut client = null_mut();
            let mut error = null_mut();
            let status = unsafe { lcbot_client_new(config.as_ptr(), &mut client, &mut error) };
            assert_eq!(status, LCBOT_OK);
            Handle(client)
        })
        .0
}

type Entry = unsafe extern "C" fn(*const lcbot_client, *const c_char, *const lcbot_call_options, *mut *mut c_char) -> i32;

fuzz_target!(|data: &[u8]| {
    // A C string ends at the first NUL.
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let text = CString::new(&data[..end]).unwrap();
    let entries: [Entry; 5] = [lcbot_create_bot_agent, lcbot_remove_bot_agent, lcbot_update_bot_agent, lcbot_get_bot_agents, lcbot_get_bot_agent_details];
    for entry in entries {
        let mut out = null_mut();
        let status = unsafe { entry(client(), text.as_ptr(), std::ptr::null(), &mut out) };
        assert!(status != ErrorCode::Panic.number(), "a panic was caught: a bug");
        assert!(!out.is_null(), "every call answers with a document");
        unsafe { lcbot_string_free(out) };
    }
    let mut out = null_mut();
    let mut client_out = null_mut();
    let status = unsafe { lcbot_client_new(text.as_ptr(), &mut client_out, &mut out) };
    if status == LCBOT_OK {
        unsafe { lcbot_client_free(client_out) };
    }
    unsafe { lcbot_string_free(out) };
    let action = CString::new("get_bot_agents").unwrap();
    let status = unsafe { lcbot_call(client(), action.as_ptr(), text.as_ptr(), std::ptr::null(), &mut out) };
    assert!(status != ErrorCode::Panic.number());
    unsafe { lcbot_string_free(out) };
    // A webhook body is bytes with a length, NULs and all.
    let secrets = CString::new(r#"["dummy_key"]"#).unwrap();
    let status = unsafe { lcbot_webhook_verify(secrets.as_ptr(), data.as_ptr(), data.len(), std::ptr::null(), &mut out) };
    assert!(status != ErrorCode::Panic.number());
    assert!(!out.is_null());
    unsafe { lcbot_string_free(out) };
});
