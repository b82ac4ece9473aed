"""Per-request context: language, identity, CSRF token; sets the attendee and language cookies."""
from __future__ import annotations

import logging
from dataclasses import replace

from aiohttp import web

from .. import i18n
from ..services.identity import ATTENDEE_COOKIE, LANG_COOKIE
from .auth import set_cookie
from .keys import CSRF, IDENTITY, LANG, SERVICES
from .security import csrf_token

log = logging.getLogger(__name__)
SOCKET_IO = "/socket.io/"  # every socket.io request (a websocket's, each long-poll): no page context to make


@web.middleware
async def request_context(request: web.Request, handler):
    if request.path == SOCKET_IO:  # the socket reads its own identity at its handshake (live/service.py)
        return await handler(request)
    services = request.app[SERVICES]
    signer = services.signer
    query_lang = request.query.get("lang")
    request[LANG] = i18n.negotiate(query_lang, request.cookies.get(LANG_COOKIE),
                                   request.headers.get("Accept-Language", ""), services.event.program.event.languages)
    try:
        identity = await services.staff.identity(request.cookies)
    except Exception:  # the database away: pages still show, without staff powers until it is back
        log.warning("could not check a staff session; serving %s without its powers", request.path, exc_info=True)
        identity = signer.identity(request.cookies)
    new_cookie = None
    if identity.attendee is None:
        attendee, new_cookie = signer.new_attendee()
        identity = replace(identity, attendee=attendee)
    request[IDENTITY] = identity
    request[CSRF] = csrf_token(services.settings.secret_key, identity.attendee or "")
    response = await handler(request)
    if new_cookie and isinstance(response, web.Response):
        set_cookie(request, response, ATTENDEE_COOKIE, new_cookie)
    if query_lang and query_lang == request[LANG] and request.cookies.get(LANG_COOKIE) != query_lang:
        set_cookie(request, response, LANG_COOKIE, query_lang, httponly=False)
    return response
