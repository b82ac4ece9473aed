"""Moderator overrides on the 2020 day: delays cascade, extensions push what they must, Q&A ends,
skips and cancellations; and which actions are refused, with a message saying what to do instead."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from event_server.core.timeline import Override, check, room_state, slots
from event_server.loader import load_program

ROOT = Path(__file__).resolve().parents[2]
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def meetup():
    return load_program(ROOT / "program" / "mlart-datafest-2020.yaml")


def at(hm: str) -> datetime:
    return datetime.fromisoformat(f"2020-09-19 {hm}").replace(tzinfo=MSK)


def times(day) -> dict[str, tuple[str, str, str]]:
    return {s.talk.slug: (s.start.astimezone(MSK).strftime("%H:%M"), s.end.astimezone(MSK).strftime("%H:%M"),
                          s.status) for s in day}


def test_no_overrides_is_the_programme(meetup):
    day = slots(meetup)
    assert [s.talk.slug for s in day] == [t.slug for t in meetup.talks]
    assert all(s.changes == 0 and s.changed_at is None for s in day)


def test_a_delay_moves_that_talk_and_every_later_one(meetup):
    day = times(slots(meetup, [Override("delay", "non-existent-designer", 10, at("15:12"))]))
    assert day["neural-art-gallery"] == ("14:49", "15:20", "confirmed")
    assert day["non-existent-designer"] == ("15:35", "16:04", "confirmed")
    assert day["glow-speech-gesticulation"] == ("17:54", "18:23", "confirmed")


def test_delays_add_up_and_count_as_changes(meetup):
    overrides = [Override("delay", "wall-for-scroll", 5, at("15:00")),
                 Override("delay", "perenneural-philosophy", 7, at("15:01"))]
    day = slots(meetup, overrides)
    by = {s.talk.slug: s for s in day}
    assert times(day)["wall-for-scroll"][0] == "16:04"
    assert times(day)["perenneural-philosophy"][0] == "16:44"
    assert by["perenneural-philosophy"].changes == 2 and by["perenneural-philosophy"].changed_at == at("15:01")
    assert by["wall-for-scroll"].changes == 1 and by["neural-art-gallery"].changes == 0


def test_overrides_apply_in_the_order_they_were_made_not_stored(meetup):
    first, second = Override("extend", "opening", 10, at("14:04")), Override("end_qa", "opening", 0, at("14:05"))
    assert times(slots(meetup, [second, first])) == times(slots(meetup, [first, second]))


def test_an_extension_absorbs_the_break_then_pushes_the_rest(meetup):
    short = times(slots(meetup, [Override("extend", "opening", 3, at("14:04"))]))
    assert short["opening"][1] == "14:09" and short["neural-cellular-automata"][0] == "14:11"
    long = times(slots(meetup, [Override("extend", "opening", 15, at("14:04"))]))
    assert long["opening"][1] == "14:21"
    assert long["neural-cellular-automata"] == ("14:21", "14:54", "confirmed")  # pushed 10 min
    assert long["neural-art-gallery"][0] == "14:54"  # its 5-minute break absorbed 5 of the 10
    assert long["non-existent-designer"][0] == "15:25"


def test_end_qa_now_ends_the_talk_and_the_room_goes_to_the_break(meetup):
    day = slots(meetup, [Override("end_qa", "opening", 0, at("14:04:30"))])
    assert times(day)["opening"][1] == "14:04"
    assert room_state(day, "ml-art", at("14:04:30")).phase == "break"
    assert room_state(day, "ml-art", at("14:04:29")).phase == "qa"


def test_end_qa_outside_the_qa_is_ignored(meetup):
    assert times(slots(meetup, [Override("end_qa", "opening", 0, at("14:01"))])) == times(slots(meetup))


def test_skipping_the_talk_on_now_ends_it_and_keeps_the_rest(meetup):
    day = slots(meetup, [Override("skip", "neural-cellular-automata", 0, at("14:20"))])
    state = room_state(day, "ml-art", at("14:20"))
    assert (state.phase, state.next_talk) == ("break", "neural-art-gallery")
    assert times(day)["neural-cellular-automata"] == ("14:11", "14:20", "confirmed")
    assert times(day)["neural-art-gallery"][0] == "14:49"


def test_skipping_or_cancelling_a_later_talk_leaves_a_gap(meetup):
    for action in ("skip", "cancel"):
        day = slots(meetup, [Override(action, "neural-art-gallery", 0, at("14:00"))])
        assert times(day)["neural-art-gallery"][2] == "cancelled"
        state = room_state(day, "ml-art", at("14:50"))
        assert (state.phase, state.next_talk) == ("break", "non-existent-designer")


def test_a_delay_after_a_cancellation_still_moves_the_cancelled_talk_with_the_rest(meetup):
    overrides = [Override("cancel", "wall-for-scroll", 0, at("14:00")),
                 Override("delay", "non-existent-designer", 20, at("14:01"))]
    day = times(slots(meetup, overrides))
    assert day["wall-for-scroll"] == ("16:19", "16:47", "cancelled")
    assert day["perenneural-philosophy"][0] == "16:52"


def test_overrides_for_talks_no_longer_in_the_programme_are_ignored(meetup):
    assert times(slots(meetup, [Override("delay", "gone", 10, at("14:00"))])) == times(slots(meetup))


def test_the_whole_day_after_a_delay_walks_cleanly_to_the_end(meetup):
    day = slots(meetup, [Override("delay", "neural-cellular-automata", 30, at("14:05"))])
    now, phases = at("13:00"), []
    while (state := room_state(day, "ml-art", now)).next_change:
        phases.append(state.phase)
        now = state.next_change
    assert phases.count("premiere") == 8 and now.astimezone(MSK).strftime("%H:%M") == "18:43"


@pytest.mark.parametrize("action, talk, minutes, now, problem", [
    ("delay", "neural-art-gallery", 10, "14:00", None),
    ("delay", "opening", 10, "14:01", "has already started"),
    ("delay", "neural-art-gallery", 0, "14:00", "between 1 and"),
    ("delay", "neural-art-gallery", None, "14:00", "between 1 and"),
    ("delay", "neural-art-gallery", 721, "14:00", "between 1 and"),
    ("extend", "opening", 5, "14:04", None),
    ("extend", "opening", 5, "14:01", None),
    ("extend", "neural-art-gallery", 5, "14:04", "has not started yet"),
    ("end_qa", "opening", None, "14:04", None),
    ("end_qa", "opening", None, "14:01", "has not started yet"),
    ("skip", "opening", None, "14:01", None),
    ("skip", "neural-art-gallery", None, "14:01", None),
    ("cancel", "neural-art-gallery", None, "14:01", None),
    ("cancel", "opening", None, "14:01", "is on now"),
    ("skip", "opening", None, "14:07", "already over"),
    ("pause", "opening", None, "14:01", "unknown action"),
    ("skip", "no-such-talk", None, "14:01", "there is no talk"),
    ("skip", None, None, "14:01", "name the talk"),
])
def test_check(meetup, action, talk, minutes, now, problem):
    result = check(slots(meetup), action, talk, minutes, at(now))
    assert (result is None) if problem is None else (problem in result)


def test_a_cancelled_talk_cannot_be_changed_again(meetup):
    day = slots(meetup, [Override("cancel", "neural-art-gallery", 0, at("14:00"))])
    assert "is cancelled" in check(day, "delay", "neural-art-gallery", 5, at("14:01"))
