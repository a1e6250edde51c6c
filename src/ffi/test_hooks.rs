//! A test-only way to prove the panic boundary from any language, compiled
//! only with the Cargo feature `test-hooks` (never in a release): with the
//! environment variable `LIVECHAT_BOTS_TEST_HOOKS=1` set before the first
//! call, `lcbot_call(client, "lcbot_test_panic", ...)` panics inside the guard.
//! Without either, the action is an ordinary (unknown) action name.

use once_cell::sync::Lazy;

pub const PANIC_ACTION: &str = "lcbot_test_panic";

static ENABLED: Lazy<bool> = Lazy::new(|| std::env::var("LIVECHAT_BOTS_TEST_HOOKS").as_deref() == Ok("1"));

/// Panics when the hooks are enabled and `action` asks for it.
pub fn maybe_panic(action: &str) {
    if action == PANIC_ACTION && *ENABLED {
        panic!("lcbot_test_panic: a panic requested by a test");
    }
}
