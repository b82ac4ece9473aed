"""Where "now" comes from. The core never reads the clock; shells ask one of these.

A rehearsal (`serve --start-in 2m`) runs a past or future programme as if its first talk began two
minutes from now: the clock is shifted by a constant, so it still runs at real speed.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from ..core.model import Program


class Clock(Protocol):
    offset: timedelta  # from real time
    rehearsal: bool  # run ahead of or after the programme's dates on purpose: pages show the real times

    def now(self) -> datetime: ...


class SystemClock:
    offset = timedelta(0)
    rehearsal = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """A clock `offset` from real time. Tests use one to play the event's day; a rehearsal is one too."""

    def __init__(self, offset: timedelta, rehearsal: bool = False):
        self.offset, self.rehearsal = offset, rehearsal

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def rehearsal(program: Program, start_in: timedelta, real_now: datetime) -> ShiftedClock:
    """A clock on which the programme's first talk starts `start_in` after `real_now`."""
    first = min((t.start for t in program.talks if not t.cancelled), default=real_now)
    return ShiftedClock(first - (real_now + start_in), rehearsal=True)
