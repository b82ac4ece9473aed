"""Who is asking: an anonymous attendee (signed cookie) and any powers from a signed session. Used by
both shells: web/ reads the cookies of a page request, live/ those of a socket's handshake.

The attendee cookie is set on the first page load and carried by the socket.io handshake, so one
browser keeps one identity across reloads and reconnects. A speaker's link sets the session cookie;
moderators and curators get a key to a staff session there (services/staff.py).
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from ..core.permissions import Identity

ATTENDEE_COOKIE = "es_attendee"
SESSION_COOKIE = "es_session"
LANG_COOKIE = "es_lang"
YEAR = 365 * 24 * 3600


class Signer:
    def __init__(self, secret_key: str):
        self.attendee = URLSafeSerializer(secret_key, salt="attendee")
        self.session = URLSafeSerializer(secret_key, salt="session")
        self.speaker = URLSafeSerializer(secret_key, salt="speaker-link")
        self.stage = URLSafeSerializer(secret_key, salt="stage-link")  # a room's broadcast scene, for OBS
        # Links in an applicant's e-mail: withdraw their entry; send the work finished with a pairing.
        self.withdrawal = URLSafeSerializer(secret_key, salt="open-call-withdraw")
        self.finished_work = URLSafeSerializer(secret_key, salt="open-call-finished-work")

    def load(self, serializer: URLSafeSerializer, value: str | None) -> Any:
        if not value:
            return None
        try:
            return serializer.loads(value)
        except BadSignature:
            return None

    def identity(self, cookies: Mapping[str, str]) -> Identity:
        """The attendee and speaker the cookies name; staff powers come only from a live session
        (services/staff.py), never from the cookie alone."""
        session = self.load(self.session, cookies.get(SESSION_COOKIE)) or {}
        return Identity(attendee=self.load(self.attendee, cookies.get(ATTENDEE_COOKIE)),
                        speaker=_text(session.get("speaker")), stage=_text(session.get("stage")))

    def new_attendee(self) -> tuple[str, str]:
        """A new attendee id and its signed cookie."""
        attendee = new_attendee_id()
        return attendee, self.attendee.dumps(attendee)

    def speaker_token(self, slug: str) -> str:
        return self.speaker.dumps(slug)

    def speaker_of(self, token: str) -> str | None:
        slug = self.load(self.speaker, token)
        return slug if isinstance(slug, str) else None

    def token(self, serializer: URLSafeSerializer, value: str) -> str:
        return serializer.dumps(value)

    def value(self, serializer: URLSafeSerializer, token: str | None) -> str | None:
        found = self.load(serializer, token)
        return found if isinstance(found, str) else None

    def session_with(self, cookies: Mapping[str, str], **powers: Any) -> str:
        """The session cookie's new value: the powers it held, plus these."""
        return self.session.dumps({**(self.load(self.session, cookies.get(SESSION_COOKIE)) or {}), **powers})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def new_attendee_id() -> str:
    """An attendee nobody has named yet (a socket without the page's cookie keeps it for its connection)."""
    return secrets.token_urlsafe(12)
