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

Frozen objects are still freed by reference counting, but not what is left in reference cycles. A
closed connection used to leave some (about 20 KB each, until live/broadcast.py broke them), so the
collector thawed after every 1,000 closed connections: after a reconnect storm of a full room that
meant a full collection walking everything, a stall of 1–2 s. Connections now leave none, so the
frozen objects are handed back (`gc.unfreeze`) only every `thaw_every` seconds, for whatever other
cycles there are, and nothing is frozen again until the next full collection has walked everything
once and freed them.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable

THAW_EVERY = 600.0  # seconds: what is left in cycles waits at most this long to be freed
OLDEST = len(gc.get_threshold()) - 1  # the generation a full collection is named by
YOUNGEST = 0


class Collector:
    def __init__(self, thaw_every: float = THAW_EVERY, clock: Callable[[], float] = time.monotonic):
        self.thaw_every, self.clock = thaw_every, clock
        self.thawed_at, self.thawing = clock(), False

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

    def thaw(self) -> None:
        gc.unfreeze()  # the next full collection walks everything, then freezing resumes
        self.thawed_at, self.thawing = self.clock(), True


def install(**kwargs) -> Collector:
    """Once per process (again is a no-op): freeze what reaches the oldest generation, thaw as above."""
    found = next((c for c in gc.callbacks if isinstance(c, Collector)), None)
    if found is None:
        found = Collector(**kwargs)
        gc.callbacks.append(found)
    return found

