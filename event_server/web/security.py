"""Security headers, CSRF tokens for forms, and safe redirects."""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from aiohttp import web

from .. import i18n
from .keys import CSRF, LANG, SERVICES

# YouTube embeds (privacy-enhanced domain) and the IFrame API script are the only third parties, with the
# origins the programme's recordings come from (url: …), whose media the room plays and hls.js fetches.
CSP = ("default-src 'self'; script-src 'self' https://www.youtube.com https://s.ytimg.com; "
       "frame-src https://www.youtube-nocookie.com https://www.youtube.com; img-src 'self' data: https://i.ytimg.com; "
       "media-src 'self' blob:{media}; connect-src 'self' ws: wss:{media}; style-src 'self' 'unsafe-inline'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


@lru_cache(maxsize=8)
def policy(media_origins: frozenset[str]) -> str:
    return CSP.format(media="".join(f" {origin}" for origin in sorted(media_origins)))


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    origins = request.app[SERVICES].event.program.recording_origins
    response.headers.setdefault("Content-Security-Policy", policy(origins))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def csrf_token(secret_key: str, attendee: str) -> str:
    """Bound to the browser's attendee id, so a token from another browser or site does not pass."""
    return hmac.new(secret_key.encode(), f"csrf:{attendee}".encode(), hashlib.sha256).hexdigest()


def check_csrf(request: web.Request, form) -> None:
    if not hmac.compare_digest(str(form.get("csrf", "")), request.get(CSRF, "")):
        lang = request.get(LANG, "en")
        raise web.HTTPForbidden(text=i18n.gettext(
            lang, "This form has expired or came from another site. Reload the page and send it again."))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: a login link must not bounce visitors to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
