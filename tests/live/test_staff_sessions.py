"""Staff sessions on a real server: they end at sign-out on the server too, after their lifetime, and when
the token that opened them is rotated; named moderators sign in as themselves and one can be revoked
alone; a moderator can block an asker. Real HTTP and socket.io clients, the real store."""
from __future__ import annotations

import asyncio
import functools
import re
from dataclasses import replace
from datetime import timedelta

import aiohttp
import pytest
from gallery_support import BEFORE, FIELDS, gallery_program, send

from event_server.live import LIVE
from event_server.store import questions, staff_sessions
from tests.conftest import fresh_postgres, write_program
from tests.live.qa_clients import Client

ANNA, BORIS = "anna-0123456789abcdef", "boris-0123456789abcdef"
CONSOLE = "/moderate/main"


@pytest.fixture(params=["sqlite", "postgresql"])
async def server(request, tmp_path, start_server):
    program = write_program(tmp_path, [{"slug": "t1", "start": "12:00", "seconds": 60, "qa": 5}])
    start = functools.partial(start_server, program, first_talk_in=timedelta(seconds=-70), qa_ask_interval=0,
                              moderator_tokens=(("anna", ANNA), ("boris", BORIS)))
    if request.param == "sqlite":
        yield await start()
        return
    async with fresh_postgres(request.getfixturevalue("pg_url")) as url:
        server = await start(database_url=url)
        yield server
        await server.stop()  # before its database is dropped


async def sign_in(server, token: str) -> tuple[aiohttp.ClientSession, aiohttp.ClientResponse]:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(server.url + "/login") as r:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
    async with session.post(server.url + "/login", data={"token": token, "csrf": csrf},
                            allow_redirects=False) as r:
        assert r.status == 303, await r.text()
        return session, r


def cookies_of(session: aiohttp.ClientSession) -> dict[str, str]:
    return {c.key: c.value for c in session.cookie_jar}


async def opens_console(server, cookies: dict[str, str]) -> bool:
    async with aiohttp.ClientSession(cookies=cookies) as other, \
            other.get(server.url + CONSOLE, allow_redirects=False) as r:
        return r.status == 200


async def test_sign_out_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing(server):
    session, _ = await sign_in(server, ANNA)
    stolen = cookies_of(session)
    assert await opens_console(server, stolen)
    async with session.get(server.url + CONSOLE) as r:
        assert '<span class="who">anna · moderator</span>' in await r.text()  # who is signed in, by name
    async with session.get(server.url + "/login") as r:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
    async with session.post(server.url + "/logout", data={"csrf": csrf}, allow_redirects=False) as r:
        assert r.status == 303
    assert not await opens_console(server, stolen)
    await session.close()


async def test_rotating_a_token_revokes_its_sessions_and_only_its_own(server):
    anna, _ = await sign_in(server, ANNA)
    boris, _ = await sign_in(server, BORIS)
    shared, _ = await sign_in(server, "mod-token")
    kept = {name: cookies_of(s) for name, s in (("anna", anna), ("boris", boris), ("shared", shared))}
    for s in (anna, boris, shared):
        await s.close()
    await server.restart()  # the same tokens: sessions survive a restart
    assert all([await opens_console(server, c) for c in kept.values()])
    # boris's token leaked: it is replaced, and the shared MODERATOR_TOKEN rotated
    server.settings = replace(server.settings, moderator_token="rotated-token",
                              moderator_tokens=(("anna", ANNA), ("boris", "boris-new-0123456789ab")))
    await server.restart()
    assert await opens_console(server, kept["anna"])
    assert not await opens_console(server, kept["boris"]) and not await opens_console(server, kept["shared"])


async def test_a_cookie_that_only_claims_powers_opens_nothing(server):
    """What every console cookie looked like before sessions: {"moderator": true}, signed."""
    forged = server.services.signer.session.dumps({"moderator": True, "curator": True})
    assert not await opens_console(server, {"es_session": forged})


async def test_sessions_end_after_12_idle_hours_and_each_use_pushes_the_end_on(server):
    session, _ = await sign_in(server, ANNA)
    rows = await server.store.fetch("SELECT key_digest, expires_ms, created_ms FROM staff_sessions")
    assert len(rows) == 1 and rows[0]["expires_ms"] - rows[0]["created_ms"] == 12 * 3600 * 1000
    key = rows[0]["key_digest"]
    await server.store.execute("UPDATE staff_sessions SET expires_ms = expires_ms - 3600000 WHERE key_digest = ?", key)
    assert await opens_console(server, cookies_of(session))  # used an hour "later": pushed on to 12 h from now
    pushed = (await staff_sessions.find(server.store, key)).expires_ms
    assert pushed > rows[0]["expires_ms"] - 60_000
    await server.store.execute("UPDATE staff_sessions SET expires_ms = 1 WHERE key_digest = ?", key)
    assert not await opens_console(server, cookies_of(session))
    await session.close()


