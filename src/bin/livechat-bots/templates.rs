//! `livechat-bots templates list|show|create|update|remove|reset-secret`:
//! an application's bot templates (v3.5+), with a flag for every field.
//! The flags become the request and go through `Client::execute_template_with`,
//! so the library checks them as it checks any caller's.

use crate::bots::{client, Connection, Failure};
use crate::output::{table, text};
use clap::{Args, Subcommand, ValueEnum};
use livechat_bots::{CallOptions, Error, ErrorCode, TemplateAction};
use serde_json::{json, Map, Value};

#[derive(Args, Debug)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    command: TemplatesCommand,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Subcommand, Debug)]
enum TemplatesCommand {
    /// List the application's bot templates (list_bot_templates)
    List(OwnerArgs),
    /// Show one template (from list_bot_templates)
    Show(ShowArgs),
    /// Create a template (create_bot_template); prints its id and the secret of its bots
    Create(CreateArgs),
    /// Change fields of a template (update_bot_template); only the flags given are sent
    Update(UpdateArgs),
    /// Delete a template (delete_bot_template)
    Remove(IdArgs),
    /// Give a template a new secret and print it (reset_bot_template_secret)
    ResetSecret(IdArgs),
}

#[derive(Args, Debug)]
struct OwnerArgs {
    /// The application (client id) that owns the templates [default: the token's]
    #[arg(long, value_name = "CLIENT_ID")]
    owner_client_id: Option<String>,
}

#[derive(Args, Debug)]
struct ShowArgs {
    /// The template's id
    id: String,
    #[command(flatten)]
    owner: OwnerArgs,
}

#[derive(Args, Debug)]
struct IdArgs {
    /// The template's id
    id: String,
    #[command(flatten)]
    owner: OwnerArgs,
    /// Carry it to the bots already made from the template
    #[arg(long)]
    affect_existing_installations: bool,
}

#[derive(Args, Debug)]
struct CreateArgs {
    /// Display name
    #[arg(long)]
    name: String,
    #[command(flatten)]
    fields: TemplateFields,
}

#[derive(Args, Debug)]
struct UpdateArgs {
    /// The template's id
    id: String,
    /// Display name
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    fields: TemplateFields,
}

/// The fields create and update share.
#[derive(Args, Debug)]
struct TemplateFields {
    /// Avatar URL
    #[arg(long, value_name = "URL")]
    avatar: Option<String>,
    /// Most chats routed to each of its bots at once (0 to 500; LiveChat's default is 6)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    max_chats_count: Option<i64>,
    /// Priority in the groups its bots are not explicitly in
    #[arg(long, value_enum, value_name = "PRIORITY")]
    default_group_priority: Option<PriorityArg>,
    /// Job title
    #[arg(long)]
    job_title: Option<String>,
    #[command(flatten)]
    owner: OwnerArgs,
    /// Carry it to the licenses that have the application installed already
    #[arg(long)]
    affect_existing_installations: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum PriorityArg {
    First,
    Normal,
    Last,
    Supervisor,
}

impl TemplateFields {
    fn write_into(&self, r: &mut Map<String, Value>) {
        if let Some(a) = &self.avatar {
            r.insert("avatar".into(), json!(a));
        }
        if let Some(n) = self.max_chats_count {
            r.insert("max_chats_count".into(), json!(n));
        }
        if let Some(p) = self.default_group_priority {
            let name = format!("{p:?}").to_lowercase();
            r.insert("default_group_priority".into(), json!(name));
        }
        if let Some(t) = &self.job_title {
            r.insert("job_title".into(), json!(t));
        }
        self.owner.write_into(r);
        affect(r, self.affect_existing_installations);
    }
}

impl OwnerArgs {
    fn write_into(&self, r: &mut Map<String, Value>) {
        if let Some(o) = &self.owner_client_id {
            r.insert("owner_client_id".into(), json!(o));
        }
    }
}

fn affect(r: &mut Map<String, Value>, on: bool) {
    if on {
        r.insert("affect_existing_installations".into(), json!(true));
    }
}

/// The action and request the flags stand for.
fn request(command: &TemplatesCommand) -> (TemplateAction, Value) {
    let mut r = Map::new();
    let action = match command {
        TemplatesCommand::List(o) | TemplatesCommand::Show(ShowArgs { owner: o, .. }) => {
            o.write_into(&mut r);
            TemplateAction::ListBotTemplates
        }
        TemplatesCommand::Create(a) => {
            r.insert("name".into(), json!(a.name));
            a.fields.write_into(&mut r);
            TemplateAction::CreateBotTemplate
        }
        TemplatesCommand::Update(a) => {
            r.insert("id".into(), json!(a.id));
            if let Some(n) = &a.name {
                r.insert("name".into(), json!(n));
            }
            a.fields.write_into(&mut r);
            TemplateAction::UpdateBotTemplate
        }
        TemplatesCommand::Remove(a) | TemplatesCommand::ResetSecret(a) => {
            r.insert("id".into(), json!(a.id));
            a.owner.write_into(&mut r);
            affect(&mut r, a.affect_existing_installations);
            if matches!(command, TemplatesCommand::Remove(_)) {
                TemplateAction::DeleteBotTemplate
            } else {
                TemplateAction::ResetBotTemplateSecret
            }
        }
    };
    (action, Value::Object(r))
}

/// The readable form of an answer.
fn render(command: &TemplatesCommand, answer: &Value) -> Result<String, Failure> {
    let fields = |t: &Value| -> String {
        let rows: Vec<Vec<String>> = t.as_object().into_iter().flatten().map(|(k, v)| vec![k.clone(), text(Some(v))]).collect();
        table(&rows)
    };
    Ok(match command {
        TemplatesCommand::List(_) => {
            let list = answer.as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                return Ok("no bot templates\n".into());
            }
            let mut rows = vec![vec!["ID".to_owned(), "NAME".into(), "JOB TITLE".into(), "OWNER".into()]];
            rows.extend(list.iter().map(|t| vec![text(t.get("id")), text(t.get("name")), text(t.get("job_title")), text(t.get("owner_client_id"))]));
            table(&rows)
        }
        TemplatesCommand::Show(a) => fields(find(answer, &a.id)?),
        // Shown once: the bots made from the template get their tokens with it.
        TemplatesCommand::Create(_) | TemplatesCommand::ResetSecret(_) => fields(answer),
        TemplatesCommand::Update(a) => format!("updated {}\n", a.id),
        TemplatesCommand::Remove(a) => format!("removed {}\n", a.id),
    })
}

/// Runs the command; on failure returns the error and whether to print it as JSON.
pub fn run(args: TemplatesArgs) -> Result<(), (Failure, bool)> {
    let json = args.connection.is_json();
    let go = || -> Result<(), Failure> {
        let (action, request) = request(&args.command);
        let answer = client(&args.connection)?.execute_template_with(action, &request, &CallOptions::default())?;
        let shown = match (&args.command, json) {
            (TemplatesCommand::Show(a), true) => format!("{}\n", find(&answer, &a.id)?),
            (_, true) => format!("{answer}\n"),
            (_, false) => render(&args.command, &answer)?,
        };
        print!("{shown}");
        Ok(())
    };
    go().map_err(|f| (f, json))
}

/// The template `id` of a listing, as LiveChat lists it.
fn find<'a>(listing: &'a Value, id: &str) -> Result<&'a Value, Failure> {
    listing
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| Failure(Error::new(ErrorCode::Api, format!("no bot template {id:?}"))))
}
