"""The open call's use cases: entries come in (and their senders are told), curators decide, introduce
ideas to data scientists and follow each pairing to a work hung in the gallery; applicants withdraw
through the link in their e-mail; and entries are erased when the call's keeping time is over.

Each change and the letters it causes are one transaction, so a letter exists exactly when its reason
does (services/outbox.py sends it). Every step is logged with who took it: the curator as their session
names them (web/auth.py `actor`), or "applicant".
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core import open_call
from ..core.forms import LIMITS
from ..core.gallery import HungWork
from ..core.model import OpenCall
from ..core.refusal import Refused
from ..store import Store, curation_log, pairings, submissions
from ..store import outbox as queue
from ..store.curation_log import LogLine
from ..store.db import Queries
from ..store.pairings import Pairing
from ..store.submissions import Entry
from .event import LiveEvent
from .gallery import GalleryDesk
from .identity import Signer
from .outbox import Outbox

log = logging.getLogger(__name__)
APPLICANT = "applicant"  # the actor of an applicant's own steps in the log
TIDY_EVERY = 3600.0  # seconds between looks for entries past their keeping time


@dataclass(frozen=True)
class Meeting:
    """A pairing with the entries it joins, as the curators' desk shows it."""

    pairing: Pairing
    idea: Entry
    profile: Entry
    work: Entry | None


