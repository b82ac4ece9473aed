"""The event as it runs: the programme (reloaded when its file changes), the moderators' changes to the
day (kept in the store) and the clock. Pages, feeds and socket actions read it; it changes only through
its methods, each of which tells the listeners (the scheduler re-plans, rooms are pushed).

A moderator's change is stored, then *announced*: by default this process reloads the overrides; with
several workers the live shell routes the announcement through Redis so every worker reloads them.
"""
from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..config import Settings
from ..core.model import Program, Talk, Text
from ..core.refusal import Refused
from ..core.timeline import Override, RoomState, Slot, check, on_now, room_state, slots
from ..loader import ProgramError, load_program
from ..media.recordings import captions_urls, recording_url
from ..store import Store
from ..store import overrides as stored_overrides
from .clock import Clock

log = logging.getLogger(__name__)
FRESH = 30.0  # seconds what names a recording (by its file's mtime) is reused: a file replaced on disk changes
# no programme, so caches of talk info, room states and pages also expire after `LiveEvent.fresh`
Announce = Callable[[str], Awaitable[None]]


class LiveEvent:
    def __init__(self, settings: Settings, clock: Clock, program: Program, store: Store):
        self.settings, self.clock, self.store = settings, clock, store
        self.program = program
        self.published = _published(program)
        self.program_errors: list[str] = []  # of the last rejected reload
        self.overrides: tuple[Override, ...] = ()  # the moderators' changes to the day, as stored
        self._listeners: list[Callable[[], None]] = []
        self._slots: tuple[Slot, ...] | None = None  # slots() until the day changes: joins and pages read it often
        self._talk_infos: dict[str, tuple[float, dict[str, Any]]] = {}  # slug → (monotonic time made, talk_info)
        self.fresh = FRESH
        self._announce: Announce = self._reload

    # --- reading -----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def now_ms(self) -> int:
        """Now as the store keeps times: integer epoch milliseconds."""
        return int(self.now().timestamp() * 1000)

    @property
    def shift(self) -> timedelta:
        """From a programme time to the real instant it happens: zero, but in a rehearsal, where the
        programme of another day runs now and everything shown must be the real, shifted time."""
        return self.clock.offset if self.clock.rehearsal else timedelta(0)

    def shown(self, moment: datetime, fmt: str = "%H:%M") -> str:
        """A programme time as pages show it: when it really happens, in the event's zone."""
        return (moment - self.shift).astimezone(self.program.event.timezone).strftime(fmt)

    def slots(self) -> list[Slot]:
        """Every talk as it will actually run, after the moderators' changes."""
        if self._slots is None:
            self._slots = tuple(slots(self.program, self.overrides))
        return list(self._slots)

    def slot(self, talk: str) -> Slot | None:
        return next((s for s in self.slots() if s.talk.slug == talk), None)

    def room_state(self, room: str, now: datetime | None = None) -> RoomState:
        return room_state(self.slots(), room, now or self.now())

    def talk_info(self, talk: Talk) -> dict[str, Any]:
        """What a page needs to show a talk it did not render: titles in every language, the recording.
        Every room page carries it (thousands in the published minute), and finding the recording's file
        on disk is most of its cost: kept `fresh` seconds, dropped on any change. Read-only for callers."""
        made, info = self._talk_infos.get(talk.slug, (-math.inf, {}))
        if time.monotonic() - made >= self.fresh:
            info = self._talk_info(talk)
            self._talk_infos[talk.slug] = (time.monotonic(), info)
        return info

    def _talk_info(self, talk: Talk) -> dict[str, Any]:
        rec = talk.recording
        return {"slug": talk.slug, "title": _text(talk.title), "duration": rec.duration.total_seconds(),
                "speakers": [{"slug": s.slug, "name": _text(s.name)} for s in self.program.speakers_of(talk)],
                "file": recording_url(self.program, talk), "hls": rec.hls, "youtube": rec.youtube,
                "captions": captions_urls(self.program, talk)}

    # --- changing ----------------------------------------------------------------------------

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def off_change(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def announce_with(self, announce: Announce) -> None:
        """Route announcements through the cluster (several workers), which calls reload_overrides on each."""
        self._announce = announce

    async def adjust(self, action: str, talk: str | None, minutes: int | None) -> str:
        """A moderator's change to the day (delay, extend, end_qa, skip, cancel): checked by the timeline's
        rules, stored (it survives a restart), then announced. Returns the talk it applied to."""
        now, current = self.now(), self.slots()
        if talk is None and action in ("extend", "end_qa", "skip"):  # "the talk on now"
            live, _ = on_now(current, now)
            talk = live[0].talk.slug if len(live) == 1 else None
        problem = check(current, action, talk, minutes, now)
        if problem or talk is None:
            raise Refused("not_possible", problem or "name the talk to change")
        await stored_overrides.add(self.store, Override(action, talk, minutes or 0, now))
        await self._announce("overrides")
        return talk

    async def reload_overrides(self) -> None:
        self.overrides = await stored_overrides.all_overrides(self.store)
        self._changed()

    async def reload_program(self) -> bool:
        """Load the programme file again; True if it was valid and is now the running programme. An invalid
        edit keeps the running programme, and its errors go to the log and the moderator page."""
        path = self.settings.program
        try:
            program = await asyncio.to_thread(load_program, path, self.settings.signing.forms)
        except ProgramError as exc:
            self.program_errors = [str(p) for p in exc.problems]
            for problem in exc.problems:
                log.error("programme not reloaded: %s", problem)
            return False
        self.program, self.program_errors, self.published = program, [], _published(program)
        log.info("programme reloaded from %s: %d talk(s)", path, len(program.talks))
        self._changed()
        return True

    async def _reload(self, kind: str) -> None:
        await self.reload_overrides()

    def _changed(self) -> None:
        self._slots = None
        self._talk_infos.clear()
        for listener in self._listeners:
            listener()


def slot_view(s: Slot) -> dict[str, str]:
    """A slot as pages read it (room:state's `slots`)."""
    return {"talk": s.talk.slug, "start": s.start.isoformat(), "qa_start": s.qa_start.isoformat(),
            "end": s.end.isoformat(), "status": s.status}


def _text(text: Text | None) -> dict[str, str]:
    return dict(text.values) if text else {}


def _published(program: Program) -> datetime:
    """The programme file's modification time: "last changed" of every talk no override moved, in feeds.
    Stable across requests and restarts (unlike now()), and it rises whenever the file is edited."""
    try:
        return datetime.fromtimestamp(program.source.stat().st_mtime, UTC)
    except OSError:  # a programme built in memory (tests), or its file went away after loading
        return datetime(1970, 1, 1, tzinfo=UTC)
