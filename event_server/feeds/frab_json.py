"""schedule.json in the c3voc/frab format (validated against the c3voc JSON schema in the tests)."""
from __future__ import annotations

import json

from . import frab
from .feed import Exporter, Feed

SCHEMA = "https://c3voc.de/schedule/schema.json"


def render(feed: Feed) -> bytes:
    event, tz = feed.program.event, feed.program.event.timezone
    days, names = frab.days(feed), frab.room_names(feed)
    conference = {
        "acronym": frab.acronym(event.id),
        "title": feed.t(event.title),
        "description": feed.t(event.description),
        "start": days[0].date.isoformat(),
        "end": days[-1].date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": "00:05",
        "url": event.url or feed.url("/schedule"),
        "rooms": [{"name": names[r.slug], "slug": r.slug, "guid": frab.guid(feed, "rooms", r.slug),
                   "url": feed.room_url(r.slug), "description": feed.t(r.description) or None}
                  for r in feed.program.rooms],
        "days": [{"index": d.index, "date": d.date.isoformat(), "day_start": d.start.isoformat(),
                  "day_end": d.end.isoformat(),
                  "rooms": {names[room]: [_event(feed, e, names) for e in events]
                            for room, events in d.rooms}}
                 for d in days],
    }
    if frab.JSON_ZONE.match(tz.key):  # zones like Etc/GMT+3 fail the schema's pattern; the field is optional
        conference["time_zone_name"] = tz.key
    document = {"$schema": SCHEMA, "generator": frab.generator(),
                "schedule": {"version": frab.version(feed), "base_url": feed.base_url, "conference": conference}}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _event(feed: Feed, e: frab.FrabEvent, names: dict[str, str]) -> dict:
    talk, tz = e.slot.talk, feed.program.event.timezone
    return {
        "guid": e.guid, "id": e.id, "slug": e.slug, "url": feed.talk_url(talk),
        "date": e.slot.start.astimezone(tz).isoformat(), "start": f"{e.slot.start.astimezone(tz):%H:%M}",
        "end": e.slot.end.astimezone(tz).isoformat(), "duration": frab.duration(e.slot.start, e.slot.end),
        "room": names[talk.room],
        "title": feed.t(talk.title), "subtitle": "", "track": talk.tags[0] if talk.tags else None,
        "type": "talk", "language": None, "abstract": feed.t(talk.abstract), "description": None,
        "persons": [{"name": feed.t(s.name), "guid": frab.guid(feed, "speakers", s.slug),
                     "url": feed.url(f"/speakers/{s.slug}"), "biography": feed.t(s.bio) or None}
                    for s in feed.program.speakers_of(talk)],
        "links": frab.links(feed, talk), "attachments": [],
    }


EXPORTER = Exporter("frab-json", "json", "application/json; charset=utf-8", render)
