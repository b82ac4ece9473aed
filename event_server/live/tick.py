"""One clock for what many people do at once: votes (and whatever else is coalesced per room) are
collected as they come and sent on a fixed tick — every `interval` while anything is pending, nothing
while idle — so 10,000 people voting cost one broadcast per room per tick, and the time from a vote to
every screen is at most one tick plus one fan-out however full the room is.

The first vote after a quiet spell goes out at once (a lone vote does not wait a tick); after that a
tick is due `interval` after the previous one was *due*, not after it finished: a slow flush does not
push every later one back (the previous design waited 250 ms after each send, so the rate fell as rooms
grew), and two sends are never less than a tick apart. Only when a flush takes more than SHARE of a
tick (a fan-out to ~10,000 sockets takes ~100 ms) are ticks spaced further, to its time over SHARE: sent
back to back, fan-outs would leave the worker no time to read the votes and answer them, and every
screen would fall behind (measured: vote-to-screen p99 0.35 s became 3.2 s at 10,000 listeners).
"""
from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext

log = logging.getLogger(__name__)
TICK = 0.1  # seconds: vote-to-screen ≤ one tick + one fan-out; ≤ 10 broadcasts per room per second
SHARE = 0.5  # at most this share of the worker's time goes to the tick's fan-outs

Flush = Callable[[], Awaitable[None]]


class Tick:
    def __init__(self, interval: float = TICK, clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 timer: Callable[[], AbstractContextManager] = nullcontext):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.timer = timer  # measures each flush (a histogram's time(), for /metrics)
        self.flushes: list[Flush] = []
        self.pending = asyncio.Event()
        self.flushing = asyncio.Lock()  # one flush at a time: the drain's waits for the tick's under way
        self.task: asyncio.Task | None = None

    def on_tick(self, flush: Flush) -> None:
        self.flushes.append(flush)

    def poke(self) -> None:
        """Something is waiting to be sent: it goes out on the next tick."""
        self.pending.set()

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="tick")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.flush()  # what was noted is not lost with the worker

    async def flush(self) -> None:
        # A send takes what was noted, then reads the counts from the store before it emits: a flush called
        # meanwhile (the drain on SIGTERM) must wait for it, or the sockets close before those tallies go.
        async with self.flushing:
            self.pending.clear()
            with self.timer():
                for flush in self.flushes:
                    try:
                        await flush()
                    except Exception:  # one failed send must not stop the clock
                        log.exception("a coalesced send failed; the next tick tries what is noted then")

    async def _run(self) -> None:
        now = self.clock or asyncio.get_running_loop().time
        due, spent = -math.inf, 0.0
        while True:
            await self.pending.wait()
            # on the grid while busy, at once after a quiet spell, never more than SHARE of the time on flushes
            due = max(now(), due + max(self.interval, spent / SHARE))
            await self.sleep(max(0.0, due - now()))
            started = now()
            await self.flush()
            spent = now() - started
