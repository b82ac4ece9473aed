"""The live room in Chromium: the premiere plays at the live position, two pages agree, a page
re-joins after a lost connection, and a moderator's delay moves the times on an attendee's page."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from playwright.async_api import expect

from event_server.live import LIVE
from tests.conftest import write_program
from tests.live.roomclient import RoomClient

POSITION = "() => { const v = document.querySelector('[data-panel=premiere] video'); " \
           "return v && v.readyState >= 3 && !v.seeking && !v.paused ? v.currentTime : null; }"


def premiere_day(tmp_path):
    return write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 120, "qa": 1},
                                    {"slug": "b", "start": "10:05", "seconds": 60, "qa": 1}])


async def live_error(page, server, start) -> float:
    """How far the page's video is from the live position, in seconds (positive: ahead)."""
    position = await page.evaluate(POSITION)
    if position is None:
        return float("inf")
    expected = (server.event.clock.now() - start).total_seconds()
    return position - expected


async def settled(page, server, start, within: float = 0.5, timeout: float = 10) -> float:
    """Wait until the page plays within `within` seconds of live (seeks on sparse keyframes take time)."""
    deadline = time.monotonic() + timeout
    error = float("inf")
    while time.monotonic() < deadline:
        error = await live_error(page, server, start)
        if abs(error) < within:
            return error
        await asyncio.sleep(0.2)
    raise AssertionError(f"the page never settled near the live position (last error {error:.2f} s)")


async def test_two_pages_play_the_premiere_in_sync(start_server, browser, tmp_path):
    server = await start_server(premiere_day(tmp_path), first_talk_in=timedelta(seconds=-5))
    start = server.event.slots()[0].start
    first = await browser.new_page()
    await first.goto(server.url + "/rooms/main")
    assert await first.get_attribute("#room", "data-phase") == "premiere"
    await settled(first, server, start)
    assert await first.locator("[data-action=unmute]").is_visible()  # autoplay with sound was refused
    await asyncio.sleep(max(0.0, 15 - (server.event.clock.now() - start).total_seconds()))
    second = await browser.new_page()  # 10 s after the first
    await second.goto(server.url + "/rooms/main")
    await settled(second, server, start)
    await asyncio.sleep(1)
    gaps = []
    for _ in range(5):
        a, b = await first.evaluate(POSITION), await second.evaluate(POSITION)
        if a is not None and b is not None:
            gaps.append(abs(a - b))
        await asyncio.sleep(0.2)
    assert gaps and min(gaps) < 0.5, gaps
    await first.locator("[data-action=unmute]").click()
    assert await first.evaluate("() => document.querySelector('video').muted") is False


async def test_a_page_rejoins_after_losing_its_connection(start_server, browser, tmp_path):
    server = await start_server(premiere_day(tmp_path), first_talk_in=timedelta(seconds=6))
    sockets = server.server.app[LIVE].sio.eio.sockets
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(server.url + "/rooms/main")
    assert await page.get_attribute("#room", "data-phase") == "countdown"
    await page.wait_for_function("() => document.querySelector('[data-presence]').textContent === '1 watching'")
    await context.set_offline(True)
    # Chromium's offline emulation does not always cut an open websocket: cut it as a network would
    for sock in list(sockets.values()):
        sock._ws_transport.abort()
    for _ in range(200):
        if not sockets:
            break
        await asyncio.sleep(0.1)
    assert not sockets  # the server has forgotten the page's socket, and its room
    await context.set_offline(False)
    # the transition is pushed only to sockets in the room: the page must have re-joined by itself
    await page.wait_for_function("() => document.getElementById('room').dataset.phase === 'premiere'",
                                 timeout=15000)
    assert await page.get_attribute("#room", "data-talk") == "a"


async def test_a_moderators_delay_moves_the_next_talk_on_an_attendees_page(start_server, browser, tmp_path):
    server = await start_server(premiere_day(tmp_path), first_talk_in=timedelta(seconds=-5))
    attendee = await browser.new_page()
    await attendee.goto(server.url + "/rooms/main")
    row = attendee.locator("[data-slot=b] [data-start]")
    assert await row.text_content() == "10:05"
    moderator = await browser.new_page()
    await moderator.goto(server.url + "/login?next=/moderate/main")
    await moderator.fill("input[name=token]", "mod-token")
    await moderator.click("button[type=submit]")
    await moderator.wait_for_url("**/moderate/main")
    moderator.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await moderator.fill("[data-minutes=b]", "10")
    await moderator.click("[data-adjust=delay][data-talk=b]")
    await moderator.wait_for_function("() => document.querySelector('[data-status]').textContent.startsWith('Done')")
    await attendee.wait_for_function(
        "() => document.querySelector('[data-slot=b] [data-start]').textContent === '10:15'", timeout=3000)
    assert await moderator.locator("[data-slot=b] [data-start]").text_content() == "10:15"


async def test_one_page_follows_the_day_from_countdown_to_the_break(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 3, "qa": 1},
                                       {"slug": "b", "start": "10:10", "seconds": 60, "qa": 1}])
    server = await start_server(program, first_talk_in=timedelta(seconds=6))  # time to load on a busy machine
    page = await browser.new_page()
    await page.goto(server.url + "/rooms/main?lang=ru")
    phase = "() => document.getElementById('room').dataset.phase"
    assert await page.evaluate(phase) == "countdown"
    assert await page.locator("[data-panel=waiting] [data-field=next-title]").text_content() == "Доклад a"
    await page.wait_for_function(f"() => ({phase})() === 'premiere'", timeout=8000)
    await page.wait_for_function(f"() => ({phase})() === 'qa'", timeout=6000)
    # this machine reaches no YouTube: the livestream's card says so, and the stream is one click away
    card = page.locator("[data-panel=qa] [data-fallback]")
    await expect(card).to_be_visible()
    assert await card.get_by_role("link").get_attribute("href") == "https://www.youtube.com/watch?v=othTjSowvqY"
    watch = page.get_by_role("link", name="Трансляция на YouTube ↗")
    assert await watch.get_attribute("href") == "https://www.youtube.com/watch?v=othTjSowvqY"
    assert await watch.is_visible()
    assert await page.locator("[data-panel=premiere] video").count() == 0  # the premiere player is gone
    async with RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        assert (await moderator.call("schedule:adjust", {"action": "end_qa"}))["ok"]
    await page.wait_for_function(f"() => ({phase})() === 'break'", timeout=3000)
    assert await page.locator("[data-panel=waiting] [data-field=next-title]").text_content() == "Доклад b"
    assert await page.locator("[data-panel=waiting] [data-field=next-at]").text_content() == "10:10"
    assert await page.locator("[data-panel=qa] iframe").count() == 0
    await expect(card).to_be_hidden()
