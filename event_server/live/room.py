"""Socket actions of the live room: join it, sync the clock, and (moderators) adjust the day.

A room's socket.io room is `room:<slug>`. Everything a client needs to show the room is in
`room:state` (sent on join and at every change):

    {room, phase: before|countdown|premiere|qa|break|ended,
     talk, offset, seconds_left,          # the talk on now; premiere: seconds into the recording
     next_talk, starts_in, next_change,   # what comes next; next_change is ISO 8601
     server_time,                         # epoch ms the state was computed at: talk start = server_time - offset*1000
     talks: {slug: {slug, title: {en, ru}, speakers: [{slug, name}], file, youtube, duration,
             captions: {lang: url}}},
     slots: [{talk, start, qa_start, end, status}]}   # the room's effective day, after overrides
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

import socketio

from ..core.permissions import Can
from ..core.refusal import Refused
from ..services.event import LiveEvent
from ..services.room_states import RoomStates
from .actions import Context, action, field
from .presence import PREFIX, Presence, sio_room

Joined = Callable[[Context, str], Awaitable[None]]  # (the socket, the room slug): e.g. send it the Q&A queue
Timer = Callable[[], AbstractContextManager]  # measures one fan-out (a histogram's time(), for /metrics)


class RoomActions:
    def __init__(self, sio: socketio.AsyncServer, event: LiveEvent, states: RoomStates, presence: Presence,
                 joined: list[Joined], timer: Timer = nullcontext):
        self.sio, self.event, self.states, self.presence, self.joined = sio, event, states, presence, joined
        self.timer = timer

    async def publish(self, room: str, now: datetime) -> None:
        # Every worker runs its own scheduler, so each tells only its own clients (not through Redis):
        # otherwise N workers would deliver each change N times.
        with self.timer():
            await self.sio.emit("room:state", self.states.payload(room, now), room=sio_room(room), ignore_queue=True)

    @action("room:join")
    async def join(self, ctx: Context, data: dict) -> dict:
        slug = field(data, "room")
        if self.event.program.room(slug) is None:
            rooms = ", ".join(r.slug for r in self.event.program.rooms)
            raise Refused("not_found", f"there is no room '{slug}': use one of {rooms}")
        for name in self.sio.rooms(ctx.sid):
            if name.startswith(PREFIX) and name != sio_room(slug):
                await self.sio.leave_room(ctx.sid, name)
        await self.sio.enter_room(ctx.sid, sio_room(slug))
        # a person is their page's attendee cookie; sockets without it count once per address
        person = ctx.identity.attendee if ctx.remembered and ctx.identity.attendee else f"@{ctx.ip}"
        self.presence.enter(ctx.sid, sio_room(slug), person)
        state = self.states.payload(slug, self.event.now())
        await self.sio.emit("room:state", state, to=ctx.sid, ignore_queue=True)  # our own socket: not via Redis
        for joined in self.joined:
            await joined(ctx, slug)
        return {"state": state, "presence": self.presence.count(sio_room(slug))}

    @action("clock:sync")
    async def clock_sync(self, ctx: Context, data: dict) -> dict:
        t0 = data.get("t0")
        if isinstance(t0, bool) or not isinstance(t0, (int, float)):
            raise Refused("bad_request", "'t0' must be your clock in epoch milliseconds")
        return {"t0": t0, "server_time": self.event.now().timestamp() * 1000}

    @action("schedule:adjust", Can.MODERATE)
    async def adjust(self, ctx: Context, data: dict) -> dict:
        talk = await self.event.adjust(field(data, "action"), field(data, "talk", required=False),
                                       field(data, "minutes", int, required=False))
        return {"talk": talk}
