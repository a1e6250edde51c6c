//! The livechat-bots command line tool. Today it has one command:
//!
//!   livechat-bots emulator [--port N] [--config FILE] [--state FILE]
//!
//! which serves the offline emulator until interrupted; with `--state` it
//! loads the bots from FILE at start (when it exists) and saves them on exit.

use livechat_bots::{Emulator, EmulatorConfig};
use serde_json::{json, Value};
use std::process::ExitCode;

const USAGE: &str = "usage: livechat-bots emulator [--port N] [--config FILE] [--state FILE]";

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
            let bots = json!({ "bots": doc.get("bots").cloned().unwrap_or(json!([])) });
            let seeded = EmulatorConfig::from_json(&bots.to_string()).map_err(|e| format!("--state {path}: {}", e.message))?;
            config.bots = seeded.bots;
        }
    }
    Ok(config)
}

fn save_state(emulator: &Emulator, path: &str) -> Result<(), String> {
    let text = serde_json::to_string_pretty(&json!({ "bots": emulator.bots() })).unwrap_or_default();
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

fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let config = load_config(&args)?;
    let signals = Signals::register()?;
    let emulator = Emulator::start(config).map_err(|e| e.message)?;
    println!("{}", emulator.url());
    eprintln!("livechat-bots emulator: serving {} (token dev-token unless configured); Ctrl-C stops", emulator.url());
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
