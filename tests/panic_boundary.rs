//! A panic inside a call becomes ErrorCode::Panic.number() and the process goes on.
//! Runs in its own test binary: the hook is read from the environment once.
//! The hook exists only in builds with the `test-hooks` feature.
#![cfg(feature = "test-hooks")]

mod c_abi;

use c_abi::*;
use livechat_bots::ErrorCode;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;

#[test]
fn a_panic_is_caught_and_the_next_call_works() {
    std::env::set_var("LIVECHAT_BOTS_TEST_HOOKS", "1");
    unsafe {
        let mut emu = null_mut();
        let mut err = null_mut();
        assert_eq!(lcbot_emulator_start(std::ptr::null(), &mut emu, &mut err), LCBOT_OK);
        let url = CStr::from_ptr(lcbot_emulator_url(emu)).to_str().unwrap();
        let config = CString::new(format!(r#"{{"token":"dev-token","base_url":"{url}"}}"#)).unwrap();
        let mut client = null_mut();
        assert_eq!(lcbot_client_new(config.as_ptr(), &mut client, &mut err), LCBOT_OK);

        let action = CString::new("lcbot_test_panic").unwrap();
        let payload = CString::new("{}").unwrap();
        let mut out = null_mut();
        assert_eq!(lcbot_call(client, action.as_ptr(), payload.as_ptr(), std::ptr::null(), &mut out), ErrorCode::Panic.number());
        let doc = CStr::from_ptr(out).to_str().unwrap().to_owned();
        lcbot_string_free(out);
        assert!(doc.contains(r#""code":"panic""#) && doc.contains("requested by a test"), "{doc}");

        // The same client, and the process, go on working.
        for _ in 0..3 {
            assert_eq!(lcbot_get_bot_agents(client, payload.as_ptr(), std::ptr::null(), &mut out), LCBOT_OK);
            lcbot_string_free(out);
        }
        let unknown = CString::new("not_an_action").unwrap();
        assert_eq!(lcbot_call(client, unknown.as_ptr(), payload.as_ptr(), std::ptr::null(), &mut out), ErrorCode::Api.number());
        lcbot_string_free(out);
        lcbot_client_free(client);
        lcbot_emulator_stop(emu);
    }
}
