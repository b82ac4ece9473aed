"""In real Chromium: an attendee asks, a moderator in another browser approves and puts it on air,
and the attendee's page and the livestream overlay show it on air."""
from __future__ import annotations

from datetime import timedelta

from playwright.async_api import expect

from tests.live.test_qa_queue import program

QUESTION = "<img src=x onerror=alert(1)> How long did training take?"


async def test_ask_moderate_and_show_on_air(tmp_path, start_server, browser):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70))
    attendee = await (await browser.new_context()).new_page()
    moderator = await (await browser.new_context()).new_page()
    overlay = await (await browser.new_context()).new_page()

    await attendee.goto(f"{server.url}/rooms/main")
    form = attendee.locator("[data-qa-ask]")
    await expect(form).to_be_visible()
    await form.locator("textarea").fill(QUESTION)
    await expect(attendee.locator("[data-qa-counter]")).to_have_text(f"{len(QUESTION)} / 500")
    await form.locator("input[name=name]").fill("Ada")
    await form.locator("button[type=submit]").click()
    mine = attendee.locator('[data-qa-list="mine"] .qa-text')
    await expect(mine).to_have_text(QUESTION)  # shown as text, never as markup
    assert await attendee.locator("[data-qa-panel] img").count() == 0

    await moderator.goto(f"{server.url}/moderate/main")
    await moderator.locator("input[name=token]").fill("mod-token")
    await moderator.locator("button[type=submit]").click()
    await expect(moderator).to_have_url(f"{server.url}/moderate/main")
    pending = moderator.locator('[data-qa-list="pending"] .qa-q')
    await expect(pending).to_have_count(1)
    await pending.locator("[data-action=approve]").click()
    approved = moderator.locator("[data-qa-list-next] .qa-q")  # the queue's top: next up
    await expect(approved).to_have_count(1)
    await expect(attendee.locator('[data-qa-list="queue"] .qa-text')).to_have_text(QUESTION)

    await overlay.goto(f"{server.url}/rooms/main/overlay")
    await expect(overlay.locator("[data-qa-overlay]")).to_be_hidden()
    await moderator.keyboard.press("j")
    await moderator.keyboard.press("p")  # the keyboard shortcut puts the selected question on air
    await expect(moderator.locator("[data-qa-list-onair] .qa-text")).to_have_text(QUESTION)

    await expect(attendee.locator("[data-qa-onair-text]")).to_have_text(QUESTION)
    await expect(attendee.locator("[data-qa-onair-name]")).to_have_text("Ada")
    await expect(overlay.locator("[data-qa-onair-text]")).to_have_text(QUESTION)
    await expect(overlay.locator("[data-qa-onair-name]")).to_have_text("Ada")
    background = await overlay.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"  # transparent for OBS

    await moderator.locator("[data-qa-list-onair] [data-action=answered]").click()
    await expect(overlay.locator("[data-qa-overlay]")).to_be_hidden()
    await expect(attendee.locator("[data-qa-onair]")).to_be_hidden()
