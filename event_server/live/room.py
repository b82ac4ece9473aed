"""Socket actions of the live room: join it, sync the clock, and (moderators) adjust the day.

A room's socket.io room is `room:<slug>`. Everything a client needs to show the room is in
`room:state` (sent on join and at every change):

    {room, phase: before|countdown|premiere|qa|break|ended,
     talk, offset, seconds_left,          # the talk on now; premiere: seconds into the recording
     next_talk, starts_in, next_change,   # what comes next; next_change is ISO 8601
     server_time,                         # epoch ms the state was computed at: talk start = server_time - offset*1000
     talks: {slug: {slug, title: {en, ru}, speakers: [{slug, name}], file, youtube, duration}},
     slots: [{talk, start, qa_start, end, status}]}   # the room's effective day, after overrides
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import socketio

from .. import scheduler
from ..model import Program, Talk, Text
from ..runtime import Runtime
from ..timeline import Override, check, on_now, room_state
from ..web.identity import Identity
from .cluster import STALE, Cluster
from .server import DISCONNECT_HOOKS, JOIN_HOOKS, ActionError, Context, action, field

PREFIX = "room:"
PRESENCE_EVERY = 1.0  # seconds: at most one room:presence per room per second


def sio_room(slug: str) -> str:
    return PREFIX + slug


def _text(text: Text | None) -> dict:
    return dict(text.values) if text else {}


def recording_url(program: Program, talk: Talk) -> str | None:
    """The served recording, versioned by its file's mtime so browsers may cache it for good."""
    if not talk.recording.file:
        return None
    try:
        return f"/recordings/{talk.slug}?v={(program.base_dir / talk.recording.file).stat().st_mtime_ns}"
    except OSError:
        return f"/recordings/{talk.slug}"


def talk_info(program: Program, talk: Talk) -> dict:
    """What a page needs to show a talk it did not render: titles in every language, the recording."""
    rec = talk.recording
    return {"slug": talk.slug, "title": _text(talk.title), "duration": rec.duration.total_seconds(),
            "speakers": [{"slug": s.slug, "name": _text(s.name)} for s in program.speakers_of(talk)],
            "file": recording_url(program, talk), "youtube": rec.youtube}


def state_payload(runtime: Runtime, room: str, now: datetime) -> dict:
    current = runtime.slots()
    state = room_state(current, room, now)
    named = {s for s in (state.talk, state.next_talk) if s}
    program = runtime.program
    return {**state.as_dict(), "server_time": now.timestamp() * 1000,
            "talks": {slug: talk_info(program, program.talk(slug)) for slug in named},
            "slots": [{"talk": s.talk.slug, "start": s.start.isoformat(), "qa_start": s.qa_start.isoformat(),
                       "end": s.end.isoformat(), "status": s.status} for s in current if s.talk.room == room]}


async def publish(sio: socketio.AsyncServer, runtime: Runtime, room: str, now: datetime) -> None:
    # Every worker runs its own scheduler, so each tells only its own clients (not through Redis):
    # otherwise N workers would deliver each change N times.
    await sio.emit("room:state", state_payload(runtime, room, now), room=sio_room(room), ignore_queue=True)


@action("room:join")
async def join(ctx: Context, data: dict) -> dict:
    slug = field(data, "room")
    if ctx.runtime.program.room(slug) is None:
        rooms = ", ".join(r.slug for r in ctx.runtime.program.rooms)
        raise ActionError("not_found", f"there is no room '{slug}': use one of {rooms}")
    for name in ctx.sio.rooms(ctx.sid):
        if name.startswith(PREFIX) and name != sio_room(slug):
            await ctx.sio.leave_room(ctx.sid, name)
            presence.changed(ctx.sio, name)
    await ctx.sio.enter_room(ctx.sid, sio_room(slug))
    presence.changed(ctx.sio, sio_room(slug), joined=True)
    state = state_payload(ctx.runtime, slug, ctx.runtime.clock.now())
    await ctx.sio.emit("room:state", state, to=ctx.sid)
    for hook in JOIN_HOOKS:
        await hook(ctx, slug)
    return {"state": state, "presence": presence.count(ctx.sio, sio_room(slug))}


@action("clock:sync")
async def clock_sync(ctx: Context, data: dict) -> dict:
    t0 = data.get("t0")
    if isinstance(t0, bool) or not isinstance(t0, (int, float)):
        raise ActionError("bad_request", "'t0' must be your clock in epoch milliseconds")
    return {"t0": t0, "server_time": ctx.runtime.clock.now().timestamp() * 1000}


