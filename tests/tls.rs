//! HTTPS end to end: the emulator's own CA and certificate, a client that
//! trusts it through `ca_pem`, `--ca-file` or `SSL_CERT_FILE`, the clear
//! refusals of an unknown issuer, an expired certificate and a wrong host
//! name, and the command line going through an HTTPS proxy (CONNECT) as
//! `HTTPS_PROXY` and `NO_PROXY` say.

mod common;
use common::*;
use livechat_bots::{Client, CreateBotAgent, ErrorCode};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

fn tls_emulator(tls: serde_json::Value) -> livechat_bots::Emulator {
    emulator_with(json!({ "tls": tls }))
}

/// A client of `emu` that trusts only the system's roots.
fn untrusting_client(emu: &livechat_bots::Emulator) -> Client {
    Client::from_json(&json!({"token": "dev-token", "base_url": emu.url()}).to_string()).unwrap()
}

#[test]
fn the_emulator_serves_https_and_a_client_trusting_its_ca_calls_it() {
    let emu = tls_emulator(json!(true));
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    assert!(emu.ca_pem().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    let c = client(&emu, json!({"api_version": "3.6"}));
    c.create_bot_agent(&CreateBotAgent::named("Over TLS")).unwrap();
    assert_eq!(c.get_bot_agents(false).unwrap().len(), 1);
    // The console too, on the same port.
    let (status, _) = post(&emu, "/v3.6/configuration/action/list_bots", Some("dev-token"), "{}");
    assert_eq!(status, 200);
    // And by the name `localhost`, which the certificate also names.
    let by_name = emu.url().replace("127.0.0.1", "localhost");
    let config = json!({"token": "dev-token", "base_url": by_name, "ca_pem": emu.ca_pem()});
    assert_eq!(Client::from_json(&config.to_string()).unwrap().get_bot_agents(false).unwrap().len(), 1);
    // A plain emulator has no CA.
    assert!(emulator_with(json!({"tls": false})).ca_pem().is_none());
}

/// Calls `emu` with `c` and returns the transport error, checking that it
/// came at once (a certificate refused is not tried again) and that
/// nothing reached the API.
fn refused(emu: &livechat_bots::Emulator, c: &Client) -> String {
    let err = c.get_bot_agents(false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Transport, "{err:?}");
    assert_eq!(err.attempts, 1, "{}", err.message);
    assert!(emu.requests().is_empty());
    err.message
}

#[test]
fn a_client_without_the_emulators_ca_refuses_it_as_an_unknown_issuer() {
    let emu = tls_emulator(json!(true));
    let message = refused(&emu, &untrusting_client(&emu));
    assert!(message.contains("unknown issuer"), "{message}");
    // Another emulator's CA is no better.
    let other = tls_emulator(json!(true));
    let config = json!({"token": "dev-token", "base_url": emu.url(), "ca_pem": other.ca_pem()});
    let message = refused(&emu, &Client::from_json(&config.to_string()).unwrap());
    assert!(message.contains("unknown issuer"), "{message}");
}

#[test]
fn an_expired_certificate_is_refused_as_expired() {
    let emu = tls_emulator(json!({"expired": true}));
    let message = refused(&emu, &client(&emu, json!({})));
    assert!(message.contains("expired"), "{message}");
}

#[test]
fn a_certificate_for_another_host_name_is_refused_naming_it() {
    let emu = tls_emulator(json!({"names": ["api.example.test"]}));
    let message = refused(&emu, &client(&emu, json!({})));
    assert!(message.contains("not valid for name"), "{message}");
    assert!(message.contains("api.example.test"), "{message}");
}

#[test]
fn ca_pem_that_is_not_a_certificate_is_a_validation_error() {
    let emu = tls_emulator(json!(true));
    let cut = emu.ca_pem().unwrap().replace("-----END CERTIFICATE-----", "");
    for (pem, says) in [
        ("not a certificate", "no certificate found"),
        ("", "no certificate found"),
        (cut.as_str(), "not valid PEM"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "cannot be a root"),
    ] {
        let config = json!({"token": "dev-token", "base_url": emu.url(), "ca_pem": pem});
        let err = Client::from_json(&config.to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{pem:?}");
        assert!(err.message.starts_with("config_json.ca_pem: ") && err.message.contains(says), "{}", err.message);
    }
    let config = json!({"token": "dev-token", "base_url": emu.url(), "ca_pem": 7});
    assert_eq!(Client::from_json(&config.to_string()).unwrap_err().code, ErrorCode::Validation);
}

#[test]
fn the_emulators_tls_setting_is_checked() {
    for (tls, says) in [
        (json!(1), "expected true, false or an object"),
        (json!({"names": []}), "must name at least one host"),
        (json!({"names": ["ok", 3]}), "names"),
        (json!({"expired": "yes"}), "expired"),
        (json!({"colour": "red"}), "colour"),
    ] {
        let err = livechat_bots::EmulatorConfig::from_json(&json!({ "tls": tls }).to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{tls}");
        assert!(err.message.contains(says), "{tls}: {}", err.message);
    }
}

/// A CONNECT proxy on loopback that tunnels to loopback only and records
/// each tunnel's target.
fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tunnels = Arc::new(Mutex::new(Vec::new()));
    let seen = tunnels.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || tunnel(client, &seen));
        }
    });
    (url, tunnels)
}

