"""Moderator overrides of the day's timeline: append one, read them all back in the order made."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from ..core.timeline import Override
from .db import Queries


async def add(db: Queries, override: Override) -> None:
    await db.execute("INSERT INTO overrides (id, action, talk, minutes, made_ms) VALUES (?, ?, ?, ?, ?)",
                     secrets.token_urlsafe(12), override.action, override.talk, override.minutes,
                     round(override.at.timestamp() * 1000))


async def all_overrides(db: Queries) -> tuple[Override, ...]:
    rows = await db.fetch("SELECT action, talk, minutes, made_ms FROM overrides ORDER BY made_ms, id")
    return tuple(Override(r["action"], r["talk"], r["minutes"],
                          datetime.fromtimestamp(r["made_ms"] / 1000, UTC)) for r in rows)
