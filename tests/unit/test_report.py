"""The report's arithmetic (core.report): a talk's audience from the samples in its time, and the chart."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from event_server.core.model import Recording, Talk, Text
from event_server.core.report import Sample, audience, chart
from event_server.core.timeline import Slot

START = datetime(2020, 9, 19, 11, 0, tzinfo=UTC)
MS = int(START.timestamp() * 1000)
TALK = Talk("t1", Text.of("T"), ("ada",), "main", START, Recording(timedelta(minutes=3), "a.webm"), qa_minutes=2)


def test_a_talks_audience_is_its_rooms_samples_from_its_start_to_the_end_of_its_qa():
    slot = Slot(TALK, START, START + timedelta(minutes=3), START + timedelta(minutes=5), "confirmed")
    samples = [Sample("main", MS - 60_000, 50),  # before: not counted
               Sample("main", MS, 10), Sample("main", MS + 60_000, 30), Sample("main", MS + 240_000, 20),
               Sample("other", MS + 60_000, 99),  # another room
               Sample("main", MS + 300_000, 70)]  # the Q&A is over
    found = audience(samples, slot)
    assert (found.peak, found.average, found.samples) == (30, 20.0, 3)
    assert audience([], slot).peak == 0


def test_the_chart_draws_each_room_on_round_ticks():
    hour = 3_600_000
    drawn = chart([Sample("main", MS - 1000, 0), Sample("main", MS + hour, 7), Sample("side", MS + hour, 3)], 100, 50)
    assert drawn is not None
    assert drawn.lines == {"main": "0.0,50.0 100.0,6.2", "side": "100.0,31.2"}  # 7 and 3 of a top of 8
    assert drawn.y_ticks == [(50.0, 0), (37.5, 2), (25.0, 4), (12.5, 6), (0.0, 8)]
    assert [ms for _, ms in drawn.x_ticks] == [MS, MS + hour]
    assert chart([], 100, 50) is None
