"""What a running server holds: settings, the clock, the current programme and the store.

Pages, feeds and socket handlers all read the programme from here, so a reload is seen everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable

from .clock import Clock
from .model import Program
from .settings import Settings
from .store import Database
from .timeline import Override, Slot, slots


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    program: Program
    db: Database | None = None
    program_errors: list[str] = field(default_factory=list)  # of the last rejected reload
    overrides: tuple[Override, ...] = ()  # the moderators' changes to the day, as stored
    # Told when the programme or the overrides change (the scheduler re-plans and rooms are pushed).
    listeners: list[Callable[[], None]] = field(default_factory=list)
    # Tells every worker (this one too) that shared state of a kind ("overrides") changed in the store;
    # set by the live server (event_server/live/cluster.py), which runs the handlers registered for the kind.
    announce: Callable[[str], Awaitable[None]] | None = None

    def slots(self) -> list[Slot]:
        return slots(self.program, self.overrides)

    def changed(self) -> None:
        for listener in self.listeners:
            listener()