class OpenCallDesk:
    def __init__(self, event: LiveEvent, store: Store, gallery: GalleryDesk, outbox: Outbox, signer: Signer):
        self.event, self.store, self.gallery, self.outbox, self.signer = event, store, gallery, outbox, signer
        self.task: asyncio.Task | None = None

    @property
    def call(self) -> OpenCall | None:
        return self.event.program.open_call

    def keep_until(self) -> datetime | None:
        return open_call.keep_until(self.call, self.event.program.event) if self.call else None

    # --- applicants ------------------------------------------------------------------------------

    async def finished_work_pairing(self, token: str | None) -> Meeting | None:
        """The pairing named by the link in an introduction letter, while it can still take its work."""
        found = await pairings.get(self.store, self.signer.value(self.signer.finished_work, token) or "")
        if found is None or found.status not in ("introduced", "working"):
            return None
        return await self._meeting(found)

    async def submit(self, sub: open_call.Submission, *, lang: str, attendee: str | None, upload: dict | None,
                     received: Path, base: str, pairing: Pairing | None = None) -> str:
        """Keep the entry (and move its upload into place), and write its confirmation; its reference."""
        stored = self.gallery.keep(received, upload["type"], upload["size"]) if upload else None
        now = self.event.now_ms()
        async with self.store.transaction() as tx:
            reference = await submissions.add(tx, sub, lang=lang, attendee=attendee, now_ms=now, upload=stored,
                                              pairing=pairing.id if pairing else None)
            entry = await submissions.get(tx, reference)
            assert entry is not None
            partner = None
            if pairing:
                await pairings.move(tx, pairing.id, "submitted", now, work=reference)
                await self._log(tx, APPLICANT, "sent the finished work", reference, pairing.id)
                partner = await submissions.get(tx, pairing.profile)
            await self._letter(tx, "received", entry, base, partner=partner,
                               withdraw=f"{base}/open-call/withdraw/"
                                        f"{self.signer.token(self.signer.withdrawal, reference)}?lang={lang}")
        self.outbox.poke()
        return reference

    def withdrawal(self, token: str) -> str | None:
        """The entry a withdrawal link names, if the link is ours."""
        return self.signer.value(self.signer.withdrawal, token)

    async def withdraw(self, reference: str) -> Entry:
        """The applicant takes their entry back: its work comes down, its pairings end, its letters and
        everything they told us are deleted (the reference stays, for the log)."""
        entry = await self.entry(reference)
        if entry.status == "withdrawn":
            return entry
        now = self.event.now_ms()
        async with self.store.transaction() as tx:
            mine = await pairings.of_entry(tx, reference)
            await submissions.decide(tx, reference, "withdrawn", "", now)
            await submissions.erase(tx, reference, now)
            for pairing in mine:
                if pairing.work == reference:  # the finished work taken back: they are working again
                    await pairings.move(tx, pairing.id, "working", now)
                elif pairing.status != "accepted":
                    await pairings.move(tx, pairing.id, "ended", now)
            await queue.forget(tx, reference, [p.id for p in mine if p.work != reference])
            await self._log(tx, APPLICANT, "withdrew", reference, None)
        self.gallery.drop(entry.upload)
        return entry

    # --- curators --------------------------------------------------------------------------------

    async def entry(self, reference: str) -> Entry:
        found = await submissions.get(self.store, reference)
        if found is None:
            raise Refused("not_found", f"there is no entry {reference}")
        return found

    async def search(self, status: str | None, kind: str | None, role: str | None, file: str | None,
                     text: str | None) -> list[Entry]:
        return await submissions.search(self.store, status=status, kind=kind, role=role, file=file, text=text)

    async def counts(self, kind: str | None) -> dict[str, int]:
        return await submissions.counts(self.store, kind)

    async def meetings(self, entry: Entry) -> list[Meeting]:
        return [await self._meeting(p) for p in await pairings.of_entry(self.store, entry.id)]

    async def history(self, entry: Entry) -> list[LogLine]:
        mine = await pairings.of_entry(self.store, entry.id)
        return await curation_log.about(self.store, entry.id, [p.id for p in mine])

    async def profiles_for(self, idea: Entry) -> list[Entry]:
        """Data scientists still in the call whom this idea has not met yet."""
        met = {p.profile for p in await pairings.of_entry(self.store, idea.id)}
        found = await submissions.search(self.store, kind="profile")
        return [e for e in found if e.status in ("new", "accepted") and e.id not in met]

    async def hang(self, entry: Entry, fields: dict[str, str], *, actor: str, base: str, tell: bool,
                   message: str) -> tuple[HungWork | None, dict]:
        """Hang a work as the curator edited it, and tell its artist (and the data scientist who helped)."""
        hung, errors = self.gallery.check_work(entry, fields)
        if hung is None:
            return None, errors
        now, path = self.event.now_ms(), f"/gallery/{hung.room}/{hung.work.slug}"
        try:
            async with self.store.transaction() as tx:
                await submissions.hang(tx, hung, _cut(fields.get("note", ""), "note"), now)
                await self._log(tx, actor, "hung in the gallery", entry.id, entry.pairing, path)
                pairing = await pairings.get(tx, entry.pairing) if entry.pairing else None
                if pairing:
                    await pairings.move(tx, pairing.id, "accepted", now)
                if tell and open_call.first_decision(entry.status):
                    await self._letter(tx, "accepted", entry, base, message=_cut(message, "message"), url=base + path)
                    if pairing and (helper := await submissions.get(tx, pairing.profile)):
                        await self._letter(tx, "credited", helper, base, pairing=pairing.id, work=entry,
                                           url=base + path)
        except Refused as exc:
            return None, {"slug": (exc.message, {})}
        self.outbox.poke()
        return hung, {}

    async def decide(self, entry: Entry, status: str, *, actor: str, base: str, note: str, tell: bool,
                     message: str) -> None:
        """Accept an idea or a profile, or turn any entry down (a hung work comes down); tell the applicant."""
        if entry.status == "withdrawn":
            raise Refused("wrong_state", "The applicant withdrew this entry.")
        if status == "accepted" and entry.kind == "work":
            raise Refused("bad_request", "A work is accepted by hanging it in the gallery.")
        now = self.event.now_ms()
        async with self.store.transaction() as tx:
            await submissions.decide(tx, entry.id, status, _cut(note, "note"), now)
            await self._log(tx, actor, status, entry.id, None, _cut(note, "note"))
            if entry.pairing and entry.status == "accepted":  # a paired work taken down: not accepted any more
                await pairings.move(tx, entry.pairing, "submitted", now)
            if tell and open_call.first_decision(entry.status):
                await self._letter(tx, "accepted" if status == "accepted" else "declined", entry, base,
                                   message=_cut(message, "message"), url=None)
        self.outbox.poke()

    async def introduce(self, idea: Entry, profiles: list[str], note: str, *, actor: str, base: str) -> list[Pairing]:
        """Pair an idea with data scientists: each of them, and the artist, get a letter introducing the
        other side; addresses only where both said yes on their forms."""
        found = list((await submissions.many(self.store, profiles)).values())
        met = {p.profile for p in await pairings.of_entry(self.store, idea.id)}
        open_call.check_introduction((idea.kind, idea.status), [(e.kind, e.status) for e in found],
                                     already=len(met & {e.id for e in found}))
        note, now, made = _cut(note, "note"), self.event.now_ms(), []
        async with self.store.transaction() as tx:
            for new in [e for e in (idea, *found) if e.status == "new"]:  # introducing them takes them on
                await submissions.decide(tx, new.id, "accepted", new.note, now)
            for profile in found:
                pairing = await pairings.add(tx, idea.id, profile.id, note, now)
                share = open_call.addresses_shared(idea.share_email, profile.share_email)
                await self._letter(tx, "introduction", profile, base, pairing=pairing.id, idea=idea, note=note,
                                   partners=[(idea, share, None)])
                await self._log(tx, actor, "introduced", idea.id, pairing.id, f"{profile.id} {profile.name}")
                made.append((pairing, profile, share))
            await self._letter(tx, "introduction", idea, base, idea=idea, note=note, partners=[
                (profile, share, f"{base}/open-call?kind=work&pairing="
                                 f"{self.signer.token(self.signer.finished_work, pairing.id)}&lang={idea.lang}")
                for pairing, profile, share in made])
        self.outbox.poke()
        return [pairing for pairing, _, _ in made]

    async def move(self, pairing_id: str, status: str, *, actor: str) -> Pairing:
        pairing = await pairings.get(self.store, pairing_id)
        if pairing is None:
            raise Refused("not_found", f"there is no pairing {pairing_id}")
        open_call.check_move(pairing.status, status)
        async with self.store.transaction() as tx:
            await pairings.move(tx, pairing.id, status, self.event.now_ms())
            await self._log(tx, actor, "moved the pairing", pairing.idea, pairing.id, status)
        return pairing

    async def send_again(self, mail: str, *, actor: str) -> None:
        again = await self.outbox.send_again(mail)
        if again is None:
            raise Refused("wrong_state", "Only a letter that failed or may not have arrived can be sent again.")
        async with self.store.transaction() as tx:
            await self._log(tx, actor, "sent a letter again", again.entry, again.pairing, again.subject)

    # --- keeping ---------------------------------------------------------------------------------

    def start(self) -> None:
        self.task = asyncio.create_task(self._tidy(), name="open call keeping")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _tidy(self) -> None:
        while True:
            try:
                await self.forget_expired()
            except Exception:
                log.exception("could not erase the open call's expired entries; trying again later")
            await asyncio.sleep(TIDY_EVERY)

    async def forget_expired(self) -> int:
        """Past the call's keeping time, erase what applicants told us; hung works stay in the gallery,
        credited with the names the curators gave them."""
        until = self.keep_until()
        if until is None or self.event.now() <= until:
            return 0
        expired = await submissions.kept(self.store)
        for entry in expired:
            hung = await self.gallery.hung_work_of(entry.id)
            async with self.store.transaction() as tx:
                await submissions.erase(tx, entry.id, self.event.now_ms(), keep_upload=hung is not None)
                await queue.forget(tx, entry.id, [])
            if hung is None:
                self.gallery.drop(entry.upload)
        return len(expired)

    # --- helpers ---------------------------------------------------------------------------------

    async def _meeting(self, pairing: Pairing) -> Meeting:
        found = await submissions.many(self.store, [r for r in (pairing.idea, pairing.profile, pairing.work) if r])
        return Meeting(pairing, found[pairing.idea], found[pairing.profile],
                       found.get(pairing.work) if pairing.work else None)

    async def _letter(self, tx: Queries, template: str, to: Entry, base: str, pairing: str | None = None,
                      **context) -> None:
        program = self.event.program
        await self.outbox.queue(tx, template, to=to.email, lang=to.lang, entry_id=to.id, pairing=pairing, entry=to,
                                event=program.event, call=self.call, site=base, keep_until=self.keep_until(),
                                **context)

    async def _log(self, tx: Queries, actor: str, action: str, entry: str | None, pairing: str | None,
                   detail: str = "") -> None:
        await curation_log.add(tx, LogLine(self.event.now_ms(), actor, action, entry, pairing, detail))


def _cut(text: str, field: str) -> str:
    return str(text).strip()[:LIMITS[field]]
