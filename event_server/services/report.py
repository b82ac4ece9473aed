"""The organisers' report: what the live shell counts as the day runs (head counts sampled every
AUDIENCE_SAMPLE_SECONDS, reactions per talk, views of gallery works) kept in the store, and the report
built from it with the questions and the open call (core.report has the arithmetic)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from ..config import Settings
from ..core import report
from ..store import Store, audience
from .event import LiveEvent
from .gallery import GalleryDesk


class ReportDesk:
    def __init__(self, event: LiveEvent, store: Store, gallery: GalleryDesk, settings: Settings):
        self.event, self.store, self.gallery = event, store, gallery
        self.every_ms = int(settings.audience_sample_seconds * 1000)
        self.reacted: Counter[tuple[str, str]] = Counter()  # (talk, kind) → reactions not yet stored

    async def sample(self, people: dict[str, int]) -> None:
        """Each room's head count now, on the sampling grid (so every worker writes the same instant once)."""
        at_ms = self.event.now_ms() // self.every_ms * self.every_ms
        for room, n in people.items():
            await audience.sample(self.store, room, at_ms, n)

    def react(self, room: str, counts: Counter[str]) -> None:
        """Reactions a room sent (one tick's batch): counted for the talk on now, stored with the next sample."""
        talk = self.event.room_state(room).talk
        if talk:
            for kind, n in counts.items():
                self.reacted[(talk, kind)] += n

    async def store_reactions(self) -> None:
        batch, self.reacted = self.reacted, Counter()
        if batch:
            await audience.add_reactions(self.store, batch)

    async def viewed(self, room: str, work: str) -> None:
        await audience.count_view(self.store, room, work)

    async def build(self, lang: str) -> dict[str, Any]:
        """The report as data: what the page, the CSV and the JSON show."""
        program, slots = self.event.program, self.event.slots()
        samples = await audience.samples(self.store)
        questions, reactions = await audience.qa_figures(self.store), await audience.reactions(self.store)
        talks = []
        for slot in slots:
            seen = report.audience(samples, slot)
            qa = questions.get(slot.talk.slug, report.QaFigures())
            got = reactions.get(slot.talk.slug, {})
            talks.append({"talk": slot.talk.slug, "title": slot.talk.title.get(lang), "status": slot.status,
                          "start": slot.start.isoformat(), "end": slot.end.isoformat(),
                          "peak_audience": seen.peak, "average_audience": seen.average, "samples": seen.samples,
                          "questions_asked": qa.asked, "questions_approved": qa.approved,
                          "questions_answered": qa.answered, "votes": qa.votes,
                          "reactions": sum(got.values()), "reactions_by_kind": got})
        views = await audience.views(self.store)
        works = [{"room": r.slug, "work": w.slug, "title": w.title.get(lang), "views": views.get((r.slug, w.slug), 0)}
                 for r in await self.gallery.rooms() for w in r.works]
        return {"event": program.event.id, "talks": talks, "gallery_views": works,
                "open_call_submissions": await audience.submissions(self.store),
                "audience": [{"room": s.room, "at_ms": s.at_ms, "people": s.people} for s in samples]}

    async def chart(self, width: int, height: int) -> report.Chart | None:
        return report.chart(await audience.samples(self.store), width, height)
