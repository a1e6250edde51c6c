//! What a service running for months meets: idle connections closed by the
//! server, expiring tokens, retiring API versions, and calls that must stop
//! early (per-call deadlines, cancellation).

mod common;
use common::*;
use livechat_bots::{Action, CallOptions, CancelToken, CreateBotAgent, ErrorCode, NoticeKind, Outcome};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn connections_of(emu: &livechat_bots::Emulator, action: &str) -> Vec<u64> {
    logged(emu, action).iter().map(|r| r["connection"].as_u64().unwrap()).collect()
}

#[test]
fn a_write_after_the_server_closed_an_idle_connection_is_sent_once_on_a_new_one() {
    let emu = emulator_with(json!({"idle_timeout_ms": 100}));
    let c = client(&emu, json!({"api_version": "3.6"}));
    c.get_bot_agents(false).unwrap();
    wait_until(10, "the emulator to close the idle connection", || emu.idle_closes() == 1);
    let created = c.create_bot_agent(&CreateBotAgent::named("After idle")).unwrap();
    assert_eq!(emu.bots().len(), 1);
    assert_eq!(logged(&emu, "create_bot").len(), 1, "sent exactly once");
    assert_ne!(connections_of(&emu, "create_bot"), connections_of(&emu, "list_bots"), "a new connection");
    // And a read after the next close, on the same thread.
    wait_until(10, "the second idle close", || emu.idle_closes() == 2);
    assert_eq!(c.get_bot_agent_details(&created.bot_agent_id).unwrap().name, "After idle");
}

#[test]
fn sixteen_threads_write_after_their_connections_were_closed() {
    let emu = emulator_with(json!({"idle_timeout_ms": 100}));
    let c = client(&emu, json!({}));
    let threads = 16;
    let barrier = std::sync::Barrier::new(threads);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (c, emu, barrier) = (&c, &emu, &barrier);
            s.spawn(move || {
                c.get_bot_agents(false).unwrap();
                barrier.wait();
                wait_until(10, "every connection closed", || emu.idle_closes() >= threads as u64);
                c.create_bot_agent(&CreateBotAgent::new(format!("t{t}"), livechat_bots::Status::Offline)).unwrap();
                c.get_bot_agents(false).unwrap();
            });
        }
    });
    assert_eq!(emu.bots().len(), threads);
    assert_eq!(logged(&emu, "create_bot_agent").len(), threads, "each create sent exactly once");
    assert!(logged(&emu, "get_bot_agents").iter().all(|r| r["status"] == 200));
}

#[test]
fn an_expired_token_is_renewed_once_for_many_threads() {
    let scopes = json!(["agents-bot--my:rw", "agents-bot--all:rw"]);
    let emu = emulator_with(json!({"tokens": [
        {"token": "old-token", "client_id": "svc", "scopes": scopes, "expires_in_ms": 300},
        {"token": "new-token", "client_id": "svc", "scopes": scopes},
    ]}));
    let c = client(&emu, json!({"token": "old-token"}));
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    c.set_token_provider(Some(Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Some("new-token".to_owned())
    })));
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..16 {
            let c = &c;
            s.spawn(move || {
                // Calls before, across and after the expiry.
                let mut after = 0;
                while after < 5 {
                    if started.elapsed() > Duration::from_millis(300) {
                        after += 1;
                    }
                    c.get_bot_agents(false).unwrap_or_else(|e| panic!("thread {t}: {e}"));
                    assert!(started.elapsed() < Duration::from_secs(20), "the expiry never came");
                }
            });
        }
    });
    assert_eq!(asked.load(Ordering::SeqCst), 1, "one provider call for all threads");
    let log = emu.requests();
    let first_refusal = log.iter().position(|r| r["status"] == 401).expect("some call crossed the expiry");
    assert!(log[first_refusal..].iter().any(|r| r["status"] == 200), "calls went on with the new token");
}

#[test]
fn without_a_provider_or_a_token_the_authentication_error_reaches_the_caller() {
    let emu = emulator_with(json!({"tokens": [{"token": "old-token", "client_id": "svc", "scopes": ["agents-bot--my:ro"], "expires_in_ms": 0}]}));
    let c = client(&emu, json!({"token": "old-token"}));
    let err = c.get_bot_agents(false).unwrap_err();
    assert_eq!((err.api_type(), err.http_status, err.attempts), (Some("authentication"), Some(401), 1));
    // A provider with nothing to give is asked once; the error goes through.
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    c.set_token_provider(Some(Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        None
    })));
    assert_eq!(c.get_bot_agents(false).unwrap_err().api_type(), Some("authentication"));
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    // A provider whose token is refused too: asked once per call, never more.
    c.set_token_provider(Some(Box::new(|| Some("still-wrong".to_owned()))));
    let err = c.get_bot_agents(false).unwrap_err();
    assert_eq!((err.api_type(), err.attempts), (Some("authentication"), 2));
}

#[test]
fn credentials_are_replaced_while_calls_are_in_flight() {
    let scopes = json!(["agents-bot--my:rw"]);
    let emu = emulator_with(json!({"tokens": [
        {"token": "a-token", "client_id": "svc", "scopes": scopes},
        {"token": "b-token", "client_id": "svc", "scopes": scopes},
    ]}));
    let c = client(&emu, json!({"token": "a-token"}));
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| (0..200).for_each(|_| drop(c.get_bot_agents(false).unwrap())));
        }
        for i in 0..50 {
            let token = if i % 2 == 0 { "b-token" } else { "a-token" };
            c.set_credentials(token, livechat_bots::TokenType::Bearer).unwrap();
        }
    });
    assert!(c.set_credentials("", livechat_bots::TokenType::Bearer).is_err());
    let err = c.set_credentials("bad\ntoken", livechat_bots::TokenType::Bearer).unwrap_err();
    assert!(!err.message.contains("bad\ntoken"));
}

