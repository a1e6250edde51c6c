"""AsyncClient and AsyncBot: the blocking calls as coroutines on the running
loop, through the library's completion queue (no thread per call)."""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import Any

import pytest

import livechat_bots
from livechat_bots import (
    AsyncBot,
    AsyncClient,
    BotAgentDetails,
    Client,
    Emulator,
    NotFoundError,
    TransportError,
    ValidationError,
)

from conftest import wait_for_fault_taken


def call_error(e: BaseException) -> livechat_bots.CancelledError | None:
    """The call's own error in the chain of a task's cancellation (asyncio
    makes the awaiter's CancelledError anew, with ours as its context)."""
    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, livechat_bots.CancelledError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def aclient(emulator: Emulator, **settings: Any) -> AsyncClient:
    return AsyncClient("dev-token", base_url=emulator.url, retry={"max_attempts": 1}, **settings)


def test_every_blocking_method_has_its_coroutine() -> None:
    for blocking, asynchronous in ((Client, AsyncClient), (livechat_bots.Bot, AsyncBot)):
        public = {n for n in vars(blocking) if not n.startswith("_") and callable(getattr(blocking, n))}
        public -= {"close", "from_created"}
        missing = {n for n in public if not hasattr(asynchronous, n)}
        assert not missing, f"{asynchronous.__name__} lacks {sorted(missing)}"
    assert asyncio.iscoroutinefunction(AsyncClient.get_bot_agents)
    assert AsyncClient.get_bot_agents.__doc__ == Client.get_bot_agents.__doc__


def test_calls_answer_as_the_blocking_ones(emulator: Emulator) -> None:
    async def main() -> None:
        async with aclient(emulator) as client:
            created = await client.create_bot_agent("Async", "accepting chats")
            details = await client.get_bot_agent_details(created.bot_agent_id)
            assert isinstance(details, BotAgentDetails) and details.name == "Async"
            await client.update_bot_agent(created.bot_agent_id, name="Renamed")
            agents = await client.get_bot_agents(all=True)
            assert [a.name for a in agents] == ["Renamed"]
            assert [b["name"] for b in (await client.call("get_bot_agents", {"all": True}))["bot_agents"]] == ["Renamed"]
            await client.remove_bot_agent(created.bot_agent_id)
            with pytest.raises(NotFoundError):
                await client.get_bot_agent_details(created.bot_agent_id)
            # checked before anything is sent, as the blocking call does
            with pytest.raises(ValidationError) as e:
                await client.get_bot_agent_details("")
            with Client("dev-token", base_url=emulator.url) as blocking, pytest.raises(ValidationError) as b:
                blocking.get_bot_agent_details("")
            assert str(e.value) == str(b.value)
        assert client.closed

    asyncio.run(main())


def test_many_calls_at_once_on_one_thread(emulator: Emulator) -> None:
    emulator.inject(action="get_bot_agents", delay_ms=200, times=64)

    async def main() -> list[int]:
        threads: list[int] = []
        async with aclient(emulator) as client:

            async def one() -> int:
                threads.append(threading.get_ident())
                return len(await client.get_bot_agents())

            # each is held 200 ms: all 64 are in flight at once, in one task each
            return await asyncio.gather(*(one() for _ in range(64)))

    assert asyncio.run(main()) == [0] * 64
    assert len(emulator.requests()) >= 64


def test_a_cancelled_task_cancels_its_call(emulator: Emulator) -> None:
    emulator.inject(action="get_bot_agents", delay_ms=10_000)

    async def main() -> None:
        async with aclient(emulator) as client:
            task = asyncio.ensure_future(client.get_bot_agents())
            await asyncio.to_thread(wait_for_fault_taken, emulator)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as e:
                await task
            # the call's own error: a read, so no unknown outcome
            cause = call_error(e.value)
            assert cause is not None and cause.outcome is None
            # the client goes on
            assert await client.get_bot_agents() == []

    asyncio.run(main())


