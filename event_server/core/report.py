"""The organisers' report, as figures: each talk's audience from the head counts sampled every minute,
its Q&A and reactions, and the day's audience as a chart's points. Pure: the samples come in."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .timeline import Slot


@dataclass(frozen=True)
class Sample:
    room: str
    at_ms: int
    people: int


@dataclass(frozen=True)
class QaFigures:
    asked: int = 0
    approved: int = 0
    answered: int = 0
    votes: int = 0


@dataclass(frozen=True)
class Audience:
    peak: int
    average: float  # over the samples taken while the talk ran (premiere and Q&A)
    samples: int


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def audience(samples: Sequence[Sample], slot: Slot) -> Audience:
    """The head counts in the talk's room from its start to the end of its Q&A."""
    start, end = _ms(slot.start), _ms(slot.end)
    during = [s.people for s in samples if s.room == slot.talk.room and start <= s.at_ms < end]
    if not during:
        return Audience(0, 0.0, 0)
    return Audience(max(during), round(sum(during) / len(during), 1), len(during))


@dataclass(frozen=True)
class Chart:
    """A line per room in a width × height box (y grows down, as in SVG), and the labels of its axes."""
    width: int
    height: int
    lines: dict[str, str]  # room → SVG polyline points
    x_ticks: list[tuple[float, int]]  # (x, the epoch ms it marks), on whole hours
    y_ticks: list[tuple[float, int]]  # (y, people)


def chart(samples: Sequence[Sample], width: int, height: int) -> Chart | None:
    """The day's audience over time, room by room; None without samples."""
    if not samples:
        return None
    first, last = min(s.at_ms for s in samples), max(s.at_ms for s in samples)
    span = (last - first) or 1
    top = max(1, max(s.people for s in samples))
    step = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10**9) if top / n <= 5)
    top = -(-top // step) * step  # the next tick above the peak

    def x(ms: int) -> float:
        return round((ms - first) / span * width, 1)

    def y(people: int) -> float:
        return round(height - people / top * height, 1)

    lines: dict[str, list[str]] = {}
    for s in samples:
        lines.setdefault(s.room, []).append(f"{x(s.at_ms)},{y(s.people)}")
    hour = 3_600_000
    hours = range(-(-first // hour) * hour, last + 1, hour)
    x_ticks = [(x(h), h) for h in hours] if len(hours) > 1 else [(0.0, first), (float(width), last)]  # a short day
    return Chart(width, height, {room: " ".join(points) for room, points in lines.items()},
                 x_ticks, [(y(n), n) for n in range(0, top + 1, step)])
