"""frab schedule.xml and schedule.json as schedule apps and the c3voc tools read them: valid against the
c3voc XSD and JSON schema (copied into tests/data/frab), with identifiers that survive reordering."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from conftest import MEETUP, write_program
from lxml import etree

from event_server.core.timeline import Override, slots
from event_server.feeds import EXPORTERS, Feed, select
from event_server.loader import load_program

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "frab"
XSD = etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))
# jsonschema checks uuid, date, date-time and uri only with optional extras installed; these checks are
# written out so the formats are enforced rather than silently skipped.
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("uuid", raises=ValueError)(lambda v: str(uuid.UUID(v)) == v.lower())
FORMATS.checks("date", raises=ValueError)(lambda v: bool(date.fromisoformat(v)))
FORMATS.checks("date-time", raises=ValueError)(lambda v: datetime.fromisoformat(v).tzinfo is not None)
FORMATS.checks("uri")(lambda v: bool(urlsplit(v).scheme in ("http", "https") and urlsplit(v).netloc))
JSON_SCHEMA = jsonschema.Draft6Validator(json.loads((SCHEMAS / "schedule.schema.json").read_text()),
                                         format_checker=FORMATS)
PUBLISHED = datetime(2020, 9, 1, 12, 0, tzinfo=UTC)
TALKS = [{"slug": "first", "start": "15:00", "seconds": 600, "qa": 5},
         {"slug": "second", "start": "15:20", "seconds": 90, "qa": 0, "speaker": "alan"},
         {"slug": "cut", "start": "15:40", "seconds": 600, "qa": 5, "status": "cancelled"}]


def render(fmt: str, path: Path, lang: str = "en", overrides=()) -> bytes:
    program = load_program(path)
    chosen = select(program, slots(program, overrides), "schedule", None)
    return EXPORTERS[fmt].render(Feed(program, chosen, lang, "https://meetup.example", PUBLISHED))


def test_the_format_checks_do_reject():
    assert not FORMATS.conforms("not-a-uuid", "uuid") and not FORMATS.conforms("2020-09-19T14:00", "date-time")
    assert not FORMATS.conforms("/talks/x", "uri") and FORMATS.conforms("https://a.example/x", "uri")


def valid_json(body: bytes) -> dict:
    document = json.loads(body)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in JSON_SCHEMA.iter_errors(document)]
    assert errors == []
    return document


def valid_xml(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    assert XSD.validate(root), XSD.error_log
    return root


def json_events(document: dict) -> dict[str, dict]:
    return {e["url"].split("/talks/")[1].split("?")[0]: e for day in document["schedule"]["conference"]["days"]
            for events in day["rooms"].values() for e in events}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_meetup_passes_both_schemas(lang):
    document = valid_json(render("frab-json", MEETUP, lang))
    root = valid_xml(render("frab-xml", MEETUP, lang))
    program = load_program(MEETUP)
    assert len(json_events(document)) == len(root.findall("day/room/event")) == len(program.talks)
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == root.findtext("conference/acronym") == "mlart_datafest_2020"
    assert conference["time_zone_name"] == "Europe/Moscow"


def test_events_carry_persons_rooms_abstracts_and_links_to_pages_and_recordings():
    event = json_events(valid_json(render("frab-json", MEETUP)))["neural-cellular-automata"]
    assert event["title"] == "Differentiable Self-Organisation with Neural Cellular Automata"
    assert event["room"] == "ML Art room"
    assert event["date"] == "2020-09-19T14:11:00+03:00" and event["start"] == "14:11"
    assert event["duration"] == "00:33"  # the recording and its Q&A
    assert event["abstract"].startswith("Differentiable self-organisation")
    assert [p["name"] for p in event["persons"]] == ["Alexander Mordvintsev"]
    assert event["url"] == "https://meetup.example/talks/neural-cellular-automata?lang=en"
    urls = [link["url"] for link in event["links"]]
    assert "https://meetup.example/media/recordings/neural-cellular-automata.webm" in urls
    assert "https://meetup.example/rooms/ml-art?lang=en" in urls
    xml_event = valid_xml(render("frab-xml", MEETUP)).find(f"day/room/event[slug='{event['slug']}']")
    assert xml_event.get("guid") == event["guid"] and int(xml_event.get("id")) == event["id"]
    assert xml_event.findtext("persons/person") == "Alexander Mordvintsev"
    assert [link.get("href") for link in xml_event.findall("links/link")] == urls


def test_identifiers_survive_reordering_and_are_unique(tmp_path):
    before = json_events(valid_json(render("frab-json", write_program(tmp_path / "a", TALKS))))
    after = json_events(valid_json(render("frab-json", write_program(tmp_path / "b", TALKS[::-1]))))
    assert {k: (e["guid"], e["id"], e["slug"]) for k, e in before.items()} == \
           {k: (e["guid"], e["id"], e["slug"]) for k, e in after.items()}
    assert len({e["guid"] for e in before.values()}) == len({e["id"] for e in before.values()}) == len(before)


def test_cancelled_talks_are_left_out_and_delays_show(tmp_path):
    path = write_program(tmp_path, TALKS)
    delayed = [Override("delay", "first", 15, datetime(2020, 9, 19, 11, 50, tzinfo=UTC))]
    events = json_events(valid_json(render("frab-json", path, overrides=delayed)))
    assert set(events) == {"first", "second"}
    assert events["first"]["start"] == "15:15" and events["second"]["start"] == "15:35"
    assert events["second"]["duration"] == "00:02"  # 90 s rounded up, never shown shorter than it runs
    root = valid_xml(render("frab-xml", path, overrides=delayed))
    assert [e.findtext("start") for e in root.findall("day/room/event")] == ["15:15", "15:35"]
    assert root.findtext("version") != valid_xml(render("frab-xml", path)).findtext("version")


def test_a_delay_past_midnight_opens_another_day(tmp_path):
    path = write_program(tmp_path, [{"slug": "late", "start": "23:30", "seconds": 600, "qa": 5}])
    delayed = [Override("delay", "late", 40, datetime(2020, 9, 19, 20, 0, tzinfo=UTC))]
    document = valid_json(render("frab-json", path, overrides=delayed))
    days = document["schedule"]["conference"]["days"]
    assert [d["date"] for d in days] == ["2020-09-19", "2020-09-20"] and document["schedule"]["conference"]["daysCount"] == 2
    assert [len(events) for d in days for events in d["rooms"].values()] == [0, 1]
    valid_xml(render("frab-xml", path, overrides=delayed))


def test_a_zone_outside_the_json_pattern_is_left_out_there_but_kept_in_xml(tmp_path):
    path = write_program(tmp_path, TALKS, tz="America/Argentina/Buenos_Aires")
    assert "time_zone_name" in valid_json(render("frab-json", path))["schedule"]["conference"]
    path = write_program(tmp_path / "etc", TALKS, tz="Etc/GMT-3")
    assert "time_zone_name" not in valid_json(render("frab-json", path))["schedule"]["conference"]
    assert valid_xml(render("frab-xml", path)).findtext("conference/time_zone_name") == "Etc/GMT-3"


def test_rooms_with_the_same_name_are_told_apart_not_merged(tmp_path):
    extra = """\
  - slug: side-talk
    title: Side talk
    speakers: [ada]
    room: side
    start: 2020-09-19 15:00
    recording: {file: media/recordings/clip.webm, duration: 60}
"""
    path = write_program(tmp_path, TALKS[:1], extra=extra)
    path.write_text(path.read_text().replace("rooms:\n", "rooms:\n  - slug: side\n    name: Main room\n"))
    rooms = valid_json(render("frab-json", path))["schedule"]["conference"]["days"][0]["rooms"]
    assert {name: [e["title"] for e in events] for name, events in rooms.items()} == \
           {"Main room (side)": ["Side talk"], "Main room (main)": ["Talk first"]}
    valid_xml(render("frab-xml", path))
