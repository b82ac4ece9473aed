"""The one moment a letter's fate cannot be known: the server crashes while the SMTP server is taking
it. A real `event-server serve` process is killed (SIGKILL, no goodbye) by the test SMTP server itself,
once before the message went over DATA and once after it arrived but before the 250 reached the worker.
Restarted (its clock a little later, so the dead worker's claim has run out — the only thing faked), the
server sends the first letter exactly once and never re-sends the second: it shows it to curators as
possibly arrived."""
from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from gallery_support import BEFORE, PROFILE, gallery_program, send
from mail_support import PASSWORD, USER, MailServer

from tests.live.test_cluster import Worker

FIRST_TALK = datetime(2020, 9, 19, 11, 0, tzinfo=UTC)  # 14:00 in Moscow, gallery_program's talk


def env_at(mail: MailServer, virtual_now: datetime) -> dict:
    """A worker's settings: the real SMTP server, and a rehearsal clock that reads `virtual_now` now."""
    start_at = datetime.now(UTC) + (FIRST_TALK - virtual_now)
    return {**os.environ, "SECRET_KEY": "crash-secret", "CURATOR_TOKEN": "cur-token", "MODERATOR_TOKEN": "mod-token",
            "SMTP_URL": f"smtp://{USER}:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{mail.port}",
            "MAIL_FROM": "ML Art <open-call@mlart.example>", "SSL_CERT_FILE": str(mail.ca_file),
            "START_AT": start_at.isoformat()}


async def dies(worker: Worker, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if worker.process.poll() is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker was not killed")


async def letter_state(worker: Worker, wanted: str, timeout: float = 20.0) -> str:
    """The curators' view of the one letter, once it shows `wanted`."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as curator:
        async with curator.get(f"{worker.url}/login") as r:
            csrf = (await r.text()).split('name="csrf" value="')[1].split('"')[0]
        await curator.post(f"{worker.url}/login", data={"csrf": csrf, "token": "cur-token", "next": "/curate/mail"})
        for _ in range(int(timeout / 0.1)):
            async with curator.get(f"{worker.url}/curate/mail") as r:
                page = await r.text()
            if f'data-state="{wanted}"' in page:
                return page
            await asyncio.sleep(0.1)
    raise AssertionError(f"the letter is not {wanted}: " + page[page.find("<ul class"):][:600])


@pytest.fixture
def crash(tmp_path):
    mail = MailServer(tmp_path).start()
    program = gallery_program(tmp_path / "prog")
    workers: list[Worker] = []

    def worker(virtual_now: datetime) -> Worker:
        started = Worker(f"w{len(workers)}", program, env_at(mail, virtual_now), tmp_path / "data").start()
        workers.append(started)
        return started
    yield mail, worker
    for w in workers:
        w.kill()
    mail.stop()


async def test_killed_after_the_smtp_server_took_the_letter_it_is_never_sent_again(crash):
    mail, worker = crash
    first = worker(BEFORE)
    mail.recorder.on_data = lambda count: first.kill()  # the letter has arrived; the 250 never reaches the worker
    await send(first, PROFILE)
    await dies(first)
    assert len(mail.messages) == 1
    mail.recorder.on_data = None
    again = worker(BEFORE + timedelta(minutes=2))  # later than the dead worker's claim
    page = await letter_state(again, "uncertain")
    assert "may not have arrived" in page and "Send again" in page
    await asyncio.sleep(3)  # the courier keeps looking: it does not send it again
    assert len(mail.messages) == 1


async def test_killed_before_the_letter_went_over_data_it_is_sent_once_after_the_restart(crash):
    mail, worker = crash
    first = worker(BEFORE)
    mail.recorder.on_rcpt = first.kill  # the worker dies before the message could be handed over
    await send(first, PROFILE)
    await dies(first)
    assert mail.messages == []
    mail.recorder.on_rcpt = None
    again = worker(BEFORE + timedelta(minutes=2))
    await letter_state(again, "sent")
    await asyncio.sleep(3)
    assert len(mail.messages) == 1 and mail.messages[0]["To"] == PROFILE["email"]
