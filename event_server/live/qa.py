"""Q&A socket actions: gather the inputs, ask the rules (event_server.qa), commit, then fan out.

Fan-out only ever emits to socket.io rooms, so another process (a Redis manager) can deliver it:
`room:<slug>` everyone in the room, `mod:<slug>` its moderators and speakers, `att:<id>` the sockets
of one attendee (for their own pending questions). Vote counts are coalesced per room.
"""
from __future__ import annotations

import asyncio
import secrets
import time
from functools import wraps
from weakref import WeakKeyDictionary

import socketio

from .. import qa
from ..ratelimit import Buckets, Rate
from ..runtime import Runtime
from ..settings import Settings
from ..store import questions
from .server import JOIN_HOOKS, ActionError, Context, action, field

TALLY_INTERVAL = 0.25  # at most four tallies per second per room


class Tally:
    """Collects voted-on questions per room; one short-lived task per busy room sends them in batches.

    Each batch carries the absolute counts read from the store when it is sent, not the ones noted:
    with several workers batching their own votes, whichever tally arrives last is then still right
    (or newer), instead of one worker's older count overwriting another's newer one.
    """

    def __init__(self, sio: socketio.AsyncServer, runtime: Runtime):
        self.sio, self.runtime = sio, runtime
        self.pending: dict[str, set[str]] = {}  # room → questions voted on since its last tally
        self.tasks: dict[str, asyncio.Task] = {}

    def note(self, room: str, question: str) -> None:
        self.pending.setdefault(room, set()).add(question)
        if room not in self.tasks:
            self.tasks[room] = asyncio.create_task(self._send(room))

    async def _send(self, room: str) -> None:
        try:
            while batch := self.pending.pop(room, None):
                votes = await questions.votes_of(self.runtime.db, sorted(batch))
                await self.sio.emit("qa:tally", {"room": room, "votes": votes}, room=f"room:{room}")
                await asyncio.sleep(TALLY_INTERVAL)
        finally:
            self.tasks.pop(room, None)


class Limits:
    def __init__(self, settings: Settings):
        self.ask = {"attendee": Buckets(Rate.every(settings.qa_ask_interval)),
                    "ip": Buckets(Rate.every(settings.qa_ask_interval, burst=10))}
        votes = settings.qa_votes_per_second
        self.vote = {"attendee": Buckets(Rate.per(votes)), "ip": Buckets(Rate.per(votes * 10))}

    def check(self, kind: str, ctx: Context) -> None:
        now = time.monotonic()
        buckets = getattr(self, kind)
        wait = max(buckets["attendee"].take(ctx.identity.attendee or ctx.sid, now), buckets["ip"].take(ctx.ip, now))
        if wait:
            raise ActionError("rate_limited", f"slow down: try again in {wait:.0f} s" if wait >= 1
                              else "slow down: too many at once", retry_after=round(wait, 2))


_SHELLS: WeakKeyDictionary = WeakKeyDictionary()  # per server: its tally and rate limits


def _shell(ctx: Context) -> tuple[Tally, Limits]:
    if ctx.sio not in _SHELLS:
        _SHELLS[ctx.sio] = (Tally(ctx.sio, ctx.runtime), Limits(ctx.runtime.settings))
    return _SHELLS[ctx.sio]


def qa_action(name: str, requires=None):
    """@action, with the rules' and the store's refusals turned into error acks."""
    def register(handler):
        @wraps(handler)
        async def guarded(ctx: Context, data: dict):
            try:
                return await handler(ctx, data)
            except qa.Refused as exc:
                raise ActionError(exc.code, exc.message) from exc
            except questions.Conflict as exc:
                raise ActionError(exc.code, exc.message) from exc
        return action(name, requires)(guarded)
    return register


def _now_ms(ctx: Context) -> int:
    return int(ctx.runtime.clock.now().timestamp() * 1000)


def _talk(ctx: Context, data: dict):
    slug = field(data, "talk")
    talk = ctx.runtime.program.talk(slug)
    if talk is None:
        raise ActionError("not_found", f"there is no talk '{slug}'")
    return talk


async def _question(ctx: Context, data: dict) -> qa.Question:
    found = await questions.get(ctx.runtime.db, field(data, "question"))
    if found is None or not qa.visible(found, _viewer(ctx, found.room)):
        raise ActionError("not_found", "there is no such question (it may have been withdrawn)")
    return found


def _viewer(ctx: Context, room: str) -> qa.Viewer:
    identity = ctx.identity
    return qa.viewer(identity.attendee, identity.moderator, identity.speaker, ctx.runtime.program.talks_in_room(room))


async def publish(sio: socketio.AsyncServer, before: qa.Question | None, after: qa.Question) -> None:
    """Tell each group that may see the question about its change (after the commit)."""
    names = {"room": f"room:{after.room}", "mod": f"mod:{after.room}", "author": f"att:{after.author}"}
    groups = [names[g] for g in sorted(qa.audiences(before, after))]
    await sio.emit("qa:question", qa.view(after), room=groups)  # a socket in several groups gets it once


