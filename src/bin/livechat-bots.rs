//! The livechat-bots command line tool:
//!
//!   livechat-bots emulator [--port N] [--config FILE] [--state FILE] [--tls]
//!   livechat-bots call ACTION [PAYLOAD_JSON] [--config FILE] [--api-version V] [--base-url URL] [--ca-file FILE]
//!   livechat-bots bots list|show|create|update|remove|apply [flags]
//!   livechat-bots templates list|show|create|update|remove|reset-secret [flags]
//!
//! Exit codes: 0 on success; `emulator` and `call` exit 2 on any failure;
//! `bots` and `templates` exit with the library's status code (`ErrorCode::number`, the C
//! ABI's `lcbot_status`: 4 validation, 7 an API error, ...), and 2 when the
//! command line itself is wrong (clap's code, also for a usage error anywhere).

// One file a subcommand, beside this one (not in src/bin/, where cargo
// would take each for a binary of its own).
#[path = "livechat-bots/apply.rs"]
mod apply;
#[path = "livechat-bots/bots.rs"]
mod bots;
#[path = "livechat-bots/ca_file.rs"]
mod ca_file;
#[path = "livechat-bots/call.rs"]
mod call;
#[path = "livechat-bots/emulator.rs"]
mod emulator;
#[path = "livechat-bots/output.rs"]
mod output;
#[path = "livechat-bots/templates.rs"]
mod templates;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "livechat-bots", version, about = "Manage LiveChat Bot Agents, or serve an offline emulator of their API")]
#[command(arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the offline emulator on 127.0.0.1; prints its URL, Ctrl-C stops
    Emulator(emulator::EmulatorArgs),
    /// Make one call of any action and print its answer (token: LIVECHAT_TOKEN or --config)
    Call(call::CallArgs),
    /// Manage bot agents: list, show, create, update, remove (token: LIVECHAT_TOKEN)
    #[command(arg_required_else_help = true)]
    // Boxed: by far the largest variant (a flag for every field).
    Bots(Box<bots::BotsArgs>),
    /// Manage an application's bot templates (v3.5+): list, show, create, update, remove, reset-secret
    #[command(arg_required_else_help = true)]
    Templates(templates::TemplatesArgs),
}

/// The error as `bots` prints it: the library's document (with `status`,
/// as the C ABI gives it) for `--json`, a line otherwise.
fn report(failure: &bots::Failure, json: bool) -> u8 {
    let error = &failure.0;
    let status = error.code.number();
    if json {
        let mut doc = error.to_document();
        if let Some(map) = doc.as_object_mut() {
            map.shift_insert(1, "status".into(), status.into());
        }
        eprintln!("{doc}");
    } else {
        eprintln!("livechat-bots: {error}");
        if error.outcome.is_some() {
            eprintln!("livechat-bots: the write may have been applied: check with a read before repeating it");
        }
    }
    u8::try_from(status).unwrap_or(1)
}

/// The exit status of `bots` and `templates`, the error reported.
fn exit(result: Result<(), (bots::Failure, bool)>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((failure, json)) => ExitCode::from(report(&failure, json)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Emulator(args) => emulator::run(args),
        Command::Call(args) => call::run(args),
        Command::Bots(args) => return exit(bots::run(*args)),
        Command::Templates(args) => return exit(templates::run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
