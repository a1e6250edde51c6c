//go:build livechat_bots_system

package livechatbots

// System link mode (`-tags livechat_bots_system`): the header and library
// are found through pkg-config's livechat-bots.pc, as installed by the
// repository's `make install`. With a shared library the program needs it on
// the loader's path at run time (ldconfig, or LD_LIBRARY_PATH for a prefix
// the loader does not search).

/*
#cgo pkg-config: livechat-bots
*/
import "C"
