#!/bin/sh
# check_wheel.sh WHEEL_DIR VERSION QUICKSTART: checks the one wheel in
# WHEEL_DIR as a user without Rust gets it (run by `make test-wheel`).
#
# - its name says py3-none-manylinux_*_x86_64, and `auditwheel show` agrees;
# - the library inside is stripped and has no test-only hook;
# - installed into a fresh venv, with cargo and rustc off PATH and no
#   package index, it runs QUICKSTART against the embedded emulator.
# Env: PY_PYTHON (python3 by default), AUDITWHEEL (auditwheel's path).
set -eu

wheel_dir=$1 version=$2 quickstart=$3
python=${PY_PYTHON:-python3}
passed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { echo "FAIL: $1" >&2; echo "$passed passed, 1 failed"; exit 1; }

set -- "$wheel_dir"/*.whl
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected exactly one wheel in $wheel_dir"
wheel=$1
name=$(basename "$wheel")
case $name in
    livechat_bots-"$version"-py3-none-manylinux_*_x86_64.whl) pass "name $name" ;;
    *) fail "unexpected wheel name $name" ;;
esac
tag=${name#livechat_bots-"$version"-py3-none-}
tag=${tag%.whl}
"$AUDITWHEEL" show "$wheel" > "$wheel_dir/auditwheel-show.txt" 2>&1
tr -s ' \n' ' ' < "$wheel_dir/auditwheel-show.txt" | grep -q "consistent with the following platform tag: \"$tag\"" \
    || fail "auditwheel show does not confirm $tag: $(cat "$wheel_dir/auditwheel-show.txt")"
pass "auditwheel show: $tag"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m zipfile -e "$wheel" "$work/unpacked"
lib=$work/unpacked/livechat_bots/liblivechat_bots.so
[ -f "$lib" ] || fail "no livechat_bots/liblivechat_bots.so in the wheel"
if readelf -S "$lib" | grep -q -e '\.symtab' -e '\.debug_'; then fail "the library is not stripped"; fi
pass "library stripped ($(wc -c < "$lib") bytes)"
if grep -q lcbot_test_panic "$lib"; then fail "the library has the test-only panic hook"; fi
pass "no test hook"

# PATH without any folder that holds cargo or rustc.
clean_path=$(printf '%s\n' "$PATH" | tr ':' '\n' | while read -r dir; do
    [ -n "$dir" ] && [ ! -e "$dir/cargo" ] && [ ! -e "$dir/rustc" ] && printf '%s:' "$dir"
done)
clean_path=${clean_path%:}
if PATH=$clean_path command -v cargo >/dev/null 2>&1; then fail "cargo is still on PATH"; fi

"$python" -m venv "$work/venv"
PATH=$clean_path "$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
pass "installed with no cargo on PATH and no package index"

# From an empty folder, so nothing of the checkout can be imported.
(cd "$work" && env -u LIVECHAT_TOKEN -u LIVECHAT_BOTS_LIB PATH="$clean_path" "$work/venv/bin/python" "$quickstart") > "$work/quickstart.out" 2>&1 \
    || fail "the quickstart failed: $(cat "$work/quickstart.out")"
grep -q "Using the embedded emulator" "$work/quickstart.out" && grep -q "^Removed:" "$work/quickstart.out" \
    || fail "unexpected quickstart output: $(cat "$work/quickstart.out")"
loaded=$(cd "$work" && env -u LIVECHAT_BOTS_LIB "$work/venv/bin/python" -c 'import livechat_bots._ffi as f; print(f.library_path())')
case $loaded in
    "$work"/venv/*) pass "quickstart ran on the wheel's library ($loaded)" ;;
    *) fail "the library came from $loaded, not from the wheel" ;;
esac
echo "$passed passed, 0 failed"
