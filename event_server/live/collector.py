"""Short full garbage collections while thousands of sockets stay open.

CPython's full (oldest-generation) collection walks every object it tracks. A websocket client
costs about 140 of them (tasks, coroutines, futures, the request, the engine.io socket), so with
10,000 people in the room a full collection walks 1.3 million objects and stalls every broadcast
for about 0.7 s, roughly once a minute (bench/BENCHMARKS.md, "Full collections").

Connections live for hours, so after each full collection whatever survived it is moved to the
permanent generation (`gc.freeze`): the next full collections walk only what is newer. Frozen
objects are still freed by reference counting, but a closed connection leaves reference cycles
(about 20 KB each) that only a collection that sees them can free. So the survivors are handed back
(`gc.unfreeze`) once `thaw_after` connections have closed, or `thaw_every` seconds have passed, and
the next full collection walks everything once and frees those remains.
"""
from __future__ import annotations

import gc
import time
from typing import Callable

THAW_AFTER = 1000  # closed connections: at most ~20 MB of their remains wait to be freed
THAW_EVERY = 600.0  # seconds: and whatever else was frozen waits at most this long
OLDEST = len(gc.get_threshold()) - 1  # the generation a full collection is named by


class Collector:
    def __init__(self, thaw_after: int = THAW_AFTER, thaw_every: float = THAW_EVERY,
                 clock: Callable[[], float] = time.monotonic):
        self.thaw_after, self.thaw_every, self.clock = thaw_after, thaw_every, clock
        self.thawed_at, self.closed = clock(), 0

    def __call__(self, phase: str, info: dict) -> None:
        # gc calls back with the collection finished and automatic collection held off: freezing is safe
        if phase != "stop" or info["generation"] != OLDEST:
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
        gc.unfreeze()  # the next full collection walks everything, then freezes again
        self.thawed_at, self.closed = self.clock(), 0


def install(**kwargs) -> Collector:
    """Once per process (again is a no-op): keep full collections to the objects made since the last one."""
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
