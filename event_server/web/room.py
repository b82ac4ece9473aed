"""The live room, the moderator's console, the speaker's private page, and the recordings they play.
What keeps the rooms live (socket.io, the scheduler) is the live shell's; these are the pages."""
from __future__ import annotations

import mimetypes

from aiohttp import web

from .. import i18n
from ..core.permissions import Can
from ..media.recordings import recording_file
from ..services.identity import SESSION_COOKIE
from .auth import requires, set_cookie
from .keys import LANG, SERVICES
from .render import render

mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/mp4", ".mp4")
IMMUTABLE = "public, max-age=31536000, immutable"


def setup(app: web.Application) -> None:
    app.router.add_get("/rooms/{slug}", room)
    app.router.add_get("/moderate/{room}", moderate)
    app.router.add_get("/speak/{token}", speak)
    app.router.add_get("/recordings/{slug}", recording)


def _room_context(request: web.Request, slug: str) -> dict:
    event = request.app[SERVICES].event
    found = event.program.room(slug)
    if found is None:
        raise web.HTTPNotFound()
    now = event.now()
    current = [s for s in event.slots() if s.talk.room == slug]
    state = event.room_state(slug, now)
    by_slug = {s.talk.slug: s for s in current}
    return {"room": found, "slots": current, "state": state, "payload": event.room_payload(slug, now),
            "on": by_slug.get(state.talk or state.next_talk or "")}


async def room(request: web.Request) -> web.Response:
    return render(request, "room.html", **_room_context(request, request.match_info["slug"]))


@requires(Can.MODERATE, login=True)
async def moderate(request: web.Request) -> web.Response:
    return render(request, "moderate.html", errors=request.app[SERVICES].event.program_errors,
                  **_room_context(request, request.match_info["room"]))


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
                      next_slot=next((s for s in own if s.runs and s.end > now), None))
    set_cookie(request, response, SESSION_COOKIE, signer.session_with(request.cookies, speaker=slug))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address: never pass it on
    return response


async def recording(request: web.Request) -> web.StreamResponse:
    """A self-hosted recording: Range requests for seeking, a video content type, and caching that a
    changed file cannot defeat (the room links `?v=<mtime>`, and only that exact version is immutable)."""
    program = request.app[SERVICES].event.program
    talk = program.talk(request.match_info["slug"])
    path = recording_file(program, talk) if talk else None
    if path is None:
        raise web.HTTPNotFound()
    version = str(path.stat().st_mtime_ns)
    return web.FileResponse(path, headers={
        "Cache-Control": IMMUTABLE if request.query.get("v") == version else "public, max-age=60",
        "Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"})
