"""iCalendar feeds as calendar apps read them: strict parsing, stable UIDs, SEQUENCE after a delay,
cancellations that stay, zones under their IANA names, and Cyrillic folded on octet boundaries."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from conftest import MEETUP, write_program
from ical.calendar_stream import IcsCalendarStream

from event_server.core.timeline import Override, slots
from event_server.feeds import EXPORTERS, Feed, select
from event_server.loader import load_program

PUBLISHED = datetime(2020, 9, 1, 12, 0, tzinfo=UTC)
TALKS = [{"slug": "first", "start": "15:00", "seconds": 600, "qa": 5},
         {"slug": "second", "start": "15:20", "seconds": 600, "qa": 5, "speaker": "alan"},
         {"slug": "third", "start": "15:40", "seconds": 600, "qa": 5}]


def render(path: Path, overrides=(), lang="en", scope="schedule", subject=None) -> bytes:
    program = load_program(path)
    chosen = select(program, slots(program, overrides), scope, subject)
    return EXPORTERS["ics"].render(Feed(program, chosen, lang, "https://meetup.example", PUBLISHED, scope, subject))


def events(body: bytes) -> dict[str, icalendar.Event]:
    """The events as sent, after checking that the strict parser accepts the whole feed."""
    IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_every_feed_parses_strictly_and_its_events_carry_the_required_properties(tmp_path):
    program = load_program(MEETUP)
    feeds = [render(MEETUP, lang=lang) for lang in ("en", "ru")]
    feeds += [render(MEETUP, scope="talks", subject=t.slug) for t in program.talks]
    feeds += [render(MEETUP, scope="speakers", subject=s.slug) for s in program.speakers]
    feeds += [render(MEETUP, scope="rooms", subject=r.slug) for r in program.rooms]
    for body in feeds:
        strict = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))  # raises on anything malformed
        assert len(strict.events) == len(events(body)) >= 1
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):  # as sent: `ical` fills gaps in
            for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
                assert name in event, name
    whole = icalendar.Calendar.from_ical(feeds[0])
    assert len(whole.walk("VEVENT")) == len(program.talks)


def test_calendar_properties_name_the_event_zone_and_refresh_interval():
    body = render(MEETUP, lang="ru").decode()
    for line in ("PRODID:-//event-server//calendar feeds//EN", "VERSION:2.0", "CALSCALE:GREGORIAN",
                 "METHOD:PUBLISH", "X-WR-CALNAME:Machine Learning Art на Data Fest 2020",
                 "X-WR-TIMEZONE:Europe/Moscow", "REFRESH-INTERVAL;VALUE=DURATION:PT15M", "X-PUBLISHED-TTL:PT15M",
                 "TZID:Europe/Moscow", "DTSTART;TZID=Europe/Moscow:20200919T141100"):
        assert line + "\r\n" in body, line


def test_each_event_says_who_where_and_when_including_the_qa():
    event = events(render(MEETUP))["neural-cellular-automata@mlart-datafest-2020"]
    assert event["SUMMARY"] == "Differentiable Self-Organisation with Neural Cellular Automata — Alexander Mordvintsev"
    assert event.decoded("DTSTART") == datetime(2020, 9, 19, 14, 11, tzinfo=event.decoded("DTSTART").tzinfo)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=23 + 10)  # recording + Q&A
    description = str(event["DESCRIPTION"])
    assert description.startswith("Differentiable self-organisation")
    assert "Watch in the room: https://meetup.example/rooms/ml-art?lang=en" in description
    assert "Livestream: https://www.youtube.com/watch?v=othTjSowvqY" in description
    assert "live Q&A 14:34–14:44" in description
    assert str(event["URL"]) == "https://meetup.example/talks/neural-cellular-automata?lang=en"
    assert str(event["LOCATION"]) == "ML Art room · https://meetup.example/rooms/ml-art?lang=en"
    assert event["CATEGORIES"].cats == ["Neural Cellular Automata", "Self-organisation"]
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == PUBLISHED  # not "now"


def test_uids_do_not_depend_on_the_order_of_talks_in_the_file(tmp_path):
    before = events(render(write_program(tmp_path / "a", TALKS)))
    after = events(render(write_program(tmp_path / "b", list(reversed(TALKS)))))
    assert set(before) == set(after) == {"first@test-meetup", "second@test-meetup", "third@test-meetup"}
    for uid, event in before.items():
        assert after[uid]["SUMMARY"] == event["SUMMARY"]


def test_a_delay_moves_the_talk_raises_sequence_and_stamps_the_change(tmp_path):
    path = write_program(tmp_path, TALKS)
    said = datetime(2020, 9, 19, 12, 3, 7, 500000, tzinfo=UTC)
    before = events(render(path))["second@test-meetup"]
    after = events(render(path, [Override("delay", "second", 10, said)]))["second@test-meetup"]
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(minutes=10)
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTAMP") == after.decoded("LAST-MODIFIED") == said.replace(microsecond=0)
    untouched = events(render(path, [Override("delay", "second", 10, said)]))["first@test-meetup"]
    assert untouched["SEQUENCE"] == 0 and untouched.decoded("DTSTAMP") == PUBLISHED


def test_a_cancelled_talk_stays_in_the_feed_as_cancelled(tmp_path):
    path = write_program(tmp_path, [*TALKS[:2], {**TALKS[2], "status": "cancelled"}])
    feed = events(render(path))
    assert feed["third@test-meetup"]["STATUS"] == "CANCELLED"
    assert feed["third@test-meetup"]["SEQUENCE"] == 1  # above the confirmed copy a calendar may hold
    assert str(feed["third@test-meetup"]["DESCRIPTION"]).startswith("This talk is cancelled.")
    cancelled_live = events(render(path, [Override("cancel", "first", 0, PUBLISHED + timedelta(days=17))]))
    assert cancelled_live["first@test-meetup"]["STATUS"] == "CANCELLED"
    assert cancelled_live["first@test-meetup"]["SEQUENCE"] == 1


def test_europe_london_is_named_as_such_with_its_summer_time(tmp_path):
    body = render(write_program(tmp_path, TALKS, tz="Europe/London", day="2021-07-01")).decode()
    assert "TZID:Europe/London\r\n" in body and "TZID:GMT" not in body
    assert "DTSTART;TZID=Europe/London:20210701T150000\r\n" in body
    zone = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")[0]
    summer = [c for c in zone.walk("DAYLIGHT")]
    assert summer and all(c["TZOFFSETTO"].td == timedelta(hours=1) for c in summer)
    strict = IcsCalendarStream.calendar_from_ics(body)
    assert strict.events[0].dtstart.astimezone(UTC).hour == 14  # 15:00 BST


def test_cyrillic_and_long_lines_fold_at_75_octets_without_splitting_a_letter():
    body = render(MEETUP, lang="ru")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold inside a multi-byte letter would fail here
    event = events(body)["neural-cellular-automata@mlart-datafest-2020"]
    program = load_program(MEETUP)
    assert str(event["DESCRIPTION"]).startswith(program.talk("neural-cellular-automata").abstract.get("ru"))
    assert str(event["SUMMARY"]) == "Дифференцируемая самоорганизация и нейронные клеточные автоматы — Александр Мордвинцев"


def test_the_same_inputs_render_the_same_bytes():
    assert render(MEETUP) == render(MEETUP)
    assert render(MEETUP, lang="ru") != render(MEETUP, lang="en")


def test_narrow_feeds_list_only_their_talks(tmp_path):
    path = write_program(tmp_path, TALKS)
    assert set(events(render(path, scope="speakers", subject="alan"))) == {"second@test-meetup"}
    assert set(events(render(path, scope="talks", subject="third"))) == {"third@test-meetup"}
    assert len(events(render(path, scope="rooms", subject="main"))) == 3
    program = load_program(path)
    assert select(program, slots(program), "talks", "nope") is None
