"""The broadcast scene for OBS in Chromium at 1920×1080: refused without its stage link; each scene in
its phase (shifted clock); the recording playing with sound at the live offset; the lower third and the
question on air following the Q&A live; a moderator's delay reaching the stage."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import aiohttp
import pytest
from playwright.async_api import expect

from event_server.live import LIVE
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, WatchedBrowser, missing, write_program
from tests.gallery_support import gallery_program, png_bytes
from tests.live.qa_clients import Client

OBS = {"width": 1920, "height": 1080}
POSITION = "() => { const v = document.querySelector('[data-show=premiere] video'); " \
           "return v && v.readyState >= 3 && !v.seeking && !v.paused ? v.currentTime : null; }"


@pytest.fixture
async def obs():
    """Chromium as OBS's browser source runs it: autoplay with sound allowed. Console errors fail the test."""
    from pathlib import Path

    from playwright.async_api import async_playwright
    if not Path(CHROMIUM).exists():
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    async with async_playwright() as p:
        watched = WatchedBrowser(await p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]))
        yield watched
        await watched.browser.close()
    assert watched.problems == [], "the pages logged errors"


def day(tmp_path, extra: str = ""):
    return write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 120, "qa": 2},
                                    {"slug": "b", "start": "10:10", "seconds": 60, "qa": 1, "speaker": "alan"}],
                         extra=extra)


async def stage(obs, server, room: str = "main"):
    """A page that opened the room's stage link, as OBS does."""
    page = await obs.new_page(viewport=OBS)
    token = server.services.signer.stage.dumps(room)
    response = await page.goto(f"{server.url}/stage/{token}")
    assert response.ok and page.url.endswith(f"/rooms/{room}/stage")
    return page


async def test_the_stage_is_refused_without_its_link(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=5))
    async with aiohttp.ClientSession() as session:  # a browser would log the refusals as console errors
        async with session.get(server.url + "/rooms/main/stage") as response:
            assert response.status == 403
            assert "open it with the stage link" in await response.text()
        async with session.get(server.url + "/stage/forged-token") as response:
            assert response.status == 404
    page = await stage(obs, server)
    assert await page.get_attribute("#scene", "data-scene") == "slate"


async def test_the_countdown_slate_before_a_talk(start_server, obs, tmp_path):
    program = day(tmp_path)
    (tmp_path / "media" / "ada.png").write_bytes(png_bytes((120, 120)))
    program.write_text(program.read_text().replace("ru: Ада Лавлейс}\n", "ru: Ада Лавлейс}\n    photo: media/ada.png\n"))
    server = await start_server(program, first_talk_in=timedelta(seconds=90))
    page = await stage(obs, server)
    slate = page.locator("[data-show=slate]")
    await expect(slate).to_be_visible()
    await expect(slate.locator("[data-field=speakers] img")).to_have_attribute("src", "/media/ada.png")
    assert await slate.locator("[data-field=speakers] img").evaluate("img => img.naturalWidth") == 120
    await expect(slate.locator("[data-field=title]")).to_have_text("Talk a")
    await expect(slate.locator("[data-field=title-other]")).to_have_text("Доклад a")
    await expect(slate.locator("[data-field=speakers] li")).to_have_text(["Ada LovelaceАда Лавлейс"])
    countdown = await slate.locator("[data-field=countdown]").inner_text()
    assert re.fullmatch(r"00:01:(2\d|30)", countdown), countdown
    clock = await slate.locator("[data-field=clock]").inner_text()  # Moscow time, to the second
    now = (server.event.clock.now() + timedelta(hours=3)).strftime("%H:%M")
    assert re.fullmatch(r"\d\d:\d\d:\d\d", clock) and clock.startswith(now[:4]), (clock, now)
    await expect(slate.locator("[data-field=next-up]")).to_have_text(re.compile(r"\d\d:\d\d · Talk b"))
    ru = await stage(obs, server)
    await ru.goto(ru.url + "?lang=ru")
    await expect(ru.locator("[data-show=slate] [data-field=title]")).to_have_text("Доклад a")
    await expect(ru.locator("[data-show=slate] [data-field=title-other]")).to_have_text("Talk a")


