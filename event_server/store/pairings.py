"""Pairings: an idea introduced to one data scientist, and how it went on (0005_open_call.sql)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from .db import Queries


@dataclass(frozen=True)
class Pairing:
    id: str
    idea: str  # the idea's entry
    profile: str  # the data scientist's entry
    note: str
    status: str  # introduced | working | submitted | accepted | ended
    work: str | None  # the finished work's entry, once sent
    created_ms: int
    changed_ms: int


async def add(db: Queries, idea: str, profile: str, note: str, now_ms: int) -> Pairing:
    pairing = Pairing("PR-" + secrets.token_hex(5).upper(), idea, profile, note, "introduced", None, now_ms, now_ms)
    await db.execute("INSERT INTO pairings (id, idea, profile, note, status, created_ms, changed_ms) "
                     "VALUES (?,?,?,?,?,?,?)", pairing.id, idea, profile, note, pairing.status, now_ms, now_ms)
    return pairing


async def get(db: Queries, pairing: str) -> Pairing | None:
    row = await db.fetchrow("SELECT * FROM pairings WHERE id = ?", pairing)
    return Pairing(**row) if row else None


async def of_entry(db: Queries, reference: str) -> list[Pairing]:
    """The pairings an idea or a profile is part of, or the one a finished work came from."""
    rows = await db.fetch("SELECT * FROM pairings WHERE idea = ? OR profile = ? OR work = ? ORDER BY created_ms, id",
                          reference, reference, reference)
    return [Pairing(**r) for r in rows]


async def move(db: Queries, pairing: str, status: str, now_ms: int, work: str | None = None) -> None:
    if work is None:
        await db.execute("UPDATE pairings SET status = ?, changed_ms = ? WHERE id = ?", status, now_ms, pairing)
    else:
        await db.execute("UPDATE pairings SET status = ?, work = ?, changed_ms = ? WHERE id = ?",
                         status, work, now_ms, pairing)
