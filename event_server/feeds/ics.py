"""iCalendar feeds (RFC 5545) that calendar apps can subscribe to and poll cheaply.

Every property is a function of the programme and the moderators' overrides, never of the request
time: DTSTAMP and LAST-MODIFIED are when the talk last changed, so an unchanged schedule renders to the
same bytes and a poll can be answered with 304.
"""
from __future__ import annotations

from datetime import date, timedelta

import icalendar

from ..core.timeline import Slot
from .feed import Exporter, Feed

PRODID = "-//event-server//calendar feeds//EN"
REFRESH = timedelta(minutes=15)  # a delay on event day should reach subscribers within a poll or two


def render(feed: Feed) -> bytes:
    event = feed.program.event
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", feed.title)
    cal.add("x-wr-caldesc", feed.t(event.description))
    cal.add("x-wr-timezone", event.timezone.key)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))  # not a known property: say its type
    cal.add_component(_timezone(feed))
    for slot in feed.slots:
        cal.add_component(_event(feed, slot))
    return cal.to_ical()


def _timezone(feed: Feed) -> icalendar.Timezone:
    """The event's IANA zone under its own name (TZID:Europe/London, never an abbreviation like GMT), with
    the transitions of every year the feed touches, so clients that ignore TZID still get the offsets."""
    years = [feed.program.event.start.year, feed.program.event.end.year]
    years += [s.start.year for s in feed.slots[:1]] + [s.end.year for s in feed.slots[-1:]]
    return icalendar.Timezone.from_tzid(feed.program.event.timezone.key, first_date=date(min(years), 1, 1),
                                        last_date=date(max(years) + 1, 1, 1))


def _event(feed: Feed, slot: Slot) -> icalendar.Event:
    talk, tz = slot.talk, feed.program.event.timezone
    room = feed.program.room(talk.room)
    vevent = icalendar.Event()
    vevent.add("uid", uid(feed.program.event.id, talk.slug))
    vevent.add("dtstamp", feed.modified(slot))
    vevent.add("last-modified", feed.modified(slot))
    vevent.add("sequence", sequence(slot))
    vevent.add("dtstart", slot.start.astimezone(tz))
    vevent.add("dtend", slot.end.astimezone(tz))  # the live Q&A is part of the slot
    speakers = feed.speakers(talk)
    vevent.add("summary", f"{feed.t(talk.title)} — {speakers}" if speakers else feed.t(talk.title))
    vevent.add("description", _description(feed, slot))
    vevent.add("location", f"{feed.t(room.name) if room else talk.room} · {feed.room_url(talk.room)}")
    vevent.add("url", feed.talk_url(talk))
    if talk.tags:
        vevent.add("categories", list(talk.tags))
    vevent.add("status", "CONFIRMED" if slot.runs else "CANCELLED")
    return vevent


def uid(event_id: str, talk_slug: str) -> str:
    """Derived from names that never change, not from a position: reordering the file keeps every UID."""
    return f"{talk_slug}@{event_id}"


def sequence(slot: Slot) -> int:
    """How often the talk was revised: each override that moved it, and a cancellation in the programme
    file (calendars only apply a CANCELLED copy whose SEQUENCE is above the one they hold)."""
    return slot.changes + (1 if slot.talk.cancelled else 0)


def _description(feed: Feed, slot: Slot) -> str:
    talk, event, tz = slot.talk, feed.program.event, feed.program.event.timezone
    parts = [feed.t(talk.abstract)] if talk.abstract else []
    if not slot.runs:
        parts.insert(0, feed._("This talk is cancelled."))
    times = feed._("Premiere at {start}", start=f"{slot.start.astimezone(tz):%H:%M}")
    if slot.end > slot.qa_start:
        times += ", " + feed._("live Q&A {start}–{end}", start=f"{slot.qa_start.astimezone(tz):%H:%M}",
                               end=f"{slot.end.astimezone(tz):%H:%M}")
    parts.append(f"{times} ({tz.key}).")
    links = [feed._("Watch in the room") + f": {feed.room_url(talk.room)}"]
    if event.livestream:
        links.append(feed._("Livestream") + f": https://www.youtube.com/watch?v={event.livestream}")
    links.append(f"{feed._('Talk page')}: {feed.talk_url(talk)}")
    parts.append("\n".join(links))
    return "\n\n".join(parts)


EXPORTER = Exporter("ics", "ics", "text/calendar; charset=utf-8", render)
