"""Reactions during a talk (👏 ❤️ 🔥 …): which kinds the programme allows, and how often one attendee
(and, more generously, one address: a NAT full of attendees) may send them. The live shell adds them
up per room and sends the counts on its tick."""
from __future__ import annotations

import time

from ..core.permissions import Can, Identity, refusal
from ..core.ratelimit import Buckets, Rate, take_all
from ..core.refusal import Refused
from .event import LiveEvent

PER_ATTENDEE = Rate(capacity=10, per_second=4)  # a burst of applause, then four a second
PER_ADDRESS = Rate(capacity=100, per_second=40)


class ReactionDesk:
    def __init__(self, event: LiveEvent):
        self.event = event
        self.attendees, self.addresses = Buckets(PER_ATTENDEE), Buckets(PER_ADDRESS)

    def react(self, who: Identity, address: str, room: str, kind: str) -> None:
        """Refused unless the room exists, the kind is one of the event's and the sender has allowance left."""
        if self.event.program.room(room) is None:
            raise Refused("not_found", f"there is no room '{room}'")
        kinds = self.event.program.event.reactions
        if kind not in kinds:
            raise Refused("bad_request", f"'{kind}' is not a reaction here: send one of {' '.join(kinds)}")
        if who.attendee is None:
            raise Refused("forbidden", refusal(Can.ATTEND))
        now = time.monotonic()
        # both or neither: a sender refused at their own limit leaves the address's allowance to the others
        wait = take_all(((self.attendees, who.attendee), (self.addresses, address)), now)
        if wait:
            raise Refused("rate_limited", "slow down: too many reactions at once", retry_after=round(wait, 2))
