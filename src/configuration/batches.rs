//! Batches of bot actions (v3.5+): `batch_create_bots`, `batch_update_bots`,
//! `batch_delete_bots` carry `{"requests": [...]}` and answer
//! `{"responses": [...]}`, one answer or error per request, in order. The
//! server runs the requests concurrently, so a batch can half succeed: each
//! item is read here as the single action's answer or the error that
//! action would have raised.

use crate::configuration::actions::Action;
use crate::configuration::model::{CreateBotAgent, CreatedBotAgent, UpdateBotAgent};
use crate::configuration::templates::{refuse_before, to_request};
use crate::configuration::wire::{request_to_wire, response_from_wire};
use crate::error::{ApiError, Error, ErrorCode, Outcome, Result};
use crate::http::cancel::CallOptions;
use crate::http::client::Client;
use crate::http::transport::Io;
use crate::json::{from_answer, parse_strict, to_text};
use crate::validate::object;
use crate::version::ApiVersion;
use serde_json::{json, Map, Value};

/// The three batch actions of bots.
/// cbindgen:ignore
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchAction {
    /// `batch_create_bots`: each item a `create_bot_agent` request.
    CreateBots,
    /// `batch_update_bots`: each item an `update_bot_agent` request.
    UpdateBots,
    /// `batch_delete_bots`: each item a `remove_bot_agent` request.
    DeleteBots,
}

impl BatchAction {
    /// Every one of them.
    pub const ALL: [BatchAction; 3] = [BatchAction::CreateBots, BatchAction::UpdateBots, BatchAction::DeleteBots];

    /// The action's name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            BatchAction::CreateBots => "batch_create_bots",
            BatchAction::UpdateBots => "batch_update_bots",
            BatchAction::DeleteBots => "batch_delete_bots",
        }
    }

    /// The single action each request of the batch is.
    pub fn action(self) -> Action {
        match self {
            BatchAction::CreateBots => Action::CreateBotAgent,
            BatchAction::UpdateBots => Action::UpdateBotAgent,
            BatchAction::DeleteBots => Action::RemoveBotAgent,
        }
    }

    /// The first API version that has batches.
    pub fn since(self) -> ApiVersion {
        ApiVersion::V3_5
    }

    /// Checks `{"requests": [...]}` before anything is sent: every item by
    /// the single action's rules, a failure naming its index
    /// (`requests[3].name: must not be empty`).
    pub fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        refuse_before(self.name(), self.since(), version)?;
        let o = object(request, "")?;
        o.only(&["requests"])?;
        o.req_array("requests", |item, path| {
            self.action().validate_request(version, item).map_err(|e| Error { message: at_index(path, &e.message), ..e })
        })
    }

    /// The batch body for `version`: each item in that version's shape.
    pub(crate) fn request_to_wire(self, version: ApiVersion, request: &Value) -> Value {
        let items = request["requests"].as_array().map(Vec::as_slice).unwrap_or_default();
        json!({ "requests": items.iter().map(|r| request_to_wire(self.action(), version, r)).collect::<Vec<_>>() })
    }

    /// Reads `{"responses": [...]}` for `sent` requests: each item the single
    /// action's normalized answer, or the error it carries. A batch that
    /// answers another count of items cannot be matched to its requests, so
    /// every outcome is unknown.
    pub(crate) fn items_from_wire(self, version: ApiVersion, body: Value, sent: usize, attempts: u32) -> Vec<Result<Value>> {
        let responses = match body {
            Value::Object(mut map) => match map.remove("responses") {
                Some(Value::Array(items)) if items.len() == sent => items,
                _ => {
                    let why = format!("{}: the answer does not hold {sent} responses", self.name());
                    return all_unknown(sent, &Error { attempts, ..Error::decode(why) });
                }
            },
            _ => {
                let why = format!("{}: the answer does not have the expected shape ({{\"responses\": array}})", self.name());
                return all_unknown(sent, &Error { attempts, ..Error::decode(why) });
            }
        };
        let action = self.action();
        responses
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item.get("error") {
                Some(error) => Err(item_error(i, error, attempts)),
                None => response_from_wire(action, version, item).and_then(|v| action.check_response(v)).map_err(|e| Error {
                    message: at_index(&format!("responses[{i}]"), &e.message),
                    attempts,
                    ..e
                }),
            })
            .collect()
    }
}

