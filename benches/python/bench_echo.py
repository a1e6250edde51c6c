"""End to end: customer messages per second answered by the Python echo bot.

    python benches/python/bench_echo.py [--chats 4] [--messages 500] [--api-version 3.6]

One emulator, the bot of examples/echo_bot.py (its own http.server webhook
receiver, Bot.send_message for the echo) and ``--chats`` customers in
parallel, each writing ``--messages`` messages, the next one once the echo of
the one before is in. The emulator delivers each message as an
``incoming_event`` webhook; the bot verifies it and answers.

The latency of a message is the time from the customer's message to the
bot's echo in the transcript (their ``created_at`` times, stamped by the
emulator). A customer learns that its echo is in from the bot's handler
returning (``send_message`` has returned by then), not by polling, so that
polling costs no CPU the bot could use. One warm-up chat of 5 messages is
not counted.

Prints one JSON document on stdout: ``{"impl": "python", "messages",
"seconds", "messages_per_s", "p50_ms", "p99_ms", "chats", "api_version"}``.
No assertion: a measurement. Exits 1 when an echo did not come within 10 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from livechat_bots import Client, Emulator, EmulatorChat
from livechat_bots.webhooks import IncomingChat, IncomingEvent

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "echo_bot.py"
WAIT_S = 10.0


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("echo_bot", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stamp(created_at: str | None) -> float:
    return datetime.strptime(str(created_at), "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def latencies_ms(chat: EmulatorChat) -> list[float]:
    """Each customer message's time to its echo, from the transcript."""
    asked = {e.text: stamp(e.created_at) for e in chat.transcript if e.author_type == "customer"}
    out = []
    for e in chat.transcript:
        if e.author_type == "bot" and e.text is not None and e.text.startswith("echo: "):
            out.append((stamp(e.created_at) - asked[e.text[len("echo: ") :]]) * 1000.0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=4)
    parser.add_argument("--messages", type=int, default=500, help="messages per chat")
    parser.add_argument("--api-version", default="3.6")
    args = parser.parse_args()
    echo_bot = load_example()

    answered: dict[str, threading.Event] = {}  # chat id -> its customer's "the echo is in"

    def customer(emu: Emulator, name: str, count: int, failures: list[str], chat_ids: list[str]) -> None:
        done = threading.Event()
        started = emu.start_chat(group_id=0, text=f"{name}-0")  # routed, and delivered, at once
        answered[started.chat_id] = done
        chat_ids.append(started.chat_id)
        for i in range(count):
            if i > 0:
                emu.send_message(started.chat_id, f"{name}-{i}")
            if not done.wait(WAIT_S):
                failures.append(f"{name}-{i}: no echo within {WAIT_S} s")
                return
            done.clear()

    with Emulator() as emu, Client("dev-token", api_version=args.api_version, base_url=emu.url) as client:
        with echo_bot.run_echo_bot(client, client_id="dev-client", organization_id=emu.organization_id) as echo:
            if args.chats > 6:  # the bot's default max_chats_count
                client.update_bot_agent(echo.bot.bot_agent_id, max_chats_count=args.chats)
            handle, bot_id = echo.handle, echo.bot.bot_agent_id

            def handle_and_tell(event: Any) -> None:
                handle(event)
                if not isinstance(event.payload, (IncomingChat, IncomingEvent)) or (
                    isinstance(event.payload, IncomingEvent) and event.payload.author_id == bot_id
                ):
                    return  # not a customer's message: the bot's own echo (v3.0 webhooks have no filters)
                chat_id, deadline = event.payload.chat_id, time.monotonic() + WAIT_S
                # The first message's delivery may come before its customer knows the chat id.
                while chat_id not in answered and time.monotonic() < deadline:
                    time.sleep(0.0001)
                answered[chat_id].set()

            echo.handle = handle_and_tell  # the receiver looks the handler up on each request
            failures: list[str] = []
            customer(emu, "warmup", 5, failures, [])
            chat_ids: list[str] = []
            threads = [
                threading.Thread(target=customer, args=(emu, f"c{n}", args.messages, failures, chat_ids))
                for n in range(args.chats)
            ]
            began = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - began
            chats = {c.chat_id: c for c in emu.chats()}
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    samples = [ms for chat_id in chat_ids for ms in latencies_ms(chats[chat_id])]
    messages = args.chats * args.messages
    if len(samples) != messages:
        print(f"{len(samples)} echoes for {messages} messages", file=sys.stderr)
        return 1
    result = {
        "impl": "python",
        "messages": messages,
        "seconds": round(seconds, 3),
        "messages_per_s": round(messages / seconds, 1),
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(statistics.quantiles(samples, n=100)[98], 3),
        "chats": args.chats,
        "api_version": args.api_version,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
