//! `livechat-bots bots list|show|create|update|remove`: the five Bot Agents
//! actions with a flag for every field of the request (`apply` is in
//! apply.rs). The flags become the spec's request object and go through
//! `Client::execute`, so the library checks them against the chosen API
//! version as it checks any caller's.

use clap::{Args, Subcommand, ValueEnum};
use crate::output;
use livechat_bots::{Action, Client, ClientConfig, Error, ErrorCode};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// Where the token is read from: an environment variable, never a flag
/// (a flag shows in `ps` and in shell history).
pub const TOKEN_ENV: &str = "LIVECHAT_TOKEN";
/// The webhook secret of `--webhook-url`, for the same reason.
pub const WEBHOOK_SECRET_ENV: &str = "LIVECHAT_WEBHOOK_SECRET";

#[derive(Args, Debug)]
pub struct BotsArgs {
    #[command(subcommand)]
    command: BotsCommand,
    #[command(flatten)]
    connection: Connection,
}

/// How to reach the API; the token comes from LIVECHAT_TOKEN.
#[derive(Args, Debug)]
#[command(next_help_heading = "Connection (the token is read from LIVECHAT_TOKEN)")]
pub struct Connection {
    /// Configuration API version [default: LIVECHAT_API_VERSION, else 3.0]
    #[arg(long, global = true, value_name = "V",
          value_parser = ["3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"])]
    api_version: Option<String>,
    /// Base URL of the API, e.g. an emulator's [default: LIVECHAT_BASE_URL, else https://api.livechatinc.com]
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,
    /// More CA certificates to trust (a PEM file), beside the system's
    #[arg(long, global = true, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Data centre, sent as X-Region [default: LIVECHAT_REGION, else from the token]
    #[arg(long, global = true, value_enum)]
    region: Option<RegionArg>,
    /// The budget of the whole call in milliseconds, retries included [default: 30000]
    #[arg(long, global = true, value_name = "MS")]
    timeout_ms: Option<u32>,
    /// Print the answer (and an error) as JSON instead of a table
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum BotsCommand {
    /// List bot agents (get_bot_agents)
    List(ListArgs),
    /// Show one bot agent (get_bot_agent_details)
    Show(ShowArgs),
    /// Create a bot agent (create_bot_agent); prints its id, and from v3.5 its secret
    Create(CreateArgs),
    /// Change fields of a bot agent (update_bot_agent); only the flags given are sent
    Update(UpdateArgs),
    /// Remove a bot agent (remove_bot_agent)
    Remove(RemoveArgs),
    /// Make the caller's bots match a YAML or JSON file, in batches (v3.5+)
    Apply(crate::apply::ApplyArgs),
}

#[derive(Args, Debug)]
struct ListArgs {
    /// Every bot of the license, not only the caller's
    #[arg(long)]
    all: bool,
    /// Fields to answer with (v3.3+), comma-separated or repeated
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    fields: Vec<String>,
}

#[derive(Args, Debug)]
struct ShowArgs {
    /// The bot agent's id
    id: String,
    /// Fields to answer with (v3.3+), comma-separated or repeated
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    fields: Vec<String>,
}

#[derive(Args, Debug)]
struct RemoveArgs {
    /// The bot agent's id
    id: String,
}

#[derive(Args, Debug)]
struct CreateArgs {
    /// Display name
    #[arg(long)]
    name: String,
    #[command(flatten)]
    fields: BotFields,
    /// The application that owns the bot (v3.3+)
    #[arg(long, value_name = "CLIENT_ID")]
    owner_client_id: Option<String>,
    /// The bot's type (v3.6)
    #[arg(long = "type", value_name = "TYPE")]
    bot_type: Option<String>,
}

#[derive(Args, Debug)]
struct UpdateArgs {
    /// The bot agent's id
    id: String,
    /// Display name
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    fields: BotFields,
    /// Remove the bot from every group (sends "groups": [])
    #[arg(long, conflicts_with = "groups")]
    no_groups: bool,
}

