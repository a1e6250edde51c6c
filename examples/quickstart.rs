//! The whole life of a bot from Rust, on the embedded emulator (or, with
//! LIVECHAT_TOKEN set, on LiveChat itself).
//!
//!   cargo run --release --example quickstart

use livechat_bots::{Client, ClientConfig, CreateBotAgent, Emulator, EmulatorConfig, Group, Priority, Status, UpdateBotAgent};

fn main() -> Result<(), livechat_bots::Error> {
    // Kept alive until the end of main: dropping it stops the server.
    let mut emulator = None;
    let config = match std::env::var("LIVECHAT_TOKEN") {
        Ok(token) => ClientConfig::new(token),
        Err(_) => {
            let emu = Emulator::start(EmulatorConfig::default())?;
            let mut config = ClientConfig::new("dev-token");
            config.base_url = emu.url().to_owned();
            println!("emulator at {} (token dev-token)", emu.url());
            emulator = Some(emu);
            config
        }
    };
    let client = Client::new(config)?;

    let mut request = CreateBotAgent::new("Quickstart Bot", Status::AcceptingChats);
    request.groups = Some(vec![Group { id: 0, priority: Priority::First }]);
    let id = client.create_bot_agent(&request)?.bot_agent_id;
    println!("created {id}");
    println!("bots: {:?}", client.get_bot_agents(false)?);
    println!("details: {:?}", client.get_bot_agent_details(&id)?);

    let mut update = UpdateBotAgent::new(&id);
    update.name = Some("Renamed Bot".into());
    update.max_chats_count = Some(10);
    client.update_bot_agent(&update)?;
    println!("after update: {:?}", client.get_bot_agent_details(&id)?);

    client.remove_bot_agent(&id)?;
    println!("bots after remove: {:?}", client.get_bot_agents(false)?);

    // A mistake is caught before anything is sent, with the path in the message.
    request.groups = Some(vec![Group { id: 1, priority: Priority::Supervisor }]);
    if let Err(e) = client.create_bot_agent(&request) {
        println!("expected error: {e}");
    }
    drop(emulator);
    Ok(())
}
