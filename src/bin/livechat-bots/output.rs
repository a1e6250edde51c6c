//! The readable output of `livechat-bots bots`: a table for a list, one
//! field a line for a bot, a line for a write. `--json` bypasses all this.

use livechat_bots::Action;
use serde_json::Value;

/// Columns padded to their widest cell, two spaces apart.
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..columns).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 < row.len() {
                line.push_str(&format!("{cell:<width$}  ", width = widths[c]));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A field's value as one line; "-" for absent.
pub fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "-".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn groups(v: &Value) -> String {
    let items: Vec<String> = v
        .as_array()
        .map(|a| a.iter().map(|g| format!("{} ({})", text(g.get("id")), text(g.get("priority")))).collect())
        .unwrap_or_default();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// One bot's fields, each on a line; the webhook's secret_key is not shown
/// (`--json` gives the document as LiveChat answered it).
fn details(bot: &Value) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let Some(fields) = bot.as_object() else { return String::new() };
    for (key, value) in fields {
        match key.as_str() {
            "groups" => rows.push(vec![key.clone(), groups(value)]),
            "application" => rows.push(vec!["application.client_id".into(), text(value.get("client_id"))]),
            "webhooks" => {
                rows.push(vec!["webhooks.url".into(), text(value.get("url"))]);
                let names: Vec<String> = value
                    .get("actions")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|x| text(x.get("name"))).collect())
                    .unwrap_or_default();
                rows.push(vec!["webhooks.actions".into(), names.join(", ")]);
            }
            _ => rows.push(vec![key.clone(), text(Some(value))]),
        }
    }
    table(&rows)
}

/// The readable form of `action`'s answer; `id` names the bot of an update or a remove.
pub fn render(action: Action, answer: &Value, id: &str) -> String {
    match action {
        Action::GetBotAgents => {
            let bots = answer.get("bot_agents").and_then(Value::as_array).cloned().unwrap_or_default();
            if bots.is_empty() {
                return "no bot agents\n".into();
            }
            let mut rows = vec![vec!["ID".to_owned(), "NAME".into(), "STATUS".into(), "AVATAR".into()]];
            for b in &bots {
                rows.push(vec![text(b.get("id")), text(b.get("name")), text(b.get("status")), text(b.get("avatar"))]);
            }
            table(&rows)
        }
        Action::GetBotAgentDetails => details(answer.get("bot_agent").unwrap_or(&Value::Null)),
        Action::CreateBotAgent => {
            let mut rows = vec![vec!["bot_agent_id".to_owned(), text(answer.get("bot_agent_id"))]];
            // Shown once by LiveChat, and the bot needs it for its own token.
            if let Some(secret) = answer.get("bot_secret") {
                rows.push(vec!["bot_secret".into(), text(Some(secret))]);
            }
            table(&rows)
        }
        Action::UpdateBotAgent => format!("updated {id}\n"),
        Action::RemoveBotAgent => format!("removed {id}\n"),
    }
}
