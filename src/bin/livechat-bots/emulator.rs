//! `livechat-bots emulator`: serves the offline emulator, and its web console
//! at `/` of its URL, until SIGINT or SIGTERM; with `--state` it loads the
//! bots from FILE at start (when it exists) and saves them on exit. With
//! `--tls` it serves HTTPS and writes its CA's PEM to a file it names.

use clap::Args;
use livechat_bots::{Emulator, EmulatorConfig};
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 or absent: a free one)
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// An emulator config file (tokens, bots, faults, versions; see the README)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Load the bots from FILE at start, save them there on exit
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Serve HTTPS with a CA made at start; prints where its PEM file is
    #[arg(long)]
    tls: bool,
}

fn load_config(args: &EmulatorArgs) -> Result<EmulatorConfig, String> {
    let mut config = match &args.config {
        Some(path) => {
            let shown = path.display();
            let text = std::fs::read_to_string(path).map_err(|e| format!("--config {shown}: {e}"))?;
            EmulatorConfig::from_json(&text).map_err(|e| format!("--config {shown}: {}", e.message))?
        }
        None => EmulatorConfig::default(),
    };
    if let Some(port) = args.port {
        config.port = port;
    }
    if args.tls && config.tls.is_none() {
        config.tls = Some(Default::default());
    }
    if let Some(path) = &args.state {
        if let Ok(text) = std::fs::read_to_string(path) {
            let shown = path.display();
            let doc: Value = serde_json::from_str(&text).map_err(|e| format!("--state {shown}: {e}"))?;
            let mut kept = json!({ "bots": doc.get("bots").cloned().unwrap_or(json!([])) });
            if let Some(org) = doc.get("organization_id") {
                kept["organization_id"] = org.clone();
            }
            let seeded = EmulatorConfig::from_json(&kept.to_string()).map_err(|e| format!("--state {shown}: {}", e.message))?;
            config.bots = seeded.bots;
            if doc.get("organization_id").is_some() {
                config.organization_id = seeded.organization_id;
            }
        }
    }
    Ok(config)
}

fn save_state(emulator: &Emulator, path: &std::path::Path) -> Result<(), String> {
    let text = serde_json::to_string_pretty(&json!({ "bots": emulator.bots(), "organization_id": emulator.organization_id() })).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(|e| format!("--state {}: {e}", path.display()))
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

/// Writes the CA's PEM to a file of this process's own in the temporary
/// directory (removed on exit).
fn write_ca_file(pem: &str) -> Result<PathBuf, String> {
    let path = std::env::temp_dir().join(format!("livechat-bots-emulator-{}-ca.pem", std::process::id()));
    std::fs::write(&path, pem).map_err(|e| format!("cannot write the CA certificate to {}: {e}", path.display()))?;
    Ok(path)
}

pub fn run(args: EmulatorArgs) -> Result<(), String> {
    let config = load_config(&args)?;
    let signals = Signals::register()?;
    let emulator = Emulator::start(config).map_err(|e| e.message)?;
    println!("{}", emulator.url());
    let ca_file = emulator.ca_pem().map(write_ca_file).transpose()?;
    if let Some(path) = &ca_file {
        println!("{}", path.display());
    }
    eprintln!("livechat-bots emulator: serving {} (token dev-token unless configured); Ctrl-C stops", emulator.url());
    if let Some(path) = &ca_file {
        eprintln!("livechat-bots emulator: its CA certificate is {} (trust it with --ca-file, ca_pem or SSL_CERT_FILE)", path.display());
    }
    eprintln!("livechat-bots emulator: console at {} (open it in a browser)", emulator.console_url());
    signals.wait();
    if let Some(path) = &ca_file {
        let _ = std::fs::remove_file(path);
    }
    if let Some(path) = &args.state {
        save_state(&emulator, path)?;
    }
    emulator.stop();
    Ok(())
}
