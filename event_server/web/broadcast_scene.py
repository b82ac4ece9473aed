"""The broadcast scene: one 1920×1080 page per room that OBS shows as its only browser source, driven by
the room's timeline (countdown slate, the premiere with sound, a "Q&A next" sting, the Q&A lower third,
the break slate with the gallery, the end credits). static/js/scene.js keeps it live over socket.io.

The scene shows nothing that is not public, but it is meant for the stream alone: it needs Can.STAGE,
which moderators have and which a room's signed stage link (on the moderator's console) gives the
browser that opens it, OBS's browser source. The link sets the session and lands on the scene, so OBS
can keep the link as its address and a reload finds the scene again.
"""
from __future__ import annotations

from aiohttp import web

from .. import i18n
from ..core.model import Talk
from ..core.permissions import Can
from ..services.identity import SESSION_COOKIE
from .auth import requires, set_cookie
from .gallery import picture_of
from .keys import LANG, SERVICES
from .render import render


def setup(app: web.Application) -> None:
    app.router.add_get("/stage/{token}", stage_link)
    app.router.add_get("/rooms/{slug}/stage", scene)


def link_of(request: web.Request, room: str) -> str:
    """The room's stage link, for its moderators to paste into OBS."""
    return f"/stage/{request.app[SERVICES].signer.stage.dumps(room)}"


async def stage_link(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    room = services.signer.value(services.signer.stage, request.match_info["token"])
    if room is None or services.event.program.room(room) is None:
        raise web.HTTPNotFound(text=i18n.gettext(request.get(LANG, "en"), "This stage link is not valid any more: "
                                                 "copy the current one from the moderator's console."))
    response = web.Response(status=303, headers={"Location": f"/rooms/{room}/stage", "Cache-Control": "no-store",
                                                 "Referrer-Policy": "no-referrer"})
    set_cookie(request, response, SESSION_COOKIE, services.signer.session_with(request.cookies, stage=room))
    return response


def _speakers(request: web.Request, talk: Talk) -> list[dict]:
    return [{"name": dict(s.name.values), "photo": f"/{s.photo}" if s.photo and "://" not in s.photo else s.photo}
            for s in request.app[SERVICES].event.program.speakers_of(talk)]


@requires(Can.STAGE)
async def scene(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    event = services.event
    room = event.program.room(request.match_info["slug"])
    if room is None:
        raise web.HTTPNotFound()
    now = event.now()
    slots = [s for s in event.slots() if s.talk.room == room.slug]
    # every talk of the room's day as the scene shows it: both languages, speakers with their photos
    talks = {s.talk.slug: {"title": dict(s.talk.title.values), "speakers": _speakers(request, s.talk)} for s in slots}
    # the break slate's loop: each work with its credit, as the gallery shows it
    works = [{"src": p["large"], "title": w.title, "by": ", ".join(w.artists + w.collaborators)}
             for r in await services.gallery.rooms() for w in r.works if (p := picture_of(request, r.slug, w))]
    response = render(request, "broadcast_scene.html", room=room, slots=slots, talks=talks, works=works,
                      state=event.room_state(room.slug, now), payload=services.states.payload(room.slug, now))
    response.headers["Cache-Control"] = "no-store"
    return response
