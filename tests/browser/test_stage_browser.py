"""The room on event day in Chromium: what must be in view at the sizes people use, in every phase;
YouTube unreachable; reactions between pages; the premiere's controls; the asker's own question."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.async_api import expect

from tests.conftest import write_program
from tests.live.qa_clients import Client
from tests.live.roomclient import RoomClient

YOUTUBE = ("youtube.com", "youtube-nocookie.com", "ytimg.com")
DESKTOPS = [(1280, 800), (1366, 768), (1920, 1080)]
PHONE = (390, 844)
SMALL_PHONE = {"width": 360, "height": 780}
# the 2020 opening: 14:00, a 3-minute premiere, 3 minutes of Q&A, the next talk at 14:11 (counted down from 14:08)
PHASES = {"countdown": timedelta(seconds=60), "premiere": timedelta(seconds=-60), "qa": timedelta(seconds=-215),
          "break": timedelta(seconds=-400)}
INSIDE = """(selector) => { const el = document.querySelector(selector); if (!el || !el.offsetParent) return null;
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5; }"""
# the visible children of a card that stick out of its box (a card inside the 16:9 screen clips them)
STICKING_OUT = """(selector) => { const card = document.querySelector(selector), box = card.getBoundingClientRect();
  return [...card.children].filter((el) => el.offsetParent).filter((el) => { const r = el.getBoundingClientRect();
    return r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5; }).map((el) => el.textContent.trim()); }"""


async def a_busy_queue(url: str, talk: str = "opening", pin: bool = True) -> None:
    """Three questions approved, the first on air."""
    async with RoomClient(url) as attendee, RoomClient(url, auth={"token": "mod-token"}) as moderator:
        ids = []
        for text in ("How did you choose the first speaker?", "Will the recordings stay online after today?",
                     "Is there a channel for artists looking for data scientists?"):
            asked = await attendee.call("qa:ask", {"talk": talk, "text": text})
            assert asked["ok"], asked
            ids.append(asked["question"]["id"])
            await asyncio.sleep(0.01)
        for question in ids:
            assert (await moderator.call("qa:moderate", {"question": question, "action": "approve"}))["ok"]
        if pin:
            assert (await moderator.call("qa:moderate", {"question": ids[0], "action": "pin"}))["ok"]


@pytest.mark.parametrize("phase", list(PHASES))
async def test_the_stage_the_question_box_the_question_on_air_and_the_queue_are_in_view(start_server, browser, phase):
    server = await start_server(first_talk_in=PHASES[phase], qa_ask_interval=0)
    if phase in ("premiere", "qa"):
        await a_busy_queue(server.url, pin=phase == "qa")
    page = await browser.new_page(viewport=dict(zip(("width", "height"), DESKTOPS[0], strict=True)))
    await page.goto(server.url + "/rooms/ml-art")
    assert await page.get_attribute("#room", "data-phase") == phase
    wanted = [f"[data-panel={'waiting' if phase in ('countdown', 'break') else phase}] .screen", "#qa-text",
              "[data-qa-ask] button[type=submit]"]
    if phase in ("premiere", "qa"):
        await page.locator("[data-qa-list=queue] li").first.wait_for()
        wanted += ["[data-qa-list=queue] li:first-child", "[data-reactions]"]
    if phase == "qa":
        await page.locator("[data-qa-onair]:not([hidden])").wait_for()
        wanted.append("[data-qa-onair]")
    for width, height in DESKTOPS:
        await page.set_viewport_size({"width": width, "height": height})
        await page.evaluate("window.scrollTo(0, 0)")
        out = {selector: await page.evaluate(INSIDE, selector) for selector in wanted}
        assert all(out.values()), f"{width}x{height}: not in view without scrolling: {out}"
        screen = await page.locator(wanted[0]).bounding_box()
        assert abs(screen["width"] / screen["height"] - 16 / 9) < 0.02
        assert screen["width"] > width * 0.5  # the stage, beside the Q&A, is the largest thing on the page
    # a phone: the stage on top, the question box one tap away
    await page.set_viewport_size(dict(zip(("width", "height"), PHONE, strict=True)))
    await page.evaluate("window.scrollTo(0, 0)")
    assert await page.evaluate(INSIDE, wanted[0])
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    if phase in ("countdown", "break"):  # the whole card, kicker to start time, inside a small phone's screen
        await page.set_viewport_size(SMALL_PHONE)
        assert await page.evaluate(STICKING_OUT, "[data-countdown-card]") == []
        await page.set_viewport_size(dict(zip(("width", "height"), PHONE, strict=True)))
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # down at the day's timeline
    await page.locator("[data-ask-jump]").click()
    await expect(page.locator("#qa-text")).to_be_focused()
    assert await page.evaluate(INSIDE, "#qa-text")


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_the_your_time_hint_never_covers_a_title(start_server, browser, zone, lang):
    server = await start_server(first_talk_in=timedelta(minutes=-20))  # a talk is on: its ON NOW badge too
    context = await browser.new_context(timezone_id=zone, viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(f"{server.url}/schedule?lang={lang}")
    await page.locator("li.talk .local-time").first.wait_for()
    overlaps = await page.evaluate("""() => [...document.querySelectorAll('li.talk')].flatMap((row) => {
        const boxes = [...row.querySelectorAll('.local-time')].map((el) => el.getBoundingClientRect());
        const others = [...row.querySelectorAll('.what .title, .what .badge')].map((el) => el.getBoundingClientRect());
        return boxes.flatMap((a) => others.filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom
                                                      && b.top < a.bottom)).length ? [row.id] : [];
    })""")
    assert overlaps == []
    assert await page.locator("li.talk .local-time").count() >= 8
    await context.close()


@pytest.mark.parametrize(("phase", "when", "card"), [("qa", timedelta(seconds=-215), "[data-panel=qa] [data-fallback]"),
                                                      ("before", timedelta(minutes=30), "[data-show=before] [data-fallback]")])
async def test_youtube_unreachable_shows_a_card_and_the_qa_still_works(start_server, browser, phase, when, card):
    server = await start_server(first_talk_in=when)
    page = await browser.new_page()
    blocked = []
    await page.route(lambda url: urlsplit(url).hostname.endswith(YOUTUBE),  # as a blocker or a firewall would
                     lambda route: blocked.append(route.request.url) or route.abort())
    await page.goto(server.url + "/rooms/ml-art")
    assert await page.get_attribute("#room", "data-phase") == phase
    fallback = page.locator(card)
    await expect(fallback).to_be_visible(timeout=8000)
    assert blocked  # the page did try YouTube
    video = "othTjSowvqY" if phase == "qa" else "VdgYqOoqL1s"  # the livestream, the trailer
    assert await fallback.get_by_role("link").get_attribute("href") == f"https://www.youtube.com/watch?v={video}"
    for lang in ("en", "ru"):  # on a phone the card's words and button stay inside the small screen
        await page.set_viewport_size(SMALL_PHONE)
        await page.goto(f"{server.url}/rooms/ml-art?lang={lang}")
        await expect(fallback).to_be_visible(timeout=8000)
        assert await page.evaluate(STICKING_OUT, card) == [], lang
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.goto(f"{server.url}/rooms/ml-art?lang=en")  # the language is remembered: back to English
    if phase == "qa":  # beside the card, the Q&A goes on
        await page.fill("#qa-text", "Can we still ask while YouTube is blocked?")
        await page.click("[data-qa-ask] button[type=submit]")
        await expect(page.locator("[data-qa-list=mine] .qa-state")).to_have_text("Waiting for a moderator")


async def test_reactions_from_one_page_reach_another_and_the_overlay(start_server, browser):
    server = await start_server(first_talk_in=PHASES["premiere"])
    clapper, watcher, overlay = [await (await browser.new_context()).new_page() for _ in range(3)]
    calm = await browser.new_page(reduced_motion="reduce")
    for page in (clapper, watcher, calm):
        await page.goto(server.url + "/rooms/ml-art")
        await page.wait_for_function("() => document.querySelector('[data-presence]').textContent !== ''")
    await overlay.goto(server.url + "/rooms/ml-art/overlay")
    await overlay.wait_for_load_state("networkidle")
    await clapper.locator('[data-react="👏"]').click()
    await clapper.locator('[data-react="🔥"]').click()
    await clapper.locator('[data-react="👏"]').click()
    await expect(watcher.locator('[data-react-count="👏"]')).to_have_text("2", timeout=2000)
    await expect(watcher.locator('[data-react-count="🔥"]')).to_have_text("1", timeout=2000)
    assert await watcher.locator("[data-floats] .float").count() > 0  # the light animation
    await expect(calm.locator('[data-react-count="👏"]')).to_have_text("2", timeout=2000)
    assert await calm.locator("[data-floats] .float").evaluate_all(
        "(floats) => floats.every((f) => getComputedStyle(f).display === 'none')")  # prefers-reduced-motion: counts only
    await expect(overlay.locator("[data-floats] .float").first).to_be_attached(timeout=2000)


async def test_the_premiere_has_controls_but_no_way_ahead_of_the_room(start_server, browser):
    server = await start_server(first_talk_in=PHASES["premiere"])  # the opening, with captions in both languages
    page = await browser.new_page()
    await page.goto(server.url + "/rooms/ml-art?lang=ru")
    video = page.locator("[data-panel=premiere] video")
    await page.wait_for_function("() => { const v = document.querySelector('[data-panel=premiere] video');"
                                 " return v && v.readyState >= 2 && !v.paused; }", timeout=15000)
    assert await video.get_attribute("controls") is None  # no seek bar of the browser's own
    await page.click("[data-control=captions]")
    tracks = await video.evaluate("(v) => [...v.textTracks].map((t) => [t.language, t.mode])")
    assert sorted(tracks) == [["en", "disabled"], ["ru", "showing"]]  # the page's language
    assert await video.evaluate("(v) => v.muted")  # autoplay with sound is refused: muted, with a way out
    await page.click("[data-action=unmute]")
    assert not await video.evaluate("(v) => v.muted")
    await expect(page.locator("[data-action=unmute]")).to_be_hidden()
    await page.click("[data-control=mute]")
    assert await video.evaluate("(v) => v.muted")
    assert await page.get_attribute("[data-control=mute]", "aria-label") == "Включить звук"
    await page.fill("[data-control=volume]", "30")
    assert await video.evaluate("(v) => v.volume") == 0.3 and not await video.evaluate("(v) => v.muted")
    await page.click("[data-control=pause]")
    await page.wait_for_timeout(1500)  # the player does not snap back while the viewer has paused
    assert await video.evaluate("(v) => v.paused")
    await expect(page.locator("[data-control=live]")).to_be_visible()
    await page.click("[data-control=live]")
    await page.wait_for_function("() => !document.querySelector('[data-panel=premiere] video').paused")
    live = (server.event.clock.now() - server.event.slots()[0].start).total_seconds()
    assert abs(await video.evaluate("(v) => v.currentTime") - live) < 3  # back at the room's position


async def test_the_asker_follows_their_question_from_waiting_to_answered(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 5},
                                       {"slug": "b", "start": "10:15", "seconds": 60, "qa": 5}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-70), qa_ask_interval=0)  # a's Q&A
    page = await browser.new_page()
    await page.goto(server.url + "/rooms/main")
    await expect(page.locator("[data-qa-empty]")).to_contain_text("No questions in the queue yet")
    state = page.locator("[data-qa-list=mine] .qa-state")
    for text in ("What was the hardest part?", "Where can we read more?", "Will you share the code?"):
        await page.fill("#qa-text", text)
        await page.click("[data-qa-ask] button[type=submit]")
        await expect(state).to_have_count(["What was the hardest part?", "Where can we read more?",
                                           "Will you share the code?"].index(text) + 1)
    await expect(state).to_have_text(["Waiting for a moderator"] * 3)
    async with RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        mine = (await moderator.call("qa:list", {"talk": "a"}))["questions"]
        ids = {q["text"]: q["id"] for q in mine}

        async def moderate(text: str, action: str) -> None:
            assert (await moderator.call("qa:moderate", {"question": ids[text], "action": action}))["ok"]
        await moderate("What was the hardest part?", "approve")
        await moderate("Where can we read more?", "approve")
        await expect(state).to_have_text(["In the queue · #1", "In the queue · #2", "Waiting for a moderator"])
        await moderate("What was the hardest part?", "pin")
        await expect(state.first).to_have_text("On air now")
        await moderate("What was the hardest part?", "answered")
        await moderate("Will you share the code?", "reject")
        await expect(state).to_have_text(["Answered", "In the queue · #1", "Not taken"])
        assert (await moderator.call("schedule:adjust", {"action": "end_qa"}))["ok"]
    # the Q&A closed with one still in the queue: the page says what happened to it
    await expect(page.locator("[data-qa-note]")).to_have_text(
        "The Q&A of “Talk a” ended before your question was answered. Thank you for asking!")
    await expect(page.locator("[data-qa-status]")).to_contain_text("Questions for the next talk open when it starts")


async def test_the_head_count_takes_russian_plural_forms(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 600, "qa": 5}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-30))
    page = await browser.new_page()
    await page.goto(server.url + "/rooms/main?lang=ru")
    count = page.locator("[data-presence]")
    await expect(count).to_have_text("1 смотрит")
    others = []
    try:
        for n, text in ((2, "2 смотрят"), (5, "5 смотрят"), (21, "21 смотрит")):
            while len(others) + 1 < n:  # people, each with the cookie of a page load (the count is of people)
                others.append(await (await Client.attendee(server.url)).connect())
            await expect(count).to_have_text(text, timeout=15000)
    finally:
        for client in others:
            await client.close()
