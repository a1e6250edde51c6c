//! Bot templates (v3.5+): an application's blueprints of bots. Installing
//! the application on a license makes a bot of each template there, with
//! the template's id and secret. The five actions' rules and answers; like
//! `bot_admin.rs`, checked before anything is sent.

use crate::configuration::actions::{DEFAULT_GROUP_PRIORITIES, MAX_CHATS_COUNT_LIMIT};
use crate::configuration::model::Priority;
use crate::error::{Error, Result};
use crate::http::cancel::CallOptions;
use crate::http::client::Client;
use crate::http::transport::Io;
use crate::json::{from_answer, parse_strict, to_text};
use crate::secret::Secret;
use crate::validate::object;
use crate::version::ApiVersion;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The scope every template action needs.
pub const SCOPE_TEMPLATES_RW: &str = "bots.templates:rw";
/// How many templates one application (client id) may have.
/// cbindgen:ignore
pub const MAX_TEMPLATES_PER_APPLICATION: usize = 5;

/// The bot template actions of the Configuration API (v3.5+).
/// cbindgen:ignore
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateAction {
    /// `create_bot_template`: `{"id", "secret"}`.
    CreateBotTemplate,
    /// `update_bot_template`: `{}`.
    UpdateBotTemplate,
    /// `delete_bot_template`: `{}`.
    DeleteBotTemplate,
    /// `list_bot_templates`: an array of templates.
    ListBotTemplates,
    /// `reset_bot_template_secret`: `{"secret"}`.
    ResetBotTemplateSecret,
}

impl TemplateAction {
    /// Every one of them.
    pub const ALL: [TemplateAction; 5] = [
        TemplateAction::CreateBotTemplate,
        TemplateAction::UpdateBotTemplate,
        TemplateAction::DeleteBotTemplate,
        TemplateAction::ListBotTemplates,
        TemplateAction::ResetBotTemplateSecret,
    ];

    /// The action's name (the same in v3.5 and v3.6).
    pub fn name(self) -> &'static str {
        match self {
            TemplateAction::CreateBotTemplate => "create_bot_template",
            TemplateAction::UpdateBotTemplate => "update_bot_template",
            TemplateAction::DeleteBotTemplate => "delete_bot_template",
            TemplateAction::ListBotTemplates => "list_bot_templates",
            TemplateAction::ResetBotTemplateSecret => "reset_bot_template_secret",
        }
    }

    /// The first API version that has the action.
    pub fn since(self) -> ApiVersion {
        ApiVersion::V3_5
    }

    /// Only the listing may be repeated whatever happened to it.
    pub fn is_read(self) -> bool {
        self == TemplateAction::ListBotTemplates
    }

    /// Checks a request before it is sent: the version has the action, and
    /// the fields follow v3.5's table. `owner_client_id` may be left out with
    /// a Bearer token (the token's application is meant); a personal access
    /// token needs it, which only the server can tell.
    pub fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        refuse_before(self.name(), self.since(), version)?;
        let o = object(request, "")?;
        const SHAPE: [&str; 7] =
            ["name", "avatar", "max_chats_count", "default_group_priority", "job_title", "owner_client_id", "affect_existing_installations"];
        match self {
            TemplateAction::CreateBotTemplate | TemplateAction::UpdateBotTemplate => {
                if self == TemplateAction::CreateBotTemplate {
                    o.only(&SHAPE)?;
                    o.req_str("name")?;
                } else {
                    let mut allowed = SHAPE.to_vec();
                    allowed.push("id");
                    o.only(&allowed)?;
                    o.req_str("id")?;
                    o.opt_non_empty_str("name")?;
                }
                o.opt_str("avatar")?;
                o.opt_int("max_chats_count", 0, MAX_CHATS_COUNT_LIMIT)?;
                o.opt_enum("default_group_priority", &DEFAULT_GROUP_PRIORITIES)?;
                o.opt_str("job_title")?;
            }
            TemplateAction::DeleteBotTemplate | TemplateAction::ResetBotTemplateSecret => {
                o.only(&["id", "owner_client_id", "affect_existing_installations"])?;
                o.req_str("id")?;
            }
            TemplateAction::ListBotTemplates => o.only(&["owner_client_id"])?,
        }
        o.opt_non_empty_str("owner_client_id")?;
        o.opt_bool("affect_existing_installations").map(|_| ())
    }

    /// Checks a 2xx answer's shape (`{}` stands for an empty body).
    pub(crate) fn check_response(self, body: Value) -> Result<Value> {
        let is_str = |k: &str| body.get(k).is_some_and(Value::is_string);
        let (ok, shape) = match self {
            TemplateAction::CreateBotTemplate => (is_str("id") && is_str("secret"), r#"{"id": string, "secret": string}"#),
            TemplateAction::ResetBotTemplateSecret => (is_str("secret"), r#"{"secret": string}"#),
            TemplateAction::ListBotTemplates => (
                body.as_array().is_some_and(|a| a.iter().all(|t| t.get("id").is_some_and(Value::is_string))),
                r#"an array of {"id": string, ...}"#,
            ),
            TemplateAction::UpdateBotTemplate | TemplateAction::DeleteBotTemplate => (body.is_object(), "an object"),
        };
        if ok {
            Ok(body)
        } else {
            // Never the body itself: a secret may be in it.
            Err(Error::decode(format!("{}: the answer does not have the expected shape ({shape})", self.name())))
        }
    }
}

/// Refuses `action` in a `version` older than `since`, naming the first that has it.
pub(crate) fn refuse_before(action: &str, since: ApiVersion, version: ApiVersion) -> Result<()> {
    if version < since {
        return Err(Error::validation(format!(
            "{action}: not in API v{}; it exists from v{}",
            version.as_str(),
            since.as_str()
        )));
    }
    Ok(())
}

/// A bot template, as `list_bot_templates` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotTemplate {
    /// The template's id, which the bots made from it share.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The avatar's URL (`avatar_path` on the wire).
    #[serde(default, rename = "avatar_path", skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// How many chats its bots take at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    /// The priority in groups its bots are not explicitly in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    /// The job title shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// The application that owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_client_id: Option<String>,
}

