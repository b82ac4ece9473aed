"""The live room, the moderator's console and the speaker's private page (the recordings they play: web/media.py).
What keeps the rooms live (socket.io, the scheduler) is the live shell's; these are the pages."""
from __future__ import annotations

from aiohttp import web

from .. import i18n
from ..core.permissions import Can
from ..services.event import slot_view
from ..services.identity import SESSION_COOKIE
from .auth import requires, set_cookie
from .broadcast_scene import link_of
from .keys import LANG, SERVICES
from .render import render
from .room_page import ROOM_PAGES, RoomPages


def setup(app: web.Application) -> None:
    app[ROOM_PAGES] = RoomPages(app[SERVICES].event)
    app.router.add_get("/rooms/{slug}", room)
    app.router.add_get("/moderate/{room}", moderate)
    app.router.add_get("/speak/{token}", speak)


def _room_context(request: web.Request, slug: str) -> dict:
    services = request.app[SERVICES]
    event = services.event
    found = event.program.room(slug)
    if found is None:
        raise web.HTTPNotFound()
    now = event.now()
    current = [s for s in event.slots() if s.talk.room == slug]
    state = event.room_state(slug, now)
    by_slug = {s.talk.slug: s for s in current}
    return {"room": found, "slots": current, "state": state, "payload": services.states.payload(slug, now),
            "on": by_slug.get(state.talk or state.next_talk or "")}


async def room(request: web.Request) -> web.Response:
    return request.app[ROOM_PAGES].page(request, _room_context(request, request.match_info["slug"]))


@requires(Can.MODERATE, login=True)
async def moderate(request: web.Request) -> web.Response:
    slug = request.match_info["room"]
    context = _room_context(request, slug)
    base = (request.app[SERVICES].settings.public_url or str(request.url.origin())).rstrip("/")
    response = render(request, "moderate.html", errors=request.app[SERVICES].event.program_errors,
                      stage_link=base + link_of(request, slug), **context)
    response.headers["Cache-Control"] = "no-store"  # the stage link is in it
    return response


async def speak(request: web.Request) -> web.Response:
    """A speaker's private link: remember who they are (the socket carries it) and show their slots."""
    services = request.app[SERVICES]
    event, signer = services.event, services.signer
    slug = signer.speaker_of(request.match_info["token"])
    speaker = event.program.speaker(slug) if slug else None
    if speaker is None:
        raise web.HTTPNotFound(text=i18n.gettext(request.get(LANG, "en"), "This speaker link is not valid any more: "
                                                 "ask the organisers for a new one."))
    now = event.now()
    own = [s for s in event.slots() if slug in s.talk.speakers]
    state = event.room_state(own[0].talk.room, now) if own else None
    room = event.program.room(own[0].talk.room) if own else None
    response = render(request, "speaker_private.html", speaker=speaker, slots=own, state=state, room=room,
                      slot_views=[slot_view(s) for s in own],
                      next_slot=next((s for s in own if s.runs and s.end > now), None))
    set_cookie(request, response, SESSION_COOKIE, signer.session_with(request.cookies, speaker=slug))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address: never pass it on
    return response
