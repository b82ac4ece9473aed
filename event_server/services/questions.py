"""The live Q&A's use cases: the rules (core.qa) applied to the store at the event's clock, with the
rate limits. Every method returns after the commit; it raises core.refusal.Refused when a rule says no,
and returns the questions it changed so the live shell can tell the people who may see them.
"""
from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..core import qa
from ..core.model import Talk
from ..core.permissions import Can, Identity, refusal
from ..core.ratelimit import Buckets, Rate, give_back_all, take_all
from ..core.refusal import Refused
from ..store import Store, archive, blocks, questions
from .event import LiveEvent


@dataclass(frozen=True)
class Change:
    """A question as it was (None: new) and as it is now, after the commit."""

    before: qa.Question | None
    after: qa.Question


class Limits:
    """Per attendee and, more generously, per address (many attendees share a NAT). Only an accepted
    action spends allowance: a refusal (by a limit, a rule or the store) gives back what it took, so a
    spammer refused at their own limit does not use up the address's allowance of their neighbours."""

    def __init__(self, settings: Settings):
        every = settings.qa_ask_interval
        self.ask = (Buckets(Rate.every(every)), Buckets(Rate.every(every, burst=10)))
        votes = settings.qa_votes_per_second
        self.vote = (Buckets(Rate.per(votes)), Buckets(Rate.per(votes * 10)))

    @contextmanager
    def spend(self, buckets: tuple[Buckets, Buckets], attendee: str, address: str) -> Iterator[None]:
        """Around an action: refused with rate_limited before it, given back if the action fails."""
        allowance = ((buckets[0], attendee), (buckets[1], address))
        wait = take_all(allowance, time.monotonic())
        if wait:
            raise Refused("rate_limited", f"slow down: try again in {wait:.0f} s" if wait >= 1
                          else "slow down: too many at once", retry_after=round(wait, 2))
        try:
            yield
        except BaseException:
            give_back_all(allowance, time.monotonic())
            raise


