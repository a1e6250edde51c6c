//! `livechat-bots bots apply FILE` and `livechat-bots templates ...` against
//! the emulator: the dry run's plan, applying it (creates, updates,
//! unchanged, removes with --prune), a half-failed batch and the exit codes,
//! secrets only where asked, and the template subcommands.

use livechat_bots::{Emulator, EmulatorConfig};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};

const TOKEN: &str = "cli-apply-token-71be";

fn emulator() -> Emulator {
    let scopes = ["agents-bot--my:rw", "agents-bot--my:ro", "agents-bot--all:rw", "agents-bot--all:ro", "bots.templates:rw"];
    let config = json!({"tokens": [{"token": TOKEN, "client_id": "apply-app", "scopes": scopes}]});
    Emulator::start(EmulatorConfig::from_json(&config.to_string()).unwrap()).unwrap()
}

/// Runs `livechat-bots ARGS --base-url URL --api-version 3.6` with the test token.
fn run(emu: &Emulator, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
        .args(args)
        .args(["--base-url", emu.url(), "--api-version", "3.6"])
        .env("LIVECHAT_TOKEN", TOKEN)
        .output()
        .expect("the binary runs");
    for stream in [&out.stdout, &out.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(TOKEN), "the token was printed: {args:?}");
    }
    out
}

