"""An HLS premiere in Chromium: hls.js plays the 2020 opening's two-bitrate set at the room's live
position, like a file (hls.js everywhere Media Source Extensions exist, so every browser but iPhone Safari
chooses bitrates the same way), and drops to the lower bitrate when the connection becomes weak (the test
throttles it with the Chrome DevTools Protocol, as a viewer's slow network would)."""
from __future__ import annotations

import asyncio
import shutil
import time
from datetime import timedelta

from tests.browser.test_room_browser import settled
from tests.conftest import ROOT, write_program

HLS_SET = ROOT / "program" / "media" / "recordings" / "opening"
HEIGHT = "() => document.querySelector('[data-panel=premiere] video')?.videoHeight ?? 0"


def hls_premiere(tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 180, "qa": 1}])
    shutil.copytree(HLS_SET, tmp_path / "media" / "recordings" / "opening")
    program.write_text(program.read_text().replace("file: media/recordings/clip.webm",
                                                   "file: media/recordings/opening/index.m3u8"))
    return program


async def shows_height(page, height: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await page.evaluate(HEIGHT) == height:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"the video never showed {height} lines (it shows {await page.evaluate(HEIGHT)})")


async def test_an_hls_premiere_plays_at_the_live_position_and_drops_its_bitrate_on_a_weak_connection(
        start_server, browser, tmp_path):
    server = await start_server(hls_premiere(tmp_path), first_talk_in=timedelta(seconds=-20))
    start = server.event.slots()[0].start
    page = await browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.goto(server.url + "/rooms/main")
    assert await page.get_attribute("#room", "data-phase") == "premiere"
    await settled(page, server, start)
    await shows_height(page, 180, timeout=10)  # a fast connection: the higher bitrate
    # through hls.js (Media Source Extensions: a blob: source), whether or not this Chromium plays HLS itself
    assert (await page.evaluate("() => document.querySelector('[data-panel=premiere] video').src")).startswith("blob:")
    assert any("/recordings/a/hls/180p/" in url for url in requested)
    # hls.js came by its content-hashed URL (the import map's), which browsers cache for good
    assert any("/static/vendor/hls.light.min.mjs?v=" in url for url in requested), requested

    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", {  # ~48 kbit/s, a weak mobile connection
        "offline": False, "latency": 400, "downloadThroughput": 6000, "uploadThroughput": 6000})
    await shows_height(page, 90, timeout=40)  # the lower one, once the buffered segments have played
    assert any("/recordings/a/hls/90p/" in url for url in requested)
    await settled(page, server, start)  # and still at the live position
