"""The public pages people read before and on event day."""
from __future__ import annotations

from aiohttp import web

from ..timeline import on_now
from .identity import SESSION_COOKIE, YEAR, token_matches
from .keys import RUNTIME, SIGNER
from .render import render
from .security import check_csrf, safe_next


def setup(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/schedule", schedule)
    app.router.add_get("/talks/{slug}", talk)
    app.router.add_get("/speakers/{slug}", speaker)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)


# Times on every page are the effective ones (runtime.slots(): the programme after moderators' changes).

async def index(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    live, upcoming = on_now(runtime.slots(), runtime.clock.now())
    return render(request, "index.html", live=live, upcoming=upcoming)


async def schedule(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    tz = runtime.program.event.timezone
    current = runtime.slots()
    days: dict = {}
    for s in current:
        days.setdefault(s.start.astimezone(tz).date(), []).append(s)
    live, _ = on_now(current, runtime.clock.now())
    return render(request, "schedule.html", days=days, live={s.talk.slug for s in live})


async def talk(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    found = next((s for s in request.app[RUNTIME].slots() if s.talk.slug == slug), None)
    if found is None:
        raise web.HTTPNotFound()
    return render(request, "talk.html", talk=found.talk, slot=found)


async def speaker(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    found = runtime.program.speaker(request.match_info["slug"])
    if found is None:
        raise web.HTTPNotFound()
    now = runtime.clock.now()
    own = [s for s in runtime.slots() if found.slug in s.talk.speakers]
    upcoming = next((s for s in own if s.start > now and s.runs), None)
    return render(request, "speaker.html", speaker=found, slots=own, upcoming=upcoming)


async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", next=safe_next(request.query.get("next")), error=None)


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    check_csrf(request, form)
    settings = request.app[RUNTIME].settings
    token, target = str(form.get("token", "")), safe_next(str(form.get("next", "")))
    session = {role: True for role, expected in (("moderator", settings.moderator_token),
                                                 ("curator", settings.curator_token)) if token_matches(token, expected)}
    if not session:
        return render(request, "login.html", status=403, next=target,
                      error="This token is not valid. Check it with the organisers.")
    response = web.Response(status=303, headers={"Location": target})
    response.set_cookie(SESSION_COOKIE, request.app[SIGNER].session.dumps(session), max_age=YEAR, httponly=True,
                        samesite="Lax", path="/")
    return response


async def logout(request: web.Request) -> web.Response:
    check_csrf(request, await request.post())
    response = web.Response(status=303, headers={"Location": "/"})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
