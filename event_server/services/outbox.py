"""E-mail to applicants: letters are queued in the store inside the transaction that decides them, and a
background task (the courier) hands them to the SMTP server of SMTP_URL, retrying with backoff. Without
SMTP_URL there is no courier: letters stay queued and curators see them as not sent.

What is promised (core/outbox.py says how): a queued letter is never lost — it waits in the store
until the server takes it, across restarts and an SMTP server that is down; and it is never sent twice
by the courier — it is retried only when the server certainly does not have it. A letter whose fate is
unknown (the connection broke during DATA, or the worker died before recording the server's yes) is
marked "uncertain" for a curator to check, and re-sending it re-sends the same Message-ID.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from ..config import Settings
from ..core import outbox as rules
from ..mail import letters, smtp
from ..store import Store
from ..store import outbox as queue
from ..store.db import Queries
from ..store.outbox import Mail
from .event import LiveEvent

log = logging.getLogger(__name__)
LONGEST_NAP = 30.0  # seconds: look again at least this often (other workers' letters, claims run out)


class Outbox:
    def __init__(self, event: LiveEvent, store: Store, settings: Settings):
        self.event, self.store = event, store
        self.server, self.sender = settings.smtp, settings.mail_from
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None

    @property
    def sending(self) -> bool:
        """Whether letters go out at all (SMTP_URL is set)."""
        return self.server is not None

    async def queue(self, tx: Queries, template: str, *, to: str, lang: str, entry_id: str | None,
                    pairing: str | None = None, **context) -> None:
        """Write the letter now, in the recipient's language, and keep it with the transaction's other changes.
        Call poke() once the transaction has committed."""
        letter = letters.write(template, lang, **context)
        await queue.add(tx, entry=entry_id, pairing=pairing, template=template, recipient=to, lang=lang,
                        subject=letter.subject, body=letter.text, html=letter.html,
                        reply_to=self.event.program.event.contact, domain=letters.domain_of(self.sender),
                        now_ms=self.event.now_ms())

    def poke(self) -> None:
        self.wake.set()

    # --- the courier ----------------------------------------------------------------------------

    def start(self) -> None:
        if self.server is not None:
            self.task = asyncio.create_task(self.run(), name="courier")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None

    async def run(self) -> None:
        while True:
            try:
                nap = await self.deliver_due()
            except Exception:  # the store went away for a moment: try again soon, never stop
                log.exception("the courier could not look at the outbox; trying again in 5 s")
                nap = 5.0
            try:
                await asyncio.wait_for(self.wake.wait(), nap)
            except TimeoutError:
                pass
            self.wake.clear()

    async def deliver_due(self) -> float:
        """Send every letter that is due; how long until the next one is."""
        await queue.recover(self.store, self.event.now_ms())
        while due := await queue.due(self.store, self.event.now_ms()):
            for mail_id in due:
                mail = await queue.claim(self.store, mail_id, self.event.now_ms())
                if mail is not None:  # else another worker took it
                    await self.deliver(mail)
        upcoming = await queue.next_due(self.store)
        if upcoming is None:
            return LONGEST_NAP
        return min(LONGEST_NAP, max(0.05, (upcoming - self.event.now_ms()) / 1000))

    async def deliver(self, mail: Mail) -> None:
        assert self.server is not None
        try:
            message = letters.message(sender=self.sender, recipient=mail.recipient, subject=mail.subject,
                                      text=mail.body, html=mail.html, reply_to=mail.reply_to,
                                      message_id=mail.message_id,
                                      date=datetime.fromtimestamp(mail.created_ms / 1000, UTC))
        except ValueError as exc:  # e.g. MAIL_FROM is not an address: nothing a retry would change
            await queue.not_sent(self.store, mail, f"the message could not be written: {exc}", None)
            return

        async def handing() -> bool:
            return await queue.handing(self.store, mail, self.event.now_ms())
        try:
            await smtp.deliver(self.server, message, letters.address_of(self.sender), mail.recipient, handing,
                               rules.DELIVERY_TIMEOUT)
        except smtp.NotSent as exc:
            retry = None if exc.permanent else rules.retry_at(mail.attempts, self.event.now_ms())
            log.warning("letter %s to %s not sent (%s): %s", mail.id, mail.recipient,
                        "failed" if retry is None else "will retry", exc.reason)
            await queue.not_sent(self.store, mail, exc.reason, retry)
        except smtp.MaybeSent as exc:
            log.error("letter %s to %s may or may not have arrived: %s", mail.id, mail.recipient, exc.reason)
            await queue.uncertain(self.store, mail, exc.reason)
        else:
            await queue.sent(self.store, mail, self.event.now_ms())

    # --- what curators see ---------------------------------------------------------------------

    async def letters(self, state: str | None) -> list[Mail]:
        return await queue.listing(self.store, state if state in rules.STATES else None)

    async def counts(self) -> dict[str, int]:
        return await queue.counts(self.store)

    async def send_again(self, mail: str) -> Mail | None:
        """A curator re-sends an uncertain or failed letter (same Message-ID); None if it was neither."""
        if not await queue.send_again(self.store, mail, self.event.now_ms()):
            return None
        self.poke()
        return await queue.get(self.store, mail)
