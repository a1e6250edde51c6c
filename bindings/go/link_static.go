//go:build !livechat_bots_system

package livechatbots

// Static link mode (the default): the archive that `cargo build --release`
// writes in the repository is linked into the Go binary, so neither the
// build nor the program needs LD_LIBRARY_PATH. Paths are relative to this
// folder, so this mode works from a checkout of the repository (or through a
// `replace` directive pointing at one); build with the
// livechat_bots_system tag to use an installed library instead.
//
// The system libraries are the ones Rust's standard library needs on Linux
// (`cargo rustc --release --lib --crate-type staticlib -- --print
// native-static-libs`), less -lc, which the C toolchain always adds.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: ${SRCDIR}/../../target/release/liblivechat_bots.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
*/
import "C"