/// Every item failed with `error` (a batch whose answer was lost or
/// unreadable): a write that may have been applied, so each outcome is unknown.
fn all_unknown(count: usize, error: &Error) -> Vec<Result<Value>> {
    let mut e = error.clone();
    if e.outcome.is_none() && !matches!(e.code, ErrorCode::Validation) {
        e.outcome = Some(Outcome::Unknown);
    }
    vec![Err(e); count]
}

/// The error a batch item carries, as the single call would have raised it:
/// code `api`, LiveChat's type and message, and the HTTP status that type
/// comes with.
fn item_error(index: usize, error: &Value, attempts: u32) -> Error {
    let error_type = error.get("type").and_then(Value::as_str).unwrap_or("internal").to_owned();
    let message = error.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
    let status = status_of(&error_type);
    Error {
        message: format!("requests[{index}]: LiveChat answered {error_type}: {message}"),
        http_status: Some(status),
        api_error: Some(Box::new(ApiError { error_type, message, data: error.get("data").cloned() })),
        attempts,
        ..Error::new(ErrorCode::Api, "")
    }
}

/// The HTTP status a single call gets with an error of `error_type` (the
/// mapping the emulator answers with; LiveChat publishes none).
fn status_of(error_type: &str) -> u16 {
    match error_type {
        "validation" | "limit_reached" | "group_not_found" => 400,
        "authentication" => 401,
        "authorization" | "license_expired" => 403,
        "not_found" | "license_not_found" => 404,
        "already_exists" => 409,
        "entity_too_large" => 413,
        "misdirected_request" => 421,
        "too_many_requests" => 429,
        _ => 500,
    }
}

/// `path` put before a message about one request (`requests[3].name: ...`).
fn at_index(path: &str, message: &str) -> String {
    match message.strip_prefix("request:") {
        Some(rest) => format!("{path}:{rest}"),
        None => format!("{path}.{message}"),
    }
}

/// A batch's items as one document: `{"responses": [{"result": {...}} or
/// {"error": <error document>}], "succeeded": N, "failed": N}`.
pub(crate) fn batch_document(items: &[Result<Value>], error_document: impl Fn(&Error) -> Value) -> Value {
    let failed = items.iter().filter(|i| i.is_err()).count();
    let responses: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut entry = Map::with_capacity(1);
            match item {
                Ok(result) => entry.insert("result".into(), result.clone()),
                Err(e) => entry.insert("error".into(), error_document(e)),
            };
            Value::Object(entry)
        })
        .collect();
    json!({ "responses": responses, "succeeded": items.len() - failed, "failed": failed })
}

impl Client {
    /// Sends a batch: `requests` are the single action's requests (the
    /// spec's shapes, as [`Client::execute`] takes them), all checked before
    /// anything is sent. Fails only when nothing was sent; once sent, the
    /// answer is one item per request, in order: the action's normalized
    /// answer or the error a single call would have raised. A batch is a
    /// write: repeated only when surely not applied, and when its answer is
    /// lost every item's outcome is unknown.
    pub fn execute_batch_with(&self, action: BatchAction, requests: &[Value], options: &CallOptions) -> Result<Vec<Result<Value>>> {
        self.block_on(|io| async move { self.execute_batch_on(action, requests, options, &io).await })
    }

    /// [`Client::execute_batch_with`] through `io`.
    pub(crate) async fn execute_batch_on(
        &self,
        action: BatchAction,
        requests: &[Value],
        options: &CallOptions,
        io: &Io,
    ) -> Result<Vec<Result<Value>>> {
        let version = self.config().api_version;
        let request = json!({ "requests": requests });
        action.validate_request(version, &request)?;
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        match self.send(action.name(), &action.request_to_wire(version, &request), false, options, io).await {
            // How many attempts a success took is not known here; one is the usual.
            Ok(answer) => Ok(action.items_from_wire(version, answer.unwrap_or(Value::Null), requests.len(), 1)),
            Err(e) if e.attempts == 0 => Err(e),
            // The whole batch failed: each request met that failure.
            Err(e) => Ok(vec![Err(e); requests.len()]),
        }
    }

    /// [`Client::execute_batch_with`] on `{"requests": [...]}` text, as the
    /// C ABI uses it; answers `{"responses": [{"result": ...} or {"error":
    /// error_document(e)}], "succeeded": N, "failed": N}`.
    pub fn execute_batch_json_with(
        &self,
        action: BatchAction,
        request_json: &str,
        options: &CallOptions,
        error_document: impl Fn(&Error) -> Value,
    ) -> Result<String> {
        let request = parse_strict(request_json, "request_json")?;
        self.block_on(|io| async move { self.execute_batch_document_on(action, &request, options, &io, error_document).await })
    }

