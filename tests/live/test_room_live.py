"""The live room over real socket.io clients against a real server, with a shifted clock."""
from __future__ import annotations

import asyncio
import secrets
import time
from datetime import datetime, timedelta
from itertools import pairwise

from aiohttp import ClientSession, CookieJar, WSCloseCode, WSMsgType

from tests.conftest import write_program
from tests.live.qa_clients import Client
from tests.live.roomclient import RoomClient


def short_day(tmp_path, first_seconds=3, qa=1):
    """Two talks: `a` of `first_seconds` with a Q&A, then `b` five minutes after the start."""
    return write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": first_seconds, "qa": qa},
                                    {"slug": "b", "start": "10:05", "seconds": 60, "qa": 1}])


async def test_a_late_joiner_gets_the_live_offset(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-7))
    async with RoomClient(server.url) as client:
        reply = await client.join()
    state = reply["state"]
    assert (state["phase"], state["talk"]) == ("premiere", "a")
    assert abs(state["offset"] - 7) < 0.5
    # the server time it carries places the talk's start on the server clock
    start = datetime.fromisoformat(state["slots"][0]["start"]).timestamp() * 1000
    assert abs(state["server_time"] - start - state["offset"] * 1000) < 1
    assert state["talks"]["a"]["file"].startswith("/recordings/a?v=")
    assert state["talks"]["a"]["title"] == {"en": "Talk a", "ru": "Доклад a"}


async def test_the_qa_arrives_on_time(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=2), first_talk_in=timedelta(seconds=-1))
    async with RoomClient(server.url) as client:
        reply = await client.join()
        assert reply["state"]["phase"] == "premiere"
        due = datetime.fromisoformat(reply["state"]["next_change"]).timestamp()
        arrived, state = await client.next_state(timeout=3, phase="qa")
    late = arrived + server.event.clock.offset.total_seconds() - due
    assert -0.05 < late < 0.5, late
    assert state["talk"] == "a" and abs(state["seconds_left"] - 60) < 0.5


async def test_clock_sync_answers_with_the_servers_shifted_time(start_server, tmp_path):
    server = await start_server(short_day(tmp_path), first_talk_in=timedelta(minutes=10))
    async with RoomClient(server.url) as client:
        t0 = time.time() * 1000
        reply = await client.call("clock:sync", {"t0": t0})
        bad = await client.call("clock:sync", {"t0": "now"})
    expected = server.event.clock.now().timestamp() * 1000
    assert reply["ok"] and reply["t0"] == t0 and abs(reply["server_time"] - expected) < 500
    assert bad["error"]["code"] == "bad_request" and "t0" in bad["error"]["message"]


async def test_a_moderators_delay_reaches_every_client_the_pages_and_survives_a_restart(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-5))
    async with RoomClient(server.url) as one, RoomClient(server.url) as two, \
            RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        await one.join(), await two.join()
        reply = await moderator.call("schedule:adjust", {"action": "delay", "talk": "b", "minutes": 10})
        assert reply == {"ok": True, "talk": "b"}
        for client in (one, two):
            _, state = await client.next_state(timeout=2)
            b = next(s for s in state["slots"] if s["talk"] == "b")
            assert datetime.fromisoformat(b["start"]).strftime("%H:%M") == "07:15"  # 10:15 in Moscow
    async with ClientSession() as http:
        for page in ("/schedule", "/talks/b", "/rooms/main", "/"):
            async with http.get(server.url + page) as response:
                assert "10:15" in await response.text(), page
    await server.restart()
    assert [o.action for o in server.event.overrides] == ["delay"]
    async with ClientSession() as http, http.get(server.url + "/schedule") as response:
        assert "10:15" in await response.text()


async def test_an_attendee_cannot_adjust_the_schedule(start_server, tmp_path):
    server = await start_server(short_day(tmp_path), first_talk_in=timedelta(minutes=1))
    async with RoomClient(server.url) as attendee:
        reply = await attendee.call("schedule:adjust", {"action": "delay", "talk": "b", "minutes": 10})
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
    assert server.event.overrides == ()


async def test_impossible_or_malformed_adjustments_say_what_to_do(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(seconds=-5))
    async with RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        started = await moderator.call("schedule:adjust", {"action": "delay", "talk": "a", "minutes": 5})
        unknown = await moderator.call("schedule:adjust", {"action": "pause", "talk": "a"})
        typed = await moderator.call("schedule:adjust", {"action": "delay", "talk": "b", "minutes": "5"})
        extend_now = await moderator.call("schedule:adjust", {"action": "extend", "minutes": 5})  # the talk on now
        no_room = await moderator.call("room:join", {"room": "nowhere"})
    assert started["error"]["code"] == "not_possible" and "extend its Q&A" in started["error"]["message"]
    assert "unknown action" in unknown["error"]["message"]
    assert typed["error"] == {"code": "bad_request", "message": "'minutes' must be a int"}
    assert extend_now == {"ok": True, "talk": "a"}
    assert no_room["error"]["code"] == "not_found" and "main" in no_room["error"]["message"]


