//! The C ABI of the emulator's HTTPS: the CA its certificate comes from.

use crate::ffi::boundary::{arg_ref, guard};
use crate::ffi::emulator::lcbot_emulator;
use std::os::raw::c_char;

/// The PEM text of the CA that signed the emulator's certificate, for a
/// client's `ca_pem` (started with `"tls": true`). `*out` is that text, or
/// NULL (with LCBOT_OK) for an emulator that speaks plain HTTP; free it
/// with `lcbot_string_free`.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_ca_pem(emulator: *const lcbot_emulator, out: *mut *mut c_char) -> crate::ffi::status::lcbot_status {
    guard(out, || Ok(arg_ref(emulator, "emulator")?.emulator.ca_pem().map(str::to_owned)))
}
