"""The archive in Chromium: once a talk's Q&A ends, its page shows the recording and the questions the
moderator marked answered, with their votes, most voted first; a moderator hides one and the public no
longer sees it; the home page and the room after the day lead there."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import expect

from tests.conftest import write_program
from tests.live.qa_clients import Client


async def sign_in(browser, server):
    page = await browser.new_page()
    await page.goto(server.url + "/login")
    await page.fill("input[name=token]", "mod-token")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/moderate/main")
    return page


async def scripted_qa(server) -> dict[str, str]:
    """Three questions approved; two answered (with 2 and 1 votes), one left in the queue."""
    people = [await (await Client.attendee(server.url)).connect() for _ in range(3)]
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect()
    ids = {}
    try:
        for person, text in zip(people, ("How was it trained?", "Is the code open?", "Never got to this one?"),
                                strict=True):
            asked = await person.call("qa:ask", {"talk": "a", "text": text})
            assert asked["ok"], asked
            ids[text] = asked["question"]["id"]
            assert (await moderator.call("qa:moderate", {"question": ids[text], "action": "approve"}))["ok"]
        for voter, text in ((people[1], "How was it trained?"), (people[2], "How was it trained?"),
                            (people[0], "Is the code open?")):
            assert (await voter.call("qa:vote", {"question": ids[text]}))["ok"]
        for text in ("Is the code open?", "How was it trained?"):
            assert (await moderator.call("qa:moderate", {"question": ids[text], "action": "answered"}))["ok"]
        # before the Q&A ends there is no archive; then the moderator ends it
        assert (await moderator.call("schedule:adjust", {"action": "end_qa", "talk": "a"}))["ok"]
    finally:
        for client in (*people, moderator):
            await client.close()
    return ids


async def test_the_archive_keeps_the_answered_questions_beside_the_recording(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 10},
                                       {"slug": "b", "start": "11:00", "seconds": 60, "qa": 1}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-90), qa_ask_interval=0)
    visitor = await browser.new_page()
    await visitor.goto(server.url + "/talks/a")
    await expect(visitor.locator("#archive")).to_have_count(0)  # the Q&A is still on
    await scripted_qa(server)

    await visitor.goto(server.url + "/talks/a")
    archive = visitor.locator("#archive")
    await expect(archive.locator("video")).to_have_attribute("src", re.compile(r"^/recordings/a\?v="))
    await visitor.wait_for_function("() => document.querySelector('#archive video').readyState >= 1")  # it plays
    await expect(archive.locator("[data-archive] .text")).to_have_text(["How was it trained?", "Is the code open?"])
    await expect(archive.locator("[data-archive] .meta")).to_have_text(["Anonymous · 2 votes", "Anonymous · 1 vote"])
    await expect(archive.locator("form")).to_have_count(0)  # only moderators hide

    moderator = await sign_in(browser, server)
    await moderator.goto(server.url + "/talks/a")
    await moderator.locator("[data-archive] li", has_text="Is the code open?").get_by_role(
        "button", name="Hide from the archive").click()
    hidden = moderator.locator("[data-archive] li.hidden-question")
    await expect(hidden).to_contain_text("Is the code open?")
    await expect(hidden).to_contain_text("Hidden from the archive")

    await visitor.reload()
    await expect(visitor.locator("[data-archive] .text")).to_have_text(["How was it trained?"])
    await visitor.goto(server.url + "/talks/a?lang=ru")
    await expect(visitor.locator("[data-archive] .meta")).to_have_text(["Аноним · 2 голоса"])

    await hidden.get_by_role("button", name="Show in the archive").click()
    await visitor.goto(server.url + "/talks/a")
    await expect(visitor.locator("[data-archive] .text")).to_have_text(["How was it trained?", "Is the code open?"])

    await visitor.goto(server.url + "/?lang=en")
    await visitor.locator("#archive a", has_text="Talk a").click()
    await expect(visitor).to_have_url(server.url + "/talks/a#archive")
    await expect(visitor.locator("#archive a", has_text="Talk b")).to_have_count(0)
