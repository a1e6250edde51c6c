//! The command line emulator: prints its URL, serves, saves its bots on
//! exit with --state and loads them back at the next start.

use livechat_bots::{Client, CreateBotAgent, Status};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
        .arg("emulator")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().to_owned())
}

fn stop(mut child: Child) -> std::process::ExitStatus {
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap()
}

#[test]
fn serves_saves_and_reloads_state() {
    let state = std::env::temp_dir().join(format!("lcbot-state-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let state_arg = state.to_str().unwrap();

    let (child, url) = start(&["--state", state_arg]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let c = Client::from_json(&json!({"token": "dev-token", "base_url": url}).to_string()).unwrap();
    let id = c.create_bot_agent(&CreateBotAgent::new("Persistent", Status::Offline)).unwrap().bot_agent_id;
    assert!(stop(child).success());
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(&id) && saved.contains("Persistent"));

    let (child, url) = start(&["--state", state_arg, "--port", "0"]);
    let c = Client::from_json(&json!({"token": "dev-token", "base_url": url}).to_string()).unwrap();
    assert_eq!(c.get_bot_agent_details(&id).unwrap().name, "Persistent");
    assert!(stop(child).success());
    let _ = std::fs::remove_file(&state);
}

#[test]
fn a_config_file_sets_tokens() {
    let path = std::env::temp_dir().join(format!("lcbot-config-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"tokens": [{"token": "file-token", "client_id": "file-app", "scopes": ["agents-bot--my:ro"]}]}"#).unwrap();
    let (child, url) = start(&["--config", path.to_str().unwrap()]);
    let ok = Client::from_json(&json!({"token": "file-token", "base_url": url}).to_string()).unwrap();
    assert!(ok.get_bot_agents(false).is_ok());
    let dev = Client::from_json(&json!({"token": "dev-token", "base_url": url}).to_string()).unwrap();
    assert_eq!(dev.get_bot_agents(false).unwrap_err().http_status, Some(401));
    stop(child);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [vec!["emulator", "--port", "x"], vec!["serve"], vec![], vec!["emulator", "--config", "/nonexistent/file.json"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_livechat-bots")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn call_prints_the_answer_and_a_retiring_version_on_stderr() {
    let config = json!({"versions": {"3.3": {"stage": "deprecated", "until": "2027-01-31"}}});
    let emu = livechat_bots::Emulator::start(livechat_bots::EmulatorConfig::from_json(&config.to_string()).unwrap()).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
            .arg("call")
            .args(args)
            .args(["--base-url", emu.url()])
            .env_remove("LIVECHAT_API_VERSION")
            .env_remove("LIVECHAT_REGION")
            .env("LIVECHAT_TOKEN", "dev-token")
            .output()
            .expect("the binary runs")
    };
    let out = run(&["get_bot_agents", "--api-version", "3.3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), r#"{"bot_agents":[]}"#);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("v3.3 is deprecated") && stderr.contains("2027-01-31"), "{stderr}");
    assert!(!stderr.contains("dev-token"));

    // A stable version says nothing; an error is a document on stderr and exit 2.
    let out = run(&["create_bot", r#"{"name": "Cli"}"#, "--api-version", "3.6"]);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("bot_secret"));
    let out = run(&["get_bot_agent_details", r#"{"bot_agent_id": "nope"}"#]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(r#""code":"api""#));
}

#[test]
fn help_on_every_command_exits_0() {
    for (args, expected) in [
        (vec!["--help"], "bots"),
        (vec!["emulator", "--help"], "--state"),
        (vec!["call", "--help"], "--config"),
        (vec!["bots", "--help"], "remove"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_livechat-bots")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected), "{args:?}");
    }
}
