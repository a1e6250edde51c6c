//! The state every connection's handlers share ([`Shared`]: the store, the
//! faults, the logs, the delivery queues), and [`lock`], which every one of
//! them takes it with.

use crate::emulator::config::{DeliveryConfig, RetiringStage, TokenGrant};
use crate::emulator::delivery_log::DeliveryLog;
use crate::emulator::faults::{take_first, Fault};
use crate::emulator::log::RequestLog;
use crate::emulator::outbox::Outgoing;
use crate::emulator::store::Store;
use crate::version::ApiVersion;
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub faults: Mutex<VecDeque<Fault>>,
    pub log: Mutex<RequestLog>,
    pub tokens: Vec<TokenGrant>,
    /// When the emulator started: tokens expire relative to it.
    pub started: std::time::Instant,
    pub stages: Vec<(ApiVersion, RetiringStage)>,
    /// Keep-alive connections closed for being idle (see `idle_timeout_ms`).
    pub idle_closes: std::sync::atomic::AtomicU64,
    /// The emulator's runtime, where webhook deliveries run.
    pub runtime: std::sync::OnceLock<tokio::runtime::Handle>,
    pub delivery: DeliveryConfig,
    pub deliveries: Mutex<DeliveryLog>,
    /// One queue per receiver URL, so that its deliveries go in order.
    pub delivery_queues: Mutex<std::collections::HashMap<String, tokio::sync::mpsc::UnboundedSender<Job>>>,
    /// The client deliveries are POSTed with (`None`: it could not be made).
    pub http: std::sync::OnceLock<Option<reqwest::Client>>,
}

impl Shared {
    /// Takes the delivery faults waiting for a webhook `action`: whether to
    /// send it twice, and whether its first try's answer is lost.
    pub fn take_delivery_faults(&self, action: &str) -> DeliveryFaults {
        let mut faults = lock(&self.faults);
        let mut take = |wanted: fn(&Fault) -> bool| take_first(&mut faults, |f| wanted(f) && f.matches(action)).is_some();
        DeliveryFaults { duplicate: take(|f| f.duplicate_delivery), lost_answer: take(|f| f.lost_answer) }
    }
}

/// The delivery faults taken for one delivery.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DeliveryFaults {
    pub duplicate: bool,
    pub lost_answer: bool,
}

/// Locks, going on after a panic elsewhere: every update here is a single
/// step, so the data is never left half-changed.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One delivery waiting in its receiver's queue, with the faults taken for
/// it, its `seq` in the delivery log and its duplicate's (when a fault sends
/// it twice).
pub(crate) type Job = (Outgoing, DeliveryFaults, usize, Option<usize>);
