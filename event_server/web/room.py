"""The live room, the moderator's console, the speaker's private page, and the recordings they play.

Also starts what keeps rooms live while the server runs: the overrides are loaded from the store,
the scheduler pushes each change of state, and the programme file is watched.
"""
from __future__ import annotations

import asyncio
import contextlib
import mimetypes

from aiohttp import web

from .. import scheduler, watch
from ..live.room import presence, publish, state_payload
from ..live.server import CLUSTER, SIO
from ..timeline import room_state
from .identity import SESSION_COOKIE, YEAR
from .keys import IDENTITY, RUNTIME, SIGNER
from .render import render

mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/mp4", ".mp4")
IMMUTABLE = "public, max-age=31536000, immutable"


def setup(app: web.Application) -> None:
    app.router.add_get("/rooms/{slug}", room)
    app.router.add_get("/moderate/{room}", moderate)
    app.router.add_get("/speak/{token}", speak)
    app.router.add_get("/recordings/{slug}", recording)
    app.cleanup_ctx.append(_live)


async def _live(app: web.Application):
    """After the database opens: overrides from the store, then the scheduler, the file watcher and,
    with several workers, the head counts they share."""
    runtime, sio = app[RUNTIME], app[SIO]
    await scheduler.reload_overrides(runtime)
    app[CLUSTER].on("overrides", lambda: scheduler.reload_overrides(runtime))  # a moderator on any worker
    planner = scheduler.Scheduler(runtime, lambda room, now: publish(sio, runtime, room, now))
    planner.start()
    tasks = [asyncio.create_task(watch.watch(runtime), name="programme watcher")]
    presence.attach(sio, app[CLUSTER])
    if app[CLUSTER].shared:
        tasks.append(asyncio.create_task(presence.keep_counting(sio), name="presence"))
    yield
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await planner.stop()


def _room_context(request: web.Request, slug: str) -> dict:
    runtime = request.app[RUNTIME]
    found = runtime.program.room(slug)
    if found is None:
        raise web.HTTPNotFound()
    now = runtime.clock.now()
    current = [s for s in runtime.slots() if s.talk.room == slug]
    state = room_state(current, slug, now)
    by_slug = {s.talk.slug: s for s in current}
    return {"room": found, "slots": current, "state": state, "payload": state_payload(runtime, slug, now),
            "on": by_slug.get(state.talk or state.next_talk or "")}


async def room(request: web.Request) -> web.Response:
    return render(request, "room.html", **_room_context(request, request.match_info["slug"]))


async def moderate(request: web.Request) -> web.Response:
    slug = request.match_info["room"]
    if not request[IDENTITY].moderator:
        raise web.HTTPSeeOther(f"/login?next=/moderate/{slug}")
    return render(request, "moderate.html", errors=request.app[RUNTIME].program_errors,
                  **_room_context(request, slug))


async def speak(request: web.Request) -> web.Response:
    """A speaker's private link: remember who they are (the socket carries it) and show their slots."""
    signer, runtime = request.app[SIGNER], request.app[RUNTIME]
    slug = signer.speaker_of(request.match_info["token"])
    speaker = runtime.program.speaker(slug) if slug else None
    if speaker is None:
        raise web.HTTPNotFound(text="This speaker link is not valid any more: ask the organisers for a new one.")
    own = [s for s in runtime.slots() if slug in s.talk.speakers]
    state = room_state(runtime.slots(), own[0].talk.room, runtime.clock.now()) if own else None
    room = runtime.program.room(own[0].talk.room) if own else None
    response = render(request, "speaker_private.html", speaker=speaker, slots=own, state=state, room=room,
                      next_slot=next((s for s in own if s.runs and s.end > runtime.clock.now()), None))
    session = signer.load(signer.session, request.cookies.get(SESSION_COOKIE)) or {}
    response.set_cookie(SESSION_COOKIE, signer.session.dumps({**session, "speaker": slug}), max_age=YEAR,
                        httponly=True, samesite="Lax", path="/",
                        secure=(runtime.settings.public_url or "").startswith("https://"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address: never pass it on
    return response


async def recording(request: web.Request) -> web.StreamResponse:
    """A self-hosted recording: Range requests for seeking, a video content type, and caching that a
    changed file cannot defeat (the room links `?v=<mtime>`, and only that exact version is immutable)."""
    program = request.app[RUNTIME].program
    talk = program.talk(request.match_info["slug"])
    if talk is None or not talk.recording.file:
        raise web.HTTPNotFound()
    path = (program.base_dir / talk.recording.file).resolve()
    if not path.is_file():
        raise web.HTTPNotFound()
    version = str(path.stat().st_mtime_ns)
    response = web.FileResponse(path, headers={
        "Cache-Control": IMMUTABLE if request.query.get("v") == version else "public, max-age=60",
        "Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"})
    return response

