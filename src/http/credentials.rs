//! The client's credentials: replaceable while calls are in flight, and
//! renewed through a token provider when LiveChat refuses them.

use crate::error::{Error, Result};
use crate::http::config::TokenType;
use reqwest::header::HeaderValue;
use std::sync::{Arc, Mutex, RwLock};

/// Asked for a new token when LiveChat answers `authentication`; `None`
/// means it has none, and the error goes to the caller. The token is sent
/// with the client's token type.
pub type TokenProvider = Box<dyn Fn() -> Option<String> + Send + Sync>;

struct Current {
    /// `Bearer <token>` or `Basic <credential>`, marked sensitive.
    header: HeaderValue,
    token_type: TokenType,
    /// Bumped on every change, so that calls that failed with the same old
    /// token ask the provider once between them.
    generation: u64,
}

pub struct Credentials {
    current: RwLock<Arc<Current>>,
    /// Held while the provider runs: one provider call at a time.
    provider: Mutex<Option<TokenProvider>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials([redacted])")
    }
}

impl Credentials {
    pub fn new(token: &str, token_type: TokenType) -> Result<Self> {
        let header = header(token, token_type)?;
        Ok(Credentials {
            current: RwLock::new(Arc::new(Current { header, token_type, generation: 0 })),
            provider: Mutex::new(None),
        })
    }

    /// The header to send now, and its generation.
    pub fn current(&self) -> (HeaderValue, u64) {
        let c = self.current.read().unwrap_or_else(|p| p.into_inner());
        (c.header.clone(), c.generation)
    }

    pub fn replace(&self, token: &str, token_type: TokenType) -> Result<()> {
        let header = header(token, token_type)?;
        let mut c = self.current.write().unwrap_or_else(|p| p.into_inner());
        let generation = c.generation + 1;
        *c = Arc::new(Current { header, token_type, generation });
        Ok(())
    }

    pub fn set_provider(&self, provider: Option<TokenProvider>) {
        *self.provider.lock().unwrap_or_else(|p| p.into_inner()) = provider;
    }

    /// After the credentials of `failed` were refused: true when newer ones
    /// are in place (another call's provider run, or this one's).
    pub fn refresh(&self, failed: u64) -> bool {
        let provider = self.provider.lock().unwrap_or_else(|p| p.into_inner());
        let (token_type, generation) = {
            let c = self.current.read().unwrap_or_else(|p| p.into_inner());
            (c.token_type, c.generation)
        };
        if generation != failed {
            return true;
        }
        let Some(provider) = provider.as_ref() else { return false };
        // A provider that panics has no token to give.
        let token = std::panic::catch_unwind(std::panic::AssertUnwindSafe(provider)).ok().flatten();
        match token {
            Some(token) if !token.is_empty() => self.replace(&token, token_type).is_ok(),
            _ => false,
        }
    }
}

fn header(token: &str, token_type: TokenType) -> Result<HeaderValue> {
    if token.is_empty() {
        return Err(Error::validation("token: must not be empty"));
    }
    let scheme = match token_type {
        TokenType::Bearer => "Bearer",
        TokenType::Basic => "Basic",
    };
    let mut value = HeaderValue::from_str(&format!("{scheme} {token}"))
        // Never echo the token itself.
        .map_err(|_| Error::validation("token: contains a character not allowed in an HTTP header"))?;
    // Marked sensitive so that no Debug print of a request shows it.
    value.set_sensitive(true);
    Ok(value)
}
