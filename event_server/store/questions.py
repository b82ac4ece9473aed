"""Questions, votes and the moderation log in the store. Every call returns after its commit.

The store enforces what must hold under concurrency, whatever the callers do: one vote per attendee
and question, one question on air per room, the same text once per attendee and talk. Changes are
compare-and-set on the state the rules saw, so two moderators acting at once cannot both win.
"""
from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from ..core.qa import Question, text_key
from ..core.refusal import Refused
from .db import Database, Queries

_COLUMNS = "id, talk, room, author, name, text, state, on_air_room, votes, created_ms, updated_ms"


@dataclass(frozen=True)
class LogEntry:
    """One line of the moderation log: who did what to a question, when."""

    actor: str
    action: str
    detail: str | None
    at_ms: int


def _unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(exc, asyncpg.UniqueViolationError)


def _question(row: dict) -> Question:
    return Question(row["id"], row["talk"], row["room"], row["author"], row["name"], row["text"], row["state"],
                    row["on_air_room"] is not None, int(row["votes"]), int(row["created_ms"]), int(row["updated_ms"]))


async def _ensure_attendee(tx: Queries, attendee: str, now_ms: int) -> None:
    await tx.execute("INSERT INTO attendees (id, name, created_ms) VALUES (?, NULL, ?) ON CONFLICT (id) DO NOTHING",
                     attendee, now_ms)


async def create(db: Database, q: Question) -> Question:
    """Store a new question (and its author); Refused("duplicate") if the author already asked the same text."""
    try:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO attendees (id, name, created_ms) VALUES (?, ?, ?) "
                             "ON CONFLICT (id) DO UPDATE SET name = excluded.name", q.author, q.name, q.created_ms)
            await tx.execute(f"INSERT INTO questions ({_COLUMNS}, text_key) VALUES ({', '.join('?' * 12)})",
                             q.id, q.talk, q.room, q.author, q.name, q.text, q.state,
                             q.room if q.on_air else None, q.votes, q.created_ms, q.updated_ms, text_key(q.text))
    except Exception as exc:
        if _unique_violation(exc):
            raise Refused("duplicate", "you have already asked this question") from exc
        raise
    return q


async def get(db: Queries, question: str) -> Question | None:
    row = await db.fetchrow(f"SELECT {_COLUMNS} FROM questions WHERE id = ?", question)
    return _question(row) if row else None


async def of_talk(db: Queries, talk: str) -> list[Question]:
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM questions WHERE talk = ? ORDER BY created_ms, id", talk)
    return [_question(r) for r in rows]


async def of_author(db: Queries, attendee: str) -> list[Question]:
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM questions WHERE author = ? ORDER BY created_ms, id", attendee)
    return [_question(r) for r in rows]


async def votes_of(db: Queries, ids: list[str]) -> dict[str, int]:
    """The committed vote count of each of these questions, as of now."""
    if not ids:
        return {}
    rows = await db.fetch(f"SELECT id, votes FROM questions WHERE id IN ({', '.join('?' * len(ids))})", *ids)
    return {r["id"]: int(r["votes"]) for r in rows}


async def _reread(tx: Queries, question: str) -> Question:
    found = await get(tx, question)
    assert found is not None, "a question this transaction just updated is there"
    return found


async def on_air(db: Queries, room: str) -> Question | None:
    row = await db.fetchrow(f"SELECT {_COLUMNS} FROM questions WHERE on_air_room = ?", room)
    return _question(row) if row else None


async def of_talk_voted_by(db: Queries, talk: str, attendee: str | None) -> tuple[list[Question], set[str]]:
    """The talk's questions (as `of_talk`) and those `attendee` voted for, in one read: every joiner's
    snapshot reads them, thousands a minute when a room opens."""
    rows = await db.fetch(f"SELECT {_COLUMNS}, EXISTS (SELECT 1 FROM votes WHERE votes.question = questions.id "
                          "AND votes.attendee = ?) AS voted FROM questions WHERE talk = ? ORDER BY created_ms, id",
                          attendee or "", talk)  # no attendee: "" is nobody's id
    return [_question(r) for r in rows], {r["id"] for r in rows if r["voted"]}


