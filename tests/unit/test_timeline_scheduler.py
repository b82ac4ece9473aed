"""The scheduler's planning with an injected clock: it tells a room only when its state changed, sleeps
exactly until the next change, and tells every room again after the day changes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from event_server.loader import load_program
from event_server.runtime import Runtime
from event_server.scheduler import LONGEST_SLEEP, Scheduler
from event_server.settings import Settings
from event_server.timeline import Override

MEETUP = Path(__file__).resolve().parents[2] / "program" / "mlart-datafest-2020.yaml"


class Clock:
    def __init__(self, now: datetime):
        self.current = now

    def now(self) -> datetime:
        return self.current


def planner(at: datetime):
    told = []

    async def publish(room, now):
        told.append((room, now))
    program = load_program(MEETUP)
    runtime = Runtime(Settings(program=MEETUP), Clock(at), program)
    return Scheduler(runtime, publish), runtime, told


MSK_1400 = datetime(2020, 9, 19, 11, 0, tzinfo=timezone.utc)


async def test_it_tells_the_room_once_then_sleeps_until_the_qa():
    scheduler, runtime, told = planner(MSK_1400 + timedelta(seconds=30))
    assert await scheduler.tick() == 150.0  # the Q&A of the opening starts at 14:03
    assert await scheduler.tick() == 150.0
    assert told == [("ml-art", MSK_1400 + timedelta(seconds=30))]
    runtime.clock.current = MSK_1400 + timedelta(minutes=3)
    assert await scheduler.tick() == 180.0 and len(told) == 2


async def test_a_wake_up_a_little_early_tells_nobody():
    scheduler, runtime, told = planner(MSK_1400 + timedelta(seconds=30))
    await scheduler.tick()
    runtime.clock.current = MSK_1400 + timedelta(minutes=3) - timedelta(milliseconds=2)
    assert abs(await scheduler.tick() - 0.002) < 1e-9 and len(told) == 1


async def test_a_change_to_the_day_tells_every_room_again():
    scheduler, runtime, told = planner(MSK_1400 + timedelta(seconds=30))
    await scheduler.tick()
    runtime.listeners.append(scheduler.replan)
    runtime.overrides = (Override("extend", "opening", 5, MSK_1400 + timedelta(seconds=30)),)
    runtime.changed()
    assert scheduler.wake.is_set()
    await scheduler.tick()
    assert len(told) == 2


async def test_after_the_last_talk_it_sleeps_long():
    scheduler, _, told = planner(MSK_1400 + timedelta(hours=6))
    assert await scheduler.tick() == LONGEST_SLEEP and len(told) == 1
