//! Benchmark of the Rust core (`livechat_bots::Client`) against an emulator
//! running in another process, so that only the client's CPU is counted.
//!
//!   rust_core --url URL [--mode typed|json] [--n N] [--mixed N] [--threads 2,4]
//!             [--thread-n N] [--soak N] [--warmup N]
//!
//! `typed` calls the typed methods (`get_bot_agent_details` -> `BotAgentDetails`);
//! `json` calls `Client::execute_json` with JSON text in and out, which is
//! exactly what the C ABI does behind `lcbot_get_bot_agent_details` minus the
//! C boundary, so the two give the FFI cost. Prints one JSON document (the
//! schema of benches/README.md) on stdout.

use livechat_bots::{Action, Client, CreateBotAgent, Group, Priority, UpdateBotAgent};
use std::fmt::Write as _;
use std::sync::Barrier;
use std::time::Instant;

const BOT_NAME: &str = "bench-bot";
const RENAMED: &str = "bench-bot-renamed";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Typed,
    Json,
}

struct Args {
    url: String,
    mode: Mode,
    n: usize,
    mixed: usize,
    threads: Vec<usize>,
    thread_n: usize,
    soak: usize,
    warmup: usize,
}

fn parse_args() -> Args {
    let mut a = Args {
        url: String::new(),
        mode: Mode::Typed,
        n: 20_000,
        mixed: 20_000,
        threads: vec![2, 4],
        thread_n: 20_000,
        soak: 0,
        warmup: 500,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| die(&format!("{flag} needs a value")));
        let num = |v: &str| v.parse::<usize>().unwrap_or_else(|_| die(&format!("{flag}: not a number: {v}")));
        match flag.as_str() {
            "--url" => a.url = value,
            "--mode" => {
                a.mode = match value.as_str() {
                    "typed" => Mode::Typed,
                    "json" => Mode::Json,
                    other => die(&format!("--mode: typed or json, not {other}")),
                }
            }
            "--n" => a.n = num(&value),
            "--mixed" => a.mixed = num(&value),
            "--threads" => {
                a.threads = value.split(',').filter(|s| !s.is_empty()).map(num).filter(|&t| t > 0).collect()
            }
            "--thread-n" => a.thread_n = num(&value),
            "--soak" => a.soak = num(&value),
            "--warmup" => a.warmup = num(&value),
            other => die(&format!("unknown option {other}")),
        }
    }
    if a.url.is_empty() {
        die("--url is required");
    }
    a
}

fn die(msg: &str) -> ! {
    eprintln!("rust_core: {msg}");
    std::process::exit(2)
}

/// user and system CPU of the whole process (every thread), in microseconds.
fn cpu_us() -> (u64, u64) {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    (us(ru.ru_utime), us(ru.ru_stime))
}

/// Resident set size in KiB, from /proc/self/statm.
fn rss_kb() -> u64 {
    let text = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    pages * (unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64) / 1024
}

/// The calls of the benchmark, in one of the two modes.
struct Bench {
    client: Client,
    mode: Mode,
}

impl Bench {
    fn details(&self, id: &str, request_json: &str) -> Result<(), String> {
        match self.mode {
            Mode::Typed => {
                let bot = self.client.get_bot_agent_details(id).map_err(|e| e.message)?;
                if bot.id != id {
                    return Err(format!("details: got bot {} for {id}", bot.id));
                }
                Ok(())
            }
            Mode::Json => self.client.execute_json(Action::GetBotAgentDetails, request_json).map(drop).map_err(|e| e.message),
        }
    }

    fn create(&self) -> Result<String, String> {
        match self.mode {
            Mode::Typed => {
                // No status: v3.3+ refuses it (routing status is the Agent Chat API's).
                let req = CreateBotAgent {
                    name: BOT_NAME.to_owned(),
                    max_chats_count: Some(5),
                    groups: Some(vec![Group { id: 0, priority: Priority::Normal }]),
                    ..Default::default()
                };
                self.client.create_bot_agent(&req).map(|c| c.bot_agent_id).map_err(|e| e.message)
            }
            Mode::Json => {
                let out = self
                    .client
                    .execute_json(
                        Action::CreateBotAgent,
                        r#"{"name":"bench-bot","max_chats_count":5,"groups":[{"id":0,"priority":"normal"}]}"#,
                    )
                    .map_err(|e| e.message)?;
                id_in(&out).ok_or_else(|| format!("create: no id in {out}"))
            }
        }
    }

