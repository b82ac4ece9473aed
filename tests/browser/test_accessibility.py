"""Every page people use, checked by axe-core (WCAG 2 A and AA rules) in Chromium, in both languages."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.pages import every_page, sign_in
from tests.browser.test_open_call_browser import DESK, PAGES
from tests.conftest import ROOT
from tests.gallery_support import BEFORE, gallery_program, rehearse
from tests.live.roomclient import RoomClient

AXE = ROOT / "static" / "node_modules" / "axe-core" / "axe.min.js"  # from `npm ci --prefix static`


async def violations(page) -> list[str]:
    await page.wait_for_load_state("networkidle")
    await page.add_script_tag(path=AXE)
    found = await page.evaluate("""async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    return [f"{page.url}: {v}" for v in found]


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_pages_have_no_wcag_violations(start_server, browser, lang):
    # the opening's Q&A is on: the room shows the livestream and the question form
    server = await start_server(first_talk_in=timedelta(minutes=-4))
    page = await browser.new_page(bypass_csp=True)  # the CSP rightly refuses the injected axe script
    found = []
    async for _ in every_page(page, server.url, lang, speaker="mlart-team"):  # its talk is the one on now
        found += await violations(page)
    assert found == []


async def test_the_queue_and_the_overlay_with_a_question_on_air(start_server, browser):
    server = await start_server(first_talk_in=timedelta(minutes=-4))
    async with RoomClient(server.url) as attendee, RoomClient(server.url, auth={"token": "mod-token"}) as moderator:
        asked = await attendee.call("qa:ask", {"talk": "opening", "text": "Which cellular automaton came first?"})
        assert asked["ok"], asked
        page = await browser.new_page(bypass_csp=True)
        await page.goto(f"{server.url}/moderate/ml-art")
        await page.fill("[name=token]", "mod-token")
        await page.click("button[type=submit]")
        await page.locator("[data-action=approve]").wait_for()
        found = await violations(page)  # a question waiting, with its buttons
        pinned = await moderator.call("qa:moderate", {"question": asked["question"]["id"], "action": "pin"})
        assert pinned["ok"], pinned
        await page.goto(f"{server.url}/rooms/ml-art/overlay")
        await page.locator("[data-qa-overlay]:not([hidden])").wait_for()
        found += await violations(page)
    assert found == []


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_the_open_call_and_the_curators_desk_in_use(start_server, browser, tmp_path, lang):
    """While the call is open, with an idea paired to a profile, their work hung and letters waiting."""
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    refs = await rehearse(server)
    page = await browser.new_page(bypass_csp=True)
    await sign_in(page, server.url, "cur-token")
    found = []
    for template in PAGES + DESK:
        path = template.format(**refs)
        await page.goto(f"{server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        found += await violations(page)
    assert found == []


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_the_report_the_archive_and_the_stage(start_server, browser, lang):
    """After the day (every talk's archive open): the report, a talk's archive and the stage's credits."""
    server = await start_server(first_talk_in=timedelta(hours=-9), audience_sample_seconds=1)
    page = await browser.new_page(bypass_csp=True)
    await sign_in(page, server.url, "mod-token")
    await page.wait_for_timeout(1500)  # a sample or two for the chart
    found = []
    for path in ("/report", "/talks/opening", "/rooms/ml-art/stage"):
        await page.goto(f"{server.url}{path}?lang={lang}")
        found += await violations(page)
    assert found == []
