"""Curation over real HTTP, on SQLite and PostgreSQL: a curator hangs a submission and it stays hung."""
from __future__ import annotations

import re

import aiohttp
import pytest
from gallery_support import BEFORE, form, gallery_program, png_bytes, session_and_csrf


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request):
    if request.param == "sqlite":
        return ""
    url = request.getfixturevalue("pg_url")
    from event_server.store import open_database

    db = await open_database(url)  # the shared test database: start from no submissions
    await db.execute("DELETE FROM gallery_works")
    await db.execute("DELETE FROM submissions")
    await db.close()
    return url


async def submit(server) -> dict:
    session, csrf = await session_and_csrf(server)
    async with session, session.post(f"{server.url}/open-call", data=form(csrf, ("garden.png", png_bytes(), "image/png")),
                                     allow_redirects=False) as r:
        assert r.status == 303
    [row] = await server.store.fetch("SELECT * FROM submissions")
    return row


async def curator(server) -> tuple[aiohttp.ClientSession, str]:
    session, csrf = await session_and_csrf(server)
    async with session.post(f"{server.url}/login", data={"csrf": csrf, "token": "cur-token", "next": "/curate"}) as r:
        assert r.status == 200 and "Curation" in await r.text()
    return session, csrf


HANG = {"room": "latent", "slug": "dream-garden", "kind": "image", "title": "Dream garden", "artists": "Ada",
        "year": "2020", "technique": "Neural CA", "description": "Grown.", "alt": "A garden of pink rings",
        "link": "", "media": "", "youtube": "", "note": "Lovely"}


async def test_a_curator_hangs_a_submission_and_it_is_there_after_a_restart(start_server, tmp_path, database_url):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, database_url=database_url)
    row = await submit(server)
    session, csrf = await curator(server)
    async with session:
        async with session.get(f"{server.url}/curate?role=artist&kind=image") as r:
            assert row["id"] in await r.text()
        async with session.get(f"{server.url}/curate/{row['id']}") as r:
            page = await r.text()
        assert 'value="dream-garden"' in page and f"/curate/uploads/{row['upload']}" in page
        async with session.get(f"{server.url}/curate/uploads/{row['upload']}") as r:
            assert r.status == 200 and r.content_type == "image/png"
        async with session.post(f"{server.url}/curate/{row['id']}/accept", data={**HANG, "csrf": csrf},
                                allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/gallery/latent/dream-garden"

    await server.restart()
    async with aiohttp.ClientSession() as visitor:
        async with visitor.get(f"{server.url}/gallery/latent") as r:
            room = await r.text()
        # Beside the programme's works, after them, with a lazy thumbnail and its alt text.
        assert room.index("/gallery/latent/tube") < room.index("/gallery/latent/dream-garden")
        assert 'alt="A garden of pink rings"' in room
        async with visitor.get(f"{server.url}/gallery/latent/dream-garden") as r:
            page = await r.text()
        assert r.status == 200 and "Dream garden" in page and "Ada, 2020" in page
        thumb = re.search(r'src="(/gallery/latent/dream-garden/thumb-[^"]+)"', page).group(1)
        async with visitor.get(f"{server.url}{thumb}") as r:
            assert r.status == 200 and r.content_type == "image/jpeg"
        async with visitor.get(f"{server.url}/uploads/{row['upload']}") as r:
            assert r.status == 200 and r.content_type == "image/png"
            assert "sandbox" in r.headers["Content-Security-Policy"]


async def test_rejecting_takes_a_hung_work_down(start_server, tmp_path, database_url):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, database_url=database_url)
    row = await submit(server)
    session, csrf = await curator(server)
    async with session:
        await session.post(f"{server.url}/curate/{row['id']}/accept", data={**HANG, "csrf": csrf})
        async with session.post(f"{server.url}/curate/{row['id']}/reject", data={"csrf": csrf, "note": "Withdrawn"}) as r:
            assert r.status == 200
        async with session.get(f"{server.url}/gallery/latent/dream-garden") as r:
            assert r.status == 404
    [after] = await server.store.fetch("SELECT status, note FROM submissions")
    assert after == {"status": "rejected", "note": "Withdrawn"}


async def test_curator_edits_are_checked_like_the_programme(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    row = await submit(server)
    session, csrf = await curator(server)
    async with session:
        bad = {**HANG, "csrf": csrf, "alt": "", "slug": "tube"}  # no alt text; a slug the programme uses there
        async with session.post(f"{server.url}/curate/{row['id']}/accept", data=bad) as r:
            page = await r.text()
    assert r.status == 400 and "Images need alt text" in page and "already has this slug" in page
    assert await server.store.fetch("SELECT * FROM gallery_works") == []


async def test_a_non_curator_cannot_reach_curation(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    row = await submit(server)
    session, csrf = await session_and_csrf(server)
    async with session:
        async with session.get(f"{server.url}/curate", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/login?next=/curate"
        async with session.get(f"{server.url}/curate/{row['id']}", allow_redirects=False) as r:
            assert r.status == 303
        async with session.post(f"{server.url}/curate/{row['id']}/accept", data={**HANG, "csrf": csrf}) as r:
            assert r.status == 403
        async with session.post(f"{server.url}/curate/{row['id']}/reject", data={"csrf": csrf}) as r:
            assert r.status == 403
        async with session.get(f"{server.url}/curate/uploads/{row['upload']}") as r:
            assert r.status == 403
        async with session.post(f"{server.url}/login", data={"csrf": csrf, "token": "mod-token"}) as r:
            assert r.status == 200  # a moderator is not a curator
        async with session.post(f"{server.url}/curate/{row['id']}/accept", data={**HANG, "csrf": csrf}) as r:
            assert r.status == 403
    [after] = await server.store.fetch("SELECT status FROM submissions")
    assert after["status"] == "new" and await server.store.fetch("SELECT * FROM gallery_works") == []
