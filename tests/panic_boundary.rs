//! A panic inside a call becomes LCB_ERR_PANIC and the process goes on.
//! Runs in its own test binary: the hook is read from the environment once.

use livechat_bots::ffi::client::{lcb_call, lcb_client_free, lcb_client_new, lcb_get_bot_agents};
use livechat_bots::ffi::emulator::{lcb_emulator_start, lcb_emulator_stop, lcb_emulator_url};
use livechat_bots::ffi::strings::lcb_string_free;
use livechat_bots::ffi::{LCB_ERR_API, LCB_ERR_PANIC, LCB_OK};
use std::ffi::{CStr, CString};
use std::ptr::null_mut;

#[test]
fn a_panic_is_caught_and_the_next_call_works() {
    std::env::set_var("LIVECHAT_BOTS_TEST_HOOKS", "1");
    unsafe {
        let mut emu = null_mut();
        let mut err = null_mut();
        assert_eq!(lcb_emulator_start(std::ptr::null(), &mut emu, &mut err), LCB_OK);
        let url = CStr::from_ptr(lcb_emulator_url(emu)).to_str().unwrap();
        let config = CString::new(format!(r#"{{"token":"dev-token","base_url":"{url}"}}"#)).unwrap();
        let mut client = null_mut();
        assert_eq!(lcb_client_new(config.as_ptr(), &mut client, &mut err), LCB_OK);

        let action = CString::new("lcb_test_panic").unwrap();
        let payload = CString::new("{}").unwrap();
        let mut out = null_mut();
        assert_eq!(lcb_call(client, action.as_ptr(), payload.as_ptr(), &mut out), LCB_ERR_PANIC);
        let doc = CStr::from_ptr(out).to_str().unwrap().to_owned();
        lcb_string_free(out);
        assert!(doc.contains(r#""code":"panic""#) && doc.contains("requested by a test"), "{doc}");

        // The same client, and the process, go on working.
        for _ in 0..3 {
            assert_eq!(lcb_get_bot_agents(client, payload.as_ptr(), &mut out), LCB_OK);
            lcb_string_free(out);
        }
        let unknown = CString::new("not_an_action").unwrap();
        assert_eq!(lcb_call(client, unknown.as_ptr(), payload.as_ptr(), &mut out), LCB_ERR_API);
        lcb_string_free(out);
        lcb_client_free(client);
        lcb_emulator_stop(emu);
    }
}
