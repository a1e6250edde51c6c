//! Notices that the configured API version is retiring: LiveChat marks the
//! answers of a legacy version with a `Legacy` header and those of a
//! deprecated one with `Deprecation`, each holding the date its stage ends.

use crate::version::ApiVersion;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Told of each notice once, on the thread of the call that saw it.
pub type NoticeHandler = Arc<dyn Fn(&Notice) + Send + Sync>;

/// Which stage of retirement the version is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A legacy version (`Legacy` header): still served, no longer developed.
    Legacy,
    /// A deprecated version (`Deprecation` header): to be switched off.
    Deprecated,
}

impl NoticeKind {
    /// `legacy` or `deprecated`.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Legacy => "legacy",
            NoticeKind::Deprecated => "deprecated",
        }
    }
}

/// One notice: the configured version is retiring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Legacy or deprecated.
    pub kind: NoticeKind,
    /// The version it concerns (the client's).
    pub api_version: ApiVersion,
    /// The date the stage ends, as LiveChat sent it (`YYYY-MM-DD`).
    pub until: String,
}

impl Notice {
    /// A sentence for a log.
    pub fn message(&self) -> String {
        let v = self.api_version.as_str();
        match self.kind {
            NoticeKind::Legacy => format!(
                "LiveChat API v{v} is legacy until {}: it gets only critical fixes and will be deprecated, then turned off; move to a stable version",
                self.until
            ),
            NoticeKind::Deprecated => format!(
                "LiveChat API v{v} is deprecated and will be turned off after {}: move to a stable version before then",
                self.until
            ),
        }
    }

    /// The notice as the C ABI's notice document.
    pub fn to_json(&self) -> Value {
        json!({"kind": self.kind.as_str(), "api_version": self.api_version.as_str(), "until": self.until, "message": self.message()})
    }
}

/// A client's notices: each kind is recorded and told once.
pub struct Notices {
    version: ApiVersion,
    /// Read on every answer without a lock: nothing slows once a kind is seen.
    seen: [AtomicBool; 2],
    all: Mutex<Vec<Notice>>,
    handler: RwLock<Option<NoticeHandler>>,
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notices").field("all", &self.all()).finish()
    }
}

impl Notices {
    pub(crate) fn new(version: ApiVersion) -> Self {
        Notices { version, seen: Default::default(), all: Mutex::new(Vec::new()), handler: RwLock::new(None) }
    }

    /// Sets (or with `None` removes) the function called once per new notice.
    pub fn set_handler(&self, handler: Option<NoticeHandler>) {
        *self.handler.write().unwrap_or_else(|p| p.into_inner()) = handler;
    }

    /// Every notice seen so far, each once.
    pub fn all(&self) -> Vec<Notice> {
        self.all.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Looks at an answer's `Legacy` and `Deprecation` headers.
    pub(crate) fn observe(&self, legacy: Option<&str>, deprecation: Option<&str>) {
        for (kind, value) in [(NoticeKind::Legacy, legacy), (NoticeKind::Deprecated, deprecation)] {
            let Some(until) = value else { continue };
            if self.seen[kind as usize].swap(true, Ordering::AcqRel) {
                continue;
            }
            // The header is the server's text: keep it short and printable.
            let until: String = until.trim().chars().filter(|c| !c.is_control()).take(64).collect();
            let notice = Notice { kind, api_version: self.version, until };
            self.all.lock().unwrap_or_else(|p| p.into_inner()).push(notice.clone());
            let handler = self.handler.read().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(h) = handler {
                // A handler that panics must not fail the call that was answered.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| h(&notice)));
            }
        }
    }
}