async def test_the_premiere_plays_with_sound_at_the_live_offset_then_the_sting(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=-100))
    start = server.event.slots()[0].start
    page = await stage(obs, server)
    assert await page.get_attribute("#scene", "data-scene") == "premiere"
    errors = []
    for _ in range(60):
        position = await page.evaluate(POSITION)
        if position is not None:
            errors.append(position - (server.event.clock.now() - start).total_seconds())
            if len(errors) >= 5 and all(abs(e) < 0.5 for e in errors[-5:]):
                break
        await asyncio.sleep(0.2)
    assert errors and all(abs(e) < 0.5 for e in errors[-5:]), errors
    assert await page.evaluate("() => document.querySelector('[data-show=premiere] video').muted") is False
    sting = page.locator("[data-field=sting]")
    await expect(sting).to_be_hidden()
    await expect(sting).to_be_visible(timeout=20_000)  # the last seconds before the Q&A
    await expect(sting).to_contain_text("Q&A next")
    await expect(sting).to_contain_text("Talk a")
    await expect(page.locator("#scene")).to_have_attribute("data-scene", "qa", timeout=10_000)
    assert await page.locator("video").count() == 0  # the recording stopped with the premiere


async def test_the_lower_third_follows_the_qa_live(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=-150), qa_ask_interval=0)
    page = await stage(obs, server)
    third = page.locator(".lower-third")
    await expect(third).to_be_visible()
    await expect(third.locator("[data-field=qa-speakers]")).to_have_text("Ada Lovelace")
    await expect(third.locator("[data-field=qa-title]")).to_have_text("Talk a / Доклад a")
    on_air = page.locator("[data-qa-onair]")
    await expect(on_air).to_be_hidden()

    asker = await (await Client.attendee(server.url)).connect()
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect()
    try:
        for text, name in (("What did the network dream of?", "Kate"), ("Which dataset did you use?", None)):
            asked = await asker.call("qa:ask", {"talk": "a", "text": text, **({"name": name} if name else {})})
            assert asked["ok"], asked
            question = asked["question"]["id"]
            assert (await moderator.call("qa:moderate", {"question": question, "action": "approve"}))["ok"]
            assert (await moderator.call("qa:moderate", {"question": question, "action": "pin"}))["ok"]
            await expect(on_air.locator("blockquote")).to_have_text(text)
            await expect(on_air.locator("figcaption")).to_have_text(name or "Anonymous")
        assert (await moderator.call("qa:moderate", {"question": question, "action": "answered"}))["ok"]
        await expect(on_air).to_be_hidden()
        assert (await asker.call("room:react", {"room": "main", "kind": "👏"}))["ok"]
        await expect(page.locator("[data-scene-reactions] .float").first).to_have_text("👏")
        # the moderator ends the Q&A early: the break slate until talk b
        assert (await moderator.call("schedule:adjust", {"action": "end_qa", "talk": "a"}))["ok"]
        await expect(page.locator("#scene")).to_have_attribute("data-scene", "break")
    finally:
        await asker.close()
        await moderator.close()


async def test_a_moderators_delay_reaches_the_stage(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=60))
    page = await stage(obs, server)
    countdown = page.locator("[data-show=slate] [data-field=countdown]")
    await expect(countdown).to_have_text(re.compile(r"00:0[01]:\d\d"))
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect()
    try:
        assert (await moderator.call("schedule:adjust", {"action": "delay", "talk": "a", "minutes": 10}))["ok"]
    finally:
        await moderator.close()
    await expect(countdown).to_have_text(re.compile(r"00:1[01]:\d\d"), timeout=3000)


