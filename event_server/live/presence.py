"""Approximate head counts per room — people, not sockets: several tabs of one browser (one attendee
cookie) count once, and so do all the sockets without the page's cookie from one address (a script
opening thousands of connections is one "person") — pushed at most once a second (less often in a full room: see
PUSH_BUDGET), and only when they change. A newcomer gets the count with its join's answer.

With several workers (REDIS_URL) each counts its own sockets, keeps that count in Redis and shows the
sum over all workers; when its own count changes it tells the others (a "presence" notice), who push
the new sum to their clients.
"""
from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import socketio

from .cluster import STALE, Cluster

PREFIX = "room:"
PUSH_EVERY = 1.0  # seconds: at most one room:presence per room per second…
PUSH_BUDGET = 250  # …and at most this many room:presence deliveries per second per room on a worker: a full
# room hears the count less often (10,000 people: every 40 s) rather than spend on it what its arrivals need
# (at 1,000 a second, half of the frames a wave of arrivals cost the server were head counts)


def sio_room(slug: str) -> str:
    return PREFIX + slug


@dataclass
class _Count:
    """One room's head count on this worker."""
    pending: bool = False  # a push is scheduled
    pushed_at: float = 0.0  # monotonic
    others: int = 0  # people on the other workers, as of the last push
    shown: int | None = None  # the sum last pushed to our clients
    told: int | None = None  # our own count as the other workers last heard it


class Presence:
    def __init__(self, sio: socketio.AsyncServer, cluster: Cluster):
        self.sio, self.cluster = sio, cluster
        self.counts: dict[str, _Count] = defaultdict(_Count)
        self.people: dict[str, Counter[str]] = defaultdict(Counter)  # room → person → their sockets in it
        self.seat: dict[str, tuple[str, str]] = {}  # sid → (room, person)

    def count(self, name: str) -> int:
        """Everyone in the room, as far as this worker knows."""
        return self.local(name) + self.counts[name].others

    def local(self, name: str) -> int:
        """People in the room on this worker."""
        return len(self.people.get(name, ()))

    def sockets(self, name: str) -> int:
        return len(self.sio.manager.rooms.get("/", {}).get(name, ()))  # O(1): the room's own size

    def enter(self, sid: str, name: str, person: str) -> None:
        self.leave(sid)
        self.seat[sid] = (name, person)
        self.people[name][person] += 1
        self.changed(name, joined=True)

    def leave(self, sid: str) -> None:
        if sid not in self.seat:
            return
        name, person = self.seat.pop(sid)
        people = self.people[name]
        people[person] -= 1
        if people[person] <= 0:
            del people[person]
        if not people:
            del self.people[name]
        self.changed(name)

    def changed(self, name: str, joined: bool = False) -> None:
        count = self.counts[name]
        if joined:  # the newcomer's count came with its join: push the next sum even if it looks unchanged
            count.shown = None
        if count.pending:
            return
        count.pending = True
        # a little later than now: a leaving socket is removed from its rooms after the disconnect handler
        every = max(PUSH_EVERY, self.sockets(name) / PUSH_BUDGET)
        delay = max(0.1, count.pushed_at + every - time.monotonic())
        asyncio.get_running_loop().call_later(delay, lambda: asyncio.ensure_future(self.push(name)))

    async def recount(self) -> None:
        """Another worker's count changed (or it is time to refresh ours): recount every room we serve."""
        for name in list(self.sio.manager.rooms.get("/", {})):
            if isinstance(name, str) and name.startswith(PREFIX):
                self.changed(name)

    async def keep_counting(self) -> None:
        """Refresh our counts in Redis well within cluster.STALE, so the others keep counting our people."""
        while True:
            await asyncio.sleep(STALE / 3)
            await self.recount()

    async def push(self, name: str) -> None:
        count, local = self.counts[name], self.local(name)
        count.pending, count.pushed_at = False, time.monotonic()
        total = await self.cluster.head_count(name[len(PREFIX):], local)
        count.others = total - local
        if self.cluster.shared and count.told != local:
            count.told = local
            await self.cluster.announce("presence")
        if count.shown != total:
            count.shown = total
            await self.sio.emit("room:presence", {"room": name[len(PREFIX):], "count": total}, room=name,
                                ignore_queue=True)
