"""What each room shows at a given instant, after the moderators' changes to the day. Pure: no I/O,
and "now" is always an argument.

Moderator overrides are facts with a time ("delay from talk k by 10 minutes, said at 15:02"); the
effective schedule is the programme with the overrides applied in the order they were made, so it
is the same on every worker and after every restart.

All arithmetic is done in UTC: adding a duration to a local wall-clock time (or comparing two local
times) is wrong across a DST change, where the same wall-clock hour happens twice.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from .model import Program, Talk

ACTIONS = ("delay", "extend", "end_qa", "skip", "cancel")
COUNTDOWN = timedelta(minutes=3)  # how long before a talk the room counts down to it
MAX_MINUTES = 12 * 60  # a delay or extension longer than this is a typo, not a plan
UTC = UTC


@dataclass(frozen=True)
class Override:
    """One stored moderator action."""

    action: str  # one of ACTIONS
    talk: str  # talk slug
    minutes: int  # for delay and extend
    at: datetime  # when it was made (aware)


@dataclass(frozen=True)
class Slot:
    """A talk as it will actually run, after overrides. Times are aware, in UTC."""

    talk: Talk
    start: datetime
    qa_start: datetime
    end: datetime
    status: str  # "confirmed" | "cancelled" (in the programme, or cancelled/skipped by a moderator)
    changes: int = 0  # how many overrides moved its times (iCal SEQUENCE)
    changed_at: datetime | None = None  # when an override last moved it

    @property
    def runs(self) -> bool:
        return self.status == "confirmed"

    def premiered(self, now: datetime) -> bool:
        """Whether its recording may be watched: from the start of its premiere on, never if cancelled
        (before then a download would spoil the premiere)."""
        return self.runs and self.start <= now

    def moved(self, by: timedelta, at: datetime) -> Slot:
        return replace(self, start=self.start + by, qa_start=self.qa_start + by, end=self.end + by,
                       changes=self.changes + 1, changed_at=at)

    def changed(self, at: datetime, **times) -> Slot:
        return replace(self, **times, changes=self.changes + 1, changed_at=at)


@dataclass(frozen=True)
class RoomState:
    room: str
    phase: str  # before | countdown | premiere | qa | break | ended
    talk: str | None = None  # premiere / qa: the talk on now
    offset: float | None = None  # premiere: seconds into the recording
    seconds_left: float | None = None  # premiere: until the Q&A; qa: until the end
    next_talk: str | None = None  # before / countdown / break: what comes next
    starts_in: float | None = None  # seconds until next_talk starts
    next_change: datetime | None = None  # when this state next changes

    def as_dict(self) -> dict:
        return {"room": self.room, "phase": self.phase, "talk": self.talk, "offset": self.offset,
                "seconds_left": self.seconds_left, "next_talk": self.next_talk, "starts_in": self.starts_in,
                "next_change": self.next_change.isoformat() if self.next_change else None}


def slot_of(talk: Talk) -> Slot:
    start = talk.start.astimezone(UTC)
    qa_start = start + talk.recording.duration
    return Slot(talk, start, qa_start, qa_start + timedelta(minutes=talk.qa_minutes),
                "cancelled" if talk.cancelled else "confirmed")


def slots(program: Program, overrides: Sequence[Override] = ()) -> list[Slot]:
    """Every talk with its effective times and status, in start order."""
    current = {t.slug: slot_of(t) for t in program.talks}
    for override in sorted(overrides, key=lambda o: o.at):
        if override.talk in current and override.action in ACTIONS:
            current = _apply(current, override)
    return sorted(current.values(), key=lambda s: (s.start, s.talk.slug))


def _apply(current: dict[str, Slot], o: Override) -> dict[str, Slot]:
    target = current[o.talk]
    at = o.at.astimezone(UTC)
    room = [s for s in current.values() if s.talk.room == target.talk.room]
    changed: dict[str, Slot] = {}
    if o.action == "delay":  # this talk and every later one in its room move by the same amount
        by = timedelta(minutes=o.minutes)
        changed = {s.talk.slug: s.moved(by, at) for s in room if s.start >= target.start}
    elif o.action == "extend":  # a longer Q&A; the break after it absorbs what it can (see _push_apart)
        changed = {o.talk: target.changed(at, end=target.end + timedelta(minutes=o.minutes))}
    elif o.action == "end_qa" and target.qa_start <= at < target.end:
        changed = {o.talk: target.changed(at, end=at)}
    elif o.action == "skip" and target.start <= at < target.end:  # on now: it stops here, as it ran
        changed = {o.talk: target.changed(at, qa_start=min(target.qa_start, at), end=at)}
    elif o.action in ("skip", "cancel") and at < target.start:
        changed = {o.talk: replace(target, status="cancelled", changes=target.changes + 1, changed_at=at)}
    current = {**current, **changed}
    return _push_apart(current, target.talk.room, at)


def _push_apart(current: dict[str, Slot], room: str, at: datetime) -> dict[str, Slot]:
    """A talk may not start before the previous one in its room has ended: push it back as needed."""
    running = sorted((s for s in current.values() if s.talk.room == room and s.runs), key=lambda s: s.start)
    for before, after in pairwise(running):
        after = current[after.talk.slug]
        before = current[before.talk.slug]
        if after.start < before.end:
            current[after.talk.slug] = after.moved(before.end - after.start, at)
    return current


def check(current: Sequence[Slot], action: str, talk: str | None, minutes: int | None,
          now: datetime) -> str | None:
    """Why a moderator's action cannot be applied now (a message saying what to do), or None if it can."""
    if action not in ACTIONS:
        return f"unknown action '{action}': use one of {', '.join(ACTIONS)}"
    found = next((s for s in current if s.talk.slug == talk), None)
    if found is None:
        return f"there is no talk '{talk}'" if talk else "name the talk to change"
    if action in ("delay", "extend") and (minutes is None or not 1 <= minutes <= MAX_MINUTES):
        return f"give the minutes to {action} by, between 1 and {MAX_MINUTES}"
    if not found.runs:
        return f"'{talk}' is cancelled"
    if found.end <= now:
        return f"'{talk}' is already over"
    started = found.start <= now
    if action == "delay" and started:
        return f"'{talk}' has already started: extend its Q&A instead, or delay the talk after it"
    if action == "cancel" and started:
        return f"'{talk}' is on now: skip it to end it now"
    if action == "end_qa" and now < found.qa_start:
        return f"the Q&A of '{talk}' has not started yet: skip the talk to end it now"
    if action == "extend" and not started:
        return f"'{talk}' has not started yet: delay it instead"
    return None