async def vote(db: Database, question: str, attendee: str, address: str, per_address: int, now_ms: int) -> int:
    """The question's new vote count; Refused if this attendee had already voted for it, or if `per_address`
    votes (0: no cap) already came from this address (a keyed digest of it)."""
    async with db.transaction() as tx:
        # first the question's row: votes on one question queue here, so two cannot both pass the cap
        await tx.execute("UPDATE questions SET votes = votes WHERE id = ?", question)
        if per_address:
            row = await tx.fetchrow("SELECT COUNT(*) AS n FROM votes WHERE question = ? AND address = ?",
                                    question, address)
            if int(row["n"]) >= per_address:
                raise Refused("address_limit", f"{per_address} votes for this question already came from your "
                              "network (a shared connection counts once per vote); this one was not counted",
                              limit=per_address)
        await _ensure_attendee(tx, attendee, now_ms)
        added = await tx.execute("INSERT INTO votes (question, attendee, created_ms, address) VALUES (?, ?, ?, ?) "
                                 "ON CONFLICT (question, attendee) DO NOTHING", question, attendee, now_ms, address)
        if not added:
            raise Refused("already_voted", "you have already voted for this question")
        await tx.execute("UPDATE questions SET votes = votes + 1 WHERE id = ?", question)
        row = await tx.fetchrow("SELECT votes FROM questions WHERE id = ?", question)
    return int(row["votes"])


async def unvote(db: Database, question: str, attendee: str) -> int:
    """The question's new vote count; Refused if this attendee had not voted for it."""
    async with db.transaction() as tx:
        removed = await tx.execute("DELETE FROM votes WHERE question = ? AND attendee = ?", question, attendee)
        if not removed:
            raise Refused("not_voted", "you have not voted for this question")
        await tx.execute("UPDATE questions SET votes = votes - 1 WHERE id = ?", question)
        row = await tx.fetchrow("SELECT votes FROM questions WHERE id = ?", question)
    return int(row["votes"])


async def change(db: Database, before: Question, after: Question, actor: str, action: str,
                 now_ms: int) -> list[Question]:
    """Apply a change the rules allowed, log it, and return every question it changed.

    Putting a question on air takes the previous one in its room off air (it is returned too).
    Refused("conflict") if the question changed since `before` was read.
    """
    changed: list[Question] = []
    try:
        async with db.transaction() as tx:
            if after.on_air and not before.on_air:
                previous = await on_air(tx, after.room)
                if previous is not None:
                    await tx.execute("UPDATE questions SET on_air_room = NULL, updated_ms = ? WHERE id = ?",
                                     now_ms, previous.id)
                    changed.append(await _reread(tx, previous.id))
            updated = await tx.execute(
                "UPDATE questions SET state = ?, on_air_room = ?, text = ?, updated_ms = ? "
                "WHERE id = ? AND state = ? AND text = ? AND " + ("on_air_room IS NOT NULL" if before.on_air
                                                                  else "on_air_room IS NULL"),
                after.state, after.room if after.on_air else None, after.text, after.updated_ms,
                before.id, before.state, before.text)
            if not updated:
                raise Refused("conflict", "this question was changed by someone else meanwhile; look again and retry")
            detail = after.text if after.text != before.text else None
            await tx.execute("INSERT INTO moderation_log (id, question, actor, action, detail, at_ms) "
                             "VALUES (?, ?, ?, ?, ?, ?)", secrets.token_urlsafe(9), before.id, actor, action,
                             detail, now_ms)
            changed.append(await _reread(tx, before.id))  # with the votes as they are now
    except Exception as exc:
        if _unique_violation(exc):  # another moderator of this room pinned at the same instant
            raise Refused("conflict", "another question was put on air at the same moment; try again") from exc
        raise
    return changed


async def log(db: Queries, question: str) -> list[LogEntry]:
    rows = await db.fetch("SELECT actor, action, detail, at_ms FROM moderation_log WHERE question = ? "
                          "ORDER BY at_ms, id", question)
    return [LogEntry(r["actor"], r["action"], r["detail"], int(r["at_ms"])) for r in rows]


async def count_by_state(db: Queries) -> dict[str, int]:
    """How many questions are in each state, every talk together (for /metrics)."""
    rows = await db.fetch("SELECT state, COUNT(*) AS n FROM questions GROUP BY state")
    return {r["state"]: int(r["n"]) for r in rows}


async def count_votes(db: Queries) -> int:
    """Votes standing on every question (for /metrics)."""
    row = await db.fetchrow("SELECT COUNT(*) AS n FROM votes")
    return int(row["n"]) if row else 0
