//! Feeds arbitrary bytes to every JSON entry point of the C ABI, as a C
//! caller would: NUL-terminated, possibly invalid UTF-8 (and whole, with
//! its length, to the webhook verifier). The client points
//! at a closed loopback port, so nothing valid ever leaves the machine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use livechat_bots::ffi::client::*;
use livechat_bots::ffi::options::lcbot_call_options;
use livechat_bots::ffi::status::lcbot_status;
use livechat_bots::ffi::strings::lcbot_string_free;
use livechat_bots::ffi::webhook::lcbot_webhook_verify;
use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr::null_mut;
use std::sync::OnceLock;

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
            assert_eq!(status, lcbot_status::LCBOT_OK);
            Handle(client)
        })
        .0
}

type Entry = unsafe extern "C" fn(*const lcbot_client, *const c_char, *const lcbot_call_options, *mut *mut c_char) -> lcbot_status;

fuzz_target!(|data: &[u8]| {
    // A C string ends at the first NUL.
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let text = CString::new(&data[..end]).unwrap();
    let entries: [Entry; 5] = [lcbot_create_bot_agent, lcbot_remove_bot_agent, lcbot_update_bot_agent, lcbot_get_bot_agents, lcbot_get_bot_agent_details];
    for entry in entries {
        let mut out = null_mut();
        let status = unsafe { entry(client(), text.as_ptr(), std::ptr::null(), &mut out) };
        assert!(status != lcbot_status::LCBOT_ERR_PANIC, "a panic was caught: a bug");
        assert!(!out.is_null(), "every call answers with a document");
        unsafe { lcbot_string_free(out) };
    }
    let mut out = null_mut();
    let mut client_out = null_mut();
    let status = unsafe { lcbot_client_new(text.as_ptr(), &mut client_out, &mut out) };
    if status == lcbot_status::LCBOT_OK {
        unsafe { lcbot_client_free(client_out) };
    }
    unsafe { lcbot_string_free(out) };
    let action = CString::new("get_bot_agents").unwrap();
    let status = unsafe { lcbot_call(client(), action.as_ptr(), text.as_ptr(), std::ptr::null(), &mut out) };
    assert!(status != lcbot_status::LCBOT_ERR_PANIC);
    unsafe { lcbot_string_free(out) };
    // A webhook body is bytes with a length, NULs and all.
    let secrets = CString::new(r#"["dummy_key"]"#).unwrap();
    let status = unsafe { lcbot_webhook_verify(secrets.as_ptr(), data.as_ptr(), data.len(), std::ptr::null(), &mut out) };
    assert!(status != lcbot_status::LCBOT_ERR_PANIC);
    assert!(!out.is_null());
    unsafe { lcbot_string_free(out) };
});
