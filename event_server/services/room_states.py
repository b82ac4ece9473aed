"""The room's state for everyone who opens or joins it, encoded once per change of the day instead of once each.

At the published minute thousands of attendees open the room page and join its socket within seconds: the
page carries `room:state` as JSON, and each join gets it twice (as an event and inside the join's ack).
Building it means computing the day's effective slots (the programme with every override applied) and
encoding the room's talks and slots to JSON; both change only when the day changes. So `RoomStates` keeps,
per room, its slots and the JSON of the part of the state that only the day decides (`talks`, `slots`),
and each time computes just the few fields that move with the clock (phase, offset, seconds left…) over
the room's own slots. Any change of the day (`LiveEvent.on_change`: a moderator's override on any worker,
a reloaded programme) drops the cache. A talk's part is also rebuilt every `LiveEvent.fresh` seconds: it
names the recording's file by its mtime, and a file replaced on disk changes no programme.

`Encoded` carries JSON made earlier; `JSON.dumps` writes it out where it stands, so the socket's packets
(live/snapshot.py) and the pages' `tojson` (web/render.py) splice the same text.
"""
from __future__ import annotations

import json
import math
import secrets
import time
from datetime import datetime
from typing import Any

from ..core.timeline import Slot, room_state
from .event import LiveEvent, slot_view


class Encoded:
    """A JSON value already encoded: sent as it is, wherever it stands in a payload."""

    __slots__ = ("json",)

    def __init__(self, text: str):
        self.json = text

    def decoded(self) -> Any:
        return json.loads(self.json)


class JSON:
    """The standard json module, except that an `Encoded` is written out as its own text."""

    loads = staticmethod(json.loads)
    # a marker no payload can contain: only the encoder itself produces this string
    mark = "\x00encoded:" + secrets.token_hex(8)

    @classmethod
    def dumps(cls, obj: Any, **options: Any) -> str:
        pieces: list[str] = []

        def default(value: Any) -> str:
            if isinstance(value, Encoded):
                pieces.append(value.json)
                return cls.mark
            raise TypeError(f"{type(value).__name__} is not JSON serializable")

        text = json.dumps(obj, default=default, **options)
        if not pieces:
            return text
        quoted = json.dumps(cls.mark)
        first, *rest = text.split(quoted)
        return first + "".join(piece + part for piece, part in zip(pieces, rest, strict=True))


class RoomStates:
    """`room:state` of each room, from a cache the day's changes clear."""

    def __init__(self, event: LiveEvent):
        self.event = event
        self.slots: dict[str, list[Slot]] = {}  # room → its effective slots
        self.tails: dict[tuple[str, frozenset[str]], tuple[float, str]] = {}  # (room, talks named) →
        # (monotonic time it was made, '"talks":…,"slots":…}')
        event.on_change(self.clear)

    def clear(self) -> None:
        self.slots.clear()
        self.tails.clear()

    def payload(self, room: str, now: datetime) -> Encoded:
        """The room:state event (fields: live/room.py), encoded."""
        room_slots = self.slots.get(room)
        if room_slots is None:
            room_slots = self.slots[room] = [s for s in self.event.slots() if s.talk.room == room]
        state = room_state(room_slots, room, now)
        named = frozenset(s for s in (state.talk, state.next_talk) if s)
        made, tail = self.tails.get((room, named), (-math.inf, ""))
        if time.monotonic() - made >= self.event.fresh:
            tail = self._tail(room_slots, named)
            self.tails[room, named] = (time.monotonic(), tail)
        head = json.dumps({**state.as_dict(), "server_time": now.timestamp() * 1000}, separators=(",", ":"))
        return Encoded(head[:-1] + "," + tail)

    def _tail(self, room_slots: list[Slot], named: frozenset[str]) -> str:
        program = self.event.program
        rest = {"talks": {slug: self.event.talk_info(talk) for slug in sorted(named) if (talk := program.talk(slug))},
                "slots": [slot_view(s) for s in room_slots]}
        return json.dumps(rest, separators=(",", ":"))[1:]
