"""One server clock per page: a page that arrived late (a slow link) still counts down to the server's
instant once its socket has measured the clock, and the room and a speaker's page agree on it."""
from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from event_server.services.identity import Signer
from tests.conftest import write_program

LATE = 4.0  # seconds between the server rendering the speaker's page and the browser getting it


def seconds(countdown: str) -> int:
    h, m, s = (int(part) for part in countdown.split(":"))
    return h * 3600 + m * 60 + s


async def error(page, selector: str, server, start) -> float:
    """How far the page's countdown is from the time truly left, in seconds (positive: it shows more)."""
    shown = seconds(await page.locator(selector).text_content())
    return shown - (start - server.event.clock.now()).total_seconds()


async def settles(page, selector: str, server, start, timeout: float = 10) -> float:
    """Wait until the countdown is right to within its display (whole seconds, redrawn every second)."""
    deadline, last = time.monotonic() + timeout, float("inf")
    while time.monotonic() < deadline:
        last = await error(page, selector, server, start)
        if -1.0 <= last <= 1.5:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"{page.url}: the countdown stayed {last:.1f} s off")


async def test_a_late_page_counts_down_on_the_servers_clock(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1}])
    server = await start_server(program, first_talk_in=timedelta(minutes=2))
    start = server.event.slots()[0].start
    # a page served by the test (route.fulfill) counts as public: let it reach the loopback server
    speaker = await (await browser.new_context(permissions=["local-network-access"])).new_page()

    async def late(route):
        response = await route.fetch()  # rendered now, with now as the page's idea of the server's time
        await asyncio.sleep(LATE)
        await route.fulfill(response=response)

    await speaker.route("**/speak/**", late)
    await speaker.goto(f"{server.url}/speak/{Signer('test-secret').speaker_token('ada')}")
    countdown = "[data-field=clock]"  # the speaker's own clock, counting to their premiere
    await settles(speaker, countdown, server, start)  # not LATE seconds behind, as the render time would have it

    room = await browser.new_page()
    await room.goto(f"{server.url}/rooms/main")
    await settles(room, "[data-field=countdown]", server, start)
    shown = [seconds(await page.locator(selector).text_content())
             for page, selector in ((speaker, countdown), (room, "[data-field=countdown]"))]
    assert abs(shown[0] - shown[1]) <= 1, shown
