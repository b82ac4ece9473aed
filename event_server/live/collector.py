"""Short full garbage collections while thousands of sockets stay open.

CPython's full (oldest-generation) collection walks every object it tracks. A websocket client
costs about 140 of them (tasks, coroutines, futures, the request, the engine.io socket), so with
10,000 people in the room a full collection walks 1.3 million objects and stalls every broadcast
for about 0.6 s, roughly once a minute (bench/BENCHMARKS.md, "Full collections").

Connections live for hours, so after each full collection whatever survived it is moved to the
permanent generation (`gc.freeze`): the next full collections walk only what is newer. Frozen
objects are still freed by reference counting; only reference cycles among them (the remains of a
connection that has closed) wait until the next thaw. Every `thaw_every` seconds the survivors are
handed back (`gc.unfreeze`), so the next full collection looks at everything once and frees those.
"""
from __future__ import annotations

import gc
import time
from typing import Callable

THAW_EVERY = 600.0  # seconds: how long the cycles of closed connections may wait to be freed
OLDEST = len(gc.get_threshold()) - 1  # the generation a full collection is named by


class Collector:
    def __init__(self, thaw_every: float = THAW_EVERY, clock: Callable[[], float] = time.monotonic):
        self.thaw_every, self.clock = thaw_every, clock
        self.thawed_at = clock()

    def __call__(self, phase: str, info: dict) -> None:
        # gc calls back with the collection finished and automatic collection held off: freezing is safe
        if phase != "stop" or info["generation"] != OLDEST:
            return
        if self.clock() - self.thawed_at >= self.thaw_every:
            gc.unfreeze()
            self.thawed_at = self.clock()
        else:
            gc.freeze()


def install(**kwargs) -> Collector:
    """Once per process (again is a no-op): keep full collections to the objects made since the last one."""
    for callback in gc.callbacks:
        if isinstance(callback, Collector):
            return callback
    collector = Collector(**kwargs)
    gc.callbacks.append(collector)
    return collector

