//! The web console's part in bot templates: `/_emulator/bots` lists every
//! application's templates and the installed applications (no secret), and
//! `POST /_emulator/install` installs an application as the page's button does.

mod common;
use common::*;
use livechat_bots::{CreateBotTemplate, Emulator};
use serde_json::{json, Value};

fn get(emu: &Emulator, path: &str) -> Value {
    let resp = reqwest::blocking::get(format!("{}{path}", emu.url())).expect("request");
    assert_eq!(resp.status().as_u16(), 200);
    serde_json::from_str(&resp.text().expect("body")).expect("JSON")
}

fn install(emu: &Emulator, body: Value, origin: &str) -> (u16, Value) {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/_emulator/install", emu.url()))
        .header("Content-Type", "application/json")
        .header("Origin", origin)
        .body(body.to_string())
        .send()
        .expect("request");
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().expect("body")).expect("JSON"))
}

#[test]
fn templates_show_and_the_install_button_makes_their_bots() {
    let emu = emulator();
    let c = client(&emu, json!({"api_version": "3.6"}));
    let created = c.create_bot_template(&CreateBotTemplate::named("Greeter")).unwrap();
    let doc = get(&emu, "/_emulator/bots");
    assert_eq!(doc["templates"][0]["id"], created.id.as_str());
    assert_eq!(doc["templates"][0]["owner_client_id"], "dev-client");
    assert_eq!(doc["installed"], json!([]));
    assert!(!doc.to_string().contains(created.secret.expose()), "no secret in the console");

    let (status, _) = install(&emu, json!({"client_id": "dev-client"}), "http://evil.example");
    assert_eq!(status, 403, "another site cannot install");
    let (status, answer) = install(&emu, json!({"client_id": "dev-client"}), emu.url());
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["bots_created"], json!([created.id]));
    let doc = get(&emu, "/_emulator/bots");
    assert_eq!(doc["installed"], json!(["dev-client"]));
    assert!(doc["bots"].as_array().unwrap().iter().any(|b| b["id"] == created.id.as_str()));
    assert!(!doc.to_string().contains(created.secret.expose()));
    let (status, answer) = install(&emu, json!({"client": "x"}), emu.url());
    assert_eq!(status, 400, "{answer}");
}