class QuestionDesk:
    def __init__(self, event: LiveEvent, store: Store, settings: Settings):
        self.event, self.store = event, store
        self.limits = Limits(settings)
        self.votes_per_address = settings.qa_votes_per_address
        self.secret = settings.secret_key.encode()

    def talk(self, slug: str) -> Talk:
        found = self.event.program.talk(slug)
        if found is None:
            raise Refused("not_found", f"there is no talk '{slug}'")
        return found

    def queue_talk(self, room: str) -> str | None:
        """Whose queue the room shows now."""
        return qa.queue_talk(self.event.slots(), room, self.event.now())

    def viewer(self, who: Identity, talk: str | None) -> qa.Viewer:
        return qa.viewer(who, self.event.program.talk(talk) if talk else None)

    async def question(self, who: Identity, question: str) -> qa.Question:
        """The question if `who` may see it; otherwise as if it did not exist."""
        found = await questions.get(self.store, question)
        if found is None or not qa.visible(found, self.viewer(who, found.talk)):
            raise Refused("not_found", "there is no such question (it may have been withdrawn)")
        return found

    async def snapshot(self, who: Identity, room: str, talk: str | None) -> dict[str, Any]:
        """The queue of `talk` as `who` may see it: what a page shows on joining and at each talk change."""
        found = self.event.program.talk(talk) if talk else None
        if found is None:
            return {"room": room, "talk": None, "title": {}, "open": False, "questions": [], "mine": [], "voted": []}
        viewer = self.viewer(who, found.slug)
        every, voted = await questions.of_talk_voted_by(self.store, found.slug, who.attendee)
        shown = qa.ordered(q for q in every if qa.visible(q, viewer))
        return {"room": room, "talk": found.slug, "title": dict(found.title.values), "privileged": viewer.privileged,
                "open": self.is_open(found), "questions": [qa.view(q) for q in shown],
                "mine": [q.id for q in shown if q.author == who.attendee],
                "voted": sorted(voted & {q.id for q in shown})}

    def is_open(self, talk: Talk) -> bool:
        return qa.is_open(self.event.slots(), talk, self.event.now(), self.event.program.event.qa)

    async def ask(self, who: Identity, address: str, talk: str, text: str, name: str | None) -> Change:
        found, text, name = self.talk(talk), qa.clean_text(text), qa.clean_name(name)
        if not self.is_open(found):
            raise Refused("closed", "questions for this talk are closed: the queue opens with its Q&A")
        author = _attendee(who)
        if await blocks.is_blocked(self.store, author):
            raise Refused("blocked", "a moderator has stopped your questions at this event; if this is a mistake, "
                                     "write to the organisers")
        with self.limits.spend(self.limits.ask, author, address):
            question = qa.new_question(secrets.token_urlsafe(9), found, author, name, text,
                                       self.event.program.event.qa, self.event.now_ms())
            await questions.create(self.store, question)
        return Change(None, question)

    async def vote(self, who: Identity, address: str, question: str, up: bool,
                   remembered: bool) -> tuple[qa.Question, int]:
        """The question voted on and its new count. `remembered`: the attendee identity came from the
        cookie a page load set, not one made up for a socket without it (10 reconnects: 10 votes)."""
        found = await self.question(who, question)
        qa.check_vote(found)
        if not self.is_open(self.talk(found.talk)):
            raise Refused("closed", "votes for this talk are closed: the queue takes them during its Q&A")
        if not remembered:
            raise Refused("forbidden", "open the event's page in your browser to vote: a vote needs the "
                          "identity it gives you")
        attendee = _attendee(who)
        with self.limits.spend(self.limits.vote, attendee, address):
            votes = await (questions.vote(self.store, found.id, attendee, self._address_key(address),
                                          self.votes_per_address, self.event.now_ms())
                           if up else questions.unvote(self.store, found.id, attendee))
        return found, votes

    def _address_key(self, address: str) -> str:
        """What the store keeps of a voter's address: enough to count votes from it, not the address."""
        return hmac.new(self.secret, address.encode(), "sha256").hexdigest()[:20]

    async def withdraw(self, who: Identity, question: str) -> list[Change]:
        before = await self.question(who, question)
        after = qa.withdraw(before, who.attendee, self.event.now_ms())
        return await self._change(before, after, f"attendee:{who.attendee}", "withdraw")

    async def moderate(self, who: Identity, question: str, action: str, text: str | None) -> list[Change]:
        """A moderator's action; putting a question on air takes the previous one off (first in the list)."""
        before = await self.question(who, question)
        fixed = qa.clean_text(text or "") if action == "edit" else None
        after = qa.moderate(before, action, self.event.now_ms(), fixed)
        return await self._change(before, after, _moderator(who), action)

    async def block(self, who: Identity, question: str) -> list[Change]:
        """Block the asker of `question` (moderators never learn who it is): every question of theirs still
        in a queue is rejected, and they may ask no more."""
        found = await self.question(who, question)
        await blocks.block(self.store, found.author, _moderator(who), self.event.now_ms())
        changes: list[Change] = []
        for before in await questions.of_author(self.store, found.author):
            if (after := qa.blocked(before, self.event.now_ms())) is not None:
                changes += await self._change(before, after, _moderator(who), "block")
        return changes

    async def votes_of(self, ids: list[str]) -> dict[str, int]:
        return await questions.votes_of(self.store, ids)

    async def of_talk(self, talk: Talk) -> list[qa.Question]:
        return await questions.of_talk(self.store, talk.slug)

    async def archive(self, who: Identity, talk: str) -> list[tuple[qa.Question, bool]] | None:
        """A talk's archive once its Q&A has ended (None before): its answered questions, each with whether
        a moderator hid it; people other than moderators get only those not hidden."""
        slot = self.event.slot(talk)
        if slot is None or not qa.archive_open(slot, self.event.now()):
            return None
        found = await questions.of_talk(self.store, talk)
        return qa.archived(found, await archive.hidden_of(self.store, talk), who.moderator)

    async def hide(self, question: str, hidden: bool) -> qa.Question:
        """A moderator keeps an answered question off its talk's archive, or shows it there again."""
        found = await questions.get(self.store, question)
        if found is None:
            raise Refused("not_found", "there is no such question")
        qa.check_hide(found)
        if hidden:
            await archive.hide(self.store, question, self.event.now_ms())
        else:
            await archive.show(self.store, question)
        return found

    async def _change(self, before: qa.Question, after: qa.Question, actor: str, action: str) -> list[Change]:
        changed = await questions.change(self.store, before, after, actor, action, after.updated_ms)
        return [Change(before if q.id == before.id else q, q) for q in changed]


def _moderator(who: Identity) -> str:
    """The moderation log's actor: the moderator's name (MODERATOR_TOKENS), else their browser."""
    return f"moderator:{who.staff or who.attendee}"


def _attendee(who: Identity) -> str:
    if who.attendee is None:
        raise Refused("forbidden", refusal(Can.ATTEND))
    return who.attendee