#[test]
fn a_retiring_version_is_noticed_once_with_its_date() {
    let emu = emulator_with(json!({"versions": {
        "3.3": {"stage": "deprecated", "until": "2027-01-31"},
        "3.4": {"stage": "legacy", "until": "2027-06-30"},
    }}));
    for (version, kind, until) in [("3.3", NoticeKind::Deprecated, "2027-01-31"), ("3.4", NoticeKind::Legacy, "2027-06-30")] {
        let c = client(&emu, json!({"api_version": version}));
        let told = Arc::new(AtomicUsize::new(0));
        let counter = told.clone();
        c.notices().set_handler(Some(Arc::new(move |n: &livechat_bots::Notice| {
            assert!(n.message().contains(&n.until));
            counter.fetch_add(1, Ordering::SeqCst);
        })));
        for _ in 0..5 {
            c.get_bot_agents(false).unwrap();
        }
        assert_eq!(told.load(Ordering::SeqCst), 1, "v{version}: told once");
        let all = c.notices().all();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].kind, all[0].until.as_str(), all[0].api_version.as_str()), (kind, until, version));
    }
    let stable = client(&emu, json!({"api_version": "3.6"}));
    stable.get_bot_agents(false).unwrap();
    assert!(stable.notices().all().is_empty());
}

#[test]
fn a_cancelled_call_returns_long_before_the_stall_ends() {
    let emu = emulator();
    let c = client(&emu, json!({}));
    for (action, request, write) in [
        (Action::CreateBotAgent, json!({"name": "Stalled", "status": "offline"}), true),
        (Action::GetBotAgents, json!({}), false),
    ] {
        emu.inject_json(&json!({"action": action.name(), "delay_ms": 5000}).to_string()).unwrap();
        let token = CancelToken::new();
        let options = CallOptions { cancel: Some(token.clone()), ..Default::default() };
        let arrived = || emu.requests().len();
        let before = arrived();
        std::thread::scope(|s| {
            let call = s.spawn(|| c.execute_with(action, &request, &options));
            // The stalled request is logged when it ends; its fault is taken
            // from the queue when it arrives.
            wait_until(10, "the request to be in flight", || emu.pending_faults() == 0);
            let cancelled_at = Instant::now();
            token.cancel();
            let err = call.join().unwrap().unwrap_err();
            assert!(cancelled_at.elapsed() < Duration::from_secs(1), "{:?}", cancelled_at.elapsed());
            assert_eq!(err.code, ErrorCode::Cancelled);
            assert_eq!(err.outcome, if write { Some(Outcome::Unknown) } else { None }, "{action:?}");
            assert_eq!(err.to_document()["code"], "cancelled");
        });
        assert_eq!(before, arrived(), "the stalled request is still running on the server");
    }
    // Cancelled before it starts: nothing is sent.
    let token = CancelToken::new();
    token.cancel();
    let options = CallOptions { cancel: Some(token), ..Default::default() };
    let err = c.execute_with(Action::GetBotAgents, &json!({}), &options).unwrap_err();
    assert_eq!((err.code, err.attempts, err.outcome), (ErrorCode::Cancelled, 0, None));
}

#[test]
fn a_cancel_during_the_wait_between_retries_ends_the_call() {
    let emu = emulator();
    let c = client(&emu, json!({"timeout_ms": 120000, "retry": {"max_attempts": 3, "base_delay_ms": 60000, "max_delay_ms": 60000}}));
    emu.inject_json(r#"{"action": "get_bot_agents", "status": 503, "retry_after_s": 30}"#).unwrap();
    let token = CancelToken::new();
    let options = CallOptions { cancel: Some(token.clone()), ..Default::default() };
    std::thread::scope(|s| {
        let call = s.spawn(|| c.execute_with(Action::GetBotAgents, &json!({}), &options));
        wait_until(10, "the first attempt's answer", || !logged(&emu, "get_bot_agents").is_empty());
        let t0 = Instant::now();
        token.cancel();
        let err = call.join().unwrap().unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(1));
        assert_eq!((err.code, err.attempts), (ErrorCode::Cancelled, 1));
    });
}

#[test]
fn a_per_call_timeout_bounds_the_call_on_the_clients_own_connection() {
    let emu = emulator();
    let c = client(&emu, json!({"timeout_ms": 30000}));
    c.get_bot_agents(false).unwrap();
    emu.inject_json(r#"{"action": "get_bot_agents", "delay_ms": 3000}"#).unwrap();
    let options = CallOptions { timeout: Some(Duration::from_millis(200)), ..Default::default() };
    let t0 = Instant::now();
    let err = c.execute_with(Action::GetBotAgents, &json!({}), &options).unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    // Calls with their own short deadlines reuse one connection.
    let quick = CallOptions { timeout: Some(Duration::from_millis(5000)), ..Default::default() };
    for _ in 0..5 {
        c.execute_with(Action::GetBotAgents, &json!({}), &quick).unwrap();
    }
    let mut connections = connections_of(&emu, "get_bot_agents");
    connections.sort();
    connections.dedup();
    // The first connection, and the one opened after the stalled attempt was abandoned.
    assert!(connections.len() <= 2, "{connections:?}");
}