    fn update(&self, id: &str) -> Result<(), String> {
        match self.mode {
            Mode::Typed => {
                let mut req = UpdateBotAgent::new(id);
                req.name = Some(RENAMED.to_owned());
                req.max_chats_count = Some(4);
                self.client.update_bot_agent(&req).map_err(|e| e.message)
            }
            Mode::Json => {
                let req = format!(r#"{{"id":"{id}","name":"{RENAMED}","max_chats_count":4}}"#);
                self.client.execute_json(Action::UpdateBotAgent, &req).map(drop).map_err(|e| e.message)
            }
        }
    }

    fn list(&self) -> Result<(), String> {
        match self.mode {
            Mode::Typed => {
                let bots = self.client.get_bot_agents(false).map_err(|e| e.message)?;
                if bots.is_empty() {
                    return Err("list: no bots".into());
                }
                Ok(())
            }
            Mode::Json => self.client.execute_json(Action::GetBotAgents, r#"{"all":false}"#).map(drop).map_err(|e| e.message),
        }
    }

    fn remove(&self, id: &str) -> Result<(), String> {
        match self.mode {
            Mode::Typed => self.client.remove_bot_agent(id).map_err(|e| e.message),
            Mode::Json => {
                let req = format!(r#"{{"bot_agent_id":"{id}"}}"#);
                self.client.execute_json(Action::RemoveBotAgent, &req).map(drop).map_err(|e| e.message)
            }
        }
    }
}

/// `"bot_agent_id":"<id>"` in a result document.
fn id_in(doc: &str) -> Option<String> {
    let key = "\"bot_agent_id\":\"";
    let start = doc.find(key)? + key.len();
    let len = doc[start..].find('"')?;
    Some(doc[start..start + len].to_owned())
}

struct Phase {
    name: &'static str,
    threads: usize,
    calls: usize,
    errors: usize,
    first_error: Option<String>,
    wall_ns: u64,
    user_us: u64,
    sys_us: u64,
    lat_ns: Vec<u64>,
}

fn ns_since(t: Instant) -> u64 {
    t.elapsed().as_nanos() as u64
}

/// `n` details calls on one thread.
#[inline(never)]
fn run_details(b: &Bench, id: &str, req: &str, n: usize, lat: &mut Vec<u64>) -> (usize, Option<String>) {
    let mut errors = 0;
    let mut first = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = b.details(id, req);
        lat.push(ns_since(t));
        if let Err(e) = r {
            errors += 1;
            first.get_or_insert(e);
        }
    }
    (errors, first)
}

fn phase_details(b: &Bench, id: &str, req: &str, n: usize) -> Phase {
    let mut lat = Vec::with_capacity(n);
    let (u0, s0) = cpu_us();
    let t0 = Instant::now();
    let (errors, first_error) = run_details(b, id, req, n, &mut lat);
    let wall_ns = ns_since(t0);
    let (u1, s1) = cpu_us();
    Phase { name: "details", threads: 1, calls: n, errors, first_error, wall_ns, user_us: u1 - u0, sys_us: s1 - s0, lat_ns: lat }
}

/// `n` calls in cycles of create, details, update, list, remove.
fn phase_mixed(b: &Bench, n: usize) -> Phase {
    let cycles = n / 5;
    let mut lat = Vec::with_capacity(cycles * 5);
    let mut errors = 0;
    let mut first_error = None;
    let mut note = |r: Result<(), String>, errors: &mut usize| {
        if let Err(e) = r {
            *errors += 1;
            first_error.get_or_insert(e);
        }
    };
    let (u0, s0) = cpu_us();
    let t0 = Instant::now();
    for _ in 0..cycles {
        let t = Instant::now();
        let created = b.create();
        lat.push(ns_since(t));
        let id = match created {
            Ok(id) => id,
            Err(e) => {
                note(Err(e), &mut errors);
                continue;
            }
        };
        let req = format!(r#"{{"bot_agent_id":"{id}"}}"#);
        let t = Instant::now();
        let r = b.details(&id, &req);
        lat.push(ns_since(t));
        note(r, &mut errors);
        let t = Instant::now();
        let r = b.update(&id);
        lat.push(ns_since(t));
        note(r, &mut errors);
        let t = Instant::now();
        let r = b.list();
        lat.push(ns_since(t));
        note(r, &mut errors);
        let t = Instant::now();
        let r = b.remove(&id);
        lat.push(ns_since(t));
        note(r, &mut errors);
    }
    let wall_ns = ns_since(t0);
    let (u1, s1) = cpu_us();
    let calls = lat.len();
    Phase { name: "mixed", threads: 1, calls, errors, first_error, wall_ns, user_us: u1 - u0, sys_us: s1 - s0, lat_ns: lat }
}

/// `n` details calls split over `threads` threads sharing the one client.
fn phase_threads(b: &Bench, id: &str, req: &str, threads: usize, n: usize) -> Phase {
    let per = n / threads;
    let barrier = Barrier::new(threads + 1);
    let (u0, s0) = cpu_us();
    let mut t0 = Instant::now();
    let results: Vec<(Vec<u64>, usize, Option<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut lat = Vec::with_capacity(per);
                    barrier.wait();
                    let (errors, first) = run_details(b, id, req, per, &mut lat);
                    (lat, errors, first)
                })
            })
            .collect();
        barrier.wait();
        t0 = Instant::now();
        handles.into_iter().map(|h| h.join().expect("bench thread panicked")).collect()
    });
    let wall_ns = ns_since(t0);
    let (u1, s1) = cpu_us();
    let mut lat = Vec::with_capacity(per * threads);
    let mut errors = 0;
    let mut first_error = None;
    for (l, e, f) in results {
        lat.extend(l);
        errors += e;
        if first_error.is_none() {
            first_error = f;
        }
    }
    Phase { name: "threads", threads, calls: per * threads, errors, first_error, wall_ns, user_us: u1 - u0, sys_us: s1 - s0, lat_ns: lat }
}

