//! Retries, proven with the emulator's request log: reads survive transient
//! failures, a write is never sent twice unless the server surely did not
//! act on it, Retry-After is waited for, and a stall becomes a timeout.

mod common;
use common::*;
use livechat_bots::{CreateBotAgent, ErrorCode, Outcome, Status};
use serde_json::json;
use std::time::{Duration, Instant};

fn fast_retry() -> serde_json::Value {
    json!({"retry": {"max_attempts": 3, "base_delay_ms": 1, "max_delay_ms": 5000}, "timeout_ms": 10000, "attempt_timeout_ms": 1000})
}

#[test]
fn reads_survive_transient_server_errors_429_and_dropped_connections() {
    let faults = [
        json!({"action": "get_bot_agents", "times": 2, "status": 503}),
        json!({"action": "get_bot_agents", "times": 2, "status": 500}),
        json!({"action": "get_bot_agents", "times": 1, "status": 502}),
        json!({"action": "get_bot_agents", "times": 1, "status": 504}),
        json!({"action": "get_bot_agents", "times": 2, "status": 429}),
        json!({"action": "get_bot_agents", "times": 2, "drop_connection": true}),
    ];
    for fault in faults {
        let emu = emulator();
        let c = client(&emu, fast_retry());
        emu.inject_json(&fault.to_string()).unwrap();
        assert!(c.get_bot_agents(false).is_ok(), "{fault}");
        let times = fault["times"].as_u64().unwrap() as usize;
        let log = logged(&emu, "get_bot_agents");
        assert_eq!(log.len(), times + 1, "{fault}");
        assert_eq!(log.last().unwrap()["status"], 200);
    }
}

