//! What a client was made with, once the environment has filled the settings
//! its config document left out: what the wrappers show and act on.

use crate::ffi::boundary::{arg_ref, guard};
use crate::ffi::client::lcbot_client;
use crate::ffi::status::lcbot_status;
use crate::http::config::TokenType;
use serde_json::json;
use std::os::raw::c_char;

/// Writes to `*out` the client's settings that are not secret:
/// `{"api_version": "3.6", "base_url": "http://127.0.0.1:8080",
///   "region": "fra" | null, "token_type": "Bearer" | "Basic"}`.
/// Free it with `lcbot_string_free`.
///
/// # Safety
/// `client` must be a live handle or NULL; `out` NULL or valid for one
/// pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_client_settings(client: *const lcbot_client, out: *mut *mut c_char) -> lcbot_status {
    guard(out, || {
        let config = arg_ref(client, "client")?.client.config();
        let token_type = match config.token_type {
            TokenType::Bearer => "Bearer",
            TokenType::Basic => "Basic",
        };
        Ok(Some(
            json!({
                "api_version": config.api_version.as_str(),
                "base_url": config.base_url,
                "region": config.region.map(|r| r.as_str()),
                "token_type": token_type,
            })
            .to_string(),
        ))
    })
}
