//! Generates include/livechat_bots.h with cbindgen, writing it only when its
//! text changes so that an unchanged header never looks modified.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    // A build with other features rewrites the header for itself; this one
    // must then write its own again, not trust its cached run.
    println!("cargo:rerun-if-changed=include/livechat_bots.h");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    // The header describes the build it comes with: LCBOT_HAS_EMULATOR only
    // when the emulator is compiled in (the default features).
    if std::env::var_os("CARGO_FEATURE_EMULATOR").is_some() {
        config.after_includes = Some(
            "\n/* This build has the emulator (the default features); without it the lcbot_emulator_* functions do not exist. */\n#define LCBOT_HAS_EMULATOR 1".into(),
        );
    }
    // The soname follows the C ABI's version, which changes exactly when a
    // program built against an older header could break.
    let abi = abi_version(&crate_dir);
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liblivechat_bots.so.{abi}");
    let bindings = match cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate() {
        Ok(b) => b,
        Err(e) => panic!("cbindgen could not generate the header: {e}"),
    };
    let mut text = Vec::new();
    bindings.write(&mut text);
    let path = crate_dir.join("include").join("livechat_bots.h");
    if std::fs::read(&path).ok().as_deref() != Some(text.as_slice()) {
        std::fs::create_dir_all(path.parent().unwrap()).expect("create include/");
        std::fs::write(&path, text).expect("write include/livechat_bots.h");
    }
}

/// `LCBOT_ABI_VERSION`, read from its one definition in src/ffi/strings.rs.
fn abi_version(crate_dir: &std::path::Path) -> u32 {
    let source = std::fs::read_to_string(crate_dir.join("src/ffi/strings.rs")).expect("read src/ffi/strings.rs");
    source
        .lines()
        .find_map(|l| l.strip_prefix("pub const LCBOT_ABI_VERSION: u32 = ")?.strip_suffix(';')?.parse().ok())
        .expect("src/ffi/strings.rs defines LCBOT_ABI_VERSION")
}
