"""Feeds on a real server, polled the way calendar apps poll them: validators and 304s, a moderator's
delay seen on the next poll with SEQUENCE raised, identical bodies across requests and restarts."""
from __future__ import annotations

import gzip
import os
import time
from datetime import timedelta
from pathlib import Path

import aiohttp
import icalendar
import pytest
import socketio
from conftest import write_program
from ical.calendar_stream import IcsCalendarStream

from event_server.cli import main as cli

TALKS = [{"slug": "first", "start": "15:00", "seconds": 60, "qa": 1},
         {"slug": "second", "start": "15:03", "seconds": 60, "qa": 1, "speaker": "alan"}]
FEEDS = {"/schedule.ics": "text/calendar; charset=utf-8", "/talks/first.ics": "text/calendar; charset=utf-8",
         "/speakers/alan.ics": "text/calendar; charset=utf-8", "/rooms/main.ics": "text/calendar; charset=utf-8",
         "/schedule.json": "application/json; charset=utf-8", "/schedule.xml": "application/xml; charset=utf-8"}


async def fetch(url: str, method: str = "GET", **headers) -> tuple[int, bytes, aiohttp.ClientResponse]:
    async with aiohttp.ClientSession() as session, session.request(method, url, headers=headers) as response:
        return response.status, await response.read(), response


async def delay(server, talk: str, minutes: int) -> None:
    """As a moderator does it: a socket.io client signed in with the moderator token."""
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(server.url, auth={"token": "mod-token"}, transports=["websocket"])
    try:
        reply = await client.call("schedule:adjust", {"action": "delay", "talk": talk, "minutes": minutes}, timeout=5)
    finally:
        await client.disconnect()
    assert reply == {"ok": True, "talk": talk}


def event(body: bytes, uid: str) -> icalendar.Event:
    return next(e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if e["UID"] == uid)


def published_an_hour_ago(path: Path) -> Path:
    """The file was written before the event, not in the same second as the moderator's delay."""
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


@pytest.fixture
async def server(start_server, tmp_path):
    """A rehearsal (its clock shifted to two minutes before the first talk) at a fixed public address."""
    return await start_server(published_an_hour_ago(write_program(tmp_path, TALKS)),
                              first_talk_in=timedelta(minutes=2), public_url="https://meetup.example")


async def test_every_feed_is_served_public_and_cacheable(server):
    for path, content_type in FEEDS.items():
        status, body, r = await fetch(server.url + path)
        assert status == 200, path
        assert r.headers["Content-Type"] == content_type
        assert r.headers["ETag"].startswith('"') and r.headers["Last-Modified"].endswith(" GMT")
        assert r.headers["Cache-Control"] == "public, max-age=60"
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert "Set-Cookie" not in r.headers  # a shared cache would refuse to keep it
        if path.endswith(".ics"):
            assert IcsCalendarStream.calendar_from_ics(body.decode()).events
        status, head_body, head = await fetch(server.url + path, "HEAD")
        assert (status, head_body, head.headers["ETag"]) == (200, b"", r.headers["ETag"])
        assert head.headers["Content-Length"] == r.headers["Content-Length"]


async def test_gzip_for_clients_that_accept_it_and_either_tag_validates(server):
    url = server.url + "/schedule.ics"
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        async with session.get(url, headers={"Accept-Encoding": "identity"}) as plain:
            body, plain_tag = await plain.read(), plain.headers["ETag"]
            assert "Content-Encoding" not in plain.headers and plain.headers["Vary"] == "Accept-Encoding"
        async with session.get(url, headers={"Accept-Encoding": "gzip, deflate"}) as packed:
            assert packed.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(await packed.read()) == body
            packed_tag = packed.headers["ETag"]
        assert packed_tag != plain_tag and packed_tag.startswith('"')
        for encoding, tag in (("gzip", packed_tag), ("identity", plain_tag), ("gzip", plain_tag)):
            async with session.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": tag}) as r:
                assert r.status == 304, (encoding, tag)


