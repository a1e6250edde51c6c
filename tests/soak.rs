//! A bounded soak with faults: 16 threads share one client for thousands of
//! mixed calls while the emulator injects 5xx, 429, dropped connections,
//! stalls, and closes idle connections. Afterwards the emulator's bots are
//! exactly what the successful creates and removes say, give or take the
//! writes reported with an unknown outcome, and no write was sent twice.

mod common;
use common::*;
use livechat_bots::{Client, CreateBotAgent, Error, Outcome, Status};
use serde_json::json;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const THREADS: usize = 16;
const CALLS_PER_THREAD: usize = 250;
const TIMEOUT: Duration = Duration::from_millis(1500);

#[derive(Default)]
struct Ledger {
    created: HashSet<String>,
    removed: HashSet<String>,
    /// Names of creates whose outcome is unknown.
    maybe_created: HashSet<String>,
    maybe_removed: HashSet<String>,
}

fn unknown(e: &Error) -> bool {
    e.outcome == Some(Outcome::Unknown)
}

#[test]
fn sixteen_threads_thousands_of_calls_random_faults_nothing_lost_nothing_doubled() {
    let emu = emulator_with(json!({"idle_timeout_ms": 40, "log_limit": 1_000_000}));
    let c = client(
        &emu,
        json!({"timeout_ms": TIMEOUT.as_millis() as u64, "attempt_timeout_ms": 300, "retry": {"max_attempts": 3, "base_delay_ms": 5, "max_delay_ms": 1200}}),
    );
    let ledger = Mutex::new(Ledger::default());
    let done = AtomicBool::new(false);
    let faults = AtomicUsize::new(0);
    let slowest = Mutex::new(Duration::ZERO);
    let actions = ["create_bot_agent", "get_bot_agent_details", "get_bot_agents", "update_bot_agent", "remove_bot_agent"];

    std::thread::scope(|s| {
        // The feeder: a fault every few milliseconds, of a random kind.
        s.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                let action = actions[fastrand::usize(..actions.len())];
                let server_error = [500, 502, 503, 504][fastrand::usize(..4)];
                let fault = match fastrand::u8(..10) {
                    0..=2 => json!({"action": action, "status": server_error}),
                    3 => json!({"action": action, "status": 429, "retry_after_s": 1}),
                    4..=5 => json!({"action": action, "drop_connection": true}),
                    6 => json!({"action": action, "delay_ms": 400}),
                    _ => json!({"action": action, "delay_ms": 20}),
                };
                emu.inject_json(&fault.to_string()).unwrap();
                faults.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                while t.elapsed() < Duration::from_millis(8) && !done.load(Ordering::Relaxed) {
                    std::thread::yield_now();
                }
            }
        });
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (c, ledger, slowest) = (&c, &ledger, &slowest);
                s.spawn(move || work(c, t, ledger, slowest))
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
    });

    let slowest = *slowest.lock().unwrap();
    assert!(slowest < TIMEOUT + Duration::from_millis(500), "a call took {slowest:?}");

    // Let the stalled requests the server still runs finish, then compare.
    wait_until(30, "the server to finish every request", || emu.requests().iter().all(|r| r.get("status").is_some()));
    let ledger = ledger.into_inner().unwrap();
    let bots = emu.bots();
    let held: HashSet<String> = bots.iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect();
    for id in &ledger.created {
        if !ledger.removed.contains(id) && !ledger.maybe_removed.contains(id) {
            assert!(held.contains(id), "created {id} is missing");
        }
    }
    for id in &ledger.removed {
        assert!(!held.contains(id), "removed {id} is still there");
    }
    for bot in &bots {
        let (id, name) = (bot["id"].as_str().unwrap(), bot["name"].as_str().unwrap());
        assert!(ledger.created.contains(id) || ledger.maybe_created.contains(name), "a bot no create accounts for: {name}");
    }
    // No write was applied twice, and one was sent again only after a 429
    // (refused before anything was done). Every create's name is unique.
    let mut sends: std::collections::HashMap<String, Vec<u64>> = Default::default();
    for r in logged(&emu, "create_bot_agent") {
        let name = r["body"]["payload"]["name"].as_str().unwrap_or_default().to_owned();
        sends.entry(name).or_default().push(r["status"].as_u64().unwrap_or(0));
    }
    let mut resent = 0;
    for (name, statuses) in &sends {
        assert!(statuses.iter().filter(|s| **s == 200).count() <= 1, "create {name} applied twice: {statuses:?}");
        assert!(statuses[..statuses.len() - 1].iter().all(|s| *s == 429), "create {name} sent again after {statuses:?}");
        resent += statuses.len() - 1;
    }
    let closed_connections: HashSet<u64> = emu.requests().iter().filter_map(|r| r["connection"].as_u64()).collect();
    println!(
        "soak: {} calls, {} faults, {} connections ({} idle closes), {} created, {} removed, {} unknown creates, {} unknown removes, {} creates resent after 429, slowest {:?}",
        THREADS * CALLS_PER_THREAD,
        faults.load(Ordering::Relaxed),
        closed_connections.len(),
        emu.idle_closes(),
        ledger.created.len(),
        ledger.removed.len(),
        ledger.maybe_created.len(),
        ledger.maybe_removed.len(),
        resent,
        slowest
    );
    assert!(emu.idle_closes() > 0, "idle closes happened");
}

fn work(c: &Client, thread: usize, ledger: &Mutex<Ledger>, slowest: &Mutex<Duration>) {
    let mut mine: Vec<String> = Vec::new();
    for i in 0..CALLS_PER_THREAD {
        let started = Instant::now();
        match fastrand::u8(..10) {
            0..=2 => {
                let name = format!("soak-{thread}-{i}");
                match c.create_bot_agent(&CreateBotAgent::new(name.clone(), Status::Offline)) {
                    Ok(created) => {
                        ledger.lock().unwrap().created.insert(created.bot_agent_id.clone());
                        mine.push(created.bot_agent_id);
                    }
                    Err(e) if unknown(&e) => drop(ledger.lock().unwrap().maybe_created.insert(name)),
                    Err(_) => {}
                }
            }
            3 if !mine.is_empty() => {
                let id = mine.swap_remove(fastrand::usize(..mine.len()));
                match c.remove_bot_agent(&id) {
                    Ok(()) => drop(ledger.lock().unwrap().removed.insert(id)),
                    Err(e) if unknown(&e) => drop(ledger.lock().unwrap().maybe_removed.insert(id)),
                    // Not found after an unknown earlier remove, or refused: it may still be there.
                    Err(_) => drop(ledger.lock().unwrap().maybe_removed.insert(id)),
                }
            }
            4..=5 if !mine.is_empty() => {
                let _ = c.get_bot_agent_details(&mine[fastrand::usize(..mine.len())]);
            }
            6 if !mine.is_empty() => {
                let mut update = livechat_bots::UpdateBotAgent::new(mine[fastrand::usize(..mine.len())].clone());
                update.max_chats_count = Some(fastrand::u32(1..10));
                let _ = c.update_bot_agent(&update);
            }
            _ => {
                let _ = c.get_bot_agents(false);
            }
        }
        let took = started.elapsed();
        let mut s = slowest.lock().unwrap();
        *s = (*s).max(took);
        drop(s);
        if fastrand::u8(..20) == 0 {
            // Part of the load, not a wait: idle long enough for the
            // emulator to close this thread's connection.
            std::thread::sleep(Duration::from_millis(60));
        }
    }
}
