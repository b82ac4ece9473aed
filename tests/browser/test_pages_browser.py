"""The schedule as a visitor sees it in Chromium: the talks, the language switch, local times."""
from __future__ import annotations

import pytest

from tests.browser.pages import every_page

SEVEN = ["Neural Cellular Automata", "Paintings on Request", "Non-Existent Designer", "Wall_for_scroll",
         "perenneural philosophy", "Dark Side of StarGAN2", "GLOW Probabilistic Models"]


@pytest.fixture
async def server(start_server):
    return await start_server()


async def test_schedule_shows_the_seven_talks(server, browser):
    page = await browser.new_page()
    await page.goto(server.url + "/schedule")
    titles = await page.locator("li.talk .title").all_text_contents()
    for words in SEVEN:
        assert sum(words in title for title in titles) == 1, words
    assert await page.locator("li.talk").count() == 8  # the seven talks and the opening


async def test_language_switch_turns_the_page_russian(server, browser):
    page = await browser.new_page(locale="en-GB")
    await page.goto(server.url + "/schedule")
    assert await page.locator("h1").text_content() == "Schedule"
    await page.get_by_role("link", name="RU").click()
    await page.wait_for_url("**/schedule?lang=ru")
    assert await page.locator("h1").text_content() == "Расписание"
    assert await page.get_attribute("html", "lang") == "ru"
    await page.get_by_role("link", name="Зал ML Art").first.click()  # the choice sticks on the next page
    assert await page.get_attribute("html", "lang") == "ru"


async def test_visitor_in_another_zone_sees_their_local_time(server, browser):
    context = await browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = await context.new_page()
    await page.goto(server.url + "/schedule")
    first = page.locator("#talk-neural-cellular-automata .slot .local-time").first
    await first.wait_for()
    assert await first.text_content() == "(07:11 AM your time)"  # 14:11 in Moscow is 07:11 in New York
    assert await page.locator(".local-note").is_visible()
    await context.close()


async def test_visitor_in_the_event_zone_sees_no_duplicate_times(server, browser):
    context = await browser.new_context(timezone_id="Europe/Moscow")
    page = await context.new_page()
    await page.goto(server.url + "/schedule")
    await page.wait_for_load_state("networkidle")
    assert await page.locator(".local-time").count() == 0
    await context.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_every_page_fits_a_phone(server, browser, lang):
    page = await browser.new_page(viewport={"width": 360, "height": 740})  # the fixture fails on console errors
    too_wide = {}
    async for path in every_page(page, server.url, lang, speaker="alexander-mordvintsev"):
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
    assert too_wide == {}
