//! Bot templates and batches of bot actions (v3.5+) through the C ABI, on a
//! client handle; and, on an emulator, the installation of an application
//! that makes the templates' bots.

use crate::configuration::batches::BatchAction;
use crate::configuration::templates::TemplateAction;
use crate::error::Error;
use crate::ffi::client::{lcbot_client, with_request};
use crate::ffi::options::lcbot_call_options;
use crate::ffi::status::lcbot_status;
use std::os::raw::c_char;

/// Runs one template action.
unsafe fn template(
    client: *const lcbot_client,
    action: TemplateAction,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    with_request(client, request_json, options, out, |c, request, options| c.execute_template_json_with(action, request, options))
}

/// Runs one batch.
unsafe fn batch(
    client: *const lcbot_client,
    action: BatchAction,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    with_request(client, request_json, options, out, |c, request, options| {
        c.execute_batch_json_with(action, request, options, Error::to_status_document)
    })
}

/// `create_bot_template` (v3.5+): `{"name", "avatar"?, "max_chats_count"?,
/// "default_group_priority"?, "job_title"?, "owner_client_id"?,
/// "affect_existing_installations"?}` -> `{"id", "secret"}`. At most five
/// templates per application; the secret is the one the templates' bots get
/// their tokens with: keep it like a token.
///
/// # Safety
/// `client` a live handle or NULL; `request_json` NULL or a NUL-terminated
/// string; `options` NULL or a valid `lcbot_call_options`; `out` NULL or
/// valid for one pointer write.
#[no_mangle]
pub unsafe extern "C" fn lcbot_create_bot_template(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    template(client, TemplateAction::CreateBotTemplate, request_json, options, out)
}

/// `update_bot_template` (v3.5+): `{"id", ...the create fields}` -> `{}`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_update_bot_template(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    template(client, TemplateAction::UpdateBotTemplate, request_json, options, out)
}

/// `delete_bot_template` (v3.5+): `{"id", "owner_client_id"?,
/// "affect_existing_installations"?}` -> `{}`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_delete_bot_template(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    template(client, TemplateAction::DeleteBotTemplate, request_json, options, out)
}

/// `list_bot_templates` (v3.5+): `{"owner_client_id"?}` -> `[{"id", "name",
/// "avatar_path"?, ...}]`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_list_bot_templates(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    template(client, TemplateAction::ListBotTemplates, request_json, options, out)
}

/// `reset_bot_template_secret` (v3.5+): `{"id", "owner_client_id"?,
/// "affect_existing_installations"?}` -> `{"secret"}`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_reset_bot_template_secret(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    template(client, TemplateAction::ResetBotTemplateSecret, request_json, options, out)
}

/// `batch_create_bots` (v3.5+): `{"requests": [create requests as for
/// lcbot_create_bot_agent]}`. Every request is checked before anything is
/// sent (a failure names it: `requests[3].name: must not be empty`). Once
/// sent, the call returns `LCBOT_OK` and `*out` is `{"responses": [...],
/// "succeeded": N, "failed": N}`, one entry per request in order: `{"result":
/// {"bot_agent_id", "bot_secret"}}` or `{"error": <error document>}` (what
/// `lcbot_create_bot_agent` would have answered). When the batch's answer is
/// lost, every entry is an error with `"outcome": "unknown"`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_batch_create_bot_agents(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    batch(client, BatchAction::CreateBots, request_json, options, out)
}

/// `batch_update_bots` (v3.5+): `{"requests": [update requests]}`; each
/// result `{}`. Otherwise as `lcbot_batch_create_bot_agents`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_batch_update_bot_agents(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    batch(client, BatchAction::UpdateBots, request_json, options, out)
}

/// `batch_delete_bots` (v3.5+): `{"requests": [{"bot_agent_id"}]}`; each
/// result `{}`. Otherwise as `lcbot_batch_create_bot_agents`.
///
/// # Safety
/// As for `lcbot_create_bot_template`.
#[no_mangle]
pub unsafe extern "C" fn lcbot_batch_remove_bot_agents(
    client: *const lcbot_client,
    request_json: *const c_char,
    options: *const lcbot_call_options,
    out: *mut *mut c_char,
) -> lcbot_status {
    batch(client, BatchAction::DeleteBots, request_json, options, out)
}

/// Plays LiveChat installing an application on the emulated license (a
/// control call): `request_json` `{"client_id"}`. Each of the application's
/// bot templates without a bot gets one, with the template's id and secret;
/// `*out` is `{"client_id", "bots_created": [ids], "installed": [client ids]}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `request_json` NULL or a NUL-terminated
/// string; `out` NULL or valid for one pointer write.
#[cfg(feature = "emulator")]
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_install_application(
    emulator: *const crate::ffi::emulator::lcbot_emulator,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> lcbot_status {
    use crate::ffi::boundary::{arg_ref, arg_str, guard};
    guard(out, || {
        let e = arg_ref(emulator, "emulator")?;
        e.emulator.install_application_json(arg_str(request_json, "request_json")?).map(Some)
    })
}

/// Every application's bot templates on the emulator (secrets left out) and
/// the applications installed: `{"templates": [...], "installed": [...]}`.
///
/// # Safety
/// `emulator` a live handle or NULL; `out` NULL or valid for one pointer write.
#[cfg(feature = "emulator")]
#[no_mangle]
pub unsafe extern "C" fn lcbot_emulator_templates(emulator: *const crate::ffi::emulator::lcbot_emulator, out: *mut *mut c_char) -> lcbot_status {
    use crate::ffi::boundary::{arg_ref, guard};
    guard(out, || Ok(Some(arg_ref(emulator, "emulator")?.emulator.templates().to_string())))
}
