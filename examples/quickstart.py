"""Quickstart: create a bot agent, list, inspect, update and remove it.

Runs against the embedded emulator by default. Set LIVECHAT_TOKEN (a
Personal Access Token or an OAuth access token with the agents-bot--my
scopes) to run against the real LiveChat API instead; LIVECHAT_TOKEN_TYPE
may be "Basic" for a PAT given as "account_id:pat".

    pip install ./bindings/python
    python examples/quickstart.py
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from livechat_bots import Client, Emulator, Group, LiveChatBotsError, Priority, Status


def show(title: str, value: object) -> None:
    print(f"{title}:\n  {value}")


def main() -> int:
    with ExitStack() as stack:
        token = os.environ.get("LIVECHAT_TOKEN")
        if token:
            token_type = os.environ.get("LIVECHAT_TOKEN_TYPE", "Bearer")
            credentials: str | dict[str, str] = token
            if token_type == "Basic" and ":" in token:
                account_id, pat = token.split(":", 1)
                credentials = {"account_id": account_id, "pat": pat}
            client = stack.enter_context(Client(credentials, token_type=token_type))
            print("Using the LiveChat API")
        else:
            emulator = stack.enter_context(Emulator())
            client = stack.enter_context(Client("dev-token", base_url=emulator.url))
            print(f"Using the embedded emulator at {emulator.url}")

        try:
            # The id, and from API v3.5 the bot's secret (never shown by repr()).
            created = client.create_bot_agent(
                "Quickstart Bot",
                Status.ACCEPTING_CHATS,
                max_chats_count=5,
                groups=[Group(0, Priority.NORMAL)],
            )
            bot_id = created.bot_agent_id
            show("Created", created)
            show("Bot agents", client.get_bot_agents())
            show("Details", client.get_bot_agent_details(bot_id))

            client.update_bot_agent(bot_id, name="Quickstart Bot (renamed)", status=Status.NOT_ACCEPTING_CHATS)
            show("Details after the update", client.get_bot_agent_details(bot_id))

            client.remove_bot_agent(bot_id)
            show("Removed", bot_id)
            show("Bot agents", client.get_bot_agents())
        except LiveChatBotsError as e:
            print(f"{type(e).__name__} [{e.code}]: {e}")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