/// The fields create and update share.
#[derive(Args, Debug)]
struct BotFields {
    /// Routing status (up to v3.2; from v3.3 set through the Agent Chat API)
    #[arg(long, value_enum)]
    status: Option<StatusArg>,
    /// Avatar URL
    #[arg(long, value_name = "URL")]
    avatar: Option<String>,
    /// Most chats routed to the bot at once (0 to 500; LiveChat's default is 6)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    max_chats_count: Option<i64>,
    /// A group and the bot's priority in it (first, normal, last); repeat for more groups
    #[arg(long = "group", id = "groups", value_name = "ID:PRIORITY", value_parser = parse_group)]
    groups: Vec<(u64, &'static str)>,
    /// Priority in the groups not listed with --group (v3.2+ on create)
    #[arg(long, value_enum, value_name = "PRIORITY")]
    default_group_priority: Option<DefaultPriorityArg>,
    /// Webhook destination URL (up to v3.2); its secret_key is read from LIVECHAT_WEBHOOK_SECRET
    #[arg(long, value_name = "URL", requires = "webhook_actions", conflicts_with = "webhooks_file")]
    webhook_url: Option<String>,
    /// A webhook action to be sent, e.g. incoming_chat_thread; repeat for more
    #[arg(long = "webhook-action", id = "webhook_actions", value_name = "NAME", requires = "webhook_url")]
    webhook_actions: Vec<String>,
    /// The whole `webhooks` object as JSON in FILE ({"url", "secret_key", "actions": [{"name", "filters", "additional_data"}]})
    #[arg(long, value_name = "FILE")]
    webhooks_file: Option<PathBuf>,
    /// Job title (v3.3+)
    #[arg(long)]
    job_title: Option<String>,
    /// Time zone, e.g. Europe/Warsaw (v3.3+)
    #[arg(long, value_name = "TZ")]
    timezone: Option<String>,
    /// Work schedule as a JSON object (v3.3+)
    #[arg(long, value_name = "JSON")]
    work_scheduler: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum StatusArg {
    #[value(name = "accepting-chats", alias = "accepting chats")]
    AcceptingChats,
    #[value(name = "not-accepting-chats", alias = "not accepting chats")]
    NotAcceptingChats,
    Offline,
}

impl StatusArg {
    fn as_spec(self) -> &'static str {
        match self {
            StatusArg::AcceptingChats => "accepting chats",
            StatusArg::NotAcceptingChats => "not accepting chats",
            StatusArg::Offline => "offline",
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum DefaultPriorityArg {
    First,
    Normal,
    Last,
    Supervisor,
}

impl DefaultPriorityArg {
    fn as_spec(self) -> &'static str {
        match self {
            DefaultPriorityArg::First => "first",
            DefaultPriorityArg::Normal => "normal",
            DefaultPriorityArg::Last => "last",
            DefaultPriorityArg::Supervisor => "supervisor",
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RegionArg {
    Dal,
    Fra,
}

/// `ID:PRIORITY`, e.g. `0:first`. `supervisor` is for --default-group-priority only.
fn parse_group(text: &str) -> Result<(u64, &'static str), String> {
    let (id, priority) = text.split_once(':').ok_or("expected ID:PRIORITY, e.g. 0:first")?;
    let id = id.parse().map_err(|_| format!("group id {id:?}: expected an unsigned integer"))?;
    let priority = ["first", "normal", "last"]
        .into_iter()
        .find(|p| *p == priority)
        .ok_or_else(|| format!("priority {priority:?}: expected one of first, normal, last"))?;
    Ok((id, priority))
}

/// A failure of the command: the library's error, or one of the command
/// line's own found before anything was sent.
pub struct Failure(pub Error);

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(e)
    }
}

fn local(code: ErrorCode, message: String) -> Failure {
    Failure(Error::new(code, message))
}

impl BotFields {
    fn write_into(&self, request: &mut Map<String, Value>) -> Result<(), Failure> {
        let mut put = |key: &str, value: Value| {
            request.insert(key.to_owned(), value);
        };
        if let Some(s) = self.status {
            put("status", json!(s.as_spec()));
        }
        if let Some(a) = &self.avatar {
            put("avatar", json!(a));
        }
        if let Some(n) = self.max_chats_count {
            put("max_chats_count", json!(n));
        }
        if !self.groups.is_empty() {
            let groups: Vec<Value> = self.groups.iter().map(|(id, p)| json!({"id": id, "priority": p})).collect();
            put("groups", Value::Array(groups));
        }
        if let Some(p) = self.default_group_priority {
            put("default_group_priority", json!(p.as_spec()));
        }
        if let Some(url) = &self.webhook_url {
            let secret = std::env::var(WEBHOOK_SECRET_ENV).ok().filter(|s| !s.is_empty()).ok_or_else(|| {
                local(ErrorCode::Validation, format!("--webhook-url: set the webhook's secret_key in {WEBHOOK_SECRET_ENV}"))
            })?;
            let actions: Vec<Value> = self.webhook_actions.iter().map(|name| json!({ "name": name })).collect();
            put("webhooks", json!({"url": url, "secret_key": secret, "actions": actions}));
        }
        if let Some(path) = &self.webhooks_file {
            put("webhooks", json_file(path, "--webhooks-file")?);
        }
        if let Some(t) = &self.job_title {
            put("job_title", json!(t));
        }
        if let Some(tz) = &self.timezone {
            put("timezone", json!(tz));
        }
        if let Some(text) = &self.work_scheduler {
            put("work_scheduler", json_text(text, "--work-scheduler")?);
        }
        Ok(())
    }
}

fn json_text(text: &str, flag: &str) -> Result<Value, Failure> {
    serde_json::from_str(text).map_err(|e| local(ErrorCode::InvalidJson, format!("{flag}: not JSON: {e}")))
}

fn json_file(path: &std::path::Path, flag: &str) -> Result<Value, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| local(ErrorCode::Validation, format!("{flag} {}: {e}", path.display())))?;
    // The message of a parse error quotes no content: the file holds a secret.
    serde_json::from_str(&text).map_err(|e| {
        local(ErrorCode::InvalidJson, format!("{flag} {}: not JSON (line {}, column {})", path.display(), e.line(), e.column()))
    })
}

fn fields(list: &[String]) -> Option<Value> {
    (!list.is_empty()).then(|| json!(list))
}

/// The action and the spec's request object the flags stand for.
fn request(command: &BotsCommand) -> Result<(Action, Value), Failure> {
    let mut r = Map::new();
    let action = match command {
        BotsCommand::List(a) => {
            if a.all {
                r.insert("all".into(), json!(true));
            }
            if let Some(f) = fields(&a.fields) {
                r.insert("fields".into(), f);
            }
            Action::GetBotAgents
        }
        BotsCommand::Show(a) => {
            r.insert("bot_agent_id".into(), json!(a.id));
            if let Some(f) = fields(&a.fields) {
                r.insert("fields".into(), f);
            }
            Action::GetBotAgentDetails
        }
        BotsCommand::Remove(a) => {
            r.insert("bot_agent_id".into(), json!(a.id));
            Action::RemoveBotAgent
        }
        BotsCommand::Create(a) => {
            r.insert("name".into(), json!(a.name));
            a.fields.write_into(&mut r)?;
            if let Some(o) = &a.owner_client_id {
                r.insert("owner_client_id".into(), json!(o));
            }
            if let Some(t) = &a.bot_type {
                r.insert("type".into(), json!(t));
            }
            Action::CreateBotAgent
        }
        BotsCommand::Update(a) => {
            r.insert("id".into(), json!(a.id));
            if let Some(n) = &a.name {
                r.insert("name".into(), json!(n));
            }
            a.fields.write_into(&mut r)?;
            if a.no_groups {
                r.insert("groups".into(), json!([]));
            }
            Action::UpdateBotAgent
        }
        BotsCommand::Apply(_) => return Err(local(ErrorCode::Validation, "apply: not one action".into())),
    };
    Ok((action, Value::Object(r)))
}

impl Connection {
    /// Whether `--json` was given.
    pub fn is_json(&self) -> bool {
        self.json
    }
}

/// A client for the connection flags, with the token from LIVECHAT_TOKEN.
pub fn client(c: &Connection) -> Result<Client, Failure> {
    let token = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()).ok_or_else(|| {
        local(ErrorCode::Validation, format!("no token: set {TOKEN_ENV} (the token is never taken from a flag)"))
    })?;
    let mut config = json!({ "token": token });
    if let Some(v) = &c.api_version {
        config["api_version"] = json!(v);
    }
    if let Some(url) = &c.base_url {
        config["base_url"] = json!(url);
    }
    if let Some(path) = &c.ca_file {
        config["ca_pem"] = json!(crate::ca_file::read(path).map_err(|m| local(ErrorCode::Validation, m))?);
    }
    if let Some(region) = c.region {
        config["region"] = json!(match region {
            RegionArg::Dal => "dal",
            RegionArg::Fra => "fra",
        });
    }
    if let Some(ms) = c.timeout_ms {
        config["timeout_ms"] = json!(ms);
    }
    let client = Client::new(ClientConfig::from_json_with_environment(&config.to_string())?)?;
    client.notices().set_handler(Some(std::sync::Arc::new(|n: &livechat_bots::Notice| {
        eprintln!("livechat-bots: notice: {}", n.message());
    })));
    Ok(client)
}

/// Runs the command; on failure returns the error and whether to print it as JSON.
pub fn run(args: BotsArgs) -> Result<(), (Failure, bool)> {
    let json = args.connection.json;
    if let BotsCommand::Apply(apply) = &args.command {
        return crate::apply::run(apply, &args.connection, json).map_err(|f| (f, json));
    }
    let go = || -> Result<(), Failure> {
        // The flags are checked before the token, so a mistake shows without one.
        let (action, request) = request(&args.command)?;
        let answer = client(&args.connection)?.execute(action, &request)?;
        let id = match &args.command {
            BotsCommand::Update(a) => a.id.as_str(),
            BotsCommand::Remove(a) => a.id.as_str(),
            _ => "",
        };
        print!("{}", if json { format!("{answer}\n") } else { output::render(action, &answer, id) });
        Ok(())
    };
    go().map_err(|f| (f, json))
}