/// The request of `create_bot_template`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateBotTemplate {
    /// The display name.
    pub name: String,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// How many chats its bots take at once (at most 500; LiveChat's default is 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    /// The priority in groups its bots are not explicitly in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    /// The job title shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// The application that will own it (the token's own when left out; required with a personal access token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_client_id: Option<String>,
    /// Also make its bot on the licenses that have the application installed already.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub affect_existing_installations: bool,
}

impl CreateBotTemplate {
    /// A template with a name and nothing else set.
    pub fn named(name: impl Into<String>) -> Self {
        CreateBotTemplate { name: name.into(), ..Default::default() }
    }
}

/// The request of `update_bot_template`: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateBotTemplate {
    /// The template's id.
    pub id: String,
    /// The new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// How many chats its bots take at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chats_count: Option<u32>,
    /// The priority in groups its bots are not explicitly in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_group_priority: Option<Priority>,
    /// The job title shown to customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// The application that owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_client_id: Option<String>,
    /// Also update the bots already made from it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub affect_existing_installations: bool,
}

impl UpdateBotTemplate {
    /// An update of template `id` that changes nothing yet.
    pub fn new(id: impl Into<String>) -> Self {
        UpdateBotTemplate { id: id.into(), ..Default::default() }
    }
}

/// The answer of `create_bot_template`: its id and the secret its bots get
/// their tokens with (never in a Debug print).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedBotTemplate {
    /// The template's id.
    pub id: String,
    /// The secret of the bots made from it.
    pub secret: Secret,
}

/// An action sent as the caller wrote it (no shape per version): checked
/// before it is sent, its answer checked after. The bot-admin actions and
/// the template actions share [`Client::execute_checked`] through it.
pub(crate) trait CheckedAction: Copy {
    fn name(self) -> &'static str;
    fn is_read(self) -> bool;
    fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()>;
    fn check_response(self, body: Value) -> Result<Value>;
}

impl CheckedAction for TemplateAction {
    fn name(self) -> &'static str {
        TemplateAction::name(self)
    }
    fn is_read(self) -> bool {
        TemplateAction::is_read(self)
    }
    fn validate_request(self, version: ApiVersion, request: &Value) -> Result<()> {
        TemplateAction::validate_request(self, version, request)
    }
    fn check_response(self, body: Value) -> Result<Value> {
        TemplateAction::check_response(self, body)
    }
}

impl Client {
    /// Validates `request` for the configured version, sends it, checks the answer.
    pub(crate) fn execute_checked(&self, action: impl CheckedAction, request: &Value, options: &CallOptions) -> Result<Value> {
        self.block_on(|io| async move { self.execute_checked_on(action, request, options, &io).await })
    }

    /// [`Client::execute_checked`] through `io`.
    pub(crate) async fn execute_checked_on(
        &self,
        action: impl CheckedAction,
        request: &Value,
        options: &CallOptions,
        io: &Io,
    ) -> Result<Value> {
        action.validate_request(self.config().api_version, request)?;
        let answer = self.send(action.name(), request, action.is_read(), options, io).await?;
        action.check_response(answer.unwrap_or_else(|| json!({})))
    }

    /// Runs one bot template action (v3.5+), checked before it is sent.
    pub fn execute_template_with(&self, action: TemplateAction, request: &Value, options: &CallOptions) -> Result<Value> {
        self.execute_checked(action, request, options)
    }

