//! `livechat-bots bots apply FILE`: makes the caller's bots match a file
//! (YAML or JSON, a list of bots by name with their fields), so a team keeps
//! its bots in git and applies them per environment. The plan (create,
//! update, unchanged, and remove with `--prune`) is read from the API, then
//! sent as batches (v3.5+); each item's outcome is printed, and any failed
//! item makes the exit status non-zero.

use crate::bots::{client, Connection, Failure};
use crate::output::{table, text};
use clap::Args;
use livechat_bots::{Action, ApiVersion, BatchAction, CallOptions, Client, Error, ErrorCode};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The fields a bot of the file may set (v3.3+ bots, as batches send them).
const FIELDS: [&str; 8] = ["name", "avatar", "max_chats_count", "groups", "default_group_priority", "job_title", "timezone", "work_scheduler"];
/// Requests per batch.
const BATCH_SIZE: usize = 20;

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The bots, as YAML or JSON: a list of {name, avatar?, max_chats_count?, groups?,
    /// default_group_priority?, job_title?, timezone?, work_scheduler?}, or {bots: [...]}
    file: PathBuf,
    /// Print the plan and change nothing
    #[arg(long)]
    dry_run: bool,
    /// Also remove the caller's bots that the file does not name
    #[arg(long)]
    prune: bool,
    /// Write the created bots' ids and secrets, by name, as JSON to FILE (mode 0600; `-`: stdout)
    #[arg(long, value_name = "FILE")]
    secrets_out: Option<PathBuf>,
}

/// One step of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Create,
    Update,
    Remove,
    Unchanged,
}

impl Step {
    fn word(self) -> &'static str {
        match self {
            Step::Create => "create",
            Step::Update => "update",
            Step::Remove => "remove",
            Step::Unchanged => "unchanged",
        }
    }
}

/// A step for one bot: its name, its id on the server (none before a
/// create), the request to send, and the fields that change.
struct Planned {
    step: Step,
    name: String,
    id: Option<String>,
    request: Value,
    changes: Vec<String>,
}

/// The bots of the file, each checked as a create request of `version`.
fn read_file(path: &Path, version: ApiVersion) -> Result<Vec<Map<String, Value>>, Failure> {
    let fail = |code, message: String| Failure(Error::new(code, format!("{}: {message}", path.display())));
    let text = std::fs::read_to_string(path).map_err(|e| fail(ErrorCode::Validation, e.to_string()))?;
    // YAML 1.2 reads JSON too: one parser for both.
    let doc: Value = serde_norway::from_str(&text).map_err(|e| fail(ErrorCode::InvalidJson, format!("not YAML or JSON: {e}")))?;
    let list = match doc {
        Value::Array(list) => list,
        Value::Object(mut o) if o.len() == 1 && o.contains_key("bots") => match o.remove("bots") {
            Some(Value::Array(list)) => list,
            _ => return Err(fail(ErrorCode::Validation, "bots: expected a list".into())),
        },
        _ => return Err(fail(ErrorCode::Validation, "expected a list of bots, or {bots: [...]}".into())),
    };
    let mut bots: Vec<Map<String, Value>> = Vec::with_capacity(list.len());
    for (i, bot) in list.into_iter().enumerate() {
        let Value::Object(bot) = bot else {
            return Err(fail(ErrorCode::Validation, format!("bots[{i}]: expected a map of fields")));
        };
        if let Some(key) = bot.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(fail(ErrorCode::Validation, format!("bots[{i}].{key}: unknown field; expected one of {}", FIELDS.join(", "))));
        }
        Action::CreateBotAgent
            .validate_request(version, &Value::Object(bot.clone()))
            .map_err(|e| fail(e.code, format!("bots[{i}].{}", e.message)))?;
        let name = bot["name"].as_str().unwrap_or_default();
        if bots.iter().any(|b| b["name"] == name) {
            return Err(fail(ErrorCode::Validation, format!("bots[{i}].name: {name:?} is named twice")));
        }
        bots.push(bot);
    }
    Ok(bots)
}

