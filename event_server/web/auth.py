"""Who may open what: the one guard every restricted route declares, the cookies that carry identity,
and the staff sign-in.

`@requires(Can.CURATE, login=True)` on a handler says, where the handler is written, which capability
it needs (core.permissions decides); without it a page shows the sign-in form (login=True) or answers
403 with what to do. Routes without @requires are public (Can.WATCH).
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote

from aiohttp import web

from .. import i18n
from ..core.model import Talk
from ..core.permissions import Can, may, refusal
from ..core.ratelimit import Buckets, Rate
from ..i18n import N_
from ..services.identity import SESSION_COOKIE, YEAR
from . import bodies
from .keys import IDENTITY, LANG, SERVICES
from .render import render
from .security import check_csrf, safe_next

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SIGN_INS = web.AppKey("sign_ins", Buckets)  # per address


def requires(can: Can, *, login: bool = False, talk: Callable[[web.Request], Talk] | None = None):
    def guard(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            subject = talk(request) if talk else None
            if not may(request[IDENTITY], can, subject):
                if login:
                    raise web.HTTPSeeOther(f"/login?next={quote(request.path)}")
                raise web.HTTPForbidden(text=i18n.gettext(request.get(LANG, "en"), refusal(can)))
            return await handler(request)
        guarded.needs = can  # type: ignore[attr-defined]  # read by the permission table test
        return guarded
    return guard


def actor(request: web.Request) -> str:
    """Who is acting, as logs record them: the one place a signed-in person's name comes from — their name
    in CURATOR_TOKENS/MODERATOR_TOKENS, or "curator"/"moderator" for the shared token."""
    return request[IDENTITY].staff or "attendee"


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, *,
               httponly: bool = True, max_age: int = YEAR) -> None:
    """Every cookie of ours the same way: SameSite=Lax, the whole site, Secure when served over https."""
    public_url = request.app[SERVICES].settings.public_url or ""
    response.set_cookie(name, value, max_age=max_age, httponly=httponly, samesite="Lax", path="/",
                        secure=public_url.startswith("https://"))


def setup(app: web.Application) -> None:
    app[SIGN_INS] = Buckets(Rate.per(20, 600))  # a whole team behind one address signs in well under this
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", next=safe_next(request.query.get("next"), default=""), error=None)


async def login(request: web.Request) -> web.Response:
    form = await bodies.form(request)
    check_csrf(request, form)
    if request.app[SIGN_INS].take(request.remote or "", time.monotonic()):  # guessing tokens takes forever
        raise web.HTTPTooManyRequests(text=i18n.gettext(request.get(LANG, "en"), "Too many tries from your "
                                                        "address. Please wait a few minutes and send the form again."))
    services = request.app[SERVICES]
    token, target = str(form.get("token", "")), safe_next(str(form.get("next", "")), default="")
    opened = await services.staff.open(token)
    if opened is None:
        return render(request, "login.html", status=403, next=target,
                      error=N_("This token is not valid. Check it with the organisers."))
    key, roles = opened
    if previous := services.staff.key(request.cookies):  # signing in again ends the session it replaces
        await services.staff.close(previous)
    response = web.Response(status=303, headers={"Location": target or console_of(request, roles)})
    set_cookie(request, response, SESSION_COOKIE, services.signer.session_with(request.cookies, staff=key))
    return response


def console_of(request: web.Request, roles: tuple[str, ...]) -> str:
    """Where staff land after signing in without a page to return to: the console their role uses."""
    rooms = request.app[SERVICES].event.program.rooms
    if "moderator" in roles and rooms:
        return f"/moderate/{rooms[0].slug}"
    return "/curate" if "curator" in roles else "/"


async def logout(request: web.Request) -> web.Response:
    """Ends the staff session on the server too: a copy of the cookie opens nothing afterwards."""
    check_csrf(request, await bodies.form(request))
    if key := request.app[SERVICES].staff.key(request.cookies):
        await request.app[SERVICES].staff.close(key)
    response = web.Response(status=303, headers={"Location": "/"})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
