//! The emulator's HTTPS: at start, a CA of its own and a server certificate
//! it signs (for `localhost` and `127.0.0.1` unless configured), made fresh
//! each run; clients trust the CA's PEM (`Emulator::ca_pem`) as a root.
//! A test may ask for a certificate for other names or one already expired,
//! to see how clients refuse it.

use crate::error::{Error, ErrorCode, Result};
use crate::validate::object;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use std::sync::Arc;

/// The names the server certificate is for, by default.
const DEFAULT_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// How the emulator's certificate is made (`"tls"` in its config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// Host names and IP addresses the server certificate is valid for.
    pub names: Vec<String>,
    /// Makes the server certificate one that expired long ago.
    pub expired: bool,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions { names: DEFAULT_NAMES.iter().map(|n| n.to_string()).collect(), expired: false }
    }
}

impl TlsOptions {
    /// Reads `"tls"`: `true`, `false`, or `{"names": [...], "expired": bool}`.
    pub(crate) fn from_value(value: &Value, path: &str) -> Result<Option<TlsOptions>> {
        match value {
            Value::Bool(false) => Ok(None),
            Value::Bool(true) => Ok(Some(TlsOptions::default())),
            Value::Object(_) => {
                let o = object(value, path)?;
                o.only(&["names", "expired"])?;
                let mut options = TlsOptions::default();
                if o.get("names").is_some() {
                    o.req_array("names", crate::validate::string_item)?;
                    let names: Vec<String> =
                        o.get("names").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
                    if names.is_empty() {
                        return Err(Error::validation(format!("{path}.names: must name at least one host")));
                    }
                    options.names = names;
                }
                options.expired = o.opt_bool("expired")?.unwrap_or(false);
                Ok(Some(options))
            }
            _ => Err(Error::validation(format!("{path}: expected true, false or an object"))),
        }
    }
}

/// What a TLS emulator serves with, and the CA clients trust.
pub(crate) struct ServerTls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    pub ca_pem: String,
}

/// Makes the CA, the server certificate and the server's TLS configuration.
pub(crate) fn make(options: &TlsOptions) -> Result<ServerTls> {
    let failed = |what: &str, e: &dyn std::fmt::Display| Error::new(ErrorCode::Transport, format!("emulator: cannot make its {what}: {e}"));
    let ca_key = KeyPair::generate().map_err(|e| failed("CA key", &e))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| failed("CA", &e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    // A name of its own: two emulators' CAs must not pass for each other.
    ca_params.distinguished_name.push(DnType::CommonName, format!("livechat-bots emulator CA {:016x}", fastrand::u64(..)));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(|e| failed("CA", &e))?;
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().map_err(|e| failed("server key", &e))?;
    let mut params = CertificateParams::new(options.names.clone())
        .map_err(|e| Error::validation(format!("config_json.tls.names: {e}")))?;
    params.distinguished_name.push(DnType::CommonName, "livechat-bots emulator");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if options.expired {
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        params.not_after = rcgen::date_time_ymd(2001, 1, 1);
    }
    let cert = params.signed_by(&key, &issuer).map_err(|e| failed("certificate", &e))?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed("TLS configuration", &e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone(), ca_cert.der().clone()], key_der)
        .map_err(|e| failed("TLS configuration", &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(ServerTls { acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)), ca_pem: ca_cert.pem() })
}
