"""How much a form may send: each route reads its body through `form()` with the cap that fits it, and
anything larger is refused with 413 before it is buffered (the Content-Length is checked first; a
chunked body is read only up to the cap). The open call streams its upload with a cap of its own."""
from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy

from .. import i18n
from .keys import LANG

SMALL_FORM = 4 * 1024  # sign-in, sign-out, a decision: a token and a few short fields
FORM = 64 * 1024  # the largest text-only form (a curator's hanging form); also the app's default cap


async def form(request: web.Request, limit: int = SMALL_FORM) -> MultiDictProxy:
    if (request.content_length or 0) > limit:
        raise too_large(request, limit)
    try:
        return await request.clone(client_max_size=limit).post()
    except web.HTTPRequestEntityTooLarge:
        raise too_large(request, limit) from None


def too_large(request: web.Request, limit: int) -> web.HTTPRequestEntityTooLarge:
    text = i18n.gettext(request.get(LANG, "en"), "This form sent more than {size} KB. Shorten what you typed and "
                                                 "send it again.", size=limit // 1024)
    return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length or limit + 1, text=text)