def test_a_write_cancelled_by_a_timeout_reports_an_unknown_outcome(emulator: Emulator) -> None:
    emulator.inject(action="create_bot_agent", delay_ms=10_000)

    async def main() -> None:
        async with aclient(emulator) as client:
            with pytest.raises(TimeoutError) as e:
                await asyncio.wait_for(client.create_bot_agent("Held", "offline"), 0.3)
            cause = call_error(e.value)
            assert cause is not None and cause.outcome == "unknown"
            if sys.version_info >= (3, 11):
                emulator.inject(action="create_bot_agent", delay_ms=10_000)
                with pytest.raises(TimeoutError) as e:
                    async with asyncio.timeout(0.3):
                        await client.create_bot_agent("Held again", "offline")
                cause = call_error(e.value)
                assert cause is not None and cause.outcome == "unknown"

    asyncio.run(main())


def test_a_deadline_and_a_write_never_sent_twice(emulator: Emulator) -> None:
    async def main() -> None:
        async with AsyncClient("dev-token", base_url=emulator.url, retry={"max_attempts": 5, "base_delay_ms": 1}) as client:
            emulator.inject(action="get_bot_agents", delay_ms=10_000)
            with pytest.raises(livechat_bots.RequestTimeout):
                await client.get_bot_agents(timeout=0.2)
            emulator.inject(action="create_bot_agent", drop_connection=True)
            with pytest.raises(TransportError) as e:
                await client.create_bot_agent("Once", "offline")
            assert e.value.outcome == "unknown" and e.value.attempts == 1

    asyncio.run(main())
    assert sum(1 for r in emulator.requests() if r.get("action") == "create_bot_agent") == 1


def test_the_token_provider_runs_off_the_loop_and_no_token_shows() -> None:
    scopes = ["agents-bot--my:rw", "agents-bot--all:rw", "agents-bot--my:ro", "agents-bot--all:ro"]
    config = {
        "tokens": [
            {"token": "tok-expired-4471", "client_id": "dev-client", "scopes": scopes, "expires_in_ms": 0},
            {"token": "tok-fresh", "client_id": "dev-client", "scopes": scopes},
        ]
    }
    asked_on: list[int] = []

    def provide() -> str:
        asked_on.append(threading.get_ident())
        return "tok-fresh"

    with Emulator(config) as emulator:

        async def main() -> None:
            async with AsyncClient("tok-expired-4471", base_url=emulator.url, token_provider=provide) as client:
                assert await client.get_bot_agents() == []
            async with AsyncClient("tok-expired-4471", base_url=emulator.url) as refused:
                with pytest.raises(livechat_bots.AuthenticationError) as e:
                    await refused.get_bot_agents()
                assert "tok-expired-4471" not in str(e.value) and "tok-expired-4471" not in repr(e.value)
                assert "tok-expired-4471" not in repr(refused)

        asyncio.run(main())
    assert len(asked_on) == 1 and asked_on[0] != threading.get_ident()


def test_a_bot_through_an_async_client(emulator: Emulator) -> None:
    async def main() -> None:
        async with AsyncClient("dev-token", base_url=emulator.url, api_version="3.6") as client:
            created = await client.create_bot_agent("Echo", groups=[{"id": 0, "priority": "first"}])
            organization = emulator.organization_id
            async with AsyncBot.from_created(client, created, client_id="dev-client", organization_id=organization) as bot:
                await bot.set_routing_status("accepting_chats")
                chat = emulator.start_chat(0, "ping")
                event_id = await bot.send_message(chat.chat_id, "pong")
                assert event_id
                assert [c.id async for c in bot.iter_chats()] == [chat.chat_id]
                assert (await bot.get_chat(chat.chat_id)).id == chat.chat_id
                with pytest.raises(ValidationError):
                    await bot.set_routing_status("away")
            with pytest.raises(TypeError):
                AsyncBot(Client("t"), "b")  # type: ignore[arg-type]

    asyncio.run(main())


def test_a_closed_client_refuses_calls(emulator: Emulator) -> None:
    async def main() -> None:
        client = aclient(emulator)
        assert repr(client).startswith("<livechat_bots.AsyncClient api_version='3.0'") and repr(client).endswith(" open>")
        client.close()
        assert client.closed and repr(client).endswith(" closed>")
        with pytest.raises(ValueError):
            await client.get_bot_agents()

    asyncio.run(main())
