"""In real Chromium: a moderator blocks an asker from the console (after confirming); the asker's
questions leave the queue and their next question is refused with a message that says why."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from pages import sign_in
from playwright.async_api import expect

from tests.live.test_qa_queue import program


async def test_a_moderator_blocks_an_asker_from_the_console(tmp_path, start_server, browser):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_ask_interval=0)
    attendee = await (await browser.new_context()).new_page()
    moderator = await (await browser.new_context(viewport={"width": 360, "height": 800})).new_page()
    await attendee.goto(f"{server.url}/rooms/main?lang=ru")
    form = attendee.locator("[data-qa-ask]")
    for text in ("Buy cheap followers!", "Buy them now!"):
        await form.locator("textarea").fill(text)
        await form.locator("button[type=submit]").click()
        await expect(attendee.locator('[data-qa-list="queue"] .qa-text', has_text=text)).to_have_count(1)

    await sign_in(moderator, server.url, "mod-token")
    await moderator.goto(f"{server.url}/moderate/main")
    queued = moderator.locator("[data-qa-list-next] .qa-q, [data-qa-list=approved] .qa-q")
    await expect(queued).to_have_count(2)
    moderator.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await queued.first.locator("[data-action=block]").click()
    await expect(moderator.locator('[data-qa-list="rejected"] .qa-q')).to_have_count(2)
    await expect(queued).to_have_count(0)
    await moderator.screenshot(path=str(tmp_path / "blocked-360.png"), full_page=True)

    await form.locator("textarea").fill("Can I still ask?")
    await form.locator("button[type=submit]").click()
    await expect(attendee.locator("[data-qa-ask] [role=alert], [data-qa-error]").first).to_contain_text(
        "Модератор закрыл вам возможность задавать вопросы")
