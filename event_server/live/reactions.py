"""room:react: attendees' reactions, added up per room and kind and sent as one `room:reactions
{room, counts}` per room per tick (the tick the vote tallies ride), so 10,000 people clapping cost one
broadcast per room per tick, not 10,000. Counts are those since the previous send: pages add them up."""
from __future__ import annotations

from collections import Counter

import socketio

from ..core.permissions import Can
from ..services.reactions import ReactionDesk
from ..services.report import ReportDesk
from .actions import Context, action, field
from .presence import sio_room
from .tick import Tick


class ReactionActions:
    def __init__(self, sio: socketio.AsyncServer, desk: ReactionDesk, tick: Tick, report: ReportDesk):
        self.sio, self.desk, self.tick, self.report = sio, desk, tick, report
        self.pending: dict[str, Counter[str]] = {}  # room → kind → reactions since the last send
        tick.on_tick(self.send)

    @action("room:react", Can.ATTEND)
    async def react(self, ctx: Context, data: dict) -> dict:
        room, kind = field(data, "room"), field(data, "kind")
        self.desk.react(ctx.identity, ctx.ip, room, kind)
        self.pending.setdefault(room, Counter())[kind] += 1
        self.tick.poke()
        return {}

    async def send(self) -> None:
        batches, self.pending = self.pending, {}
        for room, counts in batches.items():
            self.report.react(room, counts)  # for the organisers' report
            await self.sio.emit("room:reactions", {"room": room, "counts": dict(counts)}, room=sio_room(room))