def room_state(room_slots: Sequence[Slot], room: str, now: datetime) -> RoomState:
    """The state of one room at `now`, given the effective slots (any rooms; others are ignored)."""
    now = now.astimezone(UTC)
    running = [s for s in room_slots if s.talk.room == room and s.runs]
    for s in running:
        if s.start <= now < s.qa_start:
            return RoomState(room, "premiere", s.talk.slug, offset=(now - s.start).total_seconds(),
                             seconds_left=(s.qa_start - now).total_seconds(),
                             next_change=s.qa_start if s.end > s.qa_start else s.end)
        if s.qa_start <= now < s.end:
            return RoomState(room, "qa", s.talk.slug, seconds_left=(s.end - now).total_seconds(), next_change=s.end)
    upcoming = [s for s in running if s.start > now]
    if not upcoming:
        return RoomState(room, "ended")
    nxt = upcoming[0]
    starts_in = (nxt.start - now).total_seconds()
    if now >= nxt.start - COUNTDOWN:
        return RoomState(room, "countdown", next_talk=nxt.talk.slug, starts_in=starts_in, next_change=nxt.start)
    phase = "break" if any(s.end <= now for s in running) else "before"
    return RoomState(room, phase, next_talk=nxt.talk.slug, starts_in=starts_in, next_change=nxt.start - COUNTDOWN)


def on_now(current: Sequence[Slot], now: datetime) -> tuple[list[Slot], Slot | None]:
    """The talks on now (any room) and the next one to start."""
    now = now.astimezone(UTC)
    live = [s for s in current if s.runs and s.start <= now < s.end]
    upcoming = [s for s in current if s.runs and s.start > now]
    return live, upcoming[0] if upcoming else None


def next_change(states: Iterable[RoomState]) -> datetime | None:
    """The earliest instant at which any of these rooms changes state."""
    return min((s.next_change for s in states if s.next_change), default=None)
