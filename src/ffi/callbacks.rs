//! C function pointers with their user data, made callable from the core.

use crate::http::credentials::TokenProvider;
use crate::http::notice::{Notice, NoticeHandler};
use std::ffi::{c_void, CString};
use std::os::raw::c_char;

/// The longest token a provider may write, NUL excluded.
pub const LCBOT_TOKEN_MAX_LEN: usize = 8192;

/// Writes a new NUL-terminated token into `token_buf` (`token_buf_len`
/// bytes, NUL included) and returns 0; any other return means "no new
/// token" and the call fails with the `authentication` error it got.
#[allow(non_camel_case_types)]
pub type lcbot_token_provider = Option<unsafe extern "C" fn(user_data: *mut c_void, token_buf: *mut c_char, token_buf_len: usize) -> i32>;

/// Told of a notice (a JSON document, valid only during the call).
#[allow(non_camel_case_types)]
pub type lcbot_notice_handler = Option<unsafe extern "C" fn(user_data: *mut c_void, notice_json: *const c_char)>;

/// The caller's pointer. The caller promised, by registering it, that its
/// callback may be called from any thread that makes calls.
struct UserData(*mut c_void);
// SAFETY: see above; the library never dereferences it.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    /// Through a method, so that closures capture the whole (Send) wrapper.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

pub fn token_provider(
    f: unsafe extern "C" fn(*mut c_void, *mut c_char, usize) -> i32,
    user_data: *mut c_void,
) -> TokenProvider {
    let user_data = UserData(user_data);
    Box::new(move || {
        let mut buf = vec![0u8; LCBOT_TOKEN_MAX_LEN + 1];
        // SAFETY: the buffer is writable for its whole length.
        let status = unsafe { f(user_data.get(), buf.as_mut_ptr().cast(), buf.len()) };
        let token = (status == 0)
            .then(|| buf.iter().position(|b| *b == 0).and_then(|end| std::str::from_utf8(&buf[..end]).ok().map(str::to_owned)))
            .flatten();
        // The buffer held a secret: leave nothing of it behind.
        buf.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&buf);
        token
    })
}

pub fn notice_handler(f: unsafe extern "C" fn(*mut c_void, *const c_char), user_data: *mut c_void) -> NoticeHandler {
    let user_data = UserData(user_data);
    std::sync::Arc::new(move |notice: &Notice| {
        if let Ok(text) = CString::new(notice.to_json().to_string()) {
            // SAFETY: a NUL-terminated string that outlives the call.
            unsafe { f(user_data.get(), text.as_ptr()) }
        }
    })
}
