"""Conditional requests as real clients send them (RFC 9110 section 13): quoted, listed, weak and `*`
entity tags, If-Modified-Since, and the render cache that makes a 304 or a repeat 200 cheap."""
from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from event_server.feeds.http import RenderCache, Rendered, etag_matches, not_modified

MODIFIED = datetime(2020, 9, 19, 12, 3, 7, tzinfo=UTC)
DOC = Rendered.of(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; charset=utf-8", MODIFIED)


def test_the_etag_is_a_quoted_strong_tag_of_the_body():
    assert DOC.etag.startswith('"') and DOC.etag.endswith('"') and not DOC.etag.startswith("W/")
    assert Rendered.of(DOC.body, DOC.content_type, MODIFIED).etag == DOC.etag
    assert Rendered.of(DOC.body + b" ", DOC.content_type, MODIFIED).etag != DOC.etag
    assert DOC.http_date == "Sat, 19 Sep 2020 12:03:07 GMT"


def test_if_none_match_accepts_the_exact_value_lists_weak_tags_and_star():
    opaque = DOC.etag.strip('"')
    assert etag_matches(DOC.etag, DOC.etag)  # exactly as sent, quotes included
    assert etag_matches(f'"other", {DOC.etag}', DOC.etag)
    assert etag_matches(f'W/{DOC.etag}', DOC.etag)  # If-None-Match compares weakly
    assert etag_matches("*", DOC.etag)
    assert etag_matches(opaque, DOC.etag)  # a client that stripped the quotes still gets its 304
    assert not etag_matches('"other"', DOC.etag)
    assert not etag_matches(f'"{opaque[:-1]}"', DOC.etag)


def test_gzip_is_a_representation_with_its_own_tag_that_still_validates():
    body, headers = DOC.representation("gzip;q=1.0, identity; q=0.5")
    assert headers == {"ETag": DOC.etag[:-1] + '-gzip"', "Content-Encoding": "gzip"} and body == DOC.gzipped
    assert DOC.representation("gzip;q=0, br") == (DOC.body, {"ETag": DOC.etag})
    assert DOC.representation("") == (DOC.body, {"ETag": DOC.etag})
    assert not_modified({"If-None-Match": headers["ETag"]}, DOC)


def test_if_modified_since_applies_only_without_if_none_match():
    assert not_modified({"If-Modified-Since": DOC.http_date}, DOC)
    assert not_modified({"If-Modified-Since": "Sun, 20 Sep 2020 00:00:00 GMT"}, DOC)
    assert not not_modified({"If-Modified-Since": "Sat, 19 Sep 2020 12:03:06 GMT"}, DOC)
    assert not not_modified({"If-Modified-Since": "yesterday"}, DOC)
    assert not not_modified({"If-None-Match": '"changed"', "If-Modified-Since": DOC.http_date}, DOC)
    assert not_modified({"If-None-Match": DOC.etag, "If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}, DOC)
    assert not not_modified({}, DOC)


async def test_the_cache_renders_once_per_version_even_for_concurrent_requests():
    calls, gate = [], threading.Event()

    def build() -> Rendered:
        calls.append(1)
        gate.wait(5)
        return DOC

    cache = RenderCache()
    waiting = [asyncio.create_task(cache.get("schedule", 1, build)) for _ in range(20)]
    await asyncio.sleep(0.05)
    gate.set()
    assert all(r is DOC for r in await asyncio.gather(*waiting))
    assert len(calls) == 1
    assert await cache.get("schedule", 1, build) is DOC and len(calls) == 1
    await cache.get("schedule", 2, build)
    assert len(calls) == 2


async def test_a_failed_render_is_not_cached_and_old_entries_make_room():
    def fail() -> Rendered:
        raise ValueError("broken")

    cache = RenderCache(size=2)
    try:
        await cache.get("a", 1, fail)
    except ValueError:
        pass
    assert await cache.get("a", 1, lambda: DOC) is DOC
    await cache.get("b", 1, lambda: DOC)
    await cache.get("c", 1, lambda: DOC)
    rebuilt = []
    await cache.get("a", 1, lambda: rebuilt.append(1) or DOC)
    assert rebuilt == [1]