fn tunnel(client: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
            break;
        }
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("").to_owned());
    let loopback = target.starts_with("127.0.0.1:") || target.starts_with("localhost:");
    let mut client = client;
    if method != "CONNECT" || !loopback {
        let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
        return;
    }
    let upstream = TcpStream::connect(&target).unwrap();
    seen.lock().unwrap().push(target);
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
    // Whatever the reader took beyond the head goes first (a client may not
    // wait for the 200 before it starts its handshake).
    let early = reader.buffer().to_vec();
    let (mut up_write, mut up_read) = (upstream.try_clone().unwrap(), upstream);
    let mut client_read = reader;
    let mut client_write = client;
    let forward = std::thread::spawn(move || {
        let _ = up_write.write_all(&early);
        let mut buf = [0u8; 16384];
        while let Ok(n) = client_read.get_mut().read(&mut buf) {
            if n == 0 || up_write.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = up_write.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut up_read, &mut client_write);
    let _ = client_write.shutdown(std::net::Shutdown::Write);
    let _ = forward.join();
}

/// `livechat-bots emulator --tls`, its URL and CA file.
struct CliEmulator {
    child: std::process::Child,
    url: String,
    ca_file: String,
}

impl CliEmulator {
    fn start() -> CliEmulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livechat-bots"))
            .args(["emulator", "--tls"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines.next().unwrap().unwrap();
        let ca_file = lines.next().unwrap().unwrap();
        CliEmulator { child, url, ca_file }
    }
}

impl Drop for CliEmulator {
    fn drop(&mut self) {
        // SAFETY: a plain signal to the child this test started.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// `bots list --json` against `emu` with `env` and `args` added.
fn list(emu: &CliEmulator, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_livechat-bots"));
    cmd.args(["bots", "list", "--json", "--base-url", &emu.url]).args(args).env("LIVECHAT_TOKEN", "dev-token");
    for key in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE"] {
        cmd.env_remove(key);
    }
    cmd.envs(env.iter().copied()).output().unwrap()
}

#[test]
fn the_command_line_trusts_a_ca_file_and_goes_through_https_proxy_unless_no_proxy() {
    let emu = CliEmulator::start();
    assert!(emu.url.starts_with("https://127.0.0.1:"), "{}", emu.url);
    let pem = std::fs::read_to_string(&emu.ca_file).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let target = emu.url.trim_start_matches("https://").to_owned();
    let (proxy, tunnels) = connect_proxy();

    let direct = list(&emu, &[], &["--ca-file", &emu.ca_file]);
    assert!(direct.status.success(), "{}", String::from_utf8_lossy(&direct.stderr));
    assert!(tunnels.lock().unwrap().is_empty());

    let proxied = list(&emu, &[("HTTPS_PROXY", &proxy)], &["--ca-file", &emu.ca_file]);
    assert!(proxied.status.success(), "{}", String::from_utf8_lossy(&proxied.stderr));
    assert_eq!(*tunnels.lock().unwrap(), vec![target.clone()]);

    // NO_PROXY names the host: straight there.
    let bypassed = list(&emu, &[("HTTPS_PROXY", &proxy), ("NO_PROXY", "127.0.0.1")], &["--ca-file", &emu.ca_file]);
    assert!(bypassed.status.success(), "{}", String::from_utf8_lossy(&bypassed.stderr));
    assert_eq!(tunnels.lock().unwrap().len(), 1);

    // SSL_CERT_FILE replaces the system's roots; through the proxy too.
    let by_env = list(&emu, &[("HTTPS_PROXY", &proxy), ("SSL_CERT_FILE", &emu.ca_file)], &[]);
    assert!(by_env.status.success(), "{}", String::from_utf8_lossy(&by_env.stderr));
    assert_eq!(tunnels.lock().unwrap().len(), 2);

    // Without the CA: refused, saying why.
    let untrusted = list(&emu, &[], &[]);
    assert!(!untrusted.status.success());
    let said = String::from_utf8_lossy(&untrusted.stdout).to_string() + &String::from_utf8_lossy(&untrusted.stderr);
    assert!(said.contains("unknown issuer"), "{said}");

    let missing = list(&emu, &[], &["--ca-file", "/nonexistent/ca.pem"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--ca-file /nonexistent/ca.pem"));
    let ca_file = emu.ca_file.clone();
    drop(emu);
    assert!(!std::path::Path::new(&ca_file).exists(), "the CA file is removed on exit");
}
