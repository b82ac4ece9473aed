"""The letters to applicants, as curators see them: what was sent, what waits (and why), what failed, and
what may or may not have arrived — with "send again" for the last two. Without SMTP_URL every letter
waits here, readable, as "not sent"."""
from __future__ import annotations

from aiohttp import web

from ..core import outbox
from ..core.permissions import Can
from . import bodies
from .auth import actor, requires
from .keys import SERVICES
from .render import render
from .security import check_csrf


def setup(app: web.Application) -> None:
    app.router.add_get("/curate/mail", letters)
    app.router.add_post("/curate/mail/{mail}/send-again", send_again)


@requires(Can.CURATE, login=True)
async def letters(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    state = request.query.get("state", "")
    return render(request, "curate_mail.html", letters=await services.outbox.letters(state or None),
                  counts=await services.outbox.counts(), state=state, states=outbox.STATES,
                  sending=services.outbox.sending)


@requires(Can.CURATE)
async def send_again(request: web.Request) -> web.Response:
    check_csrf(request, await bodies.form(request))
    await request.app[SERVICES].open_call.send_again(request.match_info["mail"], actor=actor(request))
    raise web.HTTPSeeOther("/curate/mail")
