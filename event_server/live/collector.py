"""Garbage collection without long stalls while thousands of sockets stay open.

CPython's full (oldest-generation) collection walks every object it tracks. A websocket client
costs about 140 of them (tasks, coroutines, futures, the request, the engine.io socket), so with
10,000 people in the room a full collection walks 1.3 million objects and stalls every broadcast
for about 0.7 s, roughly once a minute (bench/BENCHMARKS.md, "Full collections").

Connections live for hours, so whatever survives two young collections (it has reached the oldest
generation) is moved to the permanent generation (`gc.freeze`), which no collection walks; freezing
also restarts CPython's count towards the next full collection, so none runs until a thaw.
Freezing only after each full collection was not enough: CPython starts one once the objects
promoted since the last exceed a quarter of those it kept, so after 10,000 people joined, full
collections still walked a quarter of them at a time, 136–174 ms each, about every 25 s.

Frozen objects are still freed by reference counting, but not what is left in reference cycles, and a
closed connection leaves one: asyncio's socket transport holds a bound method of itself (with its
socket and its extras, ~1.5 KB). It used to leave ~20 KB (its request, websocket and tasks, held by an
error's traceback) until live/broadcast.py broke those cycles. So the frozen objects are handed back
(`gc.unfreeze`) once `thaw_after` connections have closed, or `thaw_every` seconds have passed, and
nothing is frozen again until the next full collection has walked everything once and freed those
remains. That collection walks every open socket (1–2 s with 10,000 open), so thaws are rare: the
same ~15 MB of remains that 1,000 closed connections left before now take 10,000.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable

THAW_AFTER = 10_000  # closed connections: at most ~15 MB of their remains wait to be freed
THAW_EVERY = 600.0  # seconds: and whatever else was frozen waits at most this long
OLDEST = len(gc.get_threshold()) - 1  # the generation a full collection is named by
YOUNGEST = 0


class Collector:
    def __init__(self, thaw_after: int = THAW_AFTER, thaw_every: float = THAW_EVERY,
                 clock: Callable[[], float] = time.monotonic):
        self.thaw_after, self.thaw_every, self.clock = thaw_after, thaw_every, clock
        self.thawed_at, self.closed, self.thawing = clock(), 0, False

    def __call__(self, phase: str, info: dict) -> None:
        # gc calls back with the collection finished and automatic collection held off: freezing is safe
        if phase != "stop" or info["generation"] == YOUNGEST:
            return  # a young collection promotes nothing to the oldest generation
        if info["generation"] == OLDEST:
            self.thawing = False  # this one walked everything that was thawed
        if self.thawing:
            return
        if self.clock() - self.thawed_at >= self.thaw_every:
            self.thaw()
        else:
            gc.freeze()

    def connection_closed(self) -> None:
        self.closed += 1
        if self.closed >= self.thaw_after:
            self.thaw()

    def thaw(self) -> None:
        gc.unfreeze()  # the next full collection walks everything, then freezing resumes
        self.thawed_at, self.closed, self.thawing = self.clock(), 0, True


def install(**kwargs) -> Collector:
    """Once per process (again is a no-op): freeze what reaches the oldest generation, thaw as above."""
    found = installed()
    if found is None:
        found = Collector(**kwargs)
        gc.callbacks.append(found)
    return found


def installed() -> Collector | None:
    return next((c for c in gc.callbacks if isinstance(c, Collector)), None)


def connection_closed() -> None:
    """A socket has closed: count it towards the next thaw (nothing to do where none is installed)."""
    collector = installed()
    if collector is not None:
        collector.connection_closed()
