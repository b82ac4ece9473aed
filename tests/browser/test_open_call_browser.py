"""The open call in Chromium, with a real SMTP server: an artist's idea (in Russian) and a data scientist's
profile (in English) come in through the form, a curator pairs them, the artist follows the link in their
letter to send the finished work, a curator hangs it, and a visitor sees it credited to both; every
letter arrives once. Then each page of the call and the desk is photographed on a desk and a phone.

Screenshots go to $GALLERY_SCREENSHOTS (or the test's temporary folder) to be looked at by a person.
"""
from __future__ import annotations

import pytest
from gallery_support import BEFORE, IDEA, PROFILE, draw, gallery_program, rehearse
from mail_support import MailServer, link_in, text_of

from tests.browser.pages import sign_in
from tests.browser.test_gallery_browser import shots

FROM = "ML Art open call <open-call@mlart.example>"


@pytest.fixture
def mail(tmp_path, monkeypatch):
    server = MailServer(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    yield server.start()
    server.stop()


async def fill(page, fields: dict) -> None:
    for name, value in fields.items():
        await page.fill(f"[name={name}]", value)


async def test_an_idea_meets_a_data_scientist_and_their_work_hangs_credited_to_both(start_server, browser, tmp_path,
                                                                                     mail):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, smtp=mail.url, mail_from=FROM)
    out = shots(tmp_path)
    artist = await browser.new_page(viewport={"width": 1280, "height": 800})
    await artist.goto(f"{server.url}/open-call?lang=ru")
    await artist.click("text=Идею проекта")
    await fill(artist, {k: IDEA[k] for k in ("name", "email", "title", "description", "help")})
    await artist.check("input[name=role][value=artist]")
    await artist.check("[name=share_email]")
    await artist.click("button[type=submit]")
    await artist.wait_for_url("**/open-call/sent/OC-*")

    scientist = await browser.new_page(viewport={"width": 1280, "height": 800})
    await scientist.goto(f"{server.url}/open-call?lang=en")
    await scientist.click("text=A data scientist's profile")
    await fill(scientist, {k: PROFILE[k] for k in ("name", "email", "skills", "tools", "availability", "links")})
    await scientist.check("[name=share_email]")
    await scientist.click("button[type=submit]")
    await scientist.wait_for_url("**/open-call/sent/OC-*")
    received = await mail.wait_for(2)
    assert [m["To"] for m in received] == [IDEA["email"], PROFILE["email"]]
    assert "Мы получили" in received[0]["Subject"] and "We have received" in received[1]["Subject"]

    curator = await browser.new_page(viewport={"width": 1280, "height": 800})
    await sign_in(curator, server.url, "cur-token")
    await curator.goto(f"{server.url}/curate")
    await curator.select_option("[name=kind]", "idea")
    await curator.click("text=Filter")
    await curator.click(f"text={IDEA['title']}")
    await curator.check(f"label.candidate:has-text('{PROFILE['name']}') input")
    await curator.fill(".introduce [name=note]", "You both love oil paint.")
    await curator.click(".introduce button[type=submit]")
    await curator.locator(".meeting .pairing-status", has_text="introduced").wait_for()
    await curator.select_option(".meeting [name=status]", "working")
    await curator.click(".meeting button")
    await curator.locator(".meeting .pairing-status", has_text="working together").wait_for()

    letters = await mail.wait_for(4)
    [to_artist] = [m for m in letters[2:] if m["To"] == IDEA["email"]]
    [to_scientist] = [m for m in letters[2:] if m["To"] == PROFILE["email"]]
    assert PROFILE["email"] in text_of(to_artist) and IDEA["email"] in text_of(to_scientist)  # both agreed
    assert "Познакомьтесь" in to_artist["Subject"] and "You both love oil paint." in text_of(to_scientist)

    await artist.goto(link_in(to_artist, "/open-call?kind=work&pairing="))
    assert PROFILE["name"] in await artist.text_content(".made-with")
    await fill(artist, {"name": IDEA["name"], "email": IDEA["email"], "title": IDEA["title"]})
    await artist.check("input[name=role][value=artist]")
    await artist.set_input_files("input[name=upload]", str(draw(tmp_path / "dream.png", size=(1200, 800), hue=3)))
    await artist.screenshot(path=out / "open-call-finished-work-ru.png", full_page=True)
    await artist.click("button[type=submit]")
    await artist.wait_for_url("**/open-call/sent/OC-*")

    await curator.goto(f"{server.url}/curate?kind=work")
    await curator.click(f"text={IDEA['title']}")
    assert await curator.input_value("[name=collaborators]") == PROFILE["name"]
    await curator.select_option("[name=room]", "latent")
    await curator.fill("[name=alt]", "Rings melting into each other")
    await curator.click("text=Accept and hang")
    await curator.wait_for_url("**/gallery/latent/paintings-that-dream")

    visitor = await browser.new_page(viewport={"width": 1280, "height": 800})
    await visitor.goto(f"{server.url}/gallery/latent/paintings-that-dream")
    credits = await visitor.text_content(".credits")
    assert "Ada Painter" in credits and "Alan Modeller" in credits
    await visitor.screenshot(path=out / "gallery-credited-work.png", full_page=True)

    letters = await mail.wait_for(7)  # + the confirmation of the work, its acceptance, the data scientist's credit
    assert len({m["Message-ID"] for m in letters}) == len(letters) == 7
    assert [m["To"] for m in letters[4:]].count(IDEA["email"]) == 2 and "Alan" in text_of(letters[4])
    assert any("paintings-that-dream" in text_of(m) for m in letters[4:] if m["To"] == PROFILE["email"])


PAGES = ["/open-call?kind=work", "/open-call?kind=idea", "/open-call?kind=profile", "{withdraw}"]
DESK = ["/curate?status=all", "/curate/{idea}", "/curate/{profile}", "/curate/{work}", "/curate/mail",
        "/gallery/latent/dreaming-paintings"]


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_the_pages_of_the_call_and_the_desk_fit_a_desk_and_a_phone(start_server, browser, tmp_path, lang):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    refs = await rehearse(server)
    out = shots(tmp_path)
    too_wide = {}

    async def shoot(page, name: str, width: int) -> None:
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=out / f"{name}-{width}-{lang}.png", full_page=True)
        if await page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide[name] = await page.evaluate("document.documentElement.scrollWidth")

    for width, height in ((1280, 800), (360, 740)):
        page = await browser.new_page(viewport={"width": width, "height": height})
        await sign_in(page, server.url, "cur-token")
        for template in PAGES + DESK:
            path = template.format(**refs)
            await page.goto(f"{server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
            await shoot(page, "".join(c if c.isalnum() else "-" for c in template).strip("-"), width)
        # What the applicant sees after sending, and after withdrawing through the letter's link.
        await page.goto(f"{server.url}/open-call?kind=profile&lang={lang}")
        await fill(page, {**{k: PROFILE[k] for k in ("name", "skills")}, "email": f"phone{width}@example.org"})
        await page.click("main button[type=submit]")  # not the staff bar's sign-out
        await page.wait_for_url("**/open-call/sent/OC-*")
        await shoot(page, "open-call-sent", width)
        await page.goto(f"{server.url}{refs['withdraw']}?lang={lang}")
        if width == 1280:  # the first time withdraws; the second finds it withdrawn
            await page.click("main button[type=submit]")
        await page.locator("[role=status]").wait_for()
        await shoot(page, "withdrawn", width)
        await page.close()
    assert too_wide == {}
