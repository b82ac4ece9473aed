"""What a joiner is sent is built once per change of the day, not once per join (live/snapshot.py), and a
change is never hidden by that cache: a moderator's delay, the room's next phase, a question on air."""
from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta

from event_server.services import event as event_module
from tests.live.qa_clients import Client
from tests.live.roomclient import RoomClient
from tests.live.test_room_live import short_day


async def test_a_wave_of_joins_computes_the_day_once(start_server, tmp_path, monkeypatch):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-5))
    async with RoomClient(server.url) as first:
        await first.join()
        computed = []
        real = event_module.slots
        monkeypatch.setattr(event_module, "slots", lambda *a: computed.append(1) or real(*a))
        joiners = [RoomClient(server.url) for _ in range(20)]
        for client in joiners:
            await client.__aenter__()
        try:
            replies = await asyncio.gather(*(client.join() for client in joiners))
            pushed = [(await client.states.get())[1] if not client.states.empty() else None for client in joiners]
        finally:
            for client in joiners:
                await client.__aexit__()
    assert computed == []  # 20 joins (state, queue, is the Q&A open…) read the day computed before them
    for reply in replies:  # the pre-encoded state is the same JSON a page always read
        state = reply["state"]
        assert (state["phase"], state["talk"]) == ("premiere", "a") and 5 <= state["offset"] < 30  # a busy machine is slow
        assert state["talks"]["a"]["title"] == {"en": "Talk a", "ru": "Доклад a"}
        assert [s["talk"] for s in state["slots"]] == ["a", "b"]
    assert pushed == [None] * 20  # RoomClient.join consumed the room:state pushed with each join


async def test_the_clock_fields_are_fresh_on_every_join(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-5))
    async with RoomClient(server.url) as one:
        early = (await one.join())["state"]
    await asyncio.sleep(1.2)
    async with RoomClient(server.url) as two:
        late = (await two.join())["state"]
    assert 1.0 < late["offset"] - early["offset"] < 2.0
    assert 1000 < late["server_time"] - early["server_time"] < 2000


async def test_a_joiner_after_a_delay_gets_the_new_day(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-5))
    async with RoomClient(server.url) as before, RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        b = next(s for s in (await before.join())["state"]["slots"] if s["talk"] == "b")
        assert datetime.fromisoformat(b["start"]).strftime("%H:%M") == "07:05"  # 10:05 in Moscow
        reply = await moderator.call("schedule:adjust", {"action": "delay", "talk": "b", "minutes": 10})
        assert reply == {"ok": True, "talk": "b"}
        async with RoomClient(server.url) as after:
            joined = (await after.join())["state"]
    b = next(s for s in joined["slots"] if s["talk"] == "b")
    assert datetime.fromisoformat(b["start"]).strftime("%H:%M") == "07:15"


async def test_a_joiner_after_the_phase_changes_gets_the_next_phase(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=2), first_talk_in=timedelta(seconds=-1))
    async with RoomClient(server.url) as before:
        assert (await before.join())["state"]["phase"] == "premiere"
    await asyncio.sleep(1.5)
    async with RoomClient(server.url) as after:
        state = (await after.join())["state"]
    assert (state["phase"], state["talk"]) == ("qa", "a") and state["offset"] is None


async def test_a_joiner_sees_the_question_on_air(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=2, qa=4), first_talk_in=timedelta(seconds=-10),
                                qa_ask_interval=0)
    alice = await Client.attendee(server.url)
    moderator = Client(server.url, auth={"token": "mod-token"})
    await alice.connect(), await moderator.connect()
    try:
        asked = await alice.call("qa:ask", {"talk": "a", "text": "What did the model learn first?"})
        question = asked["question"]["id"]
        await moderator.call("qa:moderate", {"question": question, "action": "approve"})
        first = await Client.attendee(server.url)
        await first.connect()
        shown = (await first.wait("qa:snapshot"))["questions"]
        assert [(q["id"], q["on_air"]) for q in shown] == [(question, False)]
        assert (await moderator.call("qa:moderate", {"question": question, "action": "pin"}))["ok"]
        later = await Client.attendee(server.url)
        await later.connect()
        shown = (await later.wait("qa:snapshot"))["questions"]
        assert [(q["id"], q["on_air"]) for q in shown] == [(question, True)]
        await first.close(), await later.close()
    finally:
        await alice.close(), await moderator.close()


async def test_a_recording_replaced_on_disk_reaches_joiners_within_a_while(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-5))
    server.services.event.fresh = 0.5
    async with RoomClient(server.url) as one:
        before = (await one.join())["state"]["talks"]["a"]["file"]
    clip = tmp_path / "media" / "recordings" / "clip.webm"
    os.utime(clip, ns=(clip.stat().st_atime_ns, clip.stat().st_mtime_ns + 10**9))  # a new cut of the talk
    await asyncio.sleep(0.6)
    async with RoomClient(server.url) as two:
        after = (await two.join())["state"]["talks"]["a"]["file"]
    assert before != after == f"/recordings/a?v={clip.stat().st_mtime_ns}"


async def test_a_joiners_queue_with_their_own_votes_is_one_read(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=2, qa=4), first_talk_in=timedelta(seconds=-10),
                                qa_ask_interval=0)
    alice, bob = await Client.attendee(server.url), await Client.attendee(server.url)
    moderator = Client(server.url, auth={"token": "mod-token"})
    await alice.connect(), await bob.connect(), await moderator.connect()
    try:
        asked = [(await alice.call("qa:ask", {"talk": "a", "text": text}))["question"]["id"]
                 for text in ("What did the model learn first?", "Which dataset did you use?")]
        for question in asked:
            assert (await moderator.call("qa:moderate", {"question": question, "action": "approve"}))["ok"]
        assert (await bob.call("qa:vote", {"question": asked[1]}))["ok"]
        store, reads = server.services.store, []
        real = store.fetch
        store.fetch = lambda *a: reads.append(a[0]) or real(*a)
        try:
            listed = await bob.call("qa:list", {"talk": "a"})
        finally:
            del store.fetch
        assert sorted(q["id"] for q in listed["questions"]) == sorted(asked)
        assert listed["voted"] == [asked[1]] and listed["mine"] == []
        assert len(reads) == 1  # the questions and this attendee's votes together, not two reads per joiner
    finally:
        await alice.close(), await bob.close(), await moderator.close()
