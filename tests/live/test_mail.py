"""Applicants hear back by e-mail, through a real SMTP server on loopback (STARTTLS or TLS, with a
password): the confirmation in their language, introductions that give addresses only with both sides'
consent, withdrawal through the letter's link, and a queue that loses nothing and sends nothing twice
when the SMTP server goes down or hangs up."""
from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest
from gallery_support import BEFORE, IDEA, PROFILE, gallery_program, png_bytes, send, signed_in_curator
from mail_support import MailServer, html_of, link_in, text_of

from tests.conftest import fresh_postgres

FROM = "ML Art open call <open-call@mlart.example>"


@pytest.fixture
def mail(tmp_path, monkeypatch):
    server = MailServer(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))  # trust the throwaway CA, as a system CA would be
    yield server.start()
    server.stop()


@pytest.fixture
async def call(start_server, tmp_path, mail):
    return await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, smtp=mail.url, mail_from=FROM)


@pytest.fixture(params=["sqlite", "postgresql"])
async def either_call(request, start_server, tmp_path, mail):
    """The call on SQLite, and on PostgreSQL, where claims and retries are the same conditional UPDATEs."""
    if request.param == "sqlite":
        yield await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, smtp=mail.url,
                                 mail_from=FROM)
        return
    async with fresh_postgres(request.getfixturevalue("pg_url")) as url:
        server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, smtp=mail.url,
                                    mail_from=FROM, database_url=url)
        yield server
        await server.stop()


async def outbox(server) -> list[dict]:
    return await server.store.fetch("SELECT * FROM outbox ORDER BY created_ms, id")


async def settled(server, timeout: float = 20.0) -> list[dict]:
    """The outbox once nothing is waiting or being sent."""
    for _ in range(int(timeout / 0.05)):
        rows = await outbox(server)
        if all(r["state"] not in ("queued", "sending") for r in rows):
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"letters still waiting: {[(r['template'], r['state'], r['error']) for r in rows]}")


async def test_a_submission_is_confirmed_in_the_language_of_its_page(call, mail):
    english = await send(call, {"kind": "work", "name": "Ada", "email": "ada@example.org", "role": "artist",
                                "title": "Dream <garden> & co", "links": "https://example.org/garden"})
    russian = await send(call, {**PROFILE, "email": "alan@example.org"}, lang="ru")
    await mail.wait_for(2)
    [en] = mail.to("ada@example.org")
    [ru] = mail.to("alan@example.org")
    assert en["Subject"] == "We have received “Dream <garden> & co”" and english in text_of(en)
    assert ru["Subject"] == "Мы получили вашу анкету" and russian in text_of(ru)
    assert "Спасибо, что предлагаете" in text_of(ru) and "/open-call/withdraw/" in text_of(ru)
    # The HTML part is the same letter, escaped: an applicant's text cannot add markup.
    assert "Dream &lt;garden&gt; &amp; co" in html_of(en) and "<garden>" not in html_of(en)
    assert en["From"] == FROM and en["Reply-To"] is None and re.fullmatch(r"<\w+@mlart\.example>", en["Message-ID"])
    assert mail.recorder.envelopes[0][0] == "open-call@mlart.example"
    rows = await settled(call)
    assert [r["state"] for r in rows] == ["sent", "sent"] and [r["lang"] for r in rows] == ["en", "ru"]


async def test_the_link_in_the_confirmation_withdraws_the_entry_and_deletes_it(call, mail):
    reference = await send(call, {"kind": "work", "name": "Ada", "email": "ada@example.org", "role": "artist",
                                  "title": "Dream garden"}, upload=("g.png", png_bytes(), "image/png"))
    [letter] = await mail.wait_for(1)
    link = link_in(letter, "/open-call/withdraw/")
    [before] = await call.store.fetch("SELECT upload FROM submissions")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(link) as r:  # opening the link (as a mail scanner would) changes nothing
            page = await r.text()
        assert r.status == 200 and reference in page and "Withdraw my entry" in page
        assert (await call.store.fetchrow("SELECT status FROM submissions"))["status"] == "new"
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with browser.post(link, data={"csrf": csrf}) as r:
            assert r.status == 200 and "Your entry is withdrawn" in await r.text()
        async with browser.get(link.replace("/withdraw/", "/withdraw/x")) as r:
            assert r.status == 404  # a link we did not sign
    row = await call.store.fetchrow("SELECT * FROM submissions")
    assert row["status"] == "withdrawn" and row["email"] == "" and row["name"] == "" and row["upload"] is None
    assert not (call.settings.data_dir / "uploads" / before["upload"]).exists()
    assert await outbox(call) == []  # its letters went with it
    [line] = await call.store.fetch("SELECT actor, action FROM curation_log")
    assert line == {"actor": "applicant", "action": "withdrew"}


