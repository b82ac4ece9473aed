"""Reactions on a real server with real socket.io clients: many attendees clapping at once reach every
page as a few coalesced `room:reactions` messages whose counts add up; one attendee cannot flood the
room; a kind the programme does not allow is refused with a message that lists the allowed ones."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program


async def listening(url: str) -> tuple[Client, list[dict]]:
    client = await Client.attendee(url)
    heard: list[dict] = []
    client.sio.on("room:reactions", lambda data: heard.append(data))
    return await client.connect(), heard


async def test_many_reactions_arrive_coalesced_and_add_up(tmp_path, start_server):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-30))  # t1's premiere
    observer, heard = await listening(server.url)
    clappers = [await (await Client.attendee(server.url)).connect() for _ in range(30)]
    try:
        sent = [c.call("room:react", {"room": "main", "kind": kind})
                for c in clappers for kind in ("👏", "👏", "🔥")]
        replies = await asyncio.gather(*sent)
        assert all(r["ok"] for r in replies), replies
        for _ in range(100):
            if sum(sum(h["counts"].values()) for h in heard) >= 90:
                break
            await asyncio.sleep(0.05)
        totals: dict[str, int] = {}
        for message in heard:
            assert message["room"] == "main"
            for kind, n in message["counts"].items():
                totals[kind] = totals.get(kind, 0) + n
        assert totals == {"👏": 60, "🔥": 30}
        assert len(heard) <= 10, "90 reactions must arrive as a few messages, one per tick"
    finally:
        for client in [observer, *clappers]:
            await client.close()


async def test_one_attendee_cannot_flood_and_odd_reactions_are_refused(tmp_path, start_server):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-30))
    client = await (await Client.attendee(server.url)).connect()
    try:
        replies = [await client.call("room:react", {"room": "main", "kind": "❤️"}) for _ in range(12)]
        refused = [r for r in replies if not r["ok"]]
        assert sum(r["ok"] for r in replies) == 10 and refused  # a burst of ten, then four a second
        assert refused[0]["error"]["code"] == "rate_limited" and 0 < refused[0]["error"]["retry_after"] <= 0.25
        await asyncio.sleep(0.3)
        assert (await client.call("room:react", {"room": "main", "kind": "❤️"}))["ok"]  # allowance refills
        wrong = await client.call("room:react", {"room": "main", "kind": "💩"})
        assert wrong["error"] == {"code": "bad_request", "message": "'💩' is not a reaction here: send one of 👏 ❤️ 🔥 😂 🤯"}
        nowhere = await client.call("room:react", {"room": "attic", "kind": "👏"})
        assert nowhere["error"]["code"] == "not_found"
        assert (await client.call("room:react", {"room": "main"}))["error"]["code"] == "bad_request"
    finally:
        await client.close()
