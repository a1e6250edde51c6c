//! `livechat-bots bots ...` against the emulator: each subcommand's table
//! and JSON output, the exit codes (the library's status codes, 2 for a
//! wrong command line), and a token that is read from the environment only
//! and never printed.

use livechat_bots::{Emulator, EmulatorConfig};
use serde_json::{json, Value};
use std::process::{Command, Output};

const TOKEN: &str = "cli-test-token-4f2a";

fn emulator() -> Emulator {
    let scopes = ["agents-bot--my:rw", "agents-bot--my:ro", "agents-bot--all:rw", "agents-bot--all:ro"];
    let config = json!({"tokens": [
        {"token": TOKEN, "client_id": "cli-app", "scopes": scopes, "region": "dal"},
        {"token": "fra-token-9c1d", "client_id": "fra-app", "scopes": scopes, "region": "fra"},
    ]});
    Emulator::start(EmulatorConfig::from_json(&config.to_string()).unwrap()).unwrap()
}

/// Runs `livechat-bots bots ARGS` with `token` (None: LIVECHAT_TOKEN unset).
fn bots_with(token: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_livechat-bots"));
    cmd.arg("bots").args(args).env_remove("LIVECHAT_WEBHOOK_SECRET");
    // Nothing of the shell's LIVECHAT_* settings (tests/cli_environment.rs tests them).
    for name in ["LIVECHAT_TOKEN", "LIVECHAT_BASE_URL", "LIVECHAT_API_VERSION", "LIVECHAT_REGION"] {
        cmd.env_remove(name);
    }
    if let Some(t) = token {
        cmd.env("LIVECHAT_TOKEN", t);
    }
    let out = cmd.output().expect("the binary runs");
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(TOKEN), "the token was printed: {args:?}");
    }
    out
}

/// Runs `bots ARGS --base-url URL` with the test token.
fn bots(emu: &Emulator, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--base-url", emu.url()]);
    bots_with(Some(TOKEN), &all)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    stdout(&out)
}

fn json_ok(out: Output) -> Value {
    serde_json::from_str(&ok(out)).expect("--json prints one JSON document")
}

/// The value of `key` on a `key  value` line of the readable output.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| l.strip_prefix(key).filter(|rest| rest.starts_with(' ')).map(|rest| rest.trim().to_owned()))
}

#[test]
fn create_list_show_update_remove_as_tables() {
    let emu = emulator();
    let created = ok(bots(&emu, &["create", "--name", "Table Bot", "--status", "accepting-chats", "--group", "0:first", "--group", "7:last", "--max-chats-count", "4", "--avatar", "https://cdn.example/a.png"]));
    let id = field(&created, "bot_agent_id").expect("the id on a line");
    assert_eq!(id.len(), 32, "{created}");
    assert!(field(&created, "bot_secret").is_none(), "v3.0 answers no secret");

    let list = ok(bots(&emu, &["list"]));
    let mut lines = list.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["ID", "NAME", "STATUS", "AVATAR"]);
    let row = lines.next().expect("one bot");
    assert!(row.starts_with(&id) && row.contains("Table Bot") && row.contains("accepting chats") && row.ends_with("https://cdn.example/a.png"), "{row}");
    assert!(lines.next().is_none());

    let shown = ok(bots(&emu, &["show", &id]));
    assert_eq!(field(&shown, "name").as_deref(), Some("Table Bot"));
    assert_eq!(field(&shown, "max_chats_count").as_deref(), Some("4"));
    assert_eq!(field(&shown, "groups").as_deref(), Some("0 (first), 7 (last)"));
    assert_eq!(field(&shown, "application.client_id").as_deref(), Some("cli-app"));

    let updated = ok(bots(&emu, &["update", &id, "--name", "Renamed", "--status", "not-accepting-chats", "--no-groups", "--default-group-priority", "supervisor"]));
    assert_eq!(updated.trim(), format!("updated {id}"));
    let shown = ok(bots(&emu, &["show", &id]));
    assert_eq!(field(&shown, "name").as_deref(), Some("Renamed"));
    assert_eq!(field(&shown, "status").as_deref(), Some("not accepting chats"));
    assert_eq!(field(&shown, "groups").as_deref(), Some("none"));
    assert_eq!(field(&shown, "default_group_priority").as_deref(), Some("supervisor"));

    assert_eq!(ok(bots(&emu, &["remove", &id])).trim(), format!("removed {id}"));
    assert_eq!(ok(bots(&emu, &["list"])).trim(), "no bot agents");
}

