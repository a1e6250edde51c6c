//! The command line aimed by the environment: `LIVECHAT_BASE_URL`,
//! `LIVECHAT_API_VERSION` and `LIVECHAT_REGION` stand in for the flags left
//! out; a flag given wins.

use livechat_bots::{Emulator, EmulatorConfig};
use std::process::{Command, Output};

/// Runs the command line with exactly `vars` of the LIVECHAT_* settings.
fn run(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_livechat-bots"));
    cmd.args(args);
    for name in ["LIVECHAT_TOKEN", "LIVECHAT_BASE_URL", "LIVECHAT_API_VERSION", "LIVECHAT_REGION"] {
        cmd.env_remove(name);
    }
    cmd.envs(vars.iter().copied());
    cmd.output().expect("the binary runs")
}

fn last_request(emu: &Emulator) -> (String, String) {
    let last = emu.requests().last().cloned().expect("a request arrived");
    (last["version"].as_str().unwrap_or("").to_owned(), last["action"].as_str().unwrap_or("").to_owned())
}

#[test]
fn bots_and_call_follow_the_environment_and_flags_win() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let env = [("LIVECHAT_TOKEN", "dev-token"), ("LIVECHAT_BASE_URL", emu.url()), ("LIVECHAT_API_VERSION", "3.6")];

    let out = run(&["bots", "list", "--json"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(last_request(&emu), ("3.6".to_owned(), "list_bots".to_owned()));

    let out = run(&["call", "get_bot_agents"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(last_request(&emu).0, "3.6");

    let out = run(&["bots", "list", "--api-version", "3.1"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(last_request(&emu), ("3.1".to_owned(), "get_bot_agents".to_owned()));
}

#[test]
fn a_bad_variable_is_named() {
    let out = run(&["bots", "list"], &[("LIVECHAT_TOKEN", "dev-token"), ("LIVECHAT_REGION", "ams")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("(from LIVECHAT_REGION)"), "{}", String::from_utf8_lossy(&out.stderr));
}
