"""Per-request context: language, identity, CSRF token; sets the attendee and language cookies."""
from __future__ import annotations

from aiohttp import web

from .. import i18n
from .identity import ATTENDEE_COOKIE, YEAR, Identity
from .keys import CSRF, IDENTITY, LANG, RUNTIME, SIGNER
from .security import csrf_token

LANG_COOKIE = "es_lang"


@web.middleware
async def request_context(request: web.Request, handler):
    runtime = request.app[RUNTIME]
    signer = request.app[SIGNER]
    query_lang = request.query.get("lang")
    request[LANG] = i18n.negotiate(query_lang, request.cookies.get(LANG_COOKIE),
                                     request.headers.get("Accept-Language", ""), runtime.program.event.languages)
    identity = signer.identity(request.cookies)
    new_cookie = None
    if identity.attendee is None:
        attendee, new_cookie = signer.new_attendee()
        identity = Identity(attendee, identity.moderator, identity.curator, identity.speaker)
    request[IDENTITY] = identity
    request[CSRF] = csrf_token(runtime.settings.secret_key, identity.attendee)
    response = await handler(request)
    secure = (runtime.settings.public_url or "").startswith("https://")
    if new_cookie and isinstance(response, web.Response):
        response.set_cookie(ATTENDEE_COOKIE, new_cookie, max_age=YEAR, httponly=True, samesite="Lax",
                            secure=secure, path="/")
    if query_lang == request[LANG] and request.cookies.get(LANG_COOKIE) != query_lang:
        response.set_cookie(LANG_COOKIE, query_lang, max_age=YEAR, samesite="Lax", secure=secure, path="/")
    return response
