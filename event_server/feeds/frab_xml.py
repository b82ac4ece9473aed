"""schedule.xml in the frab/c3voc format (validated against the c3voc XSD in the tests)."""
from __future__ import annotations

from lxml import etree

from . import frab
from .feed import Exporter, Feed


def render(feed: Feed) -> bytes:
    event, tz = feed.program.event, feed.program.event.timezone
    days, names = frab.days(feed), frab.room_names(feed)
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", **frab.generator())
    _text(root, "url", f"{feed.base_url}/schedule.xml?lang={feed.lang}")
    _text(root, "version", frab.version(feed))
    conference = etree.SubElement(root, "conference")
    for name, value in (("title", feed.t(event.title)), ("acronym", frab.acronym(event.id)),
                        ("start", days[0].date.isoformat()), ("end", days[-1].date.isoformat()),
                        ("days", str(len(days))), ("timeslot_duration", "00:05"),
                        ("base_url", feed.base_url), ("url", event.url or feed.url("/schedule")),
                        ("time_zone_name", tz.key)):
        _text(conference, name, value)
    for day in days:
        day_node = etree.SubElement(root, "day", index=str(day.index), date=day.date.isoformat(),
                                    start=day.start.isoformat(), end=day.end.isoformat())
        for room, events in day.rooms:
            room_node = etree.SubElement(day_node, "room", name=names[room],
                                         guid=frab.guid(feed, "rooms", room))
            for e in events:
                _event(feed, room_node, e, names)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _event(feed: Feed, parent, e: frab.FrabEvent, names: dict[str, str]) -> None:
    talk, tz = e.slot.talk, feed.program.event.timezone
    node = etree.SubElement(parent, "event", id=str(e.id), guid=e.guid)
    for name, value in (("room", names[talk.room]), ("title", feed.t(talk.title)),
                        ("subtitle", ""), ("type", "talk"), ("date", e.slot.start.astimezone(tz).isoformat()),
                        ("start", f"{e.slot.start.astimezone(tz):%H:%M}"),
                        ("duration", frab.duration(e.slot.start, e.slot.end)),
                        ("abstract", feed.t(talk.abstract)), ("slug", e.slug),
                        ("track", talk.tags[0] if talk.tags else ""), ("url", feed.talk_url(talk))):
        _text(node, name, value)
    persons = etree.SubElement(node, "persons")
    for speaker in feed.program.speakers_of(talk):
        _text(persons, "person", feed.t(speaker.name)).set("guid", frab.guid(feed, "speakers", speaker.slug))
    links = etree.SubElement(node, "links")
    for link in frab.links(feed, talk):
        _text(links, "link", link["title"]).set("href", link["url"])


def _text(parent, name: str, value: str):
    node = etree.SubElement(parent, name)
    node.text = value
    return node


EXPORTER = Exporter("frab-xml", "xml", "application/xml; charset=utf-8", render)
