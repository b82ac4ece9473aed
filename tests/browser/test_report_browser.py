"""The organisers' report against a scripted session: known joins (head counts sampled every second
here, every minute by default), questions, votes, reactions, gallery views and open-call entries; the
page in Chromium, its SVG chart, and the same figures as CSV and JSON. Only moderators get it."""
from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

import aiohttp
from playwright.async_api import expect

from tests.gallery_support import form, gallery_program, session_and_csrf
from tests.live.qa_clients import Client
from tests.live.test_staff_sessions import sign_in


async def scripted_session(server) -> None:
    """Three people in the room for a while, then two; three questions, two approved, one answered;
    three votes; four reactions; two views of one work, one of another; one open-call entry."""
    people = [await (await Client.attendee(server.url)).connect() for _ in range(3)]
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect(room=None)
    ids = []
    for person, text in zip(people, ("First question?", "Second question?", "Spam spam spam"), strict=True):
        asked = await person.call("qa:ask", {"talk": "first", "text": text})
        assert asked["ok"], asked
        ids.append(asked["question"]["id"])
    for question in ids[:2]:
        assert (await moderator.call("qa:moderate", {"question": question, "action": "approve"}))["ok"]
    assert (await moderator.call("qa:moderate", {"question": ids[2], "action": "reject"}))["ok"]
    for voter, question in ((people[1], ids[0]), (people[2], ids[0]), (people[0], ids[1])):
        assert (await voter.call("qa:vote", {"question": question}))["ok"]
    assert (await moderator.call("qa:moderate", {"question": ids[0], "action": "answered"}))["ok"]
    for person, kind in ((people[0], "👏"), (people[1], "👏"), (people[2], "🔥"), (people[0], "❤️")):
        assert (await person.call("room:react", {"room": "main", "kind": kind}))["ok"]
    await asyncio.sleep(3.2)  # three samples or so with three people
    await people[2].close()
    await asyncio.sleep(2.2)  # then two
    for client in (*people[:2], moderator):
        await client.close()

    session, csrf = await session_and_csrf(server)
    async with session:
        for path in ("/gallery/growing/ring-one", "/gallery/growing/ring-one", "/gallery/growing/ring-two"):
            async with session.get(server.url + path) as r:
                assert r.status == 200
        async with session.post(f"{server.url}/open-call", data=form(csrf, kind="work")) as r:
            assert r.status == 200, await r.text()


async def test_the_report_adds_up_a_scripted_session(start_server, browser, tmp_path):
    program = gallery_program(tmp_path, works=2, deadline="2020-12-31")
    server = await start_server(program, first_talk_in=timedelta(seconds=-30), qa_ask_interval=0,
                                audience_sample_seconds=1)
    await scripted_session(server)

    async with aiohttp.ClientSession() as anyone, anyone.get(server.url + "/report.json") as r:
        assert r.status == 403  # moderators only
    moderator, _ = await sign_in(server, "mod-token")
    async with moderator:
        async with moderator.get(server.url + "/report.json") as r:
            report = await r.json()
        async with moderator.get(server.url + "/report.csv") as r:
            talks = list(csv.DictReader(io.StringIO((await r.text()).lstrip("\ufeff"))))
        async with moderator.get(server.url + "/report.csv?part=gallery") as r:
            gallery = list(csv.DictReader(io.StringIO((await r.text()).lstrip("\ufeff"))))
        async with moderator.get(server.url + "/report.csv?part=nonsense") as r:
            assert r.status == 400 and "talks, audience, gallery, open-call" in await r.text()

    first = report["talks"][0]
    assert first["talk"] == "first"
    assert (first["questions_asked"], first["questions_approved"], first["questions_answered"], first["votes"]) == \
        (3, 2, 1, 3)
    assert first["reactions"] == 4 and first["reactions_by_kind"] == {"👏": 2, "🔥": 1, "❤️": 1}
    assert first["peak_audience"] == 3
    people = [s["people"] for s in report["audience"]]  # sampling goes on: after everyone left, 0
    changes = [n for i, n in enumerate(people) if i == 0 or people[i - 1] != n]
    assert people.count(3) >= 2 and changes[:2] == [3, 2] and changes[2:] in ([], [0]), people
    assert first["samples"] == len(people)  # all while the talk ran
    assert first["average_audience"] == round(sum(people) / len(people), 1)
    assert {(w["work"], w["views"]) for w in report["gallery_views"]} >= {("ring-one", 2), ("ring-two", 1)}
    assert report["open_call_submissions"] == {"work": 1}
    assert talks[0]["peak_audience"] == "3" and talks[0]["questions_asked"] == "3" and talks[0]["reactions"] == "4"
    assert {r["work"]: r["views"] for r in gallery}["ring-one"] == "2"

    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(server.url + "/login?next=/report")
    await page.fill("input[name=token]", "mod-token")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/report")
    row = page.locator("[data-report=talks] tr[data-talk=first]")
    await expect(row.locator("[data-col=peak]")).to_have_text("3")
    await expect(row.locator("[data-col=asked]")).to_have_text("3")
    await expect(row.locator("[data-col=approved]")).to_have_text("2")
    await expect(row.locator("[data-col=answered]")).to_have_text("1")
    await expect(row.locator("[data-col=votes]")).to_have_text("3")
    await expect(row.locator("[data-col=reactions]")).to_have_text("4")
    await expect(page.locator("[data-work='growing/ring-one'] [data-col=views]")).to_have_text("2")
    await expect(page.locator("[data-kind=work] [data-col=submissions]")).to_have_text("1")
    points = (await page.locator("svg.chart polyline").get_attribute("points")).split()
    # one point per sample so far (sampling goes on), drawn by the server: the peak of 3 at the top
    assert len(points) >= len(people) and points[0] == "0.0,0.0", points
    await expect(page.locator("svg.chart .tick").first).to_have_text("0")
