"""Staff sign-ins (moderators, curators) that end. Pure: "now" is always an argument.

A sign-in lasts while it is used (each use pushes its end LIFETIME on) and ends at sign-out. It also
ends when the token that opened it is no longer configured: the session keeps a digest of that token
(never the token), so rotating MODERATOR_TOKEN, or removing one name from MODERATOR_TOKENS, revokes every
session it opened and no other.
"""
from __future__ import annotations

from dataclasses import dataclass

LIFETIME_MS = 12 * 3600 * 1000
SLIDE_EVERY_MS = 60 * 1000  # a busy console pushes its end on at most once a minute, not on every request
ROLES = ("moderator", "curator")


@dataclass(frozen=True)
class StaffToken:
    """A configured token: the role it gives and the name its holder signs in as."""

    role: str
    name: str
    digest: str


@dataclass(frozen=True)
class StaffSession:
    roles: tuple[str, ...]
    name: str
    token_digest: str
    expires_ms: int


def roles_of(digest: str, tokens: tuple[StaffToken, ...]) -> tuple[tuple[str, ...], str] | None:
    """The roles a token's digest gives (one token may be both moderator and curator) and its name."""
    found = [t for t in tokens if t.digest == digest]
    return (tuple(r for r in ROLES if any(t.role == r for t in found)), found[0].name) if found else None


def still_valid(session: StaffSession, tokens: tuple[StaffToken, ...], now_ms: int) -> tuple[str, ...]:
    """The roles the session still carries: none once it expired or its token is gone."""
    if now_ms >= session.expires_ms:
        return ()
    given = roles_of(session.token_digest, tokens)
    return tuple(r for r in session.roles if given and r in given[0])


def slid(session: StaffSession, now_ms: int) -> int | None:
    """The session's new end after a use now, if it is worth writing."""
    end = now_ms + LIFETIME_MS
    return end if end - session.expires_ms >= SLIDE_EVERY_MS else None
