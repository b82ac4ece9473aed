"""Hostile strings (tests/hostile.py) through every field people type into, rendered in every place
that shows them, in real Chromium with the CSP switched off — so escaping alone must hold: question text
and asker names in the room, the stage's on-air card, the moderator's console, the OBS overlay, the
broadcast scene's lower third and the speaker's page, and the exports; open-call entries and curators' notes on the curators' desk and in the
gallery. A hook counts any script that runs; the pages must not scroll sideways or log an error."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import aiohttp
from gallery_support import BEFORE, HANG, gallery_program, png_bytes, send, signed_in_curator
from playwright.async_api import expect

from event_server.services.identity import Signer
from tests.hostile import HOOK, HOSTILE
from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program

# Elements only a payload could have made: handlers, inline scripts, frames, objects.
INJECTED = ("[onerror],[onload],[onfocus],[onmouseover],[ontoggle],[onstart],iframe,object,embed,marquee,"
            "script:not([src]):not([type='application/json']):not([type='importmap']),a[href^='javascript' i],base,meta[http-equiv]")
WIDTHS = (1280, 360)


async def hostile_page(browser, url: str, width: int, cookies: list[dict] | None = None):
    context = await browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    await context.add_init_script(HOOK)
    if cookies:
        await context.add_cookies(cookies)
    page = await context.new_page()
    await page.goto(url)
    return page


async def assert_unharmed(page, where: str, fixed_size: bool = False) -> None:
    await page.wait_for_load_state("networkidle")
    assert await page.evaluate("window.__hits") == [], f"{where}: a hostile string ran"
    assert await page.locator(INJECTED).count() == 0, f"{where}: a hostile string became markup"
    if fixed_size:  # the broadcast scene is 1920×1080 whatever the window
        return
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = await page.evaluate("""[...document.querySelectorAll('body *')].filter((e) =>
        e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible').slice(-3).map((e) =>
        `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`)""")
    assert overflow <= 0, f"{where}: the page scrolls sideways by {overflow}px: {wide}"


async def ask_everything(server) -> dict[str, str]:
    """Each hostile string as a question's text, and (cut to a name's length) as its asker's name; a text
    the rules refuse is asked again with a plain text, so the name still reaches the pages. What happened."""
    results, asker = {}, await (await Client.attendee(server.url)).connect()
    for i, text in enumerate(HOSTILE):
        name = HOSTILE[(i + 7) % len(HOSTILE)][:40]
        reply = await asker.call("qa:ask", {"talk": "t1", "text": text, "name": name})
        if not reply["ok"]:
            results[text] = f"refused: {reply['error']['code']}"
            reply = await asker.call("qa:ask", {"talk": "t1", "text": f"Plain question {i}?", "name": name})
            if not reply["ok"]:
                reply = await asker.call("qa:ask", {"talk": "t1", "text": f"Plain question {i}?"})
        else:
            results[text] = "shown as text"
        assert reply["ok"], reply
    await asker.close()
    return results


async def test_hostile_questions_and_names_are_inert_in_every_qa_sink(tmp_path, start_server, browser):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_ask_interval=0)
    results = await ask_everything(server)
    assert sum(r == "shown as text" for r in results.values()) >= 50
    moderator = await Client(server.url, auth={"token": "mod-token"}).connect()
    speaker_link = f"{server.url}/speak/{Signer('test-secret').speaker_token('ada')}"
    staff = (await server.services.staff.open("mod-token"))[0]
    session = [{"name": "es_session", "value": server.services.signer.session.dumps({"staff": staff}),
                "url": server.url}]
    for width in WIDTHS:
        pages = {"room": await hostile_page(browser, f"{server.url}/rooms/main", width),
                 "overlay": await hostile_page(browser, f"{server.url}/rooms/main/overlay", width),
                 "speaker": await hostile_page(browser, speaker_link, width),
                 "console": await hostile_page(browser, f"{server.url}/moderate/main", width, session),
                 "stage": await hostile_page(browser, f"{server.url}/rooms/main/stage", width, session)}
        await expect(pages["console"].locator("[data-qa-moderate] .qa-q")).to_have_count(len(HOSTILE), timeout=20_000)
        for question in [q for _, q in moderator.events if _ == "qa:snapshot"][-1]["questions"] * (width == WIDTHS[0]):
            pinned = await moderator.call("qa:moderate", {"question": question["id"], "action": "pin"})
            assert pinned["ok"], (question, pinned)  # each on air in turn
        last = HOSTILE[-1] if results[HOSTILE[-1]] == "shown as text" else None
        if last:
            await expect(pages["overlay"].locator("[data-qa-onair-text]")).to_have_text(last, timeout=20_000)
            await expect(pages["room"].locator("[data-qa-onair-text]")).to_have_text(last, timeout=20_000)
            await expect(pages["stage"].locator("[data-qa-onair-text]")).to_have_text(last, timeout=20_000)
        for where, page in pages.items():
            await assert_unharmed(page, f"{where} at {width}px", fixed_size=where == "stage")
        for page in pages.values():
            await page.context.close()
    await moderator.close()

    async with aiohttp.ClientSession(cookies={"es_session": session[0]["value"]}) as mod:
        async with mod.get(f"{server.url}/talks/t1/questions.csv") as r:
            rows = list(csv.reader(io.StringIO(await r.text())))
        async with mod.get(f"{server.url}/talks/t1/questions.json") as r:
            exported = await r.json()
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], "a cell a spreadsheet would run"
    shown = {q["text"] for q in (exported["questions"] if isinstance(exported, dict) else exported)}
    assert {" ".join(t.split()) for t, r in results.items() if r == "shown as text"} <= shown  # as asked, spaces tidied


async def test_hostile_open_call_entries_and_curators_notes_are_inert_on_the_desk_and_in_the_gallery(
        tmp_path, start_server, browser):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    texts = iter(HOSTILE * 2)
    refs = []
    for i in range(14):  # five text fields each: every hostile string at least once
        fields = {"kind": "work", "name": next(texts)[:100], "email": f"a{i}@example.org", "role": "artist",
                  "title": next(texts)[:200], "description": next(texts), "technique": next(texts)[:200],
                  "motivation": next(texts), "links": f"https://example.org/work-{i}"}
        refs.append(await send(server, fields, upload=("w.png", png_bytes(), "image/png") if i == 0 else None))
    curator, csrf = await signed_in_curator(server)
    async with curator:
        for ref, note in zip(refs[1:], HOSTILE, strict=False):
            async with curator.post(f"{server.url}/curate/{ref}/reject", data={"csrf": csrf, "note": note[:2000]}) as r:
                assert r.status == 200
        hang = {**HANG, "csrf": csrf, "slug": "hostile", "title": HOSTILE[3], "artists": HOSTILE[4],
                "technique": HOSTILE[5], "description": " ".join(HOSTILE[:30]), "alt": HOSTILE[7], "note": HOSTILE[8]}
        async with curator.post(f"{server.url}/curate/{refs[0]}/accept", data=hang, allow_redirects=False) as r:
            assert r.status == 303, await r.text()
            work = r.headers["Location"]
        cookies = [{"name": c.key, "value": c.value, "url": server.url} for c in curator.cookie_jar]
    desk = ["/curate", f"/curate/{refs[0]}", *[f"/curate/{ref}" for ref in refs[1:]], "/curate/mail"]
    for width in WIDTHS:
        for path in desk:
            page = await hostile_page(browser, server.url + path, width, cookies)
            await assert_unharmed(page, f"{path} at {width}px")
            await page.context.close()
        for path in ("/gallery", work.rsplit("/", 1)[0], work):
            page = await hostile_page(browser, server.url + path, width)
            await assert_unharmed(page, f"{path} at {width}px")
            if path == work:
                assert re.sub(r"\s+", " ", HOSTILE[3]) in await page.locator("h1").inner_text()
            await page.context.close()
