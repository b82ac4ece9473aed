"""The room page is rendered once and filled in per visitor (web/room_page.py): each visitor must still
get their own time, room state, staff bar and CSRF token, and nobody a page older than the day."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from aiohttp import ClientSession, CookieJar

from tests.conftest import write_program
from tests.live.roomclient import RoomClient


def day(tmp_path):
    return write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1},
                                    {"slug": "b", "start": "10:05", "seconds": 60, "qa": 1}])


async def room_page(url: str, session: ClientSession | None = None) -> str:
    if session is not None:
        async with session.get(url + "/rooms/main") as response:
            return await response.text()
    async with ClientSession() as fresh, fresh.get(url + "/rooms/main") as response:
        assert response.status == 200 and "es_attendee" in response.cookies  # a new attendee each time
        return await response.text()


def state_of(page: str) -> dict:
    return json.loads(page.split('<script type="application/json" id="room-state">')[1].split("</script>")[0])


def server_now(page: str) -> datetime:
    return datetime.fromisoformat(re.search(r'data-server-now="([^"]+)"', page).group(1))


async def signed_in(url: str) -> ClientSession:
    session = ClientSession(cookie_jar=CookieJar(unsafe=True))
    async with session.get(url + "/login") as r:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
    async with session.post(url + "/login", data={"token": "mod-token", "csrf": csrf}, allow_redirects=False) as r:
        assert r.status == 303
    return session


async def test_each_visitor_gets_the_time_and_room_state_of_their_own_request(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=30))
    first = await room_page(server.url)
    server.clock.offset += timedelta(seconds=7)  # same phase (before the day), seven seconds on
    second = await room_page(server.url)
    assert 6.5 < (server_now(second) - server_now(first)).total_seconds() < 8
    assert 6500 < state_of(second)["server_time"] - state_of(first)["server_time"] < 8000
    assert 6.5 < state_of(first)["starts_in"] - state_of(second)["starts_in"] < 8


async def test_a_moderator_gets_their_own_bar_and_token_and_attendees_never_do(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=30))
    assert "Sign out" not in await room_page(server.url)  # an attendee's page is made and kept
    moderator = await signed_in(server.url)
    async with moderator:
        page = await room_page(server.url, moderator)
        assert "Sign out" in page and 'href="/moderate/main"' in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with moderator.post(server.url + "/logout", data={"csrf": csrf}, allow_redirects=False) as r:
            assert r.status == 303  # the token in the page is this moderator's own
    after = await room_page(server.url)
    assert "Sign out" not in after and "/moderate/main" not in after and 'name="csrf"' not in after


async def test_a_change_of_the_day_shows_on_the_next_page_at_once(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=30))
    assert '<time datetime="2020-09-19T10:05:00+03:00" data-start>10:05</time>' in await room_page(server.url)
    async with RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        reply = await moderator.call("schedule:adjust", {"action": "delay", "talk": "b", "minutes": 10})
        assert reply == {"ok": True, "talk": "b"}
    page = await room_page(server.url)
    assert ">10:15</time>" in page and ">10:05</time>" not in page


async def test_the_page_follows_the_room_into_its_next_phase(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=30))
    assert 'data-phase="before"' in await room_page(server.url)
    server.clock.offset += timedelta(minutes=30, seconds=5)  # talk a's premiere is on
    page = await room_page(server.url)
    assert 'data-phase="premiere"' in page and 'data-talk="a"' in page and state_of(page)["phase"] == "premiere"


async def test_the_language_and_its_links_are_the_visitors(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=30))
    english = await room_page(server.url)
    async with ClientSession() as http, http.get(server.url + "/rooms/main?lang=ru") as response:
        russian = await response.text()
    assert '<html lang="en">' in english and 'href="/rooms/main?lang=ru"' in english
    assert '<html lang="ru">' in russian and "Сегодня в зале" in russian


async def test_the_page_carries_the_state_a_join_gets_and_a_title_cannot_end_its_script(start_server, tmp_path):
    title = "Talk a </script><script>alert(1)</script> & 'it'"
    program = day(tmp_path)
    program.write_text(program.read_text().replace('en: "Talk a"', f'en: "{title}"'))
    server = await start_server(program, first_talk_in=timedelta(seconds=-10))  # talk a plays: the state names it
    page = await room_page(server.url)
    assert "<script>alert(1)" not in page  # the same cache feeds the page and the socket: escaped for the page
    async with RoomClient(server.url) as client:
        joined = await client.join()
    from_page = state_of(page)
    assert from_page["talks"]["a"]["title"]["en"] == title and from_page["phase"] == "premiere"
    moving = {"offset", "seconds_left", "starts_in", "server_time"}  # the clock ran on between the two
    assert ({k: v for k, v in from_page.items() if k not in moving}
            == {k: v for k, v in joined["state"].items() if k not in moving})