async def test_a_subscribed_calendar_sees_the_delay_on_its_next_poll_and_polls_cheaply_otherwise(server):
    url = server.url + "/schedule.ics"
    status, body, r = await fetch(url)
    etag = r.headers["ETag"]
    before = event(body, "second@test-meetup")
    status, again, r = await fetch(url, **{"If-None-Match": etag})
    assert (status, again, r.headers["ETag"]) == (304, b"", etag)

    await delay(server, "first", 5)
    status, body, r = await fetch(url, **{"If-None-Match": etag})
    assert status == 200 and r.headers["ETag"] != etag
    after = event(body, "second@test-meetup")
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(minutes=5)
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")  # real time, though the rehearsal clock is in 2020
    status, _, _ = await fetch(url, **{"If-None-Match": r.headers["ETag"]})
    assert status == 304


async def test_if_modified_since_gives_304_until_a_change(server):
    url = server.url + "/talks/second.ics"
    _, _, r = await fetch(url)
    status, _, _ = await fetch(url, **{"If-Modified-Since": r.headers["Last-Modified"]})
    assert status == 304
    await delay(server, "second", 1)
    status, _, changed = await fetch(url, **{"If-Modified-Since": r.headers["Last-Modified"]})
    assert status == 200 and changed.headers["Last-Modified"] != r.headers["Last-Modified"]


async def test_bodies_are_identical_across_requests_and_restarts(server):
    await delay(server, "second", 2)  # stored: after the restart the delay and its SEQUENCE are still there
    bodies = {path: (await fetch(server.url + path + "?lang=ru"))[1] for path in FEEDS}
    assert bodies == {path: (await fetch(server.url + path + "?lang=ru"))[1] for path in FEEDS}
    await server.restart()
    assert bodies == {path: (await fetch(server.url + path + "?lang=ru"))[1] for path in FEEDS}
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(bodies["/schedule.ics"]).walk("VEVENT")]
    assert uids == ["first@test-meetup", "second@test-meetup"]
    assert event(bodies["/schedule.ics"], "second@test-meetup")["SEQUENCE"] == 1


async def test_unknown_subjects_and_languages_get_clear_errors(server):
    assert (await fetch(server.url + "/talks/nope.ics"))[0] == 404
    status, body, _ = await fetch(server.url + "/schedule.ics?lang=de")
    assert status == 400 and b"lang must be one of: en, ru" in body


async def test_export_writes_the_same_documents_as_the_server(start_server, tmp_path):
    program = write_program(tmp_path, TALKS)
    server = await start_server(program, public_url="https://meetup.example")
    for fmt, path in (("ics", "/schedule.ics"), ("frab-json", "/schedule.json"), ("frab-xml", "/schedule.xml")):
        out = tmp_path / f"export.{fmt}"
        assert cli(["export", str(program), "--format", fmt, "-o", str(out), "--base-url", "https://meetup.example",
                    "--lang", "ru"]) == 0
        assert out.read_bytes() == (await fetch(server.url + path + "?lang=ru"))[1]


async def test_pages_offer_subscriptions_downloads_and_google_calendar(start_server, tmp_path):
    server = await start_server(write_program(tmp_path, TALKS), public_url="https://meetup.example")
    for page, feed in (("/schedule", "/schedule.ics"), ("/rooms/main", "/rooms/main.ics"),
                       ("/speakers/alan", "/speakers/alan.ics")):
        _, html, _ = await fetch(server.url + page + "?lang=ru")
        assert f'href="webcal://meetup.example{feed}?lang=ru"' in html.decode()
        assert f'href="{feed}?lang=ru" download' in html.decode()
        assert "Подписаться" in html.decode()
    _, html, _ = await fetch(server.url + "/talks/second")
    text = html.decode()
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in text
    assert "dates=20200919T120300Z%2F20200919T120500Z" in text and "ctz=Europe%2FMoscow" in text
    assert 'href="/talks/second.ics?lang=en" download' in text
