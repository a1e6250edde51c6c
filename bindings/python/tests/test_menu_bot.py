"""The menu bot of examples/menu_bot.py, whole, on the emulator, on v3.2 and
v3.6: the customer presses every button (and types), the bot shows
"typing..." before each answer, tags the thread with each choice, and hands
the chat to the humans' group on "agent": to Anna, who answers, or to the
queue when the group has nobody."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from livechat_bots import Client, Emulator

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "menu_bot.py"


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("menu_bot_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


menu_bot = _load_example()


@contextmanager
def running(version: str, agents: list[dict[str, Any]] | None = None) -> Iterator[tuple[Emulator, Any]]:
    with Emulator({"agents": agents or []}) as emu, Client("dev-token", api_version=version, base_url=emu.url) as client:
        with menu_bot.run_menu_bot(client, client_id="dev-client", organization_id=emu.organization_id, humans_group=1) as bot:
            yield emu, bot


def poll(what: str, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.01)


def typed_before_each_answer(emu: Emulator) -> bool:
    """Every message the bot sent came right after a typing indicator."""
    actions = [r["action"] for r in emu.requests() if r.get("api") == "agent"]
    sends = [i for i, a in enumerate(actions) if a == "send_event"]
    typing = [i for i, a in enumerate(actions) if a == "send_typing_indicator"]
    return bool(typing) and all(any(t < s for t in typing) for s in sends)


@pytest.mark.parametrize("version", ["3.2", "3.6"])
def test_every_button_of_the_menu(version: str) -> None:
    anna = menu_bot.ANNA["id"]
    with running(version, [menu_bot.ANNA]) as (emu, bot):
        chat = menu_bot.play_customer(emu, ["hours", "order", "agent"])
        poll("the three postbacks reach the bot", lambda: sorted(bot.postbacks) == ["agent", "hours", "order"])
        assert typed_before_each_answer(emu)
        emu.agent_send_message(chat.chat_id, anna, "Anna here")
        assert emu.chat(chat.chat_id).transcript[-1].author_id == anna
    answers = menu_bot.bot_texts(chat)
    assert answers == [menu_bot.MENU["hours"][1], menu_bot.MENU["order"][1], menu_bot.HANDOFF]
    pressed = [e for e in chat.transcript if e.author_type == "customer" and "postback" in e.raw]
    assert [(e.text, e.raw["postback"]["id"]) for e in pressed] == [
        ("Opening hours", "hours"), ("Order status", "order"), ("Talk to an agent", "agent"),
    ]
    assert sorted(chat.raw["talk"]["tags"][pressed[0].thread_id]) == ["agent", "hours", "order"]
    # Handed off: the bot left, the chat is Anna's, in the humans' group.
    assert (chat.state, chat.group_id, chat.bot_id) == ("assigned", 1, anna)


@pytest.mark.parametrize("version", ["3.2", "3.6"])
def test_typed_text_and_a_typed_handoff(version: str) -> None:
    with running(version) as (emu, _):
        chat_id = emu.start_chat(0, "Hi").chat_id
        poll("the menu", lambda: menu_bot.last_menu(emu.chat(chat_id)) is not None)
        emu.send_message(chat_id, "What is the weather?")
        poll("the bot asks again", lambda: "Sorry, I did not get that. Please pick one:" in menu_bot.bot_texts(emu.chat(chat_id)))
        emu.send_message(chat_id, "A human, please")
        poll("the handoff", lambda: emu.chat(chat_id).state == "queued")
        assert menu_bot.bot_texts(emu.chat(chat_id))[-1] == menu_bot.HANDOFF


def test_the_example_runs_as_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert menu_bot.offline("3.6") == 0
    out = capsys.readouterr().out
    assert "customer Talk to an agent" in out and "agent    Hi, Anna here." in out