#[test]
fn reads_give_up_after_max_attempts_with_the_count() {
    let emu = emulator();
    let c = client(&emu, fast_retry());
    emu.inject_json(r#"{"action": "get_bot_agent_details", "times": 5, "status": 503}"#).unwrap();
    let err = c.get_bot_agent_details("x").unwrap_err();
    assert_eq!((err.code, err.http_status, err.attempts), (ErrorCode::Api, Some(503), 3));
    assert_eq!(err.to_document()["attempts"], 3);
    assert_eq!(logged(&emu, "get_bot_agent_details").len(), 3);
}

#[test]
fn a_create_is_sent_once_and_only_once_across_every_fault() {
    let faults = [
        (json!({"status": 500}), ErrorCode::Api, Some(Outcome::Unknown)),
        (json!({"status": 502}), ErrorCode::Api, Some(Outcome::Unknown)),
        (json!({"status": 503}), ErrorCode::Api, Some(Outcome::Unknown)),
        (json!({"status": 504}), ErrorCode::Api, Some(Outcome::Unknown)),
        (json!({"drop_connection": true}), ErrorCode::Transport, Some(Outcome::Unknown)),
        (json!({"delay_ms": 1500}), ErrorCode::Timeout, Some(Outcome::Unknown)),
    ];
    for (fault, code, outcome) in faults {
        let emu = emulator();
        let c = client(&emu, json!({"retry": {"max_attempts": 5, "base_delay_ms": 1}, "timeout_ms": 300}));
        let mut f = fault.clone();
        f["action"] = json!("create_bot_agent");
        emu.inject_json(&f.to_string()).unwrap();
        let err = c.create_bot_agent(&CreateBotAgent::new("Once", Status::Offline)).unwrap_err();
        assert_eq!((err.code, err.attempts, err.outcome), (code, 1, outcome), "{fault}");
        if outcome.is_some() {
            assert_eq!(err.to_document()["outcome"], "unknown");
        }
        // The server logs a stalled request when it is done with it.
        wait_until(10, "the create in the log", || !logged(&emu, "create_bot_agent").is_empty());
        assert_eq!(logged(&emu, "create_bot_agent").len(), 1, "{fault}: sent exactly once");
    }
}

#[test]
fn a_stalled_create_may_have_been_applied_and_says_so() {
    let emu = emulator();
    let c = client(&emu, json!({"timeout_ms": 200}));
    emu.inject_json(r#"{"action": "create_bot_agent", "delay_ms": 600}"#).unwrap();
    let err = c.create_bot_agent(&CreateBotAgent::new("Late", Status::Offline)).unwrap_err();
    assert_eq!(err.outcome, Some(Outcome::Unknown));
    // The server did act: a read shows the bot, so the caller must not create it again.
    wait_until(10, "the stalled create to finish", || emu.bots().len() == 1);
    assert_eq!(c.get_bot_agents(false).unwrap().len(), 1);
}

#[test]
fn writes_are_retried_after_429_and_bots_are_created_once() {
    let emu = emulator();
    let c = client(&emu, fast_retry());
    emu.inject_json(r#"{"action": "create_bot_agent", "times": 2, "status": 429}"#).unwrap();
    let id = c.create_bot_agent(&CreateBotAgent::new("Throttled", Status::Offline)).unwrap().bot_agent_id;
    let statuses: Vec<_> = logged(&emu, "create_bot_agent").iter().map(|e| e["status"].clone()).collect();
    assert_eq!(statuses, vec![json!(429), json!(429), json!(200)]);
    assert_eq!(emu.bots().len(), 1);
    assert_eq!(emu.bots()[0]["id"], id.as_str());
}

#[test]
fn retry_after_is_waited_for() {
    let emu = emulator();
    let c = client(&emu, fast_retry());
    emu.inject_json(r#"{"action": "get_bot_agents", "status": 429, "retry_after_s": 1}"#).unwrap();
    c.get_bot_agents(false).unwrap();
    let log = logged(&emu, "get_bot_agents");
    let gap = log[1]["time_ms"].as_f64().unwrap() - log[0]["time_ms"].as_f64().unwrap();
    assert!(gap >= 1000.0, "waited {gap} ms");
}

#[test]
fn retry_after_is_capped_by_max_delay() {
    let emu = emulator();
    let c = client(&emu, json!({"retry": {"max_attempts": 2, "base_delay_ms": 1, "max_delay_ms": 100}}));
    emu.inject_json(r#"{"action": "get_bot_agents", "status": 503, "retry_after_s": 60}"#).unwrap();
    let started = Instant::now();
    c.get_bot_agents(false).unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "a 60 s Retry-After was capped at 100 ms");
}

#[test]
fn a_stall_becomes_a_timeout_in_about_the_configured_time() {
    let emu = emulator();
    let c = client(&emu, json!({"timeout_ms": 300, "retry": {"max_attempts": 1}}));
    emu.inject_json(r#"{"delay_ms": 3000}"#).unwrap();
    let started = Instant::now();
    let err = c.get_bot_agents(false).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert!(took >= Duration::from_millis(300) && took < Duration::from_millis(2500), "{took:?}");
}

#[test]
fn a_read_survives_one_stall_by_retrying() {
    let emu = emulator();
    let c = client(&emu, json!({"timeout_ms": 5000, "attempt_timeout_ms": 300, "retry": {"max_attempts": 2, "base_delay_ms": 1}}));
    emu.inject_json(r#"{"action": "get_bot_agents", "delay_ms": 2000}"#).unwrap();
    assert!(c.get_bot_agents(false).is_ok());
}

#[test]
fn timeout_ms_bounds_the_whole_call_retries_included() {
    let emu = emulator();
    let c = client(&emu, json!({"timeout_ms": 600, "retry": {"max_attempts": 10, "base_delay_ms": 50, "max_delay_ms": 50}}));
    emu.inject_json(r#"{"action": "get_bot_agents", "times": 100, "delay_ms": 250, "status": 503}"#).unwrap();
    let started = Instant::now();
    let err = c.get_bot_agents(false).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert!(err.attempts >= 1 && err.attempts < 10, "{}", err.attempts);
    assert!(matches!(err.code, ErrorCode::Api | ErrorCode::Timeout));
}

#[test]
fn a_server_that_accepts_but_never_answers_times_out() {
    // The kernel completes the handshake for a listener that never accepts:
    // the request goes out and no answer ever comes.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let c = livechat_bots::Client::from_json(
        &json!({"token": "t", "base_url": url, "connect_timeout_ms": 200, "timeout_ms": 400, "retry": {"max_attempts": 1}}).to_string(),
    )
    .unwrap();
    let started = Instant::now();
    let err = c.get_bot_agents(false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout, "{}", err.message);
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(listener);
}

#[test]
fn retries_do_not_change_a_successful_first_try() {
    let emu = emulator();
    let c = client(&emu, fast_retry());
    let id = c.create_bot_agent(&CreateBotAgent::new("First", Status::Offline)).unwrap().bot_agent_id;
    assert_eq!(c.get_bot_agent_details(&id).unwrap().name, "First");
    assert_eq!(emu.requests().len(), 2);
}

#[test]
fn connect_timeout_is_honoured() {
    // A listener whose accept queue is full drops new SYNs, so a connect
    // hangs until the client's connect timeout (loopback only, as always).
    use std::os::fd::FromRawFd;
    let listener = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        let addr = libc::sockaddr_in {
            sin_family: libc::AF_INET as u16,
            sin_port: 0,
            sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes([127, 0, 0, 1]) },
            sin_zero: [0; 8],
        };
        assert_eq!(libc::bind(fd, &addr as *const _ as *const libc::sockaddr, std::mem::size_of_val(&addr) as u32), 0);
        assert_eq!(libc::listen(fd, 0), 0);
        std::net::TcpListener::from_raw_fd(fd)
    };
    let addr = listener.local_addr().unwrap();
    // Fill the queue: these are never accepted.
    let _held: Vec<_> = (0..4).filter_map(|_| std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()).collect();
    let c = livechat_bots::Client::from_json(
        &json!({"token": "t", "base_url": format!("http://{addr}"), "connect_timeout_ms": 300, "timeout_ms": 10000, "retry": {"max_attempts": 1}}).to_string(),
    )
    .unwrap();
    let started = Instant::now();
    let err = c.create_bot_agent(&CreateBotAgent::new("x", Status::Offline)).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code, ErrorCode::Timeout, "{}", err.message);
    assert!(took >= Duration::from_millis(250) && took < Duration::from_secs(3), "{took:?}");
    assert_eq!(err.outcome, None, "a connect that never finished sent nothing");
}
