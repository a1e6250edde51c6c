//! `--ca-file FILE`: the PEM of more CAs to trust, read for a client's
//! `ca_pem` (checked there, with the library's message).

use std::path::Path;

/// The file's text, or a message naming the flag and the file.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))
}
