"""What Prometheus reads of one app. Each app has its own registry, made with it (nothing registers at
import time, so two apps in one process share nothing): the process (memory, CPU, open files, start
time) and garbage-collector collectors, and what the shells count as they work."""
from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.registry import Collector

# seconds: a tick or a room change sent to one worker's sockets takes a few ms for hundreds, ~50 ms for 10,000
FANOUT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.actions = Counter("event_server_socket_actions", "Socket actions this worker answered, by action and "
                               "outcome (ok, or the error code: rate_limited, closed…).", ["action", "outcome"],
                               registry=self.registry)
        self.fanout = Histogram("event_server_fanout_seconds", "Time to send one broadcast to this worker's sockets: "
                                "a tick of coalesced tallies and reactions, or a room's new state.", ["kind"],
                                buckets=FANOUT_BUCKETS, registry=self.registry)
        # the store's, shared by every worker: set from it at each scrape (web/ops.py)
        self.questions = Gauge("event_server_questions", "Questions by state (all workers).", ["state"],
                               registry=self.registry)
        self.votes = Gauge("event_server_votes", "Votes standing on every question (all workers).",
                           registry=self.registry)

    def add(self, collector: Collector) -> None:
        self.registry.register(collector)

    def exposition(self) -> bytes:
        """The text format, version 0.0.4."""
        return generate_latest(self.registry)