fn text(out: &Output) -> (Option<i32>, String, String) {
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A file of the test's own, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("lcbot-apply-{}-{}-{name}", std::process::id(), fastrand::u64(..)));
        std::fs::write(&path, content).unwrap();
        TempFile(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The rows of the readable output: each line's words.
fn rows(stdout: &str) -> Vec<Vec<String>> {
    stdout.lines().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect()
}

fn names(emu: &Emulator) -> Vec<String> {
    let mut names: Vec<String> = emu.bots().iter().map(|b| b["name"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

const FIRST: &str = "bots:\n  - name: Helper\n    max_chats_count: 4\n    groups: [{id: 0, priority: first}]\n  - name: Sales\n    job_title: Seller\n";

#[test]
fn dry_run_apply_again_and_prune() {
    let emu = emulator();
    let file = TempFile::new("bots.yaml", FIRST);

    let (code, out, err) = text(&run(&emu, &["bots", "apply", file.arg(), "--dry-run"]));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(rows(&out), [vec!["create", "Helper", "-"], vec!["create", "Sales", "-"]]);
    assert!(emu.bots().is_empty(), "a dry run changes nothing");

    let secrets = TempFile::new("secrets.json", "");
    let (code, out, err) = text(&run(&emu, &["bots", "apply", file.arg(), "--secrets-out", secrets.arg()]));
    assert_eq!(code, Some(0), "{err}");
    let created = rows(&out);
    assert_eq!(created.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect::<Vec<_>>(), [("created", "Helper"), ("created", "Sales")]);
    assert_eq!(names(&emu), ["Helper", "Sales"]);
    let helper = emu.bots().into_iter().find(|b| b["name"] == "Helper").unwrap();
    assert_eq!((helper["max_chats_count"].as_u64(), helper["groups"][0]["priority"].as_str()), (Some(4), Some("first")));
    // The secrets went to the file only, readable by its owner alone.
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&secrets.0).unwrap()).unwrap();
    let secret = kept["Helper"]["bot_secret"].as_str().unwrap().to_owned();
    assert_eq!(kept["Helper"]["bot_agent_id"], helper["id"]);
    assert!(!out.contains(&secret) && !err.contains(&secret));
    #[cfg(unix)]
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&secrets.0).unwrap().permissions()) & 0o777, 0o600);
    assert_eq!(emu.requests().iter().filter(|r| r["action"] == "batch_create_bots").count(), 1, "one batch for both");

    // The same file again: nothing to do.
    let (code, out, _) = text(&run(&emu, &["bots", "apply", file.arg()]));
    assert_eq!(code, Some(0));
    assert!(rows(&out).iter().all(|r| r[0] == "unchanged"), "{out}");

    // A change, a new bot, and Sales left out: removed only with --prune.
    let second = TempFile::new("bots.json", r#"[{"name": "Helper", "max_chats_count": 8, "groups": [{"id": 0, "priority": "first"}]}, {"name": "Night"}]"#);
    let (code, out, _) = text(&run(&emu, &["bots", "apply", second.arg(), "--dry-run", "--prune", "--json"]));
    assert_eq!(code, Some(0));
    let plan: Value = serde_json::from_str(&out).unwrap();
    let steps: Vec<(&str, &str)> = plan["plan"].as_array().unwrap().iter().map(|s| (s["action"].as_str().unwrap(), s["name"].as_str().unwrap())).collect();
    assert_eq!(steps, [("update", "Helper"), ("create", "Night"), ("remove", "Sales")]);
    assert_eq!(plan["plan"][0]["changes"], json!(["max_chats_count"]));

    let (code, _, err) = text(&run(&emu, &["bots", "apply", second.arg()]));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(names(&emu), ["Helper", "Night", "Sales"], "no prune, no remove");
    let (code, out, _) = text(&run(&emu, &["bots", "apply", second.arg(), "--prune"]));
    assert_eq!(code, Some(0));
    assert_eq!(names(&emu), ["Helper", "Night"]);
    assert!(rows(&out).iter().any(|r| r[0] == "removed" && r[1] == "Sales"), "{out}");
}

#[test]
fn a_half_failed_batch_reports_each_item_and_exits_non_zero() {
    let emu = emulator();
    let file = TempFile::new("bots.yaml", FIRST);
    assert_eq!(run(&emu, &["bots", "apply", file.arg()]).status.code(), Some(0));
    let sales = emu.bots().into_iter().find(|b| b["name"] == "Sales").unwrap()["id"].as_str().unwrap().to_owned();

    // The update batch stalls; meanwhile Sales is removed behind the plan's
    // back, so its update fails alone when the batch runs.
    emu.inject_json(r#"{"action": "batch_update_bots", "delay_ms": 1500}"#).unwrap();
    let changed = TempFile::new("changed.yaml", "- name: Helper\n  job_title: Helping\n- name: Sales\n  job_title: Selling\n");
    let (url, path) = (emu.url().to_owned(), changed.0.clone());
    let child = std::thread::spawn(move || {
        Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
            .args(["bots", "apply", path.to_str().unwrap(), "--base-url", &url, "--api-version", "3.6"])
            .env("LIVECHAT_TOKEN", TOKEN)
            .output()
            .unwrap()
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while emu.pending_faults() > 0 {
        assert!(std::time::Instant::now() < deadline, "the batch never came");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(run(&emu, &["bots", "remove", &sales]).status.code(), Some(0));

    let (code, out, err) = text(&child.join().unwrap());
    assert_eq!(code, Some(7), "the first failed item's code (api): {err}");
    let rows = rows(&out);
    assert_eq!((rows[0][0].as_str(), rows[0][1].as_str()), ("updated", "Helper"), "{out}");
    assert_eq!((rows[1][0].as_str(), rows[1][1].as_str(), rows[1][2].as_str()), ("failed", "Sales", "update"), "{out}");
    assert!(out.contains("not_found"), "{out}");
    assert!(err.contains("1 of 2 changes failed"), "{err}");
    let helper = emu.bots().into_iter().find(|b| b["name"] == "Helper").unwrap();
    assert_eq!(helper["job_title"], "Helping", "the other item was applied");
}

#[test]
fn a_bad_file_or_version_is_refused_before_anything_is_sent() {
    let emu = emulator();
    let cases = [
        ("- name: A\n- name: A\n", "bots[1].name: \"A\" is named twice"),
        ("- name: A\n  max_chats_count: 900\n", "bots[0].max_chats_count: expected an integer from 0 to 500"),
        ("- name: A\n  colour: red\n", "bots[0].colour: unknown field"),
        ("{bots: 3}", "bots: expected a list"),
        ("- name: [unclosed\n", "not YAML or JSON"),
    ];
    for (content, message) in cases {
        let file = TempFile::new("bad.yaml", content);
        let (code, _, err) = text(&run(&emu, &["bots", "apply", file.arg()]));
        assert!(matches!(code, Some(3) | Some(4)), "{content}: {code:?} {err}");
        assert!(err.contains(message), "{content}: {err}");
    }
    assert!(emu.requests().is_empty(), "nothing was sent");

    // Batches came with v3.5: an older version plans (reads) but sends no write.
    let file = TempFile::new("bots.yaml", FIRST);
    let out = Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
        .args(["bots", "apply", file.arg(), "--base-url", emu.url(), "--api-version", "3.4"])
        .env("LIVECHAT_TOKEN", TOKEN)
        .output()
        .unwrap();
    let (code, _, err) = text(&out);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("batch_create_bots: not in API v3.4; it exists from v3.5"), "{err}");
    assert!(emu.bots().is_empty());
}

#[test]
fn templates_subcommands() {
    let emu = emulator();
    let (code, out, err) = text(&run(&emu, &["templates", "create", "--name", "Greeter", "--job-title", "Concierge", "--default-group-priority", "first"]));
    assert_eq!(code, Some(0), "{err}");
    let id = out.lines().find_map(|l| l.strip_prefix("id ")).unwrap().trim().to_owned();
    assert!(out.lines().any(|l| l.starts_with("secret ")), "create shows the secret once: {out}");

    let (code, out, _) = text(&run(&emu, &["templates", "list"]));
    assert_eq!(code, Some(0));
    assert!(out.contains(&id) && out.contains("Greeter") && out.contains("apply-app"), "{out}");
    let (_, out, _) = text(&run(&emu, &["templates", "show", &id, "--json"]));
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((shown["name"].as_str(), shown["default_group_priority"].as_str()), (Some("Greeter"), Some("first")));

    assert_eq!(run(&emu, &["templates", "update", &id, "--name", "Greeter 2"]).status.code(), Some(0));
    emu.install_application(&json!({"client_id": "apply-app"})).unwrap();
    assert_eq!(names(&emu), ["Greeter 2"]);
    let (code, out, _) = text(&run(&emu, &["templates", "reset-secret", &id, "--affect-existing-installations"]));
    assert_eq!(code, Some(0));
    assert!(out.starts_with("secret "), "{out}");
    let (code, out, _) = text(&run(&emu, &["templates", "remove", &id, "--affect-existing-installations"]));
    assert_eq!((code, out.trim()), (Some(0), format!("removed {id}").as_str()));
    assert!(emu.bots().is_empty(), "its bot went with it");

    let (code, _, err) = text(&run(&emu, &["templates", "show", "nope"]));
    assert_eq!(code, Some(7), "{err}");
    let (code, _, err) = text(&run(&emu, &["templates", "remove", "nope"]));
    assert_eq!(code, Some(7));
    assert!(err.contains("not_found"), "{err}");
    let (code, _, err) = text(&run(&emu, &["templates", "create", "--name", "T", "--max-chats-count", "501"]));
    assert_eq!(code, Some(4));
    assert!(err.contains("max_chats_count"), "{err}");
}