async def snapshot(ctx: Context, room: str, talk: str | None) -> dict:
    runtime, who = ctx.runtime, _viewer(ctx, room)
    found = runtime.program.talk(talk) if talk else None
    if found is None:
        return {"room": room, "talk": None, "title": {}, "open": False, "questions": [], "mine": [], "voted": []}
    everything = await questions.of_talk(runtime.db, found.slug)
    shown = qa.ordered(q for q in everything if qa.visible(q, who))
    voted = await questions.voted(runtime.db, found.slug, who.attendee) if who.attendee else set()
    return {"room": room, "talk": found.slug, "title": dict(found.title.values), "privileged": who.privileged,
            "open": qa.is_open(runtime.slots(), found, runtime.clock.now(), runtime.program.event.qa),
            "questions": [qa.view(q) for q in shown], "mine": [q.id for q in shown if q.author == who.attendee],
            "voted": sorted(voted & {q.id for q in shown})}


async def on_join(ctx: Context, room: str) -> None:
    """Joining a room: enter the groups this identity may hear, then get the visible queue."""
    if ctx.identity.attendee:
        await ctx.sio.enter_room(ctx.sid, f"att:{ctx.identity.attendee}")
    if _viewer(ctx, room).privileged:
        await ctx.sio.enter_room(ctx.sid, f"mod:{room}")
    talk = qa.queue_talk(ctx.runtime.slots(), room, ctx.runtime.clock.now())
    await ctx.sio.emit("qa:snapshot", await snapshot(ctx, room, talk), to=ctx.sid)


JOIN_HOOKS.append(on_join)


@qa_action("qa:list")
async def list_queue(ctx: Context, data: dict) -> dict:
    """The visible queue of one talk, e.g. when the room moves on to the next talk."""
    talk = _talk(ctx, data)
    return await snapshot(ctx, talk.room, talk.slug)


@qa_action("qa:ask")
async def ask(ctx: Context, data: dict) -> dict:
    talk = _talk(ctx, data)
    text = qa.clean_text(field(data, "text"))
    name = qa.clean_name(field(data, "name", required=False))
    runtime = ctx.runtime
    if not qa.is_open(runtime.slots(), talk, runtime.clock.now(), runtime.program.event.qa):
        raise ActionError("closed", "questions for this talk are closed: the queue opens with its Q&A")
    _shell(ctx)[1].check("ask", ctx)
    question = qa.new_question(secrets.token_urlsafe(9), talk, ctx.identity.attendee, name, text,
                               runtime.program.event.qa, _now_ms(ctx))
    await questions.create(runtime.db, question)
    await publish(ctx.sio, None, question)
    return {"question": qa.view(question)}


@qa_action("qa:vote")
async def vote(ctx: Context, data: dict) -> dict:
    return await _vote(ctx, data, up=True)


@qa_action("qa:unvote")
async def unvote(ctx: Context, data: dict) -> dict:
    return await _vote(ctx, data, up=False)


async def _vote(ctx: Context, data: dict, up: bool) -> dict:
    question = await _question(ctx, data)
    qa.check_vote(question)
    tally, limits = _shell(ctx)
    limits.check("vote", ctx)
    db, attendee = ctx.runtime.db, ctx.identity.attendee
    votes = await (questions.vote(db, question.id, attendee, _now_ms(ctx)) if up else
                   questions.unvote(db, question.id, attendee))
    if votes is None:  # the store's unique vote per attendee and question said no
        raise (ActionError("already_voted", "you have already voted for this question") if up else
               ActionError("not_voted", "you have not voted for this question"))
    tally.note(question.room, question.id)
    return {"question": question.id, "votes": votes, "voted": up}


@qa_action("qa:withdraw")
async def withdraw(ctx: Context, data: dict) -> dict:
    before = await _question(ctx, data)
    after = qa.withdraw(before, ctx.identity.attendee, _now_ms(ctx))
    for changed in await questions.change(ctx.runtime.db, before, after, f"attendee:{ctx.identity.attendee}",
                                          "withdraw", after.updated_ms):
        await publish(ctx.sio, before if changed.id == before.id else None, changed)
    return {"question": qa.view(after)}


@qa_action("qa:moderate", requires=lambda identity: identity.moderator)
async def moderate(ctx: Context, data: dict) -> dict:
    before = await _question(ctx, data)
    action_name = field(data, "action")
    text = qa.clean_text(field(data, "text")) if action_name == "edit" else None
    after = qa.moderate(before, action_name, _now_ms(ctx), text)
    changed = await questions.change(ctx.runtime.db, before, after, f"moderator:{ctx.identity.attendee}",
                                     action_name, after.updated_ms)
    for question in changed:  # the question taken off air (if any) first, then this one
        await publish(ctx.sio, before if question.id == before.id else question, question)
    return {"question": qa.view(changed[-1])}