async def test_the_break_and_the_end_credits(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=-6))  # between a and b
    page = await stage(obs, server)
    back = page.locator("[data-show=break] [data-field=back-at]")
    await expect(back).to_be_visible()
    await expect(back).to_have_text(re.compile(r"Back at \d\d:10"))
    await expect(page.locator("[data-field=break-next]")).to_have_text("Talk b")

    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=-30))  # after the day
    page = await stage(obs, server)
    credits = page.locator("[data-show=ended]")
    await expect(credits).to_be_visible()
    await expect(credits.locator("li")).to_have_text(["Talk aAda Lovelace", "Talk bAlan Turing"])


async def test_the_stage_recovers_its_position_after_a_reload(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=-30))
    start = server.event.slots()[0].start
    page = await stage(obs, server)
    await page.wait_for_function(POSITION)
    await page.reload()
    await page.wait_for_function(POSITION, timeout=1000)  # playing again within a second
    position = await page.evaluate(POSITION)
    assert abs(position - (server.event.clock.now() - start).total_seconds()) < 1.0


async def test_the_stage_follows_a_change_made_while_its_connection_was_lost(start_server, obs, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=60))
    sockets = server.server.app[LIVE].sio.eio.sockets
    page = await stage(obs, server)
    countdown = page.locator("[data-show=slate] [data-field=countdown]")
    await expect(countdown).to_have_text(re.compile(r"00:0[01]:\d\d"))
    for _ in range(100):  # the page's socket is up
        if sockets:
            break
        await asyncio.sleep(0.05)
    await page.context.set_offline(True)
    for sock in list(sockets.values()):  # cut it as a network would
        sock._ws_transport.abort()
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect()
    try:
        assert (await moderator.call("schedule:adjust", {"action": "delay", "talk": "a", "minutes": 20}))["ok"]
    finally:
        await moderator.close()
    await page.context.set_offline(False)
    await expect(countdown).to_have_text(re.compile(r"00:2[01]:\d\d"), timeout=15_000)  # re-joined by itself


async def test_a_skip_and_a_cancel_reach_the_stage(start_server, obs, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 120, "qa": 2},
                                       {"slug": "b", "start": "10:10", "seconds": 60, "qa": 1},
                                       {"slug": "c", "start": "10:20", "seconds": 60, "qa": 1}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-20))
    page = await stage(obs, server)
    await page.wait_for_function(POSITION)
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect()
    try:
        assert (await moderator.call("schedule:adjust", {"action": "skip", "talk": "a"}))["ok"]
        await expect(page.locator("#scene")).to_have_attribute("data-scene", "break")
        assert await page.locator("video").count() == 0  # the recording stopped with the skip
        await expect(page.locator("[data-field=break-next]")).to_have_text("Talk b")
        assert (await moderator.call("schedule:adjust", {"action": "cancel", "talk": "b"}))["ok"]
        await expect(page.locator("[data-field=break-next]")).to_have_text("Talk c")
        await expect(page.locator("[data-field=back-at]")).to_have_text(re.compile(r"Back at \d\d:20"))
    finally:
        await moderator.close()


async def test_the_break_slate_loops_through_the_gallery_with_credits(start_server, obs, tmp_path):
    program = gallery_program(tmp_path, works=2, talks=[{"slug": "a", "start": "14:00", "seconds": 60, "qa": 1},
                                                        {"slug": "b", "start": "14:30"}])
    server = await start_server(program, first_talk_in=timedelta(minutes=-10))
    page = await stage(obs, server)
    await expect(page.locator("#scene")).to_have_attribute("data-scene", "break")
    works = page.locator("[data-works] img")
    await expect(works).to_have_count(2)  # the image works; the web and YouTube ones have no picture
    await expect(works.first).not_to_have_class("later")
    assert await works.first.evaluate("img => img.complete && img.naturalWidth > 0")
    await expect(page.locator("[data-field=work-credit]")).to_have_text("Ring one · Test Artist")
