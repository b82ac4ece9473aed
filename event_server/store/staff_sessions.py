"""Staff sign-ins in the store: opened at sign-in, found on each request, pushed on, ended at sign-out."""
from __future__ import annotations

from ..core.staff import StaffSession
from .db import Queries


async def create(db: Queries, key_digest: str, session: StaffSession, now_ms: int) -> None:
    await db.execute("INSERT INTO staff_sessions (key_digest, roles, name, token_digest, created_ms, expires_ms) "
                     "VALUES (?, ?, ?, ?, ?, ?)", key_digest, ",".join(session.roles), session.name,
                     session.token_digest, now_ms, session.expires_ms)


async def find(db: Queries, key_digest: str) -> StaffSession | None:
    """The session unless it was ended (whether it expired is the rules' call)."""
    row = await db.fetchrow("SELECT roles, name, token_digest, expires_ms FROM staff_sessions "
                            "WHERE key_digest = ? AND ended_ms IS NULL", key_digest)
    return StaffSession(tuple(row["roles"].split(",")), row["name"], row["token_digest"],
                        int(row["expires_ms"])) if row else None


async def extend(db: Queries, key_digest: str, expires_ms: int) -> None:
    await db.execute("UPDATE staff_sessions SET expires_ms = ? WHERE key_digest = ? AND expires_ms < ?",
                     expires_ms, key_digest, expires_ms)


async def end(db: Queries, key_digest: str, now_ms: int) -> None:
    await db.execute("UPDATE staff_sessions SET ended_ms = ? WHERE key_digest = ? AND ended_ms IS NULL",
                     now_ms, key_digest)