    /// [`Client::execute_template_with`] on JSON text, as the C ABI uses it.
    pub fn execute_template_json_with(&self, action: TemplateAction, request_json: &str, options: &CallOptions) -> Result<String> {
        let request = parse_strict(request_json, "request_json")?;
        self.execute_template_with(action, &request, options).map(|v| to_text(&v))
    }

    /// Creates a bot template (at most five per application): its id and secret.
    pub fn create_bot_template(&self, request: &CreateBotTemplate) -> Result<CreatedBotTemplate> {
        from_answer(self.execute_template_with(TemplateAction::CreateBotTemplate, &to_request(request)?, &CallOptions::default())?)
    }

    /// Changes the fields of a template that `request` sets.
    pub fn update_bot_template(&self, request: &UpdateBotTemplate) -> Result<()> {
        self.execute_template_with(TemplateAction::UpdateBotTemplate, &to_request(request)?, &CallOptions::default()).map(|_| ())
    }

    /// Deletes a template; its bots too with `affect_existing_installations`.
    pub fn delete_bot_template(&self, id: &str, owner_client_id: Option<&str>, affect_existing_installations: bool) -> Result<()> {
        let request = id_request(id, owner_client_id, affect_existing_installations);
        self.execute_template_with(TemplateAction::DeleteBotTemplate, &request, &CallOptions::default()).map(|_| ())
    }

    /// The templates of application `owner_client_id` (the token's own when `None`).
    pub fn list_bot_templates(&self, owner_client_id: Option<&str>) -> Result<Vec<BotTemplate>> {
        let request = owner_client_id.map_or_else(|| json!({}), |o| json!({ "owner_client_id": o }));
        from_answer(self.execute_template_with(TemplateAction::ListBotTemplates, &request, &CallOptions::default())?)
    }

    /// Gives a template a new secret; its bots too with `affect_existing_installations`.
    pub fn reset_bot_template_secret(&self, id: &str, owner_client_id: Option<&str>, affect_existing_installations: bool) -> Result<Secret> {
        let request = id_request(id, owner_client_id, affect_existing_installations);
        let mut doc = self.execute_template_with(TemplateAction::ResetBotTemplateSecret, &request, &CallOptions::default())?;
        Ok(Secret::new(doc["secret"].take().as_str().unwrap_or_default()))
    }
}

/// `{"id", "owner_client_id"?, "affect_existing_installations"?}`.
fn id_request(id: &str, owner_client_id: Option<&str>, affect_existing_installations: bool) -> Value {
    let mut request = json!({ "id": id });
    if let Some(owner) = owner_client_id {
        request["owner_client_id"] = json!(owner);
    }
    if affect_existing_installations {
        request["affect_existing_installations"] = json!(true);
    }
    request
}

/// A typed request as the document the rules check.
pub(crate) fn to_request<T: Serialize>(request: &T) -> Result<Value> {
    serde_json::to_value(request).map_err(|e| Error::validation(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn older_versions_are_refused_naming_v3_5() {
        for action in TemplateAction::ALL {
            let e = action.validate_request(ApiVersion::V3_4, &json!({})).unwrap_err();
            assert_eq!(e.message, format!("{}: not in API v3.4; it exists from v3.5", action.name()));
        }
    }

    #[test]
    fn fields_are_checked() {
        let create = TemplateAction::CreateBotTemplate;
        let v = ApiVersion::V3_6;
        assert!(create.validate_request(v, &json!({"name": "T", "owner_client_id": "c", "affect_existing_installations": true})).is_ok());
        assert_eq!(create.validate_request(v, &json!({"name": ""})).unwrap_err().message, "name: must not be empty");
        assert!(create.validate_request(v, &json!({"name": "T", "groups": []})).unwrap_err().message.starts_with("groups: unknown field"));
        assert!(create.validate_request(v, &json!({"name": "T", "max_chats_count": 501})).unwrap_err().message.starts_with("max_chats_count"));
        let update = TemplateAction::UpdateBotTemplate;
        assert_eq!(update.validate_request(v, &json!({"name": "T"})).unwrap_err().message, "id: required field is missing");
        let delete = TemplateAction::DeleteBotTemplate;
        assert!(delete.validate_request(v, &json!({"id": "t", "affect_existing_installations": "yes"})).is_err());
        assert!(TemplateAction::ListBotTemplates.validate_request(v, &json!({})).is_ok());
        assert!(TemplateAction::ListBotTemplates.validate_request(v, &json!({"owner_client_id": ""})).is_err());
    }

    #[test]
    fn answers_are_checked_without_echoing_them() {
        let e = TemplateAction::CreateBotTemplate.check_response(json!({"id": "t", "secrett": "s3cr3t"})).unwrap_err();
        assert!(!e.message.contains("s3cr3t"));
        assert!(TemplateAction::ListBotTemplates.check_response(json!([{"id": "t", "name": "T"}])).is_ok());
    }
}
