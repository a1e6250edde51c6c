//! The livechat-bots command line tool:
//!
//!   livechat-bots emulator [--port N] [--config FILE] [--state FILE]
//!
//! serves the offline emulator until interrupted, and its web console at `/`
//! of its URL; with `--state` it loads the bots from FILE at start (when it
//! exists) and saves them on exit.
//!
//!   livechat-bots call ACTION [PAYLOAD_JSON] [--config FILE] [--api-version V] [--base-url URL]
//!
//! makes one call and prints its answer; the token comes from the client
//! config FILE or from `LIVECHAT_TOKEN` (never from the command line, where
//! other users could read it). A notice that the API version is retiring
//! goes to stderr.

use livechat_bots::{Action, Client, ClientConfig, Emulator, EmulatorConfig};
use serde_json::{json, Value};
use std::process::ExitCode;

const USAGE: &str = "usage: livechat-bots emulator [--port N] [--config FILE] [--state FILE]\n       \
                     livechat-bots call ACTION [PAYLOAD_JSON] [--config FILE] [--api-version V] [--base-url URL]";

struct Args {
    port: Option<u16>,
    config: Option<String>,
    state: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    match args.next().as_deref() {
        Some("emulator") => {}
        Some("-h") | Some("--help") | None => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command {other:?}\n{USAGE}")),
    }
    let mut parsed = Args { port: None, config: None, state: None };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--port" => parsed.port = Some(value()?.parse().map_err(|_| format!("--port: expected 0 to 65535\n{USAGE}"))?),
            "--config" => parsed.config = Some(value()?),
            "--state" => parsed.state = Some(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    Ok(parsed)
}

fn load_config(args: &Args) -> Result<EmulatorConfig, String> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--config {path}: {e}"))?;
            EmulatorConfig::from_json(&text).map_err(|e| format!("--config {path}: {}", e.message))?
        }
        None => EmulatorConfig::default(),
    };
    if let Some(port) = args.port {
        config.port = port;
    }
    if let Some(path) = &args.state {
        if let Ok(text) = std::fs::read_to_string(path) {
            let doc: Value = serde_json::from_str(&text).map_err(|e| format!("--state {path}: {e}"))?;
            let mut kept = json!({ "bots": doc.get("bots").cloned().unwrap_or(json!([])) });
            if let Some(org) = doc.get("organization_id") {
                kept["organization_id"] = org.clone();
            }
            let seeded = EmulatorConfig::from_json(&kept.to_string()).map_err(|e| format!("--state {path}: {}", e.message))?;
            config.bots = seeded.bots;
            if doc.get("organization_id").is_some() {
                config.organization_id = seeded.organization_id;
            }
        }
    }
    Ok(config)
}

fn save_state(emulator: &Emulator, path: &str) -> Result<(), String> {
    let text = serde_json::to_string_pretty(&json!({ "bots": emulator.bots(), "organization_id": emulator.organization_id() })).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(|e| format!("--state {path}: {e}"))
}

/// SIGINT and SIGTERM, registered before the URL is announced: a signal
/// sent as soon as the URL is read must still save the state.
struct Signals {
    runtime: tokio::runtime::Runtime,
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> Result<Signals, String> {
        use tokio::signal::unix::{signal, SignalKind};
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        let (interrupt, terminate) = runtime
            .block_on(async { Ok::<_, std::io::Error>((signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?)) })
            .map_err(|e| format!("cannot handle signals: {e}"))?;
        Ok(Signals { runtime, interrupt, terminate })
    }

    /// Blocks until one of them arrives.
    fn wait(mut self) {
        self.runtime.block_on(async {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        });
    }
}

/// `livechat-bots call ...`: one call, its answer on stdout.
fn call(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let mut positional = Vec::new();
    let mut config = json!({});
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--config" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("--config {path}: {e}"))?;
                let file: Value = serde_json::from_str(&text).map_err(|e| format!("--config {path}: {e}"))?;
                for (k, v) in file.as_object().cloned().unwrap_or_default() {
                    config[k] = v;
                }
            }
            "--api-version" => config["api_version"] = json!(value()?),
            "--base-url" => config["base_url"] = json!(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag:?}\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    let (action, payload) = match positional.as_slice() {
        [action] => (action.clone(), "{}".to_owned()),
        [action, payload] => (action.clone(), payload.clone()),
        _ => return Err(USAGE.into()),
    };
    if config.get("token").is_none() {
        let token = std::env::var("LIVECHAT_TOKEN").map_err(|_| "no token: set LIVECHAT_TOKEN or give --config FILE with \"token\"".to_owned())?;
        config["token"] = json!(token);
    }
    let client = Client::new(ClientConfig::from_json(&config.to_string()).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    client.notices().set_handler(Some(std::sync::Arc::new(|n: &livechat_bots::Notice| {
        eprintln!("livechat-bots: notice: {}", n.message());
    })));
    let version = client.config().api_version;
    let answer = match Action::ALL.into_iter().find(|a| a.name() == action || a.wire_name(version) == action) {
        Some(known) => client.execute_json(known, &payload),
        None => client.call_json(&action, &payload),
    };
    match answer {
        Ok(doc) => {
            println!("{doc}");
            Ok(())
        }
        Err(e) => Err(e.to_json()),
    }
}

fn run() -> Result<(), String> {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("call") {
        argv.next();
        return call(argv);
    }
    let args = parse_args(argv)?;
    let config = load_config(&args)?;
    let signals = Signals::register()?;
    let emulator = Emulator::start(config).map_err(|e| e.message)?;
    println!("{}", emulator.url());
    eprintln!("livechat-bots emulator: serving {} (token dev-token unless configured); Ctrl-C stops", emulator.url());
    eprintln!("livechat-bots emulator: console at {} (open it in a browser)", emulator.console_url());
    signals.wait();
    if let Some(path) = &args.state {
        save_state(&emulator, path)?;
    }
    emulator.stop();
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