/// A field's value as comparable: groups in id order, whole numbers as integers.
fn comparable(key: &str, v: Option<&Value>) -> Value {
    match (key, v) {
        ("groups", Some(Value::Array(groups))) => {
            let mut groups = groups.clone();
            groups.sort_by_key(|g| g.get("id").and_then(Value::as_u64));
            Value::Array(groups)
        }
        ("max_chats_count", None) => json!(6),
        ("groups", None) => json!([]),
        (_, v) => v.cloned().unwrap_or(Value::Null),
    }
}

/// The plan: the file's bots against the caller's own on the server.
fn plan(client: &Client, wanted: &[Map<String, Value>], prune: bool) -> Result<Vec<Planned>, Failure> {
    let listed = client.execute(Action::GetBotAgents, &json!({ "all": false }))?;
    let existing: Vec<(String, String)> = listed["bot_agents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| (text(b.get("name")), text(b.get("id"))))
        .collect();
    let mut steps = Vec::new();
    for bot in wanted {
        let name = bot["name"].as_str().unwrap_or_default().to_owned();
        let ids: Vec<&String> = existing.iter().filter(|(n, _)| *n == name).map(|(_, id)| id).collect();
        match ids.as_slice() {
            [] => steps.push(Planned { step: Step::Create, name, id: None, request: Value::Object(bot.clone()), changes: vec![] }),
            [id] => {
                let details = client.execute(Action::GetBotAgentDetails, &json!({ "bot_agent_id": id }))?;
                let current = &details["bot_agent"];
                let mut request = Map::new();
                request.insert("id".into(), json!(id));
                let mut changes = Vec::new();
                for (key, value) in bot.iter().filter(|(k, _)| k.as_str() != "name") {
                    if comparable(key, Some(value)) != comparable(key, current.get(key)) {
                        request.insert(key.clone(), value.clone());
                        changes.push(key.clone());
                    }
                }
                let step = if changes.is_empty() { Step::Unchanged } else { Step::Update };
                steps.push(Planned { step, name, id: Some((*id).clone()), request: Value::Object(request), changes });
            }
            _ => {
                return Err(Failure(Error::new(
                    ErrorCode::Validation,
                    format!("{name:?}: {} bots of this name on the server; rename or remove all but one", ids.len()),
                )))
            }
        }
    }
    if prune {
        for (name, id) in existing.iter().filter(|(n, _)| !wanted.iter().any(|b| b["name"] == n.as_str())) {
            let request = json!({ "bot_agent_id": id });
            steps.push(Planned { step: Step::Remove, name: name.clone(), id: Some(id.clone()), request, changes: vec![] });
        }
    }
    Ok(steps)
}

/// What became of one step once sent.
struct Outcome<'a> {
    planned: &'a Planned,
    result: Result<Value, Error>,
}

/// Sends the plan's writes as batches: creates, then updates, then removes.
fn send<'a>(client: &Client, steps: &'a [Planned]) -> Result<Vec<Outcome<'a>>, Failure> {
    let mut outcomes = Vec::new();
    for (step, action) in [(Step::Create, BatchAction::CreateBots), (Step::Update, BatchAction::UpdateBots), (Step::Remove, BatchAction::DeleteBots)] {
        let todo: Vec<&Planned> = steps.iter().filter(|p| p.step == step).collect();
        for chunk in todo.chunks(BATCH_SIZE) {
            let requests: Vec<Value> = chunk.iter().map(|p| p.request.clone()).collect();
            let items = client.execute_batch_with(action, &requests, &CallOptions::default())?;
            outcomes.extend(chunk.iter().zip(items).map(|(planned, result)| Outcome { planned, result }));
        }
    }
    Ok(outcomes)
}

