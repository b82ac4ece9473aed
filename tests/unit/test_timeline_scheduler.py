"""The scheduler's planning with an injected clock: it tells a room only when its state changed, sleeps
exactly until the next change, and tells every room again after the day changes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from event_server.config import Settings
from event_server.loader import load_program
from event_server.services.event import LiveEvent
from event_server.services.scheduler import LONGEST_SLEEP, Scheduler
from event_server.store import Store

MEETUP = Path(__file__).resolve().parents[2] / "program" / "mlart-datafest-2020.yaml"


class Clock:
    offset = timedelta(0)
    rehearsal = False

    def __init__(self, now: datetime):
        self.current = now

    def now(self) -> datetime:
        return self.current


def planner(at: datetime, store: Store | None = None):
    told = []

    async def publish(room, now):
        told.append((room, now))
    program = load_program(MEETUP)
    event = LiveEvent(Settings(program=MEETUP), Clock(at), program, store or Store("sqlite:///:memory:"))
    return Scheduler(event, publish), event, told


MSK_1400 = datetime(2020, 9, 19, 11, 0, tzinfo=UTC)


async def test_it_tells_the_room_once_then_sleeps_until_the_qa():
    scheduler, event, told = planner(MSK_1400 + timedelta(seconds=30))
    assert await scheduler.tick() == 150.0  # the Q&A of the opening starts at 14:03
    assert await scheduler.tick() == 150.0
    assert told == [("ml-art", MSK_1400 + timedelta(seconds=30))]
    event.clock.current = MSK_1400 + timedelta(minutes=3)
    assert await scheduler.tick() == 180.0 and len(told) == 2


async def test_a_wake_up_a_little_early_tells_nobody():
    scheduler, event, told = planner(MSK_1400 + timedelta(seconds=30))
    await scheduler.tick()
    event.clock.current = MSK_1400 + timedelta(minutes=3) - timedelta(milliseconds=2)
    assert abs(await scheduler.tick() - 0.002) < 1e-9 and len(told) == 1


async def test_a_change_to_the_day_tells_every_room_again(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'day.sqlite3'}")
    await store.open()
    scheduler, event, told = planner(MSK_1400 + timedelta(seconds=30), store)
    await scheduler.tick()
    event.on_change(scheduler.replan)
    await event.adjust("extend", "opening", 5)
    assert scheduler.wake.is_set()
    await scheduler.tick()
    assert len(told) == 2
    await store.close()


async def test_after_the_last_talk_it_sleeps_long():
    scheduler, _, told = planner(MSK_1400 + timedelta(hours=6))
    assert await scheduler.tick() == LONGEST_SLEEP and len(told) == 1
