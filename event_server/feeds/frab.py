"""The frab/c3voc schedule, built once as plain values that the JSON and XML exporters write out.

Identifiers are derived from names, never from positions: a talk keeps its guid, id and slug when the
file is reordered or other talks are added, so schedule apps and the c3voc tools keep their bookmarks.
Cancelled talks are left out: schedule apps have no cancelled state and would show them as running.
"""
from __future__ import annotations

import hashlib
import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .. import __version__
from ..core.model import Talk
from ..core.timeline import Slot
from .feed import Feed

GENERATOR = "event-server"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:event-server:frab")
JSON_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # the JSON schema's time_zone_name pattern


@dataclass(frozen=True)
class FrabEvent:
    slot: Slot
    id: int
    guid: str
    slug: str


@dataclass(frozen=True)
class FrabDay:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: tuple[tuple[str, tuple[FrabEvent, ...]], ...]  # (room slug, events) in programme room order


def acronym(event_id: str) -> str:
    """The c3voc acronym allows no dash inside (`mlart-2020` fails, `mlart_2020` passes) and needs 4+ chars."""
    return event_id.replace("-", "_").ljust(4, "_")


def guid(feed: Feed, kind: str, slug: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{feed.program.event.id}/{kind}/{slug}"))


def numeric_ids(slugs: list[str]) -> dict[str, int]:
    """Stable positive 31-bit ids from a hash of each slug; the rare clash moves on to the next free number."""
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for slug in sorted(slugs):
        number = int.from_bytes(hashlib.sha256(slug.encode()).digest()[:4], "big") % (2 ** 31 - 1) + 1
        while number in taken:
            number = number % (2 ** 31 - 1) + 1
        ids[slug] = number
        taken.add(number)
    return ids


def days(feed: Feed) -> list[FrabDay]:
    """One day per event date (and any date a delay pushed a talk into), rooms as the programme orders them."""
    tz = feed.program.event.timezone
    running = [s for s in feed.slots if s.runs]
    ids = numeric_ids([t.slug for t in feed.program.talks])
    short = acronym(feed.program.event.id)
    dates = {feed.program.event.start + timedelta(days=n)
             for n in range((feed.program.event.end - feed.program.event.start).days + 1)}
    dates |= {s.start.astimezone(tz).date() for s in running}
    result = []
    for index, day in enumerate(sorted(dates), start=1):
        on_day = [s for s in running if s.start.astimezone(tz).date() == day]
        rooms = tuple((room.slug, tuple(FrabEvent(s, ids[s.talk.slug], guid(feed, "talks", s.talk.slug),
                                                  f"{short}-{ids[s.talk.slug]}-{s.talk.slug}")
                                        for s in on_day if s.talk.room == room.slug))
                      for room in feed.program.rooms)
        start = datetime.combine(day, time(0), tz)
        result.append(FrabDay(index, day, start, datetime.combine(day + timedelta(days=1), time(0), tz), rooms))
    return result


def room_names(feed: Feed) -> dict[str, str]:
    """Room slug → the name apps show. schedule.json keys a day's rooms by name, so two rooms with the same
    name in this language are told apart by their slug rather than merged."""
    names = [feed.t(r.name) for r in feed.program.rooms]
    return {r.slug: name if names.count(name) == 1 else f"{name} ({r.slug})"
            for r, name in zip(feed.program.rooms, names, strict=True)}


def duration(start: datetime, end: datetime) -> str:
    """hh:mm, rounded up so the slot is never shown shorter than it runs."""
    minutes = math.ceil((end - start) / timedelta(minutes=1))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def version(feed: Feed) -> str:
    """Changes whenever the schedule does: the instant of its latest change."""
    return feed.last_modified.strftime("%Y-%m-%d %H:%M:%S UTC")


def links(feed: Feed, talk: Talk) -> list[dict]:
    """Where to watch: the room during the event, then the recording (self-hosted file and/or YouTube)."""
    found = [{"url": feed.room_url(talk.room), "title": feed._("Watch in the room"), "type": "web"}]
    if talk.recording.file:
        found.append({"url": f"{feed.base_url}/{talk.recording.file}", "title": feed._("Recording"),
                      "type": "media"})
    if talk.recording.youtube:
        found.append({"url": f"https://www.youtube.com/watch?v={talk.recording.youtube}",
                      "title": feed._("Recording on YouTube"), "type": "media"})
    return found


def generator() -> dict:
    return {"name": GENERATOR, "version": __version__}