/// Nearest-rank percentile, in microseconds.
fn percentile_us(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn phase_json(p: &mut Phase) -> String {
    p.lat_ns.sort_unstable();
    let wall_s = p.wall_ns as f64 / 1e9;
    let cpu = (p.user_us + p.sys_us) as f64;
    format!(
        concat!(
            "{{\"name\":\"{}\",\"threads\":{},\"calls\":{},\"errors\":{},\"first_error\":{},\"wall_s\":{:.6},",
            "\"cpu_user_s\":{:.6},\"cpu_sys_s\":{:.6},\"calls_per_s\":{:.1},\"cpu_us_per_call\":{:.3},",
            "\"p50_us\":{:.1},\"p99_us\":{:.1}}}"
        ),
        p.name,
        p.threads,
        p.calls,
        p.errors,
        p.first_error.as_deref().map(json_str).unwrap_or_else(|| "null".into()),
        wall_s,
        p.user_us as f64 / 1e6,
        p.sys_us as f64 / 1e6,
        if wall_s > 0.0 { p.calls as f64 / wall_s } else { 0.0 },
        if p.calls > 0 { cpu / p.calls as f64 } else { 0.0 },
        percentile_us(&p.lat_ns, 0.50),
        percentile_us(&p.lat_ns, 0.99),
    )
}

fn main() {
    let args = parse_args();
    let config = format!(r#"{{"token":"dev-token","api_version":"3.6","base_url":{}}}"#, json_str(&args.url));
    let client = Client::from_json(&config).unwrap_or_else(|e| die(&format!("client: {}", e.message)));
    let bench = Bench { client, mode: args.mode };
    let seed = bench.create().unwrap_or_else(|e| die(&format!("seed bot: {e}")));
    let seed_req = format!(r#"{{"bot_agent_id":"{seed}"}}"#);
    bench.details(&seed, &seed_req).unwrap_or_else(|e| die(&format!("first details call: {e}")));
    let rss_setup_kb = rss_kb();

    let mut scratch = Vec::with_capacity(args.warmup);
    run_details(&bench, &seed, &seed_req, args.warmup, &mut scratch);

    let mut phases = Vec::new();
    if args.n > 0 {
        phases.push(phase_details(&bench, &seed, &seed_req, args.n));
    }
    if args.mixed > 0 {
        phases.push(phase_mixed(&bench, args.mixed));
    }
    let rss_after_kb = rss_kb();
    for &t in &args.threads {
        phases.push(phase_threads(&bench, &seed, &seed_req, t, args.thread_n));
    }

    let mut soak = String::from("null");
    if args.soak > 0 {
        // No latency record here: its buffer would count as growth.
        let before = rss_kb();
        let errors = (0..args.soak).filter(|_| bench.details(&seed, &seed_req).is_err()).count();
        let after = rss_kb();
        soak = format!(
            "{{\"calls\":{},\"errors\":{},\"rss_before_kb\":{},\"rss_after_kb\":{},\"growth_kb\":{}}}",
            args.soak,
            errors,
            before,
            after,
            after as i64 - before as i64
        );
    }
    let _ = bench.remove(&seed);

    let phases_json: Vec<String> = phases.iter_mut().map(phase_json).collect();
    println!(
        "{{\"contender\":\"{}\",\"api_version\":\"3.6\",\"library_version\":{},\"rss_setup_kb\":{},\"rss_after_kb\":{},\"phases\":[{}],\"soak\":{}}}",
        if args.mode == Mode::Typed { "rust-core" } else { "rust-core-json" },
        json_str(livechat_bots::VERSION),
        rss_setup_kb,
        rss_after_kb,
        phases_json.join(","),
        soak
    );
}
