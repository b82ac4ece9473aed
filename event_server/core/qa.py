"""The rules of the live Q&A queue. Pure: no I/O, and "now" is always an argument.

A question belongs to a talk (and so to its room) and is in one state at a time; separately it may be
on air (at most one per room, the one the speaker is answering). Who sees it follows from its state:
moderators and the talk's speakers see everything but withdrawn questions; everyone else sees
approved and answered ones, and every one of their own (so an asker learns it was not taken).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .model import QaSettings, Talk
from .permissions import Can, Identity, may
from .refusal import Refused
from .timeline import Slot, room_state

MIN_TEXT, MAX_TEXT, MAX_NAME = 3, 500, 40
PUBLIC = ("approved", "answered")
# action → (states it applies to, state after)
TRANSITIONS = {
    "approve": (("pending", "rejected"), "approved"),
    "reject": (("pending", "approved"), "rejected"),
    "pin": (("pending", "approved"), "approved"),
    "unpin": (("approved",), "approved"),
    "answered": (("approved",), "answered"),
    "archive": (("pending", "approved", "rejected", "answered"), "archived"),
    "restore": (("rejected", "answered", "archived"), "approved"),
    "edit": (("pending", "approved", "rejected", "answered", "archived"), None),  # fix a typo, state unchanged
}
ACTIONS = tuple(TRANSITIONS)
# Bidirectional overrides can make text read differently from what it is ("Trojan Source").
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Question:
    id: str
    talk: str
    room: str
    author: str  # attendee id: never sent to clients
    name: str | None
    text: str
    state: str
    on_air: bool
    votes: int
    created_ms: int
    updated_ms: int


@dataclass(frozen=True)
class Viewer:
    attendee: str | None
    privileged: bool  # sees the talk's whole queue: a moderator, or one of the talk's speakers


def viewer(who: Identity, talk: Talk | None) -> Viewer:
    return Viewer(who.attendee, may(who, Can.READ_TALK_QUEUE, talk))


def clean_text(raw: str) -> str:
    """Whitespace collapsed to single spaces; 3–500 characters; no other control characters."""
    text = " ".join(raw.split())
    if any(unicodedata.category(c) == "Cc" or c in _BIDI for c in text):
        raise Refused("bad_text", "the question contains control characters; please retype it")
    if len(text) < MIN_TEXT:
        raise Refused("too_short", f"a question needs at least {MIN_TEXT} characters")
    if len(text) > MAX_TEXT:
        raise Refused("too_long", f"a question may have at most {MAX_TEXT} characters (this one has {len(text)})")
    return text


def clean_name(raw: str | None) -> str | None:
    """An optional display name; empty means anonymous."""
    name = " ".join((raw or "").split())
    if any(unicodedata.category(c) == "Cc" or c in _BIDI for c in name):
        raise Refused("bad_name", "the name contains control characters")
    if len(name) > MAX_NAME:
        raise Refused("bad_name", f"a name may have at most {MAX_NAME} characters")
    return name or None


def text_key(text: str) -> str:
    """Two questions with the same key are the same question (case and spacing ignored)."""
    return text.casefold()


def is_open(slots: Sequence[Slot], talk: Talk, now: datetime, settings: QaSettings) -> bool:
    """A talk takes questions during its Q&A, and during its premiere if the event says so."""
    state = room_state(slots, talk.room, now)
    if state.talk != talk.slug:
        return False
    return state.phase == "qa" or (state.phase == "premiere" and settings.open_during_premiere)


def queue_talk(slots: Sequence[Slot], room: str, now: datetime) -> str | None:
    """Whose queue a room shows: the talk on now, else the last one that ran, else the next one."""
    state = room_state(slots, room, now)
    if state.talk:
        return state.talk
    past = [s for s in slots if s.talk.room == room and s.runs and s.start <= now]
    return past[-1].talk.slug if past else state.next_talk


def new_question(id: str, talk: Talk, author: str, name: str | None, text: str, settings: QaSettings,
                 now_ms: int) -> Question:
    state = "pending" if settings.premoderation else "approved"
    return Question(id, talk.slug, talk.room, author, name, text, state, False, 0, now_ms, now_ms)


def moderate(q: Question, action: str, now_ms: int, text: str | None = None) -> Question:
    """The question after a moderator's action, or Refused when the action does not apply."""
    if action not in TRANSITIONS:
        raise Refused("bad_action", f"action must be one of: {', '.join(ACTIONS)}")
    allowed, after = TRANSITIONS[action]
    if q.state not in allowed:
        raise Refused("wrong_state", f"cannot {action} a question that is {q.state}")
    if action == "unpin" and not q.on_air:
        raise Refused("wrong_state", "this question is not on air")
    if action == "edit" and text is None:
        raise Refused("bad_request", "give the corrected text of the question")
    on_air = action == "pin" or (q.on_air and action not in ("unpin", "reject", "answered", "archive"))
    return replace(q, state=after or q.state, on_air=on_air, text=text if action == "edit" and text else q.text,
                   updated_ms=now_ms)


