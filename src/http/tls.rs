//! TLS for the client: the certificate verifier and rustls configuration,
//! made once per client and shared by every calling thread's reqwest client.
//!
//! Left to itself, reqwest builds a verifier per `reqwest::Client`, and so
//! reads and parses the system's roots again for every thread that calls
//! (measured: about 0.34 MB and a full handshake per thread, BENCHMARKS.md).
//! Built here once, the threads share one root store and one session cache.
//! The roots are reqwest's own choice, rustls-platform-verifier: on Linux the
//! system's bundle (`SSL_CERT_FILE` and `SSL_CERT_DIR` replace it), on macOS
//! and Windows the OS verifier; `ca_pem` adds roots beside them.

use crate::error::{Error, ErrorCode, Result};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::sync::Arc;

/// The certificates of `ca_pem` (PEM text, one or more `CERTIFICATE`
/// sections), each checked to be usable as a root.
pub(crate) fn parse_ca_pem(ca_pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(ca_pem.as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::validation(format!("ca_pem: not valid PEM ({e})")))?;
    if certs.is_empty() {
        return Err(Error::validation("ca_pem: no certificate found (expected PEM text with -----BEGIN CERTIFICATE-----)"));
    }
    let mut store = rustls::RootCertStore::empty();
    for (i, cert) in certs.iter().enumerate() {
        store
            .add(cert.clone())
            .map_err(|e| Error::validation(format!("ca_pem: certificate {} cannot be a root ({e})", i + 1)))?;
    }
    Ok(certs)
}

/// The TLS configuration of one client: the system's roots plus `ca_pem`'s,
/// HTTP/1.1 by ALPN (the only version the client speaks).
pub(crate) fn client_config(ca_pem: Option<&str>) -> Result<rustls::ClientConfig> {
    let extra = match ca_pem {
        Some(text) => parse_ca_pem(text)?,
        None => Vec::new(),
    };
    let provider = provider();
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone()).map_err(cannot)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(cannot)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The configuration of a client over plain http, which never checks a
/// certificate: no roots (none are read), so that reqwest, which wants one
/// anyway, does not make its own with a provider the process may not have.
pub(crate) fn no_roots_config() -> Result<rustls::ClientConfig> {
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(cannot)?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}

/// The crypto: one the process installed, else ring's (see Cargo.toml for
/// why not aws-lc-rs).
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

fn cannot(e: rustls::Error) -> Error {
    Error::new(ErrorCode::Transport, format!("cannot set up TLS: {e}"))
}

/// Why the server's certificate was refused, in words, when that is what
/// ended a request: rustls names some causes only by their Rust names.
pub(crate) fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    use rustls::CertificateError as C;
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(rustls::Error::InvalidCertificate(cause)) = inside_io_errors(s).downcast_ref::<rustls::Error>() {
            let why = match cause {
                C::UnknownIssuer => "unknown issuer: no trusted root signed it (add the issuer with ca_pem or SSL_CERT_FILE)".to_owned(),
                C::Expired | C::ExpiredContext { .. } => format!("the certificate has expired ({cause})"),
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    format!("the certificate is not valid for the host name ({cause})")
                }
                C::BadSignature => "bad signature: a trusted root of the same name did not sign it".to_owned(),
                other => other.to_string(),
            };
            return Some(format!("the server's certificate was refused: {why}"));
        }
        source = s.source();
    }
    None
}

/// The error inside (nested) io::Errors: rustls's reaches reqwest wrapped
/// in two, and an io::Error's `source()` skips what it wraps.
fn inside_io_errors<'a>(mut e: &'a (dyn std::error::Error + 'static)) -> &'a (dyn std::error::Error + 'static) {
    while let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
        e = inner;
    }
    e
}
