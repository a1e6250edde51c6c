//! Verified webhooks per second through the Rust core: a typical
//! `incoming_event` body (a v3.6 message), checked against two secrets (a
//! rotation in progress) and normalized, in rounds.
//!
//!   webhooks_core [--n N] [--rounds R]
//!
//! Prints one JSON document: {"body_bytes", "n", "rounds", "verified_per_s",
//! "us_per_body"} (the median round).

use livechat_bots::{verify_webhook as verify, WebhookSecrets, DEFAULT_MAX_WEBHOOK_BODY_BYTES as DEFAULT_MAX_BODY_BYTES};
use std::time::Instant;

/// A message event as LiveChat v3.6 sends it, with typical ids and sizes.
pub const BODY: &str = r#"{"webhook_id":"5d2c8a0f1e6b4c79b3a8d4e2f0c1b756","secret_key":"rotated-new-key","action":"incoming_event","organization_id":"0b8e5f21-c6a4-4d39-b7e2-5f1a9c3d8e64","payload":{"chat_id":"TF2W9KCJ8M","thread_id":"TF2W9KCJ9N","event":{"id":"TF2W9KCJ9N_7","custom_id":"msg-4f1c2a","created_at":"2025-02-18T09:17:02.114000Z","visibility":"all","type":"message","text":"Hi! Where is my order 4712? It was supposed to arrive yesterday.","author_id":"c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607"}},"additional_data":{"chat_presence_user_ids":["c1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607","8d3f1e2a9b4c5d6e7f80a1b2c3d4e5f6"],"chat_properties":{"routing":{"continuous":false}}}}"#;

fn main() {
    let mut n = 50_000usize;
    let mut rounds = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--n" => n = value,
            "--rounds" => rounds = value,
            other => panic!("unknown option {other}"),
        }
    }
    let secrets = WebhookSecrets::new(&["rotated-new-key", "rotated-old-key"]).expect("secrets");
    let body = BODY.as_bytes();
    for _ in 0..1_000 {
        verify(body, &secrets, DEFAULT_MAX_BODY_BYTES).expect("the body verifies");
    }
    let mut rates: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..n {
                std::hint::black_box(verify(std::hint::black_box(body), &secrets, DEFAULT_MAX_BODY_BYTES).expect("verifies"));
            }
            n as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(|a, b| a.total_cmp(b));
    let median = rates[rates.len() / 2];
    println!(
        "{{\"body_bytes\": {}, \"n\": {n}, \"rounds\": {rounds}, \"verified_per_s\": {median:.0}, \"us_per_body\": {:.3}}}",
        body.len(),
        1e6 / median
    );
}
