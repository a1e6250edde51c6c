//! Helpers shared by the integration tests: an emulator, clients for it,
//! raw HTTP posts, fixtures and a JSON shape comparison.
#![allow(dead_code)]

use livechat_bots::{Emulator, EmulatorConfig};
use livechat_bots::{Client, ClientConfig};
use serde_json::{json, Value};

/// `LCBOT_TEST_TLS=1` runs the same tests over HTTPS: every emulator made
/// here speaks TLS and every client trusts its CA.
pub fn over_tls() -> bool {
    std::env::var("LCBOT_TEST_TLS").is_ok_and(|v| v == "1")
}

pub fn emulator() -> Emulator {
    emulator_with(json!({}))
}

pub fn emulator_with(mut config: Value) -> Emulator {
    if over_tls() && config.get("tls").is_none() {
        config["tls"] = json!(true);
    }
    Emulator::start(EmulatorConfig::from_json(&config.to_string()).expect("config")).expect("emulator starts")
}

/// A client of `emu` (trusting its CA, if any) with extra config keys merged in.
pub fn client(emu: &Emulator, extra: Value) -> Client {
    let mut config = json!({ "token": "dev-token", "base_url": emu.url() });
    if let Some(pem) = emu.ca_pem() {
        config["ca_pem"] = json!(pem);
    }
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        config[k] = v;
    }
    Client::from_json(&config.to_string()).expect("client")
}

pub fn typed_client(emu: &Emulator) -> Client {
    let mut config = ClientConfig::new("dev-token");
    config.base_url = emu.url().to_owned();
    config.ca_pem = emu.ca_pem().map(str::to_owned);
    Client::new(config).expect("client")
}

/// Posts raw bytes, as any HTTP client would. Returns status and JSON body.
pub fn post(emu: &Emulator, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut http = reqwest::blocking::Client::builder();
    if let Some(pem) = emu.ca_pem() {
        http = http.tls_certs_merge([reqwest::Certificate::from_pem(pem.as_bytes()).expect("the CA is PEM")]);
    }
    let http = http.build().expect("an HTTP client");
    let mut req = http.post(format!("{}{path}", emu.url())).header("Content-Type", "application/json").body(body.to_owned());
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let resp = req.send().expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect("fixture is JSON")
}

/// Same keys at every level and the same JSON types; arrays compared by
/// their first elements. Panics with the path of the first difference.
pub fn assert_same_shape(got: &Value, want: &Value) {
    shape(got, want, "$");
}

fn shape(got: &Value, want: &Value, path: &str) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            let gk: Vec<&String> = g.keys().collect();
            let wk: Vec<&String> = w.keys().collect();
            let mut gs = gk.clone();
            let mut ws = wk.clone();
            gs.sort();
            ws.sort();
            assert_eq!(gs, ws, "keys differ at {path}");
            for (k, wv) in w {
                shape(&g[k], wv, &format!("{path}.{k}"));
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            if let (Some(gf), Some(wf)) = (g.first(), w.first()) {
                shape(gf, wf, &format!("{path}[0]"));
            }
        }
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, Value::Null) => {}
        _ => panic!("type differs at {path}: got {got}, want {want}"),
    }
}

/// Requests the emulator logged for `action`.
pub fn logged(emu: &Emulator, action: &str) -> Vec<Value> {
    emu.requests().into_iter().filter(|r| r["action"] == action).collect()
}

/// Polls `condition` until it holds; panics with `what` after `seconds`.
pub fn wait_until(seconds: u64, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while !condition() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}
