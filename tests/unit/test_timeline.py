"""The timeline over the whole 2020 meetup day, second by second, with an injected clock, and across DST."""
from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from event_server.core.timeline import COUNTDOWN, on_now, room_state, slots
from event_server.loader import load_program, load_text

ROOT = Path(__file__).resolve().parents[2]
MSK = ZoneInfo("Europe/Moscow")
UTC = UTC


@pytest.fixture(scope="module")
def meetup():
    return load_program(ROOT / "program" / "mlart-datafest-2020.yaml")


def at(hm: str, tz=MSK, day="2020-09-19") -> datetime:
    return datetime.fromisoformat(f"{day} {hm}").replace(tzinfo=tz)


def test_the_day_second_by_second_agrees_with_the_programme(meetup):
    """Every second from 13:50 to 18:30: the phase, talk and offset follow from the printed times."""
    day = slots(meetup)
    talks = [t for t in meetup.talks if not t.cancelled]
    now = at("13:50")
    seen = set()
    while now < at("18:30"):
        state = room_state(day, "ml-art", now)
        seen.add(state.phase)
        on = next((t for t in talks if t.start <= now < t.end), None)
        upcoming = next((t for t in talks if t.start > now), None)
        if on and now < on.qa_start:
            assert (state.phase, state.talk) == ("premiere", on.slug)
            assert state.offset == (now - on.start).total_seconds()
            assert state.next_change == on.qa_start
        elif on:
            assert (state.phase, state.talk, state.next_change) == ("qa", on.slug, on.end)
            assert state.seconds_left == (on.end - now).total_seconds()
        elif upcoming is None:
            assert state.phase == "ended" and state.next_change is None
        else:
            assert state.next_talk == upcoming.slug
            assert state.starts_in == (upcoming.start - now).total_seconds()
            if upcoming.start - now <= COUNTDOWN:
                assert (state.phase, state.next_change) == ("countdown", upcoming.start)
            else:
                assert state.phase == ("before" if now < talks[0].start else "break")
                assert state.next_change == upcoming.start - COUNTDOWN
        now += timedelta(seconds=1)
    assert seen == {"before", "countdown", "premiere", "qa", "break", "ended"}


def test_next_change_is_exactly_where_the_state_changes(meetup):
    """Walking from change to change visits every boundary of the day, and nothing changes in between."""
    day = slots(meetup)
    now, visited = at("12:00"), []
    while (state := room_state(day, "ml-art", now)).next_change:
        change = state.next_change
        before = room_state(day, "ml-art", change - timedelta(microseconds=1))
        after = room_state(day, "ml-art", change)
        assert (before.phase, before.talk, before.next_talk) == (state.phase, state.talk, state.next_talk)
        assert (after.phase, after.talk) != (state.phase, state.talk)
        visited.append((change.astimezone(MSK).strftime("%H:%M"), after.phase))
        now = change
    assert visited[:6] == [("13:57", "countdown"), ("14:00", "premiere"), ("14:03", "qa"), ("14:06", "break"),
                           ("14:08", "countdown"), ("14:11", "premiere")]
    assert visited[-1] == ("18:13", "ended")


@pytest.mark.parametrize("hm, phase, talk, offset", [
    ("13:56:59", "before", None, None), ("13:57", "countdown", None, None),
    ("14:00", "premiere", "opening", 0.0), ("14:02:59.5", "premiere", "opening", 179.5),
    ("14:03", "qa", "opening", None), ("14:05:59", "qa", "opening", None), ("14:06", "break", None, None),
    ("14:11", "premiere", "neural-cellular-automata", 0.0), ("18:12:59", "qa", "glow-speech-gesticulation", None),
    ("18:13", "ended", None, None), ("2020-09-20 10:00", "ended", None, None)])
def test_each_boundary(meetup, hm, phase, talk, offset):
    when = datetime.fromisoformat(hm if " " in hm else f"2020-09-19 {hm}").replace(tzinfo=MSK)
    state = room_state(slots(meetup), "ml-art", when)
    assert (state.phase, state.talk, state.offset) == (phase, talk, offset)


def test_the_same_instant_in_any_zone_gives_the_same_state(meetup):
    moment = at("14:12:30")
    states = {room_state(slots(meetup), "ml-art", moment.astimezone(ZoneInfo(z))) for z in
              ("UTC", "America/Los_Angeles", "Asia/Tokyo", "Europe/Moscow")}
    assert len(states) == 1 and states.pop().offset == 90.0