/// Writes `{name: {bot_agent_id, bot_secret}}` of the bots created to `path`
/// (`-`: stdout), readable by its owner only.
fn write_secrets(path: &Path, outcomes: &[Outcome<'_>]) -> Result<(), Failure> {
    let mut secrets = Map::new();
    for o in outcomes.iter().filter(|o| o.planned.step == Step::Create) {
        if let Ok(created) = &o.result {
            secrets.insert(o.planned.name.clone(), created.clone());
        }
    }
    let text = format!("{}\n", Value::Object(secrets));
    let fail = |e: std::io::Error| Failure(Error::new(ErrorCode::Validation, format!("--secrets-out {}: {e}", path.display())));
    if path == Path::new("-") {
        return std::io::stdout().write_all(text.as_bytes()).map_err(fail);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    // A file that was there keeps its mode on open: narrow it before writing.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}

/// The plan as lines: `create  NAME`, `update  NAME  ID  fields`, ...
fn plan_rows(steps: &[Planned]) -> String {
    let rows: Vec<Vec<String>> = steps
        .iter()
        .map(|p| vec![p.step.word().to_owned(), p.name.clone(), p.id.clone().unwrap_or_else(|| "-".into()), p.changes.join(",")])
        .collect();
    table(&rows)
}

/// Runs `bots apply`; the exit status is the first failed item's code.
pub fn run(args: &ApplyArgs, connection: &Connection, json: bool) -> Result<(), Failure> {
    let client = client(connection)?;
    let wanted = read_file(&args.file, client.config().api_version)?;
    let steps = plan(&client, &wanted, args.prune)?;
    if args.dry_run {
        if json {
            let plan: Vec<Value> = steps.iter().map(|p| json!({"action": p.step.word(), "name": p.name, "id": p.id, "changes": p.changes})).collect();
            println!("{}", json!({ "plan": plan }));
        } else {
            print!("{}", plan_rows(&steps));
        }
        return Ok(());
    }
    let outcomes = send(&client, &steps)?;
    let mut rows = Vec::new();
    let mut docs = Vec::new();
    for o in &outcomes {
        let (word, id, detail) = match (&o.result, o.planned.step) {
            (Ok(created), Step::Create) => ("created", text(created.get("bot_agent_id")), String::new()),
            (Ok(_), Step::Update) => ("updated", text(o.planned.id.as_ref().map(|s| json!(s)).as_ref()), o.planned.changes.join(",")),
            (Ok(_), _) => ("removed", text(o.planned.id.as_ref().map(|s| json!(s)).as_ref()), String::new()),
            (Err(e), step) => ("failed", step.word().to_owned(), e.to_string()),
        };
        rows.push(vec![word.to_owned(), o.planned.name.clone(), id.clone(), detail.clone()]);
        let mut doc = json!({ "action": o.planned.step.word(), "name": o.planned.name, "ok": o.result.is_ok() });
        match &o.result {
            Ok(_) if o.planned.step == Step::Create => doc["id"] = json!(id),
            Ok(_) => doc["id"] = json!(o.planned.id),
            Err(e) => doc["error"] = e.to_document(),
        }
        docs.push(doc);
    }
    for p in steps.iter().filter(|p| p.step == Step::Unchanged) {
        rows.push(vec!["unchanged".into(), p.name.clone(), p.id.clone().unwrap_or_default(), String::new()]);
        docs.push(json!({ "action": "unchanged", "name": p.name, "ok": true, "id": p.id }));
    }
    if json {
        println!("{}", json!({ "results": docs }));
    } else {
        print!("{}", table(&rows));
    }
    if let Some(path) = &args.secrets_out {
        write_secrets(path, &outcomes)?;
    }
    let failed: Vec<&Error> = outcomes.iter().filter_map(|o| o.result.as_ref().err()).collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => Err(Failure(Error::new(
            first.code,
            format!("{} of {} changes failed (see above); the others were applied", failed.len(), outcomes.len()),
        ))),
    }
}