async def test_a_message_over_64_kb_closes_only_its_own_socket_and_says_why(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=60), first_talk_in=timedelta(minutes=5))
    async with RoomClient(server.url) as bystander, ClientSession() as session:
        await bystander.join()
        async with session.ws_connect(server.url + "/socket.io/?EIO=4&transport=websocket") as ws:
            assert (await ws.receive_str()).startswith("0")  # engine.io open
            await ws.send_str("40")
            assert (await ws.receive_str()).startswith("40")  # socket.io connect
            await ws.send_str('421["room:join",{"room":"' + "x" * 70_000 + '"}]')
            closing = await ws.receive(timeout=5)
        assert (closing.type, closing.data) == (WSMsgType.CLOSE, WSCloseCode.MESSAGE_TOO_BIG)
        assert (await bystander.call("clock:sync", {"t0": 1}))["ok"]


async def test_presence_counts_people_in_the_room_at_most_once_a_second(start_server, tmp_path):
    server = await start_server(short_day(tmp_path), first_talk_in=timedelta(minutes=1))
    seen: list[tuple[float, int]] = []

    async def until(count: int) -> None:
        while not seen or seen[-1][1] != count:
            arrived, presence = await asyncio.wait_for(one.presence.get(), 3)
            seen.append((arrived, presence["count"]))
    async def person() -> RoomClient:  # a browser of its own: the head count counts people, not sockets
        return RoomClient(server.url, headers={"Cookie": (await Client.attendee(server.url)).cookie})
    async with await person() as one:
        await one.join()
        others = [await person() for _ in range(4)]
        for other in others:  # five joins in quick succession
            await other.__aenter__()
            await other.join()
        await until(5)
        for other in others:
            await other.__aexit__()
        await until(1)
    gaps = [b[0] - a[0] for a, b in pairwise(seen)]
    assert all(gap > 0.9 for gap in gaps), seen
    assert len(seen) <= 4, seen  # coalesced, not one message per join or leave


async def test_the_programme_file_is_watched(start_server, tmp_path):
    path = short_day(tmp_path)
    server = await start_server(path, first_talk_in=timedelta(minutes=1))
    async with RoomClient(server.url) as client, ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        await client.join()
        path.write_text(path.read_text().replace("start: 2020-09-19 10:05", "start: 2020-09-19 10:20"))
        _, state = await client.next_state(timeout=4)
        assert datetime.fromisoformat(state["slots"][1]["start"]).strftime("%H:%M") == "07:20"
        path.write_text(path.read_text().replace("room: main", "room: nowhere", 1))
        for _ in range(40):
            if server.event.program_errors:
                break
            await asyncio.sleep(0.1)
        assert "room" in server.event.program_errors[0]
        assert server.event.program.talk("b") is not None  # the old programme keeps running
        await http.post(server.url + "/login", data={"token": "mod-token", "csrf": await csrf(http, server)})
        async with http.get(server.url + "/moderate/main") as response:
            page = await response.text()
        assert "previous programme is still running" in page and "nowhere" in page


async def csrf(http: ClientSession, server) -> str:
    async with http.get(server.url + "/login") as response:
        text = await response.text()
    return text.split('name="csrf" value="')[1].split('"')[0]


async def test_overrides_are_stored_in_postgresql_too(start_server, tmp_path, pg_url):
    slug = f"pg-{secrets.token_hex(4)}"  # the database is shared: this run's rows are its own
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1},
                                       {"slug": slug, "start": "10:05", "seconds": 60, "qa": 1}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-5), database_url=pg_url)
    try:
        async with RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
            reply = await moderator.call("schedule:adjust", {"action": "cancel", "talk": slug})
        assert reply["ok"], reply
        await server.restart()
        assert any(o.talk == slug and o.action == "cancel" for o in server.event.overrides)
        assert next(s for s in server.event.slots() if s.talk.slug == slug).status == "cancelled"
    finally:
        await server.store.execute("DELETE FROM overrides WHERE talk = ?", slug)


async def test_ending_the_qa_now_sends_every_client_to_the_break(start_server, tmp_path):
    server = await start_server(short_day(tmp_path, first_seconds=2), first_talk_in=timedelta(seconds=-4))
    async with RoomClient(server.url) as attendee, RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        assert (await attendee.join())["state"]["phase"] == "qa"
        reply = await moderator.call("schedule:adjust", {"action": "end_qa"})  # the talk on now
        assert reply == {"ok": True, "talk": "a"}
        _, state = await attendee.next_state(timeout=2)
    assert (state["phase"], state["next_talk"]) == ("break", "b")