def test_on_now_and_next(meetup):
    live, upcoming = on_now(slots(meetup), at("14:04"))
    assert [s.talk.slug for s in live] == ["opening"] and upcoming.talk.slug == "neural-cellular-automata"
    assert on_now(slots(meetup), at("19:00")) == ([], None)


def test_a_room_without_talks_has_ended(meetup):
    assert room_state(slots(meetup), "elsewhere", at("14:00")).phase == "ended"


def test_a_cancelled_talk_in_the_programme_is_not_shown():
    program = tiny([("a", "10:00", 60, 1, "confirmed"), ("b", "10:05", 60, 1, "cancelled"),
                    ("c", "10:10", 60, 1, "confirmed")])
    state = room_state(slots(program), "main", at("10:06", UTC, "2020-06-01"))
    assert (state.phase, state.next_talk) == ("break", "c")


def test_a_talk_without_qa_goes_straight_to_the_next_phase():
    program = tiny([("a", "10:00", 60, 0, "confirmed"), ("b", "10:01", 60, 0, "confirmed")])
    day = slots(program)
    state = room_state(day, "main", at("10:00:30", UTC, "2020-06-01"))
    assert state.next_change == at("10:01", UTC, "2020-06-01")
    assert room_state(day, "main", at("10:01", UTC, "2020-06-01")).talk == "b"


# --- a day that crosses a DST change -------------------------------------------------------------

def tiny(talks, tz="UTC", day="2020-06-01"):
    rows = "".join(textwrap.dedent(f"""\
        - slug: {slug}
          title: {slug}
          speakers: [ada]
          room: main
          start: {day} {start}
          recording: {{youtube: zRje8tRjcz8, duration: {seconds}}}
          qa_minutes: {qa}
          status: {status}
        """) for slug, start, seconds, qa, status in talks)
    text = textwrap.dedent(f"""\
        version: 1
        event: {{id: t, title: T, timezone: {tz}, start: {day}, end: {day}}}
        rooms: [{{slug: main, name: Main}}]
        speakers: [{{slug: ada, name: Ada}}]
        talks:
        """) + textwrap.indent(rows, "  ")
    return load_text(text, Path("/nonexistent/program.yaml"))


def test_a_night_across_the_autumn_dst_change():
    """Berlin, 25 Oct 2020: 03:00 CEST becomes 02:00 CET. A talk from 01:50 runs 70 real minutes, into
    the repeated hour; wall-clock arithmetic would end it an hour late."""
    berlin = ZoneInfo("Europe/Berlin")
    program = tiny([("night", "01:50", 3600, 10, "confirmed"), ("after", "03:30", 600, 5, "confirmed")],
                   tz="Europe/Berlin", day="2020-10-25")
    night, after = slots(program)
    assert night.start == datetime(2020, 10, 24, 23, 50, tzinfo=UTC)
    assert night.qa_start == datetime(2020, 10, 25, 0, 50, tzinfo=UTC)
    assert night.end == datetime(2020, 10, 25, 1, 0, tzinfo=UTC)  # 02:00 CET, the second 02:00
    assert program.talk("night").end.astimezone(UTC) == night.end  # the model agrees
    first_two = datetime(2020, 10, 25, 2, 55, tzinfo=berlin)  # 02:55 CEST, fold=0
    second_two = datetime(2020, 10, 25, 2, 55, fold=1, tzinfo=berlin)  # 02:55 CET, an hour later
    assert room_state([night, after], "main", first_two).phase == "qa"
    assert room_state([night, after], "main", second_two).phase == "break"
    state = room_state([night, after], "main", second_two)
    assert state.starts_in == 35 * 60 and state.next_change == after.start - COUNTDOWN
    assert after.start - night.end == timedelta(hours=1, minutes=30)  # 02:00 CET → 03:30 CET


def test_a_morning_across_the_spring_dst_change():
    """Berlin, 29 Mar 2020: 02:00 CET becomes 03:00 CEST; a talk from 01:30 of 60 minutes ends at 03:30."""
    program = tiny([("early", "01:30", 3600, 0, "confirmed")], tz="Europe/Berlin", day="2020-03-29")
    (early,) = slots(program)
    assert early.end.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "03:30"
    assert early.end - early.start == timedelta(hours=1)
    mid = datetime(2020, 3, 29, 3, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    assert room_state([early], "main", mid).offset == 45 * 60
