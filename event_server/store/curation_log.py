"""Who did what in the open call: every curator's action and the applicants' own steps (withdrawing,
sending a finished work), with the actor as the session named them (0005_open_call.sql)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from .db import Queries


@dataclass(frozen=True)
class LogLine:
    at_ms: int
    actor: str
    action: str  # accepted, rejected, introduced, moved to …, withdrew, …
    entry: str | None
    pairing: str | None
    detail: str


async def add(db: Queries, line: LogLine) -> None:
    await db.execute("INSERT INTO curation_log (id, at_ms, actor, action, entry, pairing, detail) "
                     "VALUES (?,?,?,?,?,?,?)", secrets.token_urlsafe(9), line.at_ms, line.actor, line.action,
                     line.entry, line.pairing, line.detail)


async def about(db: Queries, entry: str, pairings: list[str]) -> list[LogLine]:
    """An entry's history, with that of its pairings, oldest first."""
    marks = ",".join("?" * len(pairings)) or "NULL"
    rows = await db.fetch("SELECT at_ms, actor, action, entry, pairing, detail FROM curation_log "
                          f"WHERE entry = ? OR pairing IN ({marks}) ORDER BY at_ms, id", entry, *pairings)
    return [LogLine(**r) for r in rows]
