//! The table of operations a queue runs: every call of the blocking API,
//! named as its blocking function is (`get_bot_agent_details`,
//! `issue_bot_token`, `send_event`...), plus `call:ACTION` for the untyped
//! call of any action. A new typed action joins by its enum (`Action`,
//! `AdminAction`, `TemplateAction`, `BatchAction`, `ChatAction`) or by one
//! arm below.

use crate::agent_chat::actions::ChatAction;
use crate::agent_chat::bot::Bot;
use crate::configuration::actions::{check_action_name, Action};
use crate::configuration::batches::BatchAction;
use crate::configuration::bot_admin::AdminAction;
use crate::configuration::templates::TemplateAction;
use crate::error::{Error, Result};
use crate::http::cancel::CallOptions;
use crate::http::client::Client;
use crate::http::transport::Io;
use crate::json::{parse_strict, to_text};
use serde_json::Value;
use std::sync::Arc;

/// The prefix of the untyped call: `call:list_agents` is `lcbot_call`'s
/// (or `lcbot_bot_call`'s) `list_agents`.
pub const CALL_PREFIX: &str = "call:";

/// A call of the blocking API with its request parsed, ready to run.
pub(crate) enum Call {
    Action(Arc<Client>, Action, Value),
    Admin(Arc<Client>, AdminAction, Value),
    Template(Arc<Client>, TemplateAction, Value),
    Batch(Arc<Client>, BatchAction, Value),
    ClientCall(Arc<Client>, String, Value),
    Chat(Arc<Bot>, ChatAction, Value),
    BotCall(Arc<Bot>, String, Value),
}

impl Call {
    /// `operation` on a client: one of the five actions, a bot-admin action
    /// (`issue_bot_token`, `reset_bot_secret`, the webhook registry) or
    /// `call:ACTION`. The request is parsed here, as the blocking call
    /// parses it first; the rest of its checks run with the call.
    pub(crate) fn on_client(client: &Arc<Client>, operation: &str, request_json: &str) -> Result<Call> {
        if let Some(action) = operation.strip_prefix(CALL_PREFIX) {
            check_action_name(action)?;
            let payload = parse_strict(request_json, "payload_json")?;
            return Ok(Call::ClientCall(client.clone(), action.to_owned(), payload));
        }
        if let Some(action) = Action::ALL.into_iter().find(|a| a.name() == operation) {
            return Ok(Call::Action(client.clone(), action, parse_strict(request_json, "request_json")?));
        }
        if let Some(action) = AdminAction::ALL.into_iter().find(|a| a.name() == operation) {
            return Ok(Call::Admin(client.clone(), action, parse_strict(request_json, "request_json")?));
        }
        if let Some(action) = TemplateAction::ALL.into_iter().find(|a| a.name() == operation) {
            return Ok(Call::Template(client.clone(), action, parse_strict(request_json, "request_json")?));
        }
        if let Some(action) = BatchAction::ALL.into_iter().find(|a| batch_operation(*a) == operation) {
            return Ok(Call::Batch(client.clone(), action, parse_strict(request_json, "request_json")?));
        }
        let names = Action::ALL.iter().map(|a| a.name()).chain(AdminAction::ALL.iter().map(|a| a.name()));
        let names = names.chain(TemplateAction::ALL.iter().map(|a| a.name()));
        let names = names.chain(BatchAction::ALL.into_iter().map(batch_operation));
        Err(unknown(operation, names))
    }

    /// `operation` as a bot: one of the bot's calls (`send_event`,
    /// `set_routing_status`, ...) or `call:ACTION`.
    pub(crate) fn on_bot(bot: &Arc<Bot>, operation: &str, request_json: &str) -> Result<Call> {
        if let Some(action) = operation.strip_prefix(CALL_PREFIX) {
            check_action_name(action)?;
            let payload = parse_strict(request_json, "payload_json")?;
            return Ok(Call::BotCall(bot.clone(), action.to_owned(), payload));
        }
        if let Some(action) = ChatAction::ALL.into_iter().find(|a| a.name() == operation) {
            return Ok(Call::Chat(bot.clone(), action, parse_strict(request_json, "request_json")?));
        }
        Err(unknown(operation, ChatAction::ALL.iter().map(|a| a.name())))
    }

    /// The client whose pool the call goes through.
    pub(crate) fn client(&self) -> &Client {
        match self {
            Call::Action(c, ..) | Call::Admin(c, ..) | Call::Template(c, ..) | Call::Batch(c, ..) | Call::ClientCall(c, ..) => c,
            Call::Chat(b, ..) | Call::BotCall(b, ..) => b.client(),
        }
    }

    /// Runs the call through `io`: what its blocking function runs, with
    /// the same answer text.
    pub(crate) async fn run(&self, options: &CallOptions, io: &Io) -> Result<String> {
        match self {
            Call::Action(c, action, request) => c.execute_on(*action, request, options, io).await.map(|v| to_text(&v)),
            Call::Admin(c, action, request) => c.execute_checked_on(*action, request, options, io).await.map(|v| to_text(&v)),
            Call::Template(c, action, request) => {
                c.execute_checked_on(*action, request, options, io).await.map(|v| to_text(&v))
            }
            Call::Batch(c, action, request) => {
                c.execute_batch_document_on(*action, request, options, io, Error::to_status_document).await
            }
            Call::ClientCall(c, action, payload) => c.call_on(action, payload, options, io).await.map(|v| to_text(&v)),
            Call::Chat(b, action, request) => b.execute_on(*action, request, options, io).await.map(|v| v.to_string()),
            Call::BotCall(b, action, payload) => b.call_on(action, payload, options, io).await.map(|v| v.to_string()),
        }
    }
}

/// A batch's operation: its blocking function's name
/// (`lcbot_batch_create_bot_agents`), not the API's (`batch_create_bots`).
fn batch_operation(action: BatchAction) -> &'static str {
    match action {
        BatchAction::CreateBots => "batch_create_bot_agents",
        BatchAction::UpdateBots => "batch_update_bot_agents",
        BatchAction::DeleteBots => "batch_remove_bot_agents",
    }
}

fn unknown<'a>(operation: &str, names: impl Iterator<Item = &'a str>) -> Error {
    let known: Vec<&str> = names.collect();
    Error::validation(format!(
        "operation: expected one of {}, or {CALL_PREFIX}ACTION; got {}",
        known.join(", "),
        crate::validate::describe(&Value::String(operation.to_owned()))
    ))
}
