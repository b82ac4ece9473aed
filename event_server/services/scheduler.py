"""The task that wakes exactly when some room changes state (a talk starts, its Q&A begins, …) and
tells that room. It sleeps until the next change instead of polling, and re-plans at once when the
programme or the moderators' overrides change.

A moderator's change reaches it through LiveEvent.adjust: stored, announced to every worker (this one
too), reloaded, and then each worker's scheduler re-plans and pushes only to its own clients.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from ..core.timeline import RoomState, next_change, room_state
from .event import LiveEvent

log = logging.getLogger(__name__)
LONGEST_SLEEP = 300.0  # seconds; re-plan at least this often in case the wall clock was stepped

Publish = Callable[[str, datetime], Awaitable[None]]  # (room slug, the instant it changed)


class Scheduler:
    def __init__(self, event: LiveEvent, publish: Publish):
        self.event, self.publish = event, publish
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.told: dict[str, tuple] = {}  # room → the state each room was last told

    def start(self) -> None:
        self.event.on_change(self.replan)
        self.task = asyncio.create_task(self.run(), name="scheduler")

    async def stop(self) -> None:
        self.event.off_change(self.replan)
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    def replan(self) -> None:
        """The day changed: tell every room now, then sleep until the new next change."""
        self.told.clear()
        self.wake.set()

    async def run(self) -> None:
        while True:
            try:
                delay = await self.tick()
            except Exception:  # a bad programme or a failed push must not stop the day
                log.exception("the scheduler could not update the rooms; retrying in a second")
                delay = 1.0
            try:
                await asyncio.wait_for(self.wake.wait(), delay)
            except TimeoutError:
                pass
            self.wake.clear()

    async def tick(self) -> float:
        """Tell each room whose state changed; return how long to sleep until the next change."""
        event = self.event
        now = event.now()
        current = event.slots()
        states = {room.slug: room_state(current, room.slug, now) for room in event.program.rooms}
        for slug, state in states.items():
            key = _key(state)
            if self.told.get(slug) != key:
                self.told[slug] = key
                await self.publish(slug, now)
        upcoming = next_change(states.values())
        if upcoming is None:
            return LONGEST_SLEEP
        return min(LONGEST_SLEEP, max(0.0, (upcoming - event.now()).total_seconds()))


def _key(state: RoomState) -> tuple:
    return state.phase, state.talk, state.next_talk, state.next_change
