"""Which answered questions a moderator hid from a talk's archive."""
from __future__ import annotations

from .db import Queries


async def hide(db: Queries, question: str, now_ms: int) -> None:
    await db.execute("INSERT INTO archive_hidden (question, at_ms) VALUES (?, ?) ON CONFLICT (question) DO NOTHING",
                     question, now_ms)


async def show(db: Queries, question: str) -> None:
    await db.execute("DELETE FROM archive_hidden WHERE question = ?", question)


async def hidden_of(db: Queries, talk: str) -> set[str]:
    rows = await db.fetch("SELECT h.question FROM archive_hidden h JOIN questions q ON q.id = h.question "
                          "WHERE q.talk = ?", talk)
    return {r["question"] for r in rows}
