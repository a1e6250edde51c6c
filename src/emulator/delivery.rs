//! Webhook delivery: sends what the store planned (see `outbox`) from the
//! emulator's own runtime threads, after the store's lock is released so a
//! slow receiver never holds up an API call, one queue per receiver and
//! chat, with retries and delivery faults, into the delivery log.

use crate::emulator::log::now_ms;
use crate::emulator::outbox::Outgoing;
use crate::emulator::state::{lock, Job, Shared};
use serde_json::{json, Value};
use std::sync::Arc;

/// Sends the deliveries the store planned (call with the store unlocked).
pub(crate) fn flush(shared: &Arc<Shared>) {
    let outgoing = std::mem::take(&mut lock(&shared.store).outbox);
    if !outgoing.is_empty() {
        dispatch(shared, outgoing);
    }
}

/// Whether `url` may be posted to: http(s) to a loopback host, or anything
/// when remote targets are allowed.
pub(crate) fn allowed_target(url: &str, allow_remote: bool) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| "not a valid URL".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only http and https URLs".into());
    }
    if allow_remote {
        return Ok(());
    }
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if loopback {
        Ok(())
    } else {
        Err("not a loopback address (set webhook_allow_remote to allow it)".into())
    }
}

/// Sends planned deliveries from the emulator's runtime (never blocking the
/// caller). Deliveries to one URL about one chat go one at a time, in the
/// order they happened, so a bot reads a chat's messages in the order they
/// were written; other chats' deliveries go meanwhile.
pub(crate) fn dispatch(shared: &Arc<Shared>, outgoing: Vec<Outgoing>) {
    let Some(handle) = shared.runtime.get() else { return };
    let mut queues = lock(&shared.delivery_queues);
    for out in outgoing {
        let faults = shared.take_delivery_faults(&out.action);
        // Logged now, "pending", so that the log shows a delivery from the
        // moment it is planned, also while it waits behind others in its queue.
        let (seq, duplicate) = {
            let mut log = lock(&shared.deliveries);
            let seq = log.start(&out, false);
            (seq, faults.duplicate.then(|| log.start(&out, true)))
        };
        let mut job = Some((out, faults, seq, duplicate));
        // A queue whose worker ended (the runtime stopping) is replaced.
        for _ in 0..2 {
            let key = job.as_ref().map(|(o, ..)| queue_key(o)).unwrap_or_default();
            let sender = queues.entry(key).or_insert_with(|| {
                let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
                handle.spawn(deliver_in_order(shared.clone(), receiver));
                sender
            });
            match sender.send(job.take().expect("a job to send")) {
                Ok(()) => break,
                Err(returned) => {
                    job = Some(returned.0);
                    queues.retain(|_, s| !s.is_closed());
                }
            }
        }
    }
}

/// The queue a delivery waits in: its URL and the chat it is about.
fn queue_key(out: &Outgoing) -> String {
    let payload = out.body.get("payload").or_else(|| out.body.get("data"));
    let chat = payload.and_then(|p| p.get("chat_id").or_else(|| p.get("chat").and_then(|c| c.get("id"))));
    format!("{} {}", out.url, chat.and_then(Value::as_str).unwrap_or(""))
}

async fn deliver_in_order(shared: Arc<Shared>, mut jobs: tokio::sync::mpsc::UnboundedReceiver<Job>) {
    while let Some((out, faults, seq, duplicate)) = jobs.recv().await {
        deliver(&shared, &out, seq, faults.lost_answer).await;
        if let Some(seq) = duplicate {
            deliver(&shared, &out, seq, false).await;
        }
    }
}

/// The deliverer's HTTP client, on the library's TLS configuration (ring's
/// crypto; reqwest has no provider of its own): the system's roots for a
/// receiver over https, or none when they cannot be read.
fn delivery_client() -> Option<reqwest::Client> {
    let tls = crate::http::tls::client_config(None).or_else(|_| crate::http::tls::no_roots_config()).ok()?;
    reqwest::Client::builder().tls_backend_preconfigured(tls).build().ok()
}

/// Sends one delivery (logged as `at`) with its retries; `lost_answer`
/// makes the first try count as failed whatever the receiver answered.
async fn deliver(shared: &Shared, out: &Outgoing, at: usize, lost_answer: bool) {
    let config = shared.delivery.clone();
    if let Err(why) = allowed_target(&out.url, config.allow_remote) {
        lock(&shared.deliveries).update(at, |e| {
            e.insert("state".into(), json!("refused"));
            e.insert("error".into(), json!(why));
        });
        return;
    }
    let Some(client) = shared.http.get_or_init(delivery_client).clone() else {
        lock(&shared.deliveries).update(at, |e| {
            e.insert("state".into(), json!("failed"));
            e.insert("error".into(), json!("the emulator could not make its HTTP client"));
        });
        return;
    };
    let mut wait = config.backoff;
    for attempt in 1..=config.tries.max(1) {
        let started = std::time::Instant::now();
        let sent = client
            .post(&out.url)
            .header("Content-Type", "application/json")
            .timeout(config.timeout)
            .body(out.body.to_string())
            .send()
            .await;
        let (status, mut error) = match sent {
            Ok(resp) => (Some(resp.status().as_u16()), None),
            Err(e) if e.is_timeout() => (None, Some("timeout".to_owned())),
            Err(_) => (None, Some("connection failed".to_owned())),
        };
        let lost = lost_answer && attempt == 1;
        if lost {
            error = Some("answer lost (injected fault)".to_owned());
        }
        let ok = !lost && status.is_some_and(|s| (200..300).contains(&s));
        let try_doc = json!({
            "attempt": attempt,
            "time_ms": now_ms(),
            "status": status,
            "error": error,
            "duration_ms": started.elapsed().as_secs_f64() * 1000.0,
        });
        let last = attempt >= config.tries.max(1);
        lock(&shared.deliveries).update(at, |e| {
            if let Some(Value::Array(tries)) = e.get_mut("tries") {
                tries.push(try_doc);
            }
            if ok {
                e.insert("state".into(), json!("delivered"));
            } else if last {
                e.insert("state".into(), json!("failed"));
            }
        });
        if ok || last {
            return;
        }
        tokio::time::sleep(wait).await;
        wait = wait.saturating_mul(2);
    }
}
