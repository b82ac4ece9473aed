"""The open call over real HTTP: what is stored, what is refused and why, and when the form is closed."""
from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest
from gallery_support import BEFORE, form, gallery_program, png_bytes, session_and_csrf

AFTER = datetime(2020, 8, 2, 12, 0, tzinfo=UTC)

async def stored(server) -> list[dict]:
    return await server.store.fetch("SELECT * FROM submissions")


def upload_files(server) -> list:
    folder = server.settings.data_dir / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
async def call(start_server, tmp_path):
    return await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)


async def test_a_valid_submission_with_an_image_is_stored_and_confirmed(call):
    session, csrf = await session_and_csrf(call)
    async with session:
        async with session.post(f"{call.url}/open-call", data=form(csrf, ("garden.png", png_bytes(), "image/png")),
                                allow_redirects=False) as r:
            assert r.status == 303, await r.text()
            location = r.headers["Location"]
        async with session.get(f"{call.url}{location}") as r:
            page = await r.text()
    [row] = await stored(call)
    assert row["id"] in page and "Dream garden" in page
    assert row["upload_kind"] == "image" and row["upload_type"] == "image/png"
    # Stored under a random name with the sniffed suffix, outside static/, and not public yet.
    assert upload_files(call) == [row["upload"]] and row["upload"].endswith(".png") and "garden" not in row["upload"]
    async with aiohttp.ClientSession() as anyone, anyone.get(f"{call.url}/uploads/{row['upload']}") as r:
        assert r.status == 404
    # Someone else's browser does not see the confirmation either.
    async with aiohttp.ClientSession() as other, other.get(f"{call.url}{location}") as r:
        assert r.status == 404


@pytest.mark.parametrize("upload, expected", [
    (("track.mp3", png_bytes(), "audio/mpeg"), "named as audio but its contents are a PNG image"),
    (("photo.jpg", b"<!doctype html><script>alert(1)</script>", "image/jpeg"), "not an image, audio or video we accept"),
])
async def test_a_file_whose_bytes_do_not_match_is_refused_and_nothing_is_stored(call, upload, expected):
    session, csrf = await session_and_csrf(call)
    async with session, session.post(f"{call.url}/open-call", data=form(csrf, upload)) as r:
        page = await r.text()
    assert r.status == 400 and expected in page
    assert 'value="Dream garden"' in page  # what was typed is kept
    assert await stored(call) == [] and upload_files(call) == []


async def test_an_oversized_upload_gets_413_with_a_clear_message(call):
    big = png_bytes() + b"\0" * (10 * 1024 * 1024)
    session, csrf = await session_and_csrf(call)
    async with session, session.post(f"{call.url}/open-call", data=form(csrf, ("huge.png", big, "image/png"))) as r:
        page = await r.text()
    assert r.status == 413 and "image files can be up to 10 MB" in page
    assert await stored(call) == [] and upload_files(call) == []


async def test_a_post_without_the_csrf_token_gets_403(call):
    session, _ = await session_and_csrf(call)
    async with session, session.post(f"{call.url}/open-call", data=form(None, ("a.png", png_bytes(), "image/png"))) as r:
        assert r.status == 403 and "Reload the page" in await r.text()
    assert await stored(call) == [] and upload_files(call) == []


async def test_fields_are_checked_links_must_be_https(call):
    session, csrf = await session_and_csrf(call)
    async with session, session.post(f"{call.url}/open-call?lang=ru",
                                     data=form(csrf, links="http://example.org/x", email="nope")) as r:
        page = await r.text()
    assert r.status == 400 and "http://example.org/x" in page and 'aria-invalid="true"' in page
    assert await stored(call) == []


async def test_a_bot_filling_the_honeypot_is_thanked_but_not_stored(call):
    session, csrf = await session_and_csrf(call)
    async with session, session.post(f"{call.url}/open-call", data=form(csrf, website="http://spam.example")) as r:
        assert r.status == 200
    assert await stored(call) == []


async def test_after_the_deadline_the_form_is_closed(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=AFTER)
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session:
        async with session.get(f"{server.url}/open-call") as r:
            page = await r.text()
        assert "closed on 01.08.2020" in page and "<form class=\"card submit-form\"" not in page
        async with session.post(f"{server.url}/open-call", data=form("whatever")) as r:
            assert r.status == 403 and "closed" in await r.text()
    assert await stored(server) == []


async def test_more_than_five_submissions_an_hour_from_one_browser_get_429(call):
    session, csrf = await session_and_csrf(call)
    async with session:
        for i in range(5):
            async with session.post(f"{call.url}/open-call", data=form(csrf, title=f"Work {i}"),
                                    allow_redirects=False) as r:
                assert r.status == 303
        async with session.post(f"{call.url}/open-call", data=form(csrf, title="One more")) as r:
            assert r.status == 429 and "Please wait" in await r.text()
    assert len(await stored(call)) == 5


async def test_an_unknown_file_larger_than_any_cap_and_a_flood_of_text_get_413(call):
    session, csrf = await session_and_csrf(call)
    async with session:
        blob = b"\0" * (50 * 1024 * 1024 + 1)
        async with session.post(f"{call.url}/open-call", data=form(csrf, ("x.bin", blob, "application/x-foo"))) as r:
            assert r.status == 413 and "files can be up to 50 MB" in await r.text()
        flood = form(csrf, ("a.png", png_bytes(), "image/png"), description="x" * 70_000)  # multipart, as browsers send
        async with session.post(f"{call.url}/open-call", data=flood) as r:
            assert r.status == 413 and "too long" in await r.text()
    assert await stored(call) == [] and upload_files(call) == []