async def test_an_introduction_reaches_both_sides_and_gives_addresses_only_with_both_consents(call, mail):
    idea = await send(call, IDEA, lang="ru")  # the artist agreed to give their address
    willing = await send(call, PROFILE)
    private = await send(call, {**PROFILE, "name": "Grace Private", "email": "grace@example.org", "share_email": ""})
    await mail.wait_for(3)
    curator, csrf = await signed_in_curator(call)
    async with curator:
        form = aiohttp.FormData([("csrf", csrf), ("profile", willing), ("profile", private), ("note", "Meet on Friday?")])
        async with curator.post(f"{call.url}/curate/{idea}/introduce", data=form, allow_redirects=False) as r:
            assert r.status == 303, await r.text()
        async with curator.get(f"{call.url}/curate/{idea}") as r:
            page = await r.text()
        assert page.count('data-pairing="') == 2 and "Meet on Friday?" in page
    await mail.wait_for(6)
    [to_artist] = [m for m in mail.to(IDEA["email"]) if "Meet" in m["Subject"] or "партнёр" in m["Subject"]]
    [to_willing] = mail.to(PROFILE["email"])[1:]
    [to_private] = mail.to("grace@example.org")[1:]
    artist_text = text_of(to_artist)
    assert "Alan Modeller" in artist_text and "Grace Private" in artist_text and "PyTorch, StyleGAN2" in artist_text
    assert PROFILE["email"] in artist_text and "grace@example.org" not in artist_text  # Grace said no
    assert artist_text.count("/open-call?kind=work&pairing=") == 2 and "Meet on Friday?" in artist_text
    assert "Ada Painter" in text_of(to_willing) and "train a StyleGAN2 on my paintings" in text_of(to_willing)
    assert IDEA["email"] in text_of(to_willing)  # both said yes
    assert IDEA["email"] not in text_of(to_private) and "put you in touch" in text_of(to_private)
    assert "Ada Painter" in text_of(to_private)
    assert "Познакомьтесь" in to_artist["Subject"]  # the artist wrote in Russian
    log = await call.store.fetch("SELECT actor, action FROM curation_log ORDER BY at_ms")
    assert log == [{"actor": "curator", "action": "introduced"}] * 2


async def test_a_server_that_goes_down_mid_queue_loses_nothing_and_sends_nothing_twice(either_call, mail):
    call = either_call
    mail.recorder.refuse_after = 2  # takes two letters, then says it is shutting down
    entries = [await send(call, {**PROFILE, "email": f"ds{i}@example.org", "name": f"DS {i}"}) for i in range(3)]
    entries += [await send(call, {**IDEA, "email": f"artist{i}@example.org"}) for i in range(2)]
    await mail.wait_for(2)
    mail.stop()  # …and is gone: the port is closed
    mail.recorder.refuse_after = None
    await asyncio.sleep(3)  # the courier has tried and failed meanwhile
    rows = await outbox(call)
    waiting = [r for r in rows if r["state"] == "queued"]
    assert len(waiting) == 3 and all(r["attempts"] >= 1 and r["error"] for r in waiting)
    curator, _ = await signed_in_curator(call)
    async with curator, curator.get(f"{call.url}/curate/mail?state=queued") as r:
        page = await r.text()
    assert page.count('data-state="queued"') == 3 and "tried" in page
    mail.start()  # back on the same port
    await mail.wait_for(5, timeout=30)
    rows = await settled(call)
    await asyncio.sleep(1)
    assert len(mail.messages) == 5 and len({m["Message-ID"] for m in mail.messages}) == 5
    assert sorted(m["To"] for m in mail.messages) == sorted(r["recipient"] for r in rows)
    assert all(r["state"] == "sent" for r in rows) and {r["entry"] for r in rows} == set(entries)


async def test_a_server_that_hangs_up_during_data_leaves_the_letter_for_a_curator_to_send_again(call, mail):
    mail.recorder.hang_up_in_data = True
    await send(call, PROFILE)
    [first] = await mail.wait_for(1)
    [row] = await settled(call)
    assert row["state"] == "uncertain" and "DATA" in row["error"]
    mail.recorder.hang_up_in_data = False
    await asyncio.sleep(3)  # the courier keeps running: it does not send it again by itself
    assert len(mail.messages) == 1
    curator, csrf = await signed_in_curator(call)
    async with curator:
        async with curator.get(f"{call.url}/curate/mail") as r:
            assert "may not have arrived" in await r.text()
        async with curator.post(f"{call.url}/curate/mail/{row['id']}/send-again", data={"csrf": csrf}) as r:
            assert r.status == 200
    [_, again] = await mail.wait_for(2)
    assert again["Message-ID"] == first["Message-ID"]  # the receiving side can tell it is the same letter
    assert [r["state"] for r in await settled(call)] == ["sent"]
    log = await call.store.fetch("SELECT actor, action FROM curation_log")
    assert log == [{"actor": "curator", "action": "sent a letter again"}]


async def test_implicit_tls_works_too(start_server, tmp_path, monkeypatch):
    server = MailServer(tmp_path, implicit_tls=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
    server.start()
    try:
        app = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE, smtp=server.url,
                                 mail_from=FROM)
        await send(app, PROFILE)
        [letter] = await server.wait_for(1)
        assert letter["To"] == PROFILE["email"]
    finally:
        server.stop()


async def test_without_an_smtp_server_letters_are_kept_and_shown_as_not_sent(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    reference = await send(server, IDEA)
    [row] = await outbox(server)
    assert row["state"] == "queued" and row["attempts"] == 0 and row["recipient"] == IDEA["email"]
    curator, _ = await signed_in_curator(server)
    async with curator:
        async with curator.get(f"{server.url}/curate/mail") as r:
            page = await r.text()
        async with curator.get(f"{server.url}/curate") as r:
            desk = await r.text()
    assert "No SMTP server is set" in page and "not sent yet" in page and reference in page
    assert "1 not sent yet" in desk
