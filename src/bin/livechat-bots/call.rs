//! `livechat-bots call ACTION [PAYLOAD_JSON]`: one call of any action, its
//! answer on stdout. The token comes from the client config FILE or from
//! `LIVECHAT_TOKEN`, never from the command line, where other users could
//! read it. A notice that the API version is retiring goes to stderr.

use clap::Args;
use livechat_bots::{Action, Client, ClientConfig};
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CallArgs {
    /// The action: one of the five bot actions by its spec or version name, or any other
    action: String,
    /// The request object
    #[arg(default_value = "{}")]
    payload: String,
    /// A client config file (`token`, `api_version`, `base_url`, ...), as lcbot_client_new takes it
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// API version, e.g. 3.6 [default: the config file's, LIVECHAT_API_VERSION, else 3.0]
    #[arg(long, value_name = "V")]
    api_version: Option<String>,
    /// Base URL of the API (an emulator's URL) [default: the config file's, LIVECHAT_BASE_URL, else LiveChat's]
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// More CA certificates to trust (a PEM file), beside the system's
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
}

pub fn run(args: CallArgs) -> Result<(), String> {
    let mut config = json!({});
    if let Some(path) = &args.config {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| format!("--config {shown}: {e}"))?;
        let file: Value = serde_json::from_str(&text).map_err(|e| format!("--config {shown}: {e}"))?;
        for (k, v) in file.as_object().cloned().unwrap_or_default() {
            config[k] = v;
        }
    }
    if let Some(v) = args.api_version {
        config["api_version"] = json!(v);
    }
    if let Some(url) = args.base_url {
        config["base_url"] = json!(url);
    }
    if let Some(path) = &args.ca_file {
        config["ca_pem"] = json!(crate::ca_file::read(path)?);
    }
    if config.get("token").is_none() {
        let token = std::env::var("LIVECHAT_TOKEN").map_err(|_| "no token: set LIVECHAT_TOKEN or give --config FILE with \"token\"".to_owned())?;
        config["token"] = json!(token);
    }
    let client = Client::new(ClientConfig::from_json_with_environment(&config.to_string()).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    client.notices().set_handler(Some(std::sync::Arc::new(|n: &livechat_bots::Notice| {
        eprintln!("livechat-bots: notice: {}", n.message());
    })));
    let version = client.config().api_version;
    let action = args.action;
    let answer = match Action::ALL.into_iter().find(|a| a.name() == action || a.wire_name(version) == action) {
        Some(known) => client.execute_json(known, &args.payload),
        None => client.call_json(&action, &args.payload),
    };
    match answer {
        Ok(doc) => {
            println!("{doc}");
            Ok(())
        }
        Err(e) => Err(e.to_json()),
    }
}