    /// [`Client::execute_batch_json_with`] on a parsed request, through `io`.
    pub(crate) async fn execute_batch_document_on(
        &self,
        action: BatchAction,
        request: &Value,
        options: &CallOptions,
        io: &Io,
        error_document: impl Fn(&Error) -> Value,
    ) -> Result<String> {
        let items = match request.as_object().map(|o| (o.len(), o.get("requests"))) {
            Some((1, Some(Value::Array(requests)))) => self.execute_batch_on(action, requests, options, io).await?,
            // Not `{"requests": [...]}`: the rules say what is wrong with it.
            _ => {
                let why = action.validate_request(self.config().api_version, request).err();
                return Err(why.unwrap_or_else(|| Error::validation("requests: expected an array")));
            }
        };
        Ok(to_text(&batch_document(&items, error_document)))
    }

    /// `batch_create_bots` (v3.5+): each created bot's id and secret, or the
    /// error its own `create_bot_agent` would have raised.
    pub fn batch_create_bot_agents(&self, requests: &[CreateBotAgent]) -> Result<Vec<Result<CreatedBotAgent>>> {
        let items = self.typed_batch(BatchAction::CreateBots, requests)?;
        Ok(items.into_iter().map(|item| item.and_then(from_answer)).collect())
    }

    /// `batch_update_bots` (v3.5+): per request, done or the error.
    pub fn batch_update_bot_agents(&self, requests: &[UpdateBotAgent]) -> Result<Vec<Result<()>>> {
        let items = self.typed_batch(BatchAction::UpdateBots, requests)?;
        Ok(items.into_iter().map(|item| item.map(|_| ())).collect())
    }

    /// `batch_delete_bots` (v3.5+): per bot id, removed or the error.
    pub fn batch_remove_bot_agents(&self, bot_agent_ids: &[&str]) -> Result<Vec<Result<()>>> {
        let requests: Vec<Value> = bot_agent_ids.iter().map(|id| json!({ "bot_agent_id": id })).collect();
        let items = self.execute_batch_with(BatchAction::DeleteBots, &requests, &CallOptions::default())?;
        Ok(items.into_iter().map(|item| item.map(|_| ())).collect())
    }

    fn typed_batch<T: serde::Serialize>(&self, action: BatchAction, requests: &[T]) -> Result<Vec<Result<Value>>> {
        let requests = requests.iter().map(to_request).collect::<Result<Vec<_>>>()?;
        self.execute_batch_with(action, &requests, &CallOptions::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_checked_and_named_by_index() {
        let v = ApiVersion::V3_6;
        let batch = json!({"requests": [{"name": "A"}, {"name": "B"}, {"name": "C"}, {"name": ""}]});
        let e = BatchAction::CreateBots.validate_request(v, &batch).unwrap_err();
        assert_eq!(e.message, "requests[3].name: must not be empty");
        let e = BatchAction::DeleteBots.validate_request(v, &json!({"requests": [7]})).unwrap_err();
        assert_eq!(e.message, "requests[0]: expected an object; got 7");
        let e = BatchAction::UpdateBots.validate_request(ApiVersion::V3_4, &json!({"requests": []})).unwrap_err();
        assert_eq!(e.message, "batch_update_bots: not in API v3.4; it exists from v3.5");
    }

    #[test]
    fn items_are_answers_or_the_errors_single_calls_raise() {
        let body = json!({"responses": [{"id": "a", "secret": "s"}, {"error": {"type": "not_found", "message": "gone"}}]});
        let items = BatchAction::CreateBots.items_from_wire(ApiVersion::V3_5, body, 2, 1);
        assert_eq!(items[0].as_ref().unwrap(), &json!({"bot_agent_id": "a", "bot_secret": "s"}));
        let e = items[1].as_ref().unwrap_err();
        assert_eq!((e.code, e.http_status, e.api_type()), (ErrorCode::Api, Some(404), Some("not_found")));
        let short = BatchAction::DeleteBots.items_from_wire(ApiVersion::V3_5, json!({"responses": [{}]}), 2, 1);
        assert!(short.iter().all(|i| i.as_ref().unwrap_err().outcome == Some(Outcome::Unknown)));
    }
}
