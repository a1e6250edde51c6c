"""The asyncio echo bot of examples/echo_bot_async.py (aiohttp and AsyncBot),
run as a program against the emulator in every webhook generation, with a lost
answer and with a duplicate delivery: each customer message is echoed once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "echo_bot_async.py"
TRANSCRIPT = [
    "  customer Hello!",
    "  bot      echo: Hello!",
    "  customer Where is my order?",
    "  bot      echo: Where is my order?",
    "  customer Thanks, bye",
    "  bot      echo: Thanks, bye",
]

pytest.importorskip("aiohttp", reason="the example's receiver needs aiohttp (make test-python installs it)")


def run_example(version: str, fault: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "LIVECHAT_TOKEN"}
    env["LIVECHAT_API_VERSION"] = version
    faults = f', "faults": [{{"action": "incoming_event", "{fault}": true}}]' if fault else ""
    env["LCBOT_EMULATOR_CONFIG"] = '{"webhook_backoff_ms": 5' + faults + "}"
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60, cwd=EXAMPLE.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert re.fullmatch(rf"echo bot [0-9a-f]{{32}} online on API v{re.escape(version)}, webhooks to http://127\.0\.0\.1:\d+/webhook", lines[0])
    assert re.fullmatch(r"transcript of chat \w+:", lines[1])
    assert lines[2:8] == TRANSCRIPT
    return lines[8:]


@pytest.mark.parametrize("version", ["3.0", "3.2", "3.6"])
def test_three_messages_three_echoes(version: str) -> None:
    delivered = 6 if version == "3.0" else 3  # v3.0 has no filters: the bot hears its own echoes too
    assert run_example(version, None) == [f"webhook deliveries: {delivered} delivered, 0 retried"]


@pytest.mark.parametrize("version", ["3.2", "3.6"])
def test_a_lost_answer_is_retried_and_answered_once(version: str) -> None:
    assert run_example(version, "lost_answer") == ["webhook deliveries: 3 delivered, 1 retried"]


@pytest.mark.parametrize("version", ["3.2", "3.6"])
def test_a_duplicate_delivery_is_answered_once(version: str) -> None:
    assert run_example(version, "duplicate_delivery") == ["webhook deliveries: 4 delivered, 0 retried"]


def test_on_livechat_it_needs_its_settings() -> None:
    env = {k: v for k, v in os.environ.items() if k == "LIVECHAT_BOTS_LIB" or not k.startswith(("LIVECHAT_", "ECHO_BOT_"))}
    env["LIVECHAT_TOKEN"] = "tok"
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "set LIVECHAT_CLIENT_ID, LIVECHAT_ORGANIZATION_ID, ECHO_BOT_PUBLIC_URL too" in done.stderr
