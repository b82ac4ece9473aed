"""The programme's files: the gallery's media and the speakers' photos (`/media/…`), and each talk's
recording with its captions (`/recordings/{slug}`), which nobody may fetch before its premiere begins.

Only what the programme names is served: a script, a dotfile or a recording left in the media folder
stays there (404), whatever its path.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from aiohttp import web

from .. import i18n
from ..core.timeline import Slot
from ..media.recordings import captions_file, recording_file
from .keys import LANG, SERVICES

mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("text/vtt", ".vtt")
IMMUTABLE = "public, max-age=31536000, immutable"


def setup(app: web.Application) -> None:
    app.router.add_get("/media/{path:.+}", media)
    app.router.add_get("/recordings/{slug}", recording)
    app.router.add_get("/recordings/{slug}/captions/{lang}.vtt", captions)


async def media(request: web.Request) -> web.StreamResponse:
    program = request.app[SERVICES].event.program
    name = f"media/{request.match_info['path']}"
    if name not in program.public_media:
        raise web.HTTPNotFound()
    return _file(request, program.base_dir / name)


async def recording(request: web.Request) -> web.StreamResponse:
    """Range requests for seeking, a video content type, and caching that a changed file cannot defeat
    (the room links `?v=<mtime>`, and only that exact version is immutable)."""
    slot = _premiered(request)
    path = recording_file(request.app[SERVICES].event.program, slot.talk)
    if path is None:
        raise web.HTTPNotFound()
    return _file(request, path)


async def captions(request: web.Request) -> web.StreamResponse:
    slot = _premiered(request)
    path = captions_file(request.app[SERVICES].event.program, slot.talk, request.match_info["lang"])
    if path is None:
        raise web.HTTPNotFound()
    return _file(request, path)


def _premiered(request: web.Request) -> Slot:
    """The talk's slot, if its recording may be watched now; otherwise a friendly 403 that says when."""
    event = request.app[SERVICES].event
    slot = event.slot(request.match_info["slug"])
    if slot is None:
        raise web.HTTPNotFound()
    if not slot.premiered(event.now()):
        lang = request.get(LANG, "en")
        message = (i18n.gettext(lang, "This talk was cancelled, so it has no recording.") if not slot.runs else
                   i18n.gettext(lang, "This recording premieres in the room on {day} at {time} ({zone}): watch it "
                                "there with everyone. It can be watched here from then on.",
                                day=event.shown(slot.start, "%d.%m.%Y"), time=event.shown(slot.start, "%H:%M"),
                                zone=event.program.event.timezone.key))
        raise web.HTTPForbidden(text=message)  # a 403 is not cached: it lifts when the premiere starts
    return slot


def _file(request: web.Request, path: Path) -> web.FileResponse:
    version = str(path.stat().st_mtime_ns)
    return web.FileResponse(path, headers={
        "Cache-Control": IMMUTABLE if request.query.get("v") == version else "public, max-age=60",
        "Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"})