async def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(start_server):
    server = await start_server(public_url="https://event.example")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:  # as if over https
        async with session.get(server.url + "/login") as r:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
            attendee = r.cookies["es_attendee"].value
        async with session.post(server.url + "/login", data={"token": "mod-token", "csrf": csrf},
                                headers={"Cookie": f"es_attendee={attendee}"}, allow_redirects=False) as r:
            cookie = r.cookies["es_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]


async def test_a_signed_out_moderators_open_socket_loses_its_powers_at_once(server):
    session, _ = await sign_in(server, ANNA)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies_of(session).items())
    console = await Client(server.url, cookie).connect()
    asker = await (await Client.attendee(server.url)).connect()
    asked = await asker.call("qa:ask", {"talk": "t1", "text": "Is this still moderated?"})
    assert (await console.call("qa:moderate", {"question": asked["question"]["id"], "action": "pin"}))["ok"]
    idle = await Client(server.url, cookie).connect()  # a second console that just listens
    await server.server.app[LIVE].sweep_staff()
    assert idle.sio.connected  # its session holds: it stays
    await server.store.execute("UPDATE staff_sessions SET ended_ms = 1")  # signed out in another tab
    reply = await console.call("qa:moderate", {"question": asked["question"]["id"], "action": "unpin"})
    assert reply["error"]["code"] == "forbidden"
    await server.server.app[LIVE].sweep_staff()  # what the live shell does every 30 s
    for _ in range(100):
        if not idle.sio.connected:
            break
        await asyncio.sleep(0.02)
    assert not idle.sio.connected  # it no longer hears the moderators' group
    for client in (console, asker):
        await client.close()
    await session.close()


async def test_named_moderators_appear_in_the_moderation_log(server):
    session, _ = await sign_in(server, BORIS)
    console = await Client(server.url, "; ".join(f"{k}={v}" for k, v in cookies_of(session).items())).connect()
    asker = await (await Client.attendee(server.url)).connect()
    asked = await asker.call("qa:ask", {"talk": "t1", "text": "Who moderated this one?"})
    assert (await console.call("qa:moderate", {"question": asked["question"]["id"], "action": "pin"}))["ok"]
    assert [(e.actor, e.action) for e in await questions.log(server.store, asked["question"]["id"])] == [
        ("moderator:boris", "pin")]
    for client in (console, asker):
        await client.close()
    await session.close()


async def test_a_moderator_blocks_an_asker_whose_questions_leave_the_queue_for_good(server):
    moderator = await Client(server.url, auth={"token": ANNA}).connect()
    troll, honest = await Client.attendee(server.url), await Client.attendee(server.url)
    await troll.connect()
    await honest.connect()
    first = (await troll.call("qa:ask", {"talk": "t1", "text": "Spam number one"}))["question"]["id"]
    second = (await troll.call("qa:ask", {"talk": "t1", "text": "Spam number two"}))["question"]["id"]
    kept = (await honest.call("qa:ask", {"talk": "t1", "text": "A real question?"}))["question"]["id"]
    for question in (first, second):  # approved: the whole room sees them
        assert (await moderator.call("qa:moderate", {"question": question, "action": "approve"}))["ok"]
    await honest.wait("qa:question", lambda q: q["id"] == second and q["state"] == "approved")

    blocked = await moderator.call("qa:block", {"question": first})
    assert blocked["ok"] and sorted(blocked["hidden"]) == sorted([first, second])
    for question in (first, second):  # everyone else sees them leave the queue
        await honest.wait("qa:question", lambda q, question=question: q["id"] == question and q["state"] == "rejected")
    refused = await troll.call("qa:ask", {"talk": "t1", "text": "Spam number three"})
    assert refused["ok"] is False and refused["error"]["code"] == "blocked"
    assert "moderator has stopped your questions" in refused["error"]["message"]
    assert [(e.actor, e.action) for e in await questions.log(server.store, second)] == [
        ("moderator:anna", "approve"), ("moderator:anna", "block")]

    await server.restart()  # kept in the store
    troll.events.clear()
    await troll.reconnect(server.url)
    assert (await troll.call("qa:ask", {"talk": "t1", "text": "Spam number four"}))["error"]["code"] == "blocked"
    honest.events.clear()
    await honest.reconnect(server.url)
    assert [q["id"] for q in (await honest.wait("qa:snapshot"))["questions"]] == [kept]
    attendee = await Client.attendee(server.url)
    assert (await (await attendee.connect()).call("qa:block", {"question": kept}))["error"]["code"] == "forbidden"
    for client in (moderator, troll, honest, attendee):
        await client.close()


async def test_a_named_curator_appears_in_the_curation_log(tmp_path, start_server):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE,
                                curator_tokens=(("vera", "vera-0123456789abcdef"),))
    entry = await send(server, {**FIELDS, "kind": "work"})
    curator, _ = await sign_in(server, "vera-0123456789abcdef")
    async with curator:
        async with curator.get(server.url + "/curate") as r:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
        async with curator.post(f"{server.url}/curate/{entry}/reject", data={"csrf": csrf, "note": "not ML"}) as r:
            assert r.status == 200
        async with curator.get(f"{server.url}/curate/{entry}") as r:
            assert "vera" in await r.text()  # the entry's history names her
    assert [r["actor"] for r in await server.store.fetch("SELECT actor FROM curation_log")] == ["vera"]


async def test_a_console_action_is_answered_even_when_its_session_cannot_be_checked(server):
    session, _ = await sign_in(server, ANNA)
    console = await Client(server.url, "; ".join(f"{k}={v}" for k, v in cookies_of(session).items())).connect()
    await server.store.close()  # the database away
    try:
        reply = await console.call("qa:moderate", {"question": "any", "action": "pin"})
    finally:
        await server.store.open()
    assert reply["ok"] is False and reply["error"]["code"] != "forbidden"  # an answer, and no false refusal
    await console.close()
    await session.close()


async def test_pages_still_show_to_staff_while_the_database_is_away(server):
    session, _ = await sign_in(server, ANNA)
    await server.store.close()
    try:
        async with session.get(server.url + "/schedule") as public, \
                session.get(server.url + CONSOLE, allow_redirects=False) as console:
            assert public.status == 200  # not a 500: the page, without staff powers until the database is back
            assert console.status == 303 and console.headers["Location"].startswith("/login")
    finally:
        await server.store.open()
    assert await opens_console(server, cookies_of(session))  # and the session is still there afterwards
    await session.close()
