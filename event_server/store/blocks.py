"""Attendees a moderator blocked from asking."""
from __future__ import annotations

from .db import Queries


async def block(db: Queries, attendee: str, by: str, now_ms: int) -> None:
    """Idempotent: blocking someone twice (two moderators at once) keeps the first record."""
    await db.execute("INSERT INTO blocked_attendees (attendee, blocked_by, at_ms) VALUES (?, ?, ?) "
                     "ON CONFLICT (attendee) DO NOTHING", attendee, by, now_ms)


async def is_blocked(db: Queries, attendee: str) -> bool:
    return await db.fetchrow("SELECT 1 AS found FROM blocked_attendees WHERE attendee = ?", attendee) is not None
