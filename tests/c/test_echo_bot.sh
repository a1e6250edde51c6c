#!/usr/bin/env bash
# Runs examples/echo_bot.c's program against the emulator on API v3.0, v3.2
# and v3.6, each with two delivery faults on incoming_event (a lost answer,
# so a delivery is retried, and a duplicate delivery), and checks what the
# customer sees: three echoes, in order, by the bot, none answered twice.
#   test_echo_bot.sh BINARY [RUNNER...]   (RUNNER: e.g. valgrind and its flags)
set -euo pipefail
binary=$1
shift
faults='[{"action":"incoming_event","lost_answer":true},{"action":"incoming_event","duplicate_delivery":true}]'
failed=0
for version in 3.0 3.2 3.6; do
    out=$(LIVECHAT_API_VERSION=$version LCBOT_EMULATOR_CONFIG="{\"webhook_backoff_ms\":20,\"faults\":$faults}" \
        env -u LIVECHAT_TOKEN "$@" "$binary") || { echo "v$version: the echo bot failed:"; echo "$out"; failed=1; continue; }
    transcript=$(grep -E '^  (customer|bot) ' <<<"$out" | sed -E 's/ +/ /g; s/^ //')
    want=$'customer Hello!\nbot echo: Hello!\ncustomer Where is my order?\nbot echo: Where is my order?\ncustomer Thanks, bye\nbot echo: Thanks, bye'
    if [ "$transcript" != "$want" ]; then
        echo "v$version: transcript differs:"; echo "$out"; failed=1; continue
    fi
    if ! grep -qE '^webhook deliveries: [0-9]+ delivered, [1-9][0-9]* retried$' <<<"$out"; then
        echo "v$version: no retried delivery in the summary:"; echo "$out"; failed=1; continue
    fi
    echo "v$version: three echoes in order, one each, with a retried and a duplicated delivery"
done
exit $failed
