"""The open call from idea to gallery over real HTTP, as a rehearsal would run it: an idea and a profile
come in, a curator pairs them, the artist sends the finished work through the link in their letter, a
curator hangs it credited to both — every step logged with its actor, every letter queued in the
applicant's language. Then every public page is read: no applicant's e-mail address is on any."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest
from gallery_support import BEFORE, IDEA, PROFILE, gallery_program, rehearse, send, session_and_csrf, signed_in_curator

from event_server.core.permissions import Can
from event_server.services.identity import Signer
from tests.conftest import fresh_postgres


async def letters(server, to: str) -> list[dict]:
    return await server.store.fetch("SELECT * FROM outbox WHERE recipient = ? ORDER BY created_ms, id", to)


@pytest.fixture(params=["sqlite", "postgresql"])
async def rehearsal(request, start_server, tmp_path):
    if request.param == "sqlite":
        server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
        yield server, await rehearse(server)
        return
    async with fresh_postgres(request.getfixturevalue("pg_url")) as url:
        server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, database_url=url)
        yield server, await rehearse(server)
        await server.stop()  # before its database is dropped


async def test_an_idea_and_a_profile_become_a_work_in_the_gallery_credited_to_both(rehearsal):
    server, refs = rehearsal
    async with aiohttp.ClientSession() as visitor:
        async with visitor.get(f"{server.url}/gallery/latent/dreaming-paintings") as r:
            page = await r.text()
    assert "Artist: Ada Painter · Data science: Alan Modeller" in page
    [pairing] = await server.store.fetch("SELECT status, work FROM pairings")
    assert pairing == {"status": "accepted", "work": refs["work"]}
    log = await server.store.fetch("SELECT actor, action FROM curation_log ORDER BY at_ms, action")
    assert [(r["actor"], r["action"]) for r in log] == [
        ("curator", "introduced"), ("curator", "moved the pairing"), ("applicant", "sent the finished work"),
        ("curator", "hung in the gallery")]
    # Each side heard of each step, in their own language.
    artist = [(r["template"], r["lang"]) for r in await letters(server, IDEA["email"])]
    assert artist == [("received", "ru"), ("introduction", "ru"), ("received", "ru"), ("accepted", "ru")]
    helper = [(r["template"], r["lang"]) for r in await letters(server, PROFILE["email"])]
    assert helper == [("received", "en"), ("introduction", "en"), ("credited", "en")]
    [accepted] = [r for r in await letters(server, IDEA["email"]) if r["template"] == "accepted"]
    assert "Bravo!" in accepted["body"] and "/gallery/latent/dreaming-paintings" in accepted["body"]
    # The link is spent: the pairing has its work.
    token = Signer("test-secret").token(Signer("test-secret").finished_work, refs["pairing"])
    async with aiohttp.ClientSession() as artist, artist.get(f"{server.url}/open-call?pairing={token}") as r:
        assert r.status == 404 and "no longer valid" in await r.text()


async def test_ideas_and_profiles_are_accepted_or_kindly_turned_down(rehearsal):
    server, refs = rehearsal
    fresh = await send(server, {**PROFILE, "name": "Grace", "email": "grace@example.org"})
    assert (await server.store.fetchrow("SELECT status FROM submissions WHERE id = ?", refs["profile"]))["status"] \
        == "accepted"  # introducing them took the idea and the profile on
    curator, csrf = await signed_in_curator(server)
    async with curator:
        async with curator.post(f"{server.url}/curate/{fresh}/accept",
                                data={"csrf": csrf, "tell": "on", "message": "Welcome"}) as r:
            assert r.status == 200
        async with curator.post(f"{server.url}/curate/{refs['loner']}/reject",
                                data={"csrf": csrf, "tell": "on", "note": "not ML"}) as r:
            assert r.status == 200
        async with curator.get(f"{server.url}/curate/{refs['loner']}") as r:
            page = await r.text()
    assert "not ML" in page and "curator" in page  # the history names who did it
    [_, accepted] = await letters(server, "grace@example.org")
    assert accepted["template"] == "accepted" and "Welcome" in accepted["body"]
    [_, declined] = await letters(server, "lone@example.org")
    assert declined["template"] == "declined" and "not ML" not in declined["body"]  # the note is the curators'


def concrete_paths(server, refs: dict) -> dict[str, list[str]]:
    """Every public GET page of the app → the real addresses that reach it."""
    program = server.event.program
    gallery = program.gallery
    return {
        "/": ["/"], "/schedule": ["/schedule"], "/login": ["/login"],
        "/talks/{slug}": [f"/talks/{t.slug}" for t in program.talks],
        "/speakers/{slug}": [f"/speakers/{s.slug}" for s in program.speakers],
        "/rooms/{slug}": [f"/rooms/{r.slug}" for r in program.rooms],
        "/rooms/{slug}/overlay": [f"/rooms/{r.slug}/overlay" for r in program.rooms],
        "/speak/{token}": [f"/speak/{Signer('test-secret').speaker_token(s.slug)}" for s in program.speakers],
        "/schedule.ics": ["/schedule.ics"], "/schedule.json": ["/schedule.json"], "/schedule.xml": ["/schedule.xml"],
        "/talks/{slug}.ics": [f"/talks/{t.slug}.ics" for t in program.talks],
        "/speakers/{slug}.ics": [f"/speakers/{s.slug}.ics" for s in program.speakers],
        "/rooms/{slug}.ics": [f"/rooms/{r.slug}.ics" for r in program.rooms],
        "/gallery": ["/gallery"],
        "/gallery/{room}": [f"/gallery/{r.slug}" for r in gallery.rooms],
        "/gallery/{room}/{work}": [f"/gallery/{r.slug}/{w.slug}" for r in gallery.rooms for w in r.works]
        + ["/gallery/latent/dreaming-paintings"],
        "/open-call": ["/open-call", "/open-call?kind=idea", "/open-call?kind=profile"],
        "/open-call/withdraw/{token}": [refs["withdraw"]],
        "/healthz": ["/healthz"], "/readyz": ["/readyz"],
    }


# Public routes that serve files or are not pages: pictures, media, uploads (checked by their tests).
NOT_PAGES = {"/recordings/{slug}", "/recordings/{slug}/captions/{lang}.vtt", "/recordings/{slug}/hls/{name}", r"/gallery/{room}/{work}/thumb-{width}.{fmt}", "/uploads/{name}",
             "/open-call/sent/{ref}",  # this one is only its sender's: read below with their cookies
             "/metrics", "/stage/{token}"}  # these check their own token: refused to a visitor


async def test_no_applicants_address_is_on_any_public_page(rehearsal):
    server, refs = rehearsal
    addresses = [IDEA["email"], PROFILE["email"], "lone@example.org"]
    routes = {route.resource.canonical for route in server.server.app.router.routes()
              if route.method == "GET" and getattr(route.handler, "needs", Can.WATCH) is Can.WATCH
              and not route.resource.canonical.startswith(("/static/", "/media", "/socket.io"))}
    paths = concrete_paths(server, refs)
    assert routes - NOT_PAGES == set(paths), "a public page is missing from this test"
    read = 0
    async with aiohttp.ClientSession() as visitor:
        for addresses_of_route in paths.values():
            for path in addresses_of_route:
                for lang in ("en", "ru"):
                    async with visitor.get(f"{server.url}{path}{'&' if '?' in path else '?'}lang={lang}") as r:
                        body = await r.text()
                    assert r.status == 200, (path, r.status)
                    assert not [a for a in addresses if a in body], path
                    assert "@example.org" not in body, path
                    read += 1
    assert read > 40
    await _the_senders_confirmation_has_no_address(server)
    # And the curators do see the addresses: the check above could have failed.
    curator, _ = await signed_in_curator(server)
    async with curator, curator.get(f"{server.url}/curate/{refs['idea']}") as r:
        assert IDEA["email"] in await r.text()


async def _the_senders_confirmation_has_no_address(server) -> None:
    session, csrf = await session_and_csrf(server)
    async with session:
        fields = {**PROFILE, "email": "sent.page@example.org", "csrf": csrf, "website": ""}
        async with session.post(f"{server.url}/open-call", data=fields) as r:
            page = await r.text()
        assert r.status == 200 and "/open-call/sent/" in str(r.url)
    assert "@example.org" not in page


async def test_after_the_keeping_date_applicants_data_is_erased_but_hung_works_stay(rehearsal):
    server, refs = rehearsal
    server.event.clock.offset += timedelta(days=400)  # past keep_until (180 days after the event)
    await server.restart()  # the keeping task looks at start-up, then every hour
    for _ in range(100):
        rows = await server.store.fetch("SELECT id, email, name, upload, erased_ms FROM submissions")
        if all(r["erased_ms"] for r in rows):
            break
        await asyncio.sleep(0.05)
    assert all(r["email"] == "" and r["name"] == "" for r in rows)
    assert [r["id"] for r in rows if r["upload"]] == [refs["work"]]  # the hung work keeps its file
    assert await server.store.fetch("SELECT * FROM outbox") == []
    async with aiohttp.ClientSession() as visitor:
        async with visitor.get(f"{server.url}/gallery/latent/dreaming-paintings") as r:
            page = await r.text()
    assert r.status == 200 and "Artist: Ada Painter · Data science: Alan Modeller" in page