#[test]
fn json_output_is_the_librarys_document() {
    let emu = emulator();
    let created = json_ok(bots(&emu, &["create", "--name", "Json Bot", "--status", "offline", "--json"]));
    let id = created["bot_agent_id"].as_str().expect("bot_agent_id").to_owned();
    let list = json_ok(bots(&emu, &["list", "--json"]));
    assert_eq!(list["bot_agents"], json!([{"id": id, "name": "Json Bot", "status": "offline"}]));
    let details = json_ok(bots(&emu, &["--json", "show", &id]));
    assert_eq!(details["bot_agent"]["application"]["client_id"], "cli-app");
    assert_eq!(json_ok(bots(&emu, &["update", &id, "--max-chats-count", "9", "--json"])), json!({}));
    assert_eq!(json_ok(bots(&emu, &["show", &id, "--json"]))["bot_agent"]["max_chats_count"], 9);
    assert_eq!(json_ok(bots(&emu, &["remove", &id, "--json"])), json!({}));
}

#[test]
fn version_3_6_fields_and_the_bots_secret() {
    let emu = emulator();
    let schedule = r#"{"monday":[{"start":"08:00","end":"16:00"}]}"#;
    let created = ok(bots(&emu, &["create", "--api-version", "3.6", "--name", "Modern", "--type", "support", "--job-title", "Concierge", "--timezone", "Europe/Warsaw", "--work-scheduler", schedule, "--owner-client-id", "cli-app", "--default-group-priority", "last"]));
    let id = field(&created, "bot_agent_id").unwrap();
    let secret = field(&created, "bot_secret").expect("v3.5+ answers the bot's secret, shown once");
    assert_eq!(secret.len(), 32);

    let details = json_ok(bots(&emu, &["show", &id, "--api-version", "3.6", "--json"]));
    let bot = &details["bot_agent"];
    assert_eq!((bot["job_title"].as_str(), bot["timezone"].as_str()), (Some("Concierge"), Some("Europe/Warsaw")));
    assert_eq!(bot["work_scheduler"], serde_json::from_str::<Value>(schedule).unwrap());
    assert_eq!(bot["default_group_priority"], "last");
    let shown = ok(bots(&emu, &["show", &id, "--api-version", "3.6"]));
    assert_eq!(field(&shown, "job_title").as_deref(), Some("Concierge"));

    // `status` left create_bot in v3.3: the library says where it went, exit 4 (validation).
    let out = bots(&emu, &["create", "--api-version", "3.6", "--name", "Old style", "--status", "offline"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("set_routing_status"), "{}", stderr(&out));
    // `type` is v3.6's: refused by 3.5.
    let out = bots(&emu, &["create", "--api-version", "3.5", "--name", "Typed", "--type", "support"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn webhooks_from_flags_and_a_file_with_the_secret_never_shown() {
    let emu = emulator();
    let id = json_ok(bots(&emu, &["create", "--name", "Hooked", "--status", "offline", "--json"]))["bot_agent_id"].as_str().unwrap().to_owned();

    // The secret of --webhook-url comes from LIVECHAT_WEBHOOK_SECRET; without it nothing is sent.
    let out = bots(&emu, &["update", &id, "--webhook-url", "https://hooks.example/a", "--webhook-action", "incoming_chat_thread"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("LIVECHAT_WEBHOOK_SECRET"));
    let out = Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
        .args(["bots", "update", &id, "--webhook-url", "https://hooks.example/a", "--webhook-action", "incoming_chat_thread", "--webhook-action", "incoming_event", "--base-url", emu.url()])
        .env("LIVECHAT_TOKEN", TOKEN)
        .env("LIVECHAT_WEBHOOK_SECRET", "hook-secret-77")
        .output()
        .unwrap();
    ok(out);
    let shown = ok(bots(&emu, &["show", &id]));
    assert_eq!(field(&shown, "webhooks.url").as_deref(), Some("https://hooks.example/a"));
    assert_eq!(field(&shown, "webhooks.actions").as_deref(), Some("incoming_chat_thread, incoming_event"));
    assert!(!shown.contains("hook-secret-77"), "the table shows no webhook secret");

    let file = std::env::temp_dir().join(format!("lcbot-cli-webhooks-{}.json", std::process::id()));
    let doc = json!({"url": "https://hooks.example/b", "secret_key": "file-secret-31",
                     "actions": [{"name": "incoming_chat_thread", "additional_data": ["chat_properties"]}]});
    std::fs::write(&file, doc.to_string()).unwrap();
    ok(bots(&emu, &["update", &id, "--webhooks-file", file.to_str().unwrap()]));
    let details = json_ok(bots(&emu, &["show", &id, "--json"]));
    assert_eq!(details["bot_agent"]["webhooks"], doc);

    // A file that is not JSON: exit 3 (invalid_json), and its content is not echoed.
    std::fs::write(&file, "secret-in-a-broken-file").unwrap();
    let out = bots(&emu, &["update", &id, "--webhooks-file", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!stderr(&out).contains("secret-in-a-broken-file"));
    let _ = std::fs::remove_file(&file);
}

#[test]
fn region_flag_sends_x_region() {
    let emu = emulator();
    let list = |region: &str| {
        let mut args = vec!["list", "--base-url", emu.url()];
        if !region.is_empty() {
            args.extend(["--region", region]);
        }
        bots_with(Some("fra-token-9c1d"), &args)
    };
    // The `fra-` prefix picks the region by itself; an explicit --region overrides it.
    ok(list(""));
    ok(list("fra"));
    let out = list("dal");
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("421"));
}

#[test]
fn errors_exit_with_the_librarys_status_codes() {
    let emu = emulator();
    // Not found: 7 (api); --json prints the error document on stderr.
    let out = bots(&emu, &["show", "0123456789abcdef0123456789abcdef", "--json"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(out.stdout.is_empty());
    let doc: Value = serde_json::from_str(stderr(&out).trim()).expect("an error document");
    assert_eq!((doc["code"].as_str(), doc["status"].as_i64(), doc["http_status"].as_i64()), (Some("api"), Some(7), Some(404)));
    assert_eq!(doc["api_error"]["type"], "not_found");

    // A token the API refuses: 7, and the token appears nowhere (checked by `bots_with`).
    let out = bots_with(Some("not-a-known-token"), &["list", "--base-url", emu.url()]);
    assert_eq!(out.status.code(), Some(7));
    assert!(stderr(&out).contains("authentication"), "{}", stderr(&out));

    // Nothing listening: 5 (transport).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = bots_with(Some(TOKEN), &["list", "--base-url", &format!("http://{closed}"), "--timeout-ms", "3000"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));

    // A rule of the spec, checked before sending: 4 (validation).
    let out = bots(&emu, &["create", "--name", "Big", "--status", "offline", "--max-chats-count", "501"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("max_chats_count"), "{}", stderr(&out));
    // A --work-scheduler that is not JSON: 3 (invalid_json).
    let out = bots(&emu, &["create", "--api-version", "3.6", "--name", "S", "--work-scheduler", "{monday"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(emu.requests().len(), 2, "only the 404, the 401 and nothing else reached the emulator");
}

#[test]
fn no_token_exits_4_and_sends_nothing() {
    let emu = emulator();
    for token in [None, Some("")] {
        let out = bots_with(token, &["list", "--base-url", emu.url()]);
        assert_eq!(out.status.code(), Some(4));
        assert!(stderr(&out).contains("LIVECHAT_TOKEN"), "{}", stderr(&out));
    }
    assert!(emu.requests().is_empty());
}

#[test]
fn a_wrong_command_line_exits_2_with_a_message() {
    let cases: [(&[&str], &str); 8] = [
        (&["list", "--bogus"], "--bogus"),
        (&["list", "--token", "abc"], "--token"),
        (&["create", "--name", "X", "--status", "busy"], "possible values: accepting-chats, not-accepting-chats, offline"),
        (&["create", "--name", "X", "--group", "1:supervisor"], "expected one of first, normal, last"),
        (&["create", "--name", "X", "--group", "one:first"], "unsigned integer"),
        (&["list", "--api-version", "2.0"], "3.6"),
        (&["create", "--status", "offline"], "--name"),
        (&["show"], "<ID>"),
    ];
    for (args, expected) in cases {
        let out = bots_with(Some(TOKEN), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
    }
    // Without a subcommand: the help, on stderr, exit 2.
    let out = bots_with(Some(TOKEN), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("list") && stderr(&out).contains("remove"));
}

#[test]
fn every_subcommand_has_help() {
    let expect: [(&str, &[&str]); 6] = [
        ("", &["list", "show", "create", "update", "remove", "--api-version", "--base-url", "--region", "--json"]),
        ("list", &["--all", "--fields", "--json"]),
        ("show", &["<ID>", "--fields"]),
        ("create", &["--name", "--status", "--avatar", "--max-chats-count", "--group", "--default-group-priority", "--webhook-url", "--webhook-action", "--webhooks-file", "--job-title", "--timezone", "--work-scheduler", "--owner-client-id", "--type", "LIVECHAT_TOKEN"]),
        ("update", &["<ID>", "--name", "--status", "--no-groups", "--work-scheduler"]),
        ("remove", &["<ID>"]),
    ];
    for (sub, flags) in expect {
        let args: Vec<&str> = [sub, "--help"].into_iter().filter(|a| !a.is_empty()).collect();
        let text = ok(bots_with(None, &args));
        for flag in flags {
            assert!(text.contains(flag), "bots {sub} --help lacks {flag}:\n{text}");
        }
    }
}
