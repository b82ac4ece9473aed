"""The task that wakes exactly when some room changes state (a talk starts, its Q&A begins, …) and
tells that room. It sleeps until the next change instead of polling, and re-plans at once when the
programme or the moderators' overrides change.

`apply_override` is the one path by which an override takes effect: store it, then announce it, so every
worker (this one too) reloads every override from the store and re-plans. Each worker's scheduler then
pushes only to its own clients (see live/room.py `publish`).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Awaitable, Callable

from .runtime import Runtime
from .store import overrides as store
from .timeline import Override, RoomState, next_change, room_state

log = logging.getLogger(__name__)
LONGEST_SLEEP = 300.0  # seconds; re-plan at least this often in case the wall clock was stepped

Publish = Callable[[str, datetime], Awaitable[None]]  # (room slug, the instant it changed)


class Scheduler:
    def __init__(self, runtime: Runtime, publish: Publish):
        self.runtime, self.publish = runtime, publish
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.told: dict[str, tuple] = {}  # room → the state each room was last told

    def start(self) -> None:
        self.runtime.listeners.append(self.replan)
        self.task = asyncio.create_task(self.run(), name="scheduler")

    async def stop(self) -> None:
        if self.replan in self.runtime.listeners:
            self.runtime.listeners.remove(self.replan)
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
            except asyncio.TimeoutError:
                pass
            self.wake.clear()

    async def tick(self) -> float:
        """Tell each room whose state changed; return how long to sleep until the next change."""
        runtime = self.runtime
        now = runtime.clock.now()
        current = runtime.slots()
        states = {room.slug: room_state(current, room.slug, now) for room in runtime.program.rooms}
        for slug, state in states.items():
            key = _key(state)
            if self.told.get(slug) != key:
                self.told[slug] = key
                await self.publish(slug, now)
        upcoming = next_change(states.values())
        if upcoming is None:
            return LONGEST_SLEEP
        return min(LONGEST_SLEEP, max(0.0, (upcoming - runtime.clock.now()).total_seconds()))


def _key(state: RoomState) -> tuple:
    return state.phase, state.talk, state.next_talk, state.next_change


async def reload_overrides(runtime: Runtime) -> None:
    runtime.overrides = await store.all_overrides(runtime.db)
    runtime.changed()


async def apply_override(runtime: Runtime, override: Override) -> None:
    """Store a moderator's action (it survives a restart), then make every page and room see it."""
    await store.add(runtime.db, override)
    if runtime.announce is None:  # no live server (a script, a unit test): only this process
        await reload_overrides(runtime)
    else:
        await runtime.announce("overrides")
