//! The customer pressing a rich message's button on the emulator, from C.

use crate::ffi::boundary::{arg_ref, arg_str, guard};
use crate::ffi::emulator::lcbot_emulator;
use crate::ffi::status::lcbot_status;
use std::os::raw::c_char;

/// Plays the customer pressing a button of a rich message: `request_json`
/// `{"chat_id", "event_id", "button_id"}` (`button_id` is the button's
/// `postback_id`); `*out` is `{"toggled": bool, "event_id": "..." | null}`.
/// The press toggles the customer in the button's `user_ids` and tells the
/// chat's bots `incoming_rich_message_postback`; a `message` button pressed
/// on also makes the customer write its `value` in a message carrying
/// `postback` (`event_id` is that message's). An unknown chat is a
/// `validation` error whose message starts with `not_found`; an unknown
/// event or button one that names `event_id` or `button_id`.
///
/// # Safety
/// As `lcbot_emulator_start_chat`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_press_button(
    emulator: *const lcbot_emulator,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> lcbot_status {
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.press_button_json(arg_str(request_json, "request_json")?).map(Some)
    })
}
