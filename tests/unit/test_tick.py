"""The tick that coalesces votes (live/tick.py), on a clock the test moves: one send per tick however
many votes, the first vote after a quiet spell at once, ticks on a fixed schedule even when a send is
slow, nothing while idle."""
from __future__ import annotations

import asyncio

from event_server.live.tick import Tick


class Clock:
    def __init__(self):
        self.now = 0.0

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def ticking(flush_takes: float = 0.0):
    clock, sent = Clock(), []
    tick = Tick(0.1, clock=clock.time, sleep=clock.sleep)

    async def flush():
        sent.append(round(clock.now, 3))
        clock.now += flush_takes
        await asyncio.sleep(0)  # a send awaits the store and the sockets: votes arrive meanwhile
    tick.on_tick(flush)
    tick.start()
    return tick, clock, sent


async def test_many_pokes_within_a_tick_are_one_send():
    tick, _, sent = await ticking()
    for _ in range(1000):
        tick.poke()
    for _ in range(5):
        await asyncio.sleep(0)
    assert sent == [0.0]
    await tick.stop()


async def test_a_vote_after_a_quiet_spell_goes_out_at_once_but_never_within_a_tick_of_the_last():
    tick, clock, sent = await ticking()
    tick.poke()
    for _ in range(5):
        await asyncio.sleep(0)
    clock.now = 0.01
    tick.poke()  # just after a send: waits for the next tick
    for _ in range(5):
        await asyncio.sleep(0)
    assert sent == [0.0, 0.1]
    clock.now = 0.5
    tick.poke()  # quiet since: at once
    for _ in range(5):
        await asyncio.sleep(0)
    assert sent == [0.0, 0.1, 0.5]
    await tick.stop()


async def test_it_ticks_on_a_fixed_schedule_even_when_a_send_is_slow():
    tick, clock, sent = await ticking(flush_takes=0.04)
    tick.poke()
    while len(sent) < 5:
        tick.poke()  # votes keep coming
        await asyncio.sleep(0)
    assert sent == [0.0, 0.1, 0.2, 0.3, 0.4]  # not 0, 0.14, 0.28, … as when each wait followed a send
    await tick.stop()


async def test_sends_slower_than_half_a_tick_leave_the_worker_half_its_time():
    tick, clock, sent = await ticking(flush_takes=0.08)  # a fan-out to thousands of sockets
    tick.poke()
    while len(sent) < 4:
        tick.poke()
        await asyncio.sleep(0)
    assert sent == [0.0, 0.16, 0.32, 0.48]  # not back to back at 0, 0.08, 0.16, …
    await tick.stop()


async def test_idle_it_sends_nothing_and_stop_sends_what_is_noted():
    tick, clock, sent = await ticking()
    for _ in range(10):
        await asyncio.sleep(0)
    assert sent == [] and clock.now == 0.0  # asleep on the event, not polling
    tick.pending.set()
    tick.task.cancel()
    await tick.stop()
    assert len(sent) == 1


async def test_a_flush_called_during_a_send_waits_for_it():
    """The drain on SIGTERM flushes while the tick may be mid-send (it took the noted votes and reads their
    counts from the store): the drain must not return, and let the sockets close, before those went out."""
    tick, store_read, noted, sent = Tick(0.1), asyncio.Event(), ["vote"], []

    async def flush():
        batch, noted[:] = list(noted), []
        if batch:
            await store_read.wait()  # the store's answer is on its way
            sent.extend(batch)
    tick.on_tick(flush)
    under_way = asyncio.create_task(tick.flush())
    await asyncio.sleep(0)
    drain = asyncio.create_task(tick.flush())
    for _ in range(3):
        await asyncio.sleep(0)
    assert not drain.done()  # it has nothing of its own to send, but the tally under way is not out yet
    store_read.set()
    await drain
    assert under_way.done() and sent == ["vote"]
