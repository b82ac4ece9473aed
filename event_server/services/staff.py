"""Staff sign-ins that can end (core/staff.py has the rules): opened at /login with a configured token,
found again from the session cookie on each page and socket, ended at sign-out, on expiry, or when the
token is no longer configured. Both shells resolve a browser's whole identity here.

The cookie holds a random key; the store keeps only its digest (a copy of the database opens no
console) and a digest of the token, keyed with SECRET_KEY.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import replace

from ..config import Settings
from ..core import staff
from ..core.permissions import Identity
from ..store import Store, staff_sessions
from .identity import SESSION_COOKIE, Signer


class StaffSessions:
    def __init__(self, store: Store, settings: Settings, signer: Signer):
        self.store, self.signer, self.secret = store, signer, settings.secret_key.encode()
        configured = [("moderator", "moderator", settings.moderator_token),
                      ("curator", "curator", settings.curator_token)]
        configured += [("moderator", n, t) for n, t in settings.moderator_tokens]
        configured += [("curator", n, t) for n, t in settings.curator_tokens]
        self.tokens = tuple(staff.StaffToken(role, name, self._digest("token", token))
                            for role, name, token in configured if token)

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self.secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def signs_in(self, token: str | None) -> tuple[tuple[str, ...], str] | None:
        """The roles and name a token gives (compared as digests: no timing hint of a token's prefix)."""
        return staff.roles_of(self._digest("token", token), self.tokens) if token else None

    async def open(self, token: str) -> tuple[str, tuple[str, ...]] | None:
        """A new session's key (for the cookie) and roles, or None for a token that is not configured."""
        given = self.signs_in(token)
        if given is None:
            return None
        key, now = secrets.token_urlsafe(24), _now_ms()
        await staff_sessions.create(self.store, self._digest("session", key), staff.StaffSession(
            given[0], given[1], self._digest("token", token), now + staff.LIFETIME_MS), now)
        return key, given[0]

    async def find(self, key: str, use: bool = True) -> tuple[tuple[str, ...], str] | None:
        """The roles and name a session still carries, None once it ended; a use pushes its end on (a check
        that nobody acted, such as the live shell's sweep, does not)."""
        digest, now = self._digest("session", key), _now_ms()
        found = await staff_sessions.find(self.store, digest)
        roles = staff.still_valid(found, self.tokens, now) if found else ()
        if not found or not roles:
            return None
        if use and (end := staff.slid(found, now)) is not None:
            await staff_sessions.extend(self.store, digest, end)
        return roles, found.name

    async def close(self, key: str) -> None:
        await staff_sessions.end(self.store, self._digest("session", key), _now_ms())

    def key(self, cookies: Mapping[str, str]) -> str | None:
        session = self.signer.load(self.signer.session, cookies.get(SESSION_COOKIE)) or {}
        return session.get("staff") if isinstance(session.get("staff"), str) else None

    async def identity(self, cookies: Mapping[str, str]) -> Identity:
        """The browser's attendee id and speaker link (signed cookies), plus a live staff session's powers."""
        who = self.signer.identity(cookies)
        key = self.key(cookies)
        found = await self.find(key) if key else None
        return with_staff(who, *found) if found else who


def with_staff(who: Identity, roles: tuple[str, ...], name: str) -> Identity:
    return replace(who, moderator="moderator" in roles, curator="curator" in roles, staff=name)


def _now_ms() -> int:
    return int(time.time() * 1000)  # sessions last real hours, whatever the event's (rehearsal) clock says
