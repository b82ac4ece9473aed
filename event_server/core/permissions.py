"""Who may do what: one vocabulary of roles and capabilities, decided here and nowhere else.

Roles come from the identity a request or a socket carries: every browser is an attendee (a signed
cookie set on its first page load); moderators and curators signed in with their tokens; a speaker
opened their private link. Each HTTP route and socket action declares the one capability it needs
(`@requires(Can.CURATE)` in web/, `@action("qa:moderate", Can.MODERATE)` in live/); `may()` answers,
and tests/unit/test_permissions.py checks every role against every capability.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .model import Talk


@dataclass(frozen=True)
class Identity:
    attendee: str | None = None  # the browser's anonymous id (signed cookie)
    moderator: bool = False
    curator: bool = False
    speaker: str | None = None  # speaker slug, from their private link
    staff: str | None = None  # the signed-in moderator's or curator's name, as logs record them
    stage: str | None = None  # the room whose stage link (the broadcast scene for OBS) this browser opened


class Can(Enum):
    WATCH = "watch"  # pages, the room, the queue as the public sees it: everyone
    ATTEND = "attend"  # ask, vote, withdraw one's own question: a browser with an attendee identity
    # a talk's whole queue, pending questions too, and its export: moderators, the talk's speakers
    READ_TALK_QUEUE = "read a talk's whole queue"
    MODERATE = "moderate"  # the Q&A queue and the day's timeline: moderators
    CURATE = "curate"  # open-call submissions, the gallery's hung works: curators
    # the broadcast scene (/rooms/{slug}/stage), unlisted so that only the stream shows it: moderators and
    # whoever opened a room's signed stage link (the browser source in OBS)
    STAGE = "stage"


def may(who: Identity, can: Can, talk: Talk | None = None) -> bool:
    """Whether `who` has the capability (for `talk`, where the capability is about one talk)."""
    if can is Can.WATCH:
        return True
    if can is Can.ATTEND:
        return who.attendee is not None
    if can is Can.READ_TALK_QUEUE:
        return who.moderator or (talk is not None and who.speaker is not None and who.speaker in talk.speakers)
    if can is Can.MODERATE:
        return who.moderator
    if can is Can.CURATE:
        return who.curator
    if can is Can.STAGE:
        return who.moderator or who.stage is not None
    raise ValueError(f"no rule for {can}")


def refusal(can: Can) -> str:
    """What to tell someone who lacks the capability: how to get it (an English sentence; shells translate)."""
    return {Can.ATTEND: "Open the event's page in your browser first, so it can recognise you.",
            Can.READ_TALK_QUEUE: "Only moderators and this talk's speakers can see all its questions. Sign in "
                                 "first, or open your speaker link.",
            Can.MODERATE: "Only moderators can do this. Sign in with the moderator token at /login.",
            Can.CURATE: "Only curators can do this. Sign in with the curator token at /login.",
            Can.STAGE: "The stage is shown to the livestream only: open it with the stage link from the "
                       "moderator's console."}.get(can, "Not allowed.")
