//! When a failed attempt may be repeated, and how long to wait first.

use crate::error::{Error, Result};
use std::time::{Duration, SystemTime};

/// Exponential backoff with full jitter, bounded by `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The wait before the second attempt; each later one doubles it, with jitter.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_millis(5000),
        }
    }
}

impl RetryPolicy {
    pub(crate) fn check(&self) -> Result<()> {
        if !(1..=10).contains(&self.max_attempts) {
            return Err(Error::validation(format!(
                "retry.max_attempts: expected an integer from 1 to 10; got {}",
                self.max_attempts
            )));
        }
        if self.base_delay > self.max_delay {
            return Err(Error::validation("retry.base_delay_ms: must not exceed retry.max_delay_ms"));
        }
        Ok(())
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): a random
    /// time up to `base * 2^(attempt-1)`, or the server's `Retry-After` when
    /// it gave one, both capped by `max_delay`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let ceiling = self
            .base_delay
            .saturating_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        let ms = ceiling.as_millis() as u64;
        Duration::from_millis(if ms == 0 { 0 } else { fastrand::u64(0..=ms) })
    }
}

/// Reads a `Retry-After` header: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// HTTP statuses after which a read is tried again.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_under_the_exponential_ceiling_and_the_cap() {
        let p = RetryPolicy::default();
        for attempt in 1..12 {
            let ceiling = (200u64 << (attempt - 1)).min(5000);
            for _ in 0..50 {
                assert!(p.delay(attempt, None) <= Duration::from_millis(ceiling));
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_but_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, Some(Duration::from_secs(2))), Duration::from_secs(2));
        assert_eq!(p.delay(1, Some(Duration::from_secs(60))), Duration::from_millis(5000));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        let soon = SystemTime::now() + Duration::from_secs(30);
        let d = parse_retry_after(&httpdate::fmt_http_date(soon)).unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
