"""The people behind the room in Chromium: the speaker's page through their own slot, staff finding
their consoles and signing out, and a rehearsal that shows its real times."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from event_server.services.clock import rehearsal
from event_server.services.identity import Signer
from tests.conftest import write_program

JOIN = """\
  speaker_join:
    text: {en: "Open the studio link ten minutes before your Q&A.", ru: "Откройте ссылку на студию за десять минут."}
    url: https://studio.example.org/meetup
"""


@pytest.mark.parametrize(("at", "headline", "clock"), [
    (timedelta(seconds=40), "Your premiere starts in", "00:00:[1-3]"),  # 40 s before a starts
    (timedelta(seconds=-20), "Your premiere is playing. Your Q&A starts in", "00:00:[1-3]"),  # its Q&A in 40 s
    (timedelta(seconds=-80), "You are on air: answer the questions below. Time left", "00:00:[1-3]"),  # 60 s Q&A, 20 s in
    (timedelta(seconds=-130), "Your Q&A has ended. Thank you!", ""),
])
async def test_the_speakers_page_follows_their_own_slot(start_server, browser, tmp_path, at, headline, clock):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1},
                                       {"slug": "b", "start": "10:30", "seconds": 60, "qa": 1, "speaker": "alan"}])
    program.write_text(program.read_text().replace("  livestream: othTjSowvqY\n", "  livestream: othTjSowvqY\n" + JOIN))
    server = await start_server(program, first_talk_in=at)
    page = await browser.new_page()
    await page.goto(f"{server.url}/speak/{Signer('test-secret').speaker_token('ada')}")
    if at > timedelta(seconds=-120):
        await expect(page.locator("[data-field=headline]")).to_have_text(headline)
        await expect(page.locator("[data-field=clock]")).to_have_text(re.compile(clock + r"\d$"))
        join = page.locator(".speaker-join")
        await expect(join).to_contain_text("Open the studio link ten minutes before your Q&A.")
        assert await join.get_by_role("link").get_attribute("href") == "https://studio.example.org/meetup"
    else:  # a is over and ada has no other slot
        await expect(page.locator("#speaker-room")).to_contain_text("You have no more slots today. Thank you!")


async def test_staff_land_on_their_console_see_they_are_signed_in_and_sign_out(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1}])
    server = await start_server(program, first_talk_in=timedelta(minutes=10))
    page = await browser.new_page()
    await page.goto(server.url + "/")
    assert await page.locator(".staff").count() == 0
    await page.goto(server.url + "/login")
    await page.fill("[name=token]", "mod-token")
    await page.click("button[type=submit]")
    await page.wait_for_url(server.url + "/moderate/main")  # no `next`: the moderator's console
    staff = page.locator(".staff")
    await expect(staff).to_contain_text("moderator")
    await page.goto(server.url + "/schedule")  # on every page, a way back to the console
    await page.locator(".staff").get_by_role("link", name="Moderate").click()
    await page.wait_for_url(server.url + "/moderate/main")
    await expect(page.locator("[data-field=timer-label]")).to_have_text("Next talk starts in")
    await page.locator(".staff").get_by_role("button", name="Sign out").click()
    await page.wait_for_url(server.url + "/")
    assert await page.locator(".staff").count() == 0
    await page.goto(server.url + "/moderate/main")
    await page.wait_for_url("**/login?next=/moderate/main")  # signed out for real
    curator = await browser.new_page()
    await curator.goto(server.url + "/login?lang=ru")
    await curator.fill("[name=token]", "cur-token")
    await curator.click("button[type=submit]")
    await curator.wait_for_url(server.url + "/curate")
    await expect(curator.locator(".staff")).to_contain_text("куратор")
    await expect(curator.locator(".staff").get_by_role("link", name="Курировать")).to_be_visible()


async def test_a_rehearsal_says_so_and_shows_its_real_times(start_server, browser, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1},
                                       {"slug": "b", "start": "10:05", "seconds": 60, "qa": 1}])
    server = await start_server(program)
    real_now = datetime.now(UTC)
    server.event.clock = rehearsal(server.event.program, timedelta(minutes=2), real_now)  # as `serve --start-in 2m`
    first = (real_now + timedelta(minutes=2)).astimezone(ZoneInfo("Europe/Moscow"))
    second = first + timedelta(minutes=5)
    context = await browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    page = await context.new_page()
    await page.goto(server.url + "/rooms/main")
    await expect(page.locator(".rehearsal")).to_contain_text("Rehearsal")
    assert await page.get_attribute("#room", "data-phase") == "countdown"
    await expect(page.locator("[data-slot=b] [data-start]")).to_have_text(second.strftime("%H:%M"))
    await expect(page.locator("[data-panel=waiting] [data-field=next-at]")).to_have_text(first.strftime("%H:%M"))
    await page.goto(server.url + "/schedule")
    hint = page.locator("#talk-b .slot .local-time").first
    tokyo = second.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%I:%M %p")  # as English writes it
    await expect(hint).to_have_text(f"({tokyo} your time)")  # from the real instant, not 10:05 in 2020
    await expect(page.locator("#talk-b .slot time").first).to_have_text(second.strftime("%H:%M"))
    await context.close()
