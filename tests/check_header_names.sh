#!/usr/bin/env bash
# Fails when the C header declares a name outside the lcbot_ / LCBOT_
# prefix (a macro, a struct or enum tag, a function): every public Rust item
# cbindgen sees ends up in the header unless cbindgen.toml excludes it.
set -euo pipefail
header=${1:?usage: check_header_names.sh HEADER}
code=$(sed -e '/^ *\/\//d' -e '/^ *\*/d' -e '/^\/\*/d' "$header")
leaks=$( {
    grep -oE '^#define [A-Za-z_0-9]+' <<<"$code" | awk '{print $2}'
    grep -oE '(struct|enum) [A-Za-z_0-9]+' <<<"$code" | awk '{print $2}'
    grep -oE '^[a-z_ *0-9]+[ *][A-Za-z_0-9]+\(' <<<"$code" | grep -oE '[A-Za-z_0-9]+\($' | tr -d '('
} | grep -vE '^(lcbot_|LCBOT_|LIVECHAT_BOTS_H$)' | sort -u || true)
if [ -n "$leaks" ]; then
    echo "$header declares names outside lcbot_/LCBOT_ (exclude them in cbindgen.toml):" $leaks >&2
    exit 1
fi
echo "check_header_names: every name in $header is lcbot_/LCBOT_"