def is_moderator(identity: Identity) -> bool:
    return identity.moderator


@action("schedule:adjust", requires=is_moderator)
async def adjust(ctx: Context, data: dict) -> dict:
    runtime, now = ctx.runtime, ctx.runtime.clock.now()
    what, talk, minutes = field(data, "action"), field(data, "talk", required=False), field(data, "minutes", int,
                                                                                           required=False)
    current = runtime.slots()
    if talk is None and what in ("extend", "end_qa", "skip"):  # "the talk on now"
        live, _ = on_now(current, now)
        talk = live[0].talk.slug if len(live) == 1 else None
    problem = check(current, what, talk, minutes, now)
    if problem:
        raise ActionError("not_possible", problem)
    await scheduler.apply_override(runtime, Override(what, talk, minutes or 0, now))
    return {"talk": talk}


@dataclass
class _Count:
    """One room's head count on one server."""
    pending: bool = False  # a push is scheduled
    pushed_at: float = 0.0  # monotonic
    others: int = 0  # people on the other workers, as of the last push
    shown: int | None = None  # the sum last pushed to our clients
    told: int | None = None  # our own count as the other workers last heard it


class Presence:
    """Approximate head counts per room, pushed at most once a second, and only when they change.

    With several workers (REDIS_URL) each counts its own sockets, keeps that count in Redis and shows
    the sum over all workers; when its own count changes it tells the others (a "presence" notice),
    who push the new sum to their clients. Keyed by (server, room): tests run several in one process.
    """

    def __init__(self):
        self.counts: dict[tuple[socketio.AsyncServer, str], _Count] = defaultdict(_Count)
        self.clusters: dict[socketio.AsyncServer, Cluster] = {}

    def attach(self, sio: socketio.AsyncServer, cluster: Cluster) -> None:
        self.clusters[sio] = cluster
        cluster.on("presence", lambda: self.recount(sio))

    def count(self, sio: socketio.AsyncServer, name: str) -> int:
        """Everyone in the room, as far as this worker knows."""
        return self._local(sio, name) + self.counts[sio, name].others

    def _local(self, sio: socketio.AsyncServer, name: str) -> int:
        return sum(1 for _ in sio.manager.get_participants("/", name))

    def changed(self, sio: socketio.AsyncServer, name: str, joined: bool = False) -> None:
        count = self.counts[sio, name]
        if joined:  # the newcomer's count came with its join: push the next sum even if it looks unchanged
            count.shown = None
        if count.pending:
            return
        count.pending = True
        # a little later than now: a leaving socket is removed from its rooms after the disconnect hooks
        delay = max(0.1, count.pushed_at + PRESENCE_EVERY - time.monotonic())
        asyncio.get_running_loop().call_later(delay, lambda: asyncio.ensure_future(self.push(sio, name)))

    async def recount(self, sio: socketio.AsyncServer) -> None:
        """Another worker's count changed (or it is time to refresh ours): recount every room we serve."""
        for name in list(sio.manager.rooms.get("/", {})):
            if isinstance(name, str) and name.startswith(PREFIX):
                self.changed(sio, name)

    async def keep_counting(self, sio: socketio.AsyncServer) -> None:
        """Refresh our counts in Redis well within cluster.STALE, so the others keep counting our people."""
        while True:
            await asyncio.sleep(STALE / 3)
            await self.recount(sio)

    async def push(self, sio: socketio.AsyncServer, name: str) -> None:
        count, cluster, local = self.counts[sio, name], self.clusters[sio], self._local(sio, name)
        count.pending, count.pushed_at = False, time.monotonic()
        total = await cluster.head_count(name[len(PREFIX):], local)
        count.others = total - local
        if cluster.shared and count.told != local:
            count.told = local
            await cluster.announce("presence")
        if count.shown != total:
            count.shown = total
            await sio.emit("room:presence", {"room": name[len(PREFIX):], "count": total}, room=name,
                           ignore_queue=True)


presence = Presence()


async def _left(sio: socketio.AsyncServer, sid: str) -> None:
    for name in sio.rooms(sid):
        if name.startswith(PREFIX):
            presence.changed(sio, name)


DISCONNECT_HOOKS.append(_left)
