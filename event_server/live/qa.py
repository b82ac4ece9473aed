"""Q&A socket actions: read the payload, call the question desk (services/questions.py), then fan out.

Fan-out only ever emits to socket.io rooms, so another process (a Redis manager) can deliver it:
`room:<slug>` everyone in the room, `mod:<slug>` its moderators, `spk:<talk>` the talk's speakers,
`att:<id>` the sockets of one attendee (for their own pending questions). Vote counts are coalesced
per room.
"""
from __future__ import annotations

import socketio

from ..core import qa
from ..core.permissions import Can, may
from ..services.questions import Change, QuestionDesk
from .actions import Context, action, field
from .presence import sio_room
from .tick import Tick


class Tally:
    """The questions voted on in each room since the last tick; sent as one `qa:tally` per room per tick.

    Each tally carries the absolute counts read from the store when it is sent, not the ones noted:
    with several workers batching their own votes, whichever tally arrives last is then still right
    (or newer), instead of one worker's older count overwriting another's newer one.
    """

    def __init__(self, sio: socketio.AsyncServer, desk: QuestionDesk, tick: Tick):
        self.sio, self.desk, self.tick = sio, desk, tick
        self.pending: dict[str, set[str]] = {}  # room → questions voted on since its last tally
        tick.on_tick(self.send)

    def note(self, room: str, question: str) -> None:
        self.pending.setdefault(room, set()).add(question)
        self.tick.poke()

    async def send(self) -> None:
        batches, self.pending = self.pending, {}
        for room, batch in batches.items():
            votes = await self.desk.votes_of(sorted(batch))
            await self.sio.emit("qa:tally", {"room": room, "votes": votes}, room=sio_room(room))


class QaActions:
    def __init__(self, sio: socketio.AsyncServer, desk: QuestionDesk, tick: Tick):
        self.sio, self.desk = sio, desk
        self.tally = Tally(sio, desk, tick)

    async def publish(self, changes: list[Change]) -> None:
        """Tell each group that may see a question about its change (after the commit)."""
        for change in changes:
            after = change.after
            names = {"room": sio_room(after.room), "mod": f"mod:{after.room}", "speakers": f"spk:{after.talk}",
                     "author": f"att:{after.author}"}
            groups = [names[g] for g in sorted(qa.audiences(change.before, after))]
            await self.sio.emit("qa:question", qa.view(after), room=groups)  # a socket in several groups gets it once

    async def joined(self, ctx: Context, room: str) -> None:
        """Joining a room: enter the groups this identity may hear, then get the visible queue."""
        who = ctx.identity
        if who.attendee:
            await self.sio.enter_room(ctx.sid, f"att:{who.attendee}")
        if may(who, Can.MODERATE):
            await self.sio.enter_room(ctx.sid, f"mod:{room}")
        for talk in self.desk.event.program.talks_in_room(room):
            if not who.moderator and may(who, Can.READ_TALK_QUEUE, talk):
                await self.sio.enter_room(ctx.sid, f"spk:{talk.slug}")
        snapshot = await self.desk.snapshot(who, room, self.desk.queue_talk(room))
        await self.sio.emit("qa:snapshot", snapshot, to=ctx.sid, ignore_queue=True)  # our own socket: not via Redis

    @action("qa:list")
    async def list_queue(self, ctx: Context, data: dict) -> dict:
        """The visible queue of one talk, e.g. when the room moves on to the next talk."""
        talk = self.desk.talk(field(data, "talk"))
        return await self.desk.snapshot(ctx.identity, talk.room, talk.slug)

    @action("qa:ask", Can.ATTEND)
    async def ask(self, ctx: Context, data: dict) -> dict:
        change = await self.desk.ask(ctx.identity, ctx.ip, field(data, "talk"), field(data, "text"),
                                     field(data, "name", required=False))
        await self.publish([change])
        return {"question": qa.view(change.after)}

    @action("qa:vote", Can.ATTEND)
    async def vote(self, ctx: Context, data: dict) -> dict:
        return await self._vote(ctx, data, up=True)

    @action("qa:unvote", Can.ATTEND)
    async def unvote(self, ctx: Context, data: dict) -> dict:
        return await self._vote(ctx, data, up=False)

    async def _vote(self, ctx: Context, data: dict, up: bool) -> dict:
        question, votes = await self.desk.vote(ctx.identity, ctx.ip, field(data, "question"), up, ctx.remembered)
        self.tally.note(question.room, question.id)
        return {"question": question.id, "votes": votes, "voted": up}

    @action("qa:withdraw", Can.ATTEND)
    async def withdraw(self, ctx: Context, data: dict) -> dict:
        changes = await self.desk.withdraw(ctx.identity, field(data, "question"))
        await self.publish(changes)
        return {"question": qa.view(changes[-1].after)}

    @action("qa:moderate", Can.MODERATE)
    async def moderate(self, ctx: Context, data: dict) -> dict:
        verb = field(data, "action")
        text = field(data, "text") if verb == "edit" else None
        changes = await self.desk.moderate(ctx.identity, field(data, "question"), verb, text)
        await self.publish(changes)  # the question taken off air (if any) first, then this one
        return {"question": qa.view(changes[-1].after)}

    @action("qa:block", Can.MODERATE)
    async def block(self, ctx: Context, data: dict) -> dict:
        """Block the asker of a question: the ack lists the questions of theirs taken off the queues."""
        changes = await self.desk.block(ctx.identity, field(data, "question"))
        await self.publish(changes)
        return {"hidden": [change.after.id for change in changes]}