def blocked(q: Question, now_ms: int) -> Question | None:
    """A blocked asker's question leaves the queue, rejected (its author still sees it, as any refusal);
    None when it is out of the queue already."""
    return moderate(q, "reject", now_ms) if q.state in TRANSITIONS["reject"][0] else None


def withdraw(q: Question, attendee: str | None, now_ms: int) -> Question:
    """Authors may take back their own question, unless the speaker is answering it right now."""
    if q.author != attendee:
        raise Refused("forbidden", "you can only withdraw your own questions")
    if q.state not in ("pending", "approved"):
        raise Refused("wrong_state", f"cannot withdraw a question that is {q.state}")
    if q.on_air:
        raise Refused("on_air", "this question is on air now and can no longer be withdrawn")
    return replace(q, state="withdrawn", updated_ms=now_ms)


def check_vote(q: Question) -> None:
    if q.state != "approved":
        raise Refused("wrong_state", f"only questions in the queue take votes (this one is {q.state})")


def visible(q: Question, who: Viewer) -> bool:
    if q.state == "withdrawn":
        return False
    return who.privileged or q.state in PUBLIC or q.author == who.attendee


def audiences(before: Question | None, after: Question) -> set[str]:
    """Which broadcast groups hear of a change: 'room' (everyone), 'mod' (moderators), 'speakers' (the
    talk's speakers), 'author'."""
    groups = {"mod", "speakers", "author"}
    if after.state in PUBLIC or (before is not None and before.state in PUBLIC):
        groups.add("room")  # a question leaving the public queue must disappear there too
    return groups


def order_key(q: Question) -> tuple:
    """Most votes first, then oldest first."""
    return (-q.votes, q.created_ms, q.id)


def ordered(questions: Iterable[Question]) -> list[Question]:
    return sorted(questions, key=order_key)


def view(q: Question) -> dict:
    """What clients get: never the author's id."""
    return {"id": q.id, "talk": q.talk, "room": q.room, "name": q.name, "text": q.text, "state": q.state,
            "on_air": q.on_air, "votes": q.votes, "created": q.created_ms, "updated": q.updated_ms}


def archive_open(slot: Slot, now: datetime) -> bool:
    """A talk's archive (its recording and the questions answered in its Q&A) opens when the Q&A has ended."""
    return slot.runs and slot.end <= now


def check_hide(q: Question) -> None:
    """Only answered questions are in an archive, so only they can be hidden from it or shown again."""
    if q.state != "answered":
        raise Refused("wrong_state", "only answered questions are in the archive", state=q.state)


def archived(questions: Iterable[Question], hidden: set[str], moderator: bool) -> list[tuple[Question, bool]]:
    """The answered questions of a talk's archive, most voted first, each with whether a moderator hid it:
    the public sees only those not hidden, moderators every one (to show one again)."""
    answered = sorted((q for q in questions if q.state == "answered"), key=lambda q: (-q.votes, q.created_ms, q.id))
    return [(q, q.id in hidden) for q in answered if moderator or q.id not in hidden]
