"""Security headers, CSRF tokens for forms, and safe redirects."""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import unquote, urlsplit

from aiohttp import web

from .. import i18n
from .keys import CSRF, LANG, SERVICES

# YouTube embeds (privacy-enhanced domain) and the IFrame API script are the only third parties, with the
# origins the programme's recordings come from (url: …), whose media the room plays and hls.js fetches; the one
# inline script is the pages' import map (web/static.py), allowed by its hash. The socket may only
# reach this site (websocket origins are not covered by 'self' in every browser).
CSP = ("default-src 'self'; script-src 'self' {import_map} https://www.youtube.com https://s.ytimg.com; "
       "frame-src https://www.youtube-nocookie.com https://www.youtube.com; img-src 'self' data: https://i.ytimg.com; "
       "media-src 'self' blob:{media}; connect-src 'self' {socket}{media}; style-src 'self' 'unsafe-inline'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
HSTS = "max-age=31536000"  # a year; not includeSubDomains: the organisers' other sites are not ours to decide


def install(app: web.Application, public_url: str | None, import_map: str) -> None:
    """Headers on every response: pages, files, redirects and errors alike (a signal, not a middleware,
    because raised redirects and the router's own 404/405 never pass back through a middleware)."""
    https = bool(public_url and public_url.startswith("https://"))

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        host = urlsplit(public_url).netloc if public_url else request.host
        media = "".join(f" {origin}" for origin in sorted(request.app[SERVICES].event.program.recording_origins))
        response.headers.setdefault("Content-Security-Policy",
                                    CSP.format(import_map=import_map, media=media,
                                               socket=f"{'wss' if https or request.secure else 'ws'}://{host}"))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
    app.on_response_prepare.append(add_headers)


def csrf_token(secret_key: str, attendee: str) -> str:
    """Bound to the browser's attendee id, so a token from another browser or site does not pass."""
    return hmac.new(secret_key.encode(), f"csrf:{attendee}".encode(), hashlib.sha256).hexdigest()


def check_csrf(request: web.Request, form) -> None:
    if not hmac.compare_digest(str(form.get("csrf", "")), request.get(CSRF, "")):
        lang = request.get(LANG, "en")
        raise web.HTTPForbidden(text=i18n.gettext(
            lang, "This form has expired or came from another site. Reload the page and send it again."))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: a login link must not bounce visitors to another site. Browsers drop tabs
    and newlines from a Location ("/%09/evil" becomes "//evil") and read a backslash as "/", so a path with either
    — as given or once more percent-decoded — is refused, as is anything a header cannot carry."""
    if not target:
        return default
    for form in (target, unquote(target)):
        if not form.startswith("/") or form.startswith("//") or "\\" in form or not form.isprintable():
            return default
    return target
