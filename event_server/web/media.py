"""The programme's files: the gallery's media and the speakers' photos (`/media/…`), and each talk's
recording with its captions (`/recordings/{slug}`), which nobody may fetch before its premiere begins.

The server always decides who may fetch a recording and from when; the bytes may come from elsewhere:
behind nginx (RECORDINGS_ACCEL), the answer is an X-Accel-Redirect to nginx's internal location, which
sends the file (sendfile, Range); a recording at a url: on another origin is a redirect there, with a
signed, expiring link when the programme says how that origin checks them.

Only what the programme names is served: a script, a dotfile or a recording left in the media folder
stays there (404), whatever its path.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from .. import i18n
from ..core import hls
from ..core.signed_links import sign
from ..core.timeline import Slot
from ..media.recordings import captions_file, playlist_url, recording_file
from ..services.event import LiveEvent
from .keys import LANG, SERVICES

mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("application/vnd.apple.mpegurl", ".m3u8")
mimetypes.add_type("video/mp2t", ".ts")
IMMUTABLE = "public, max-age=31536000, immutable"


def setup(app: web.Application) -> None:
    app.router.add_get("/media/{path:.+}", media)
    app.router.add_get("/recordings/{slug}", recording)
    app.router.add_get("/recordings/{slug}/captions/{lang}.vtt", captions)
    app.router.add_get("/recordings/{slug}/hls/{name:.+}", hls_part)


async def media(request: web.Request) -> web.StreamResponse:
    program = request.app[SERVICES].event.program
    name = f"media/{request.match_info['path']}"
    if name not in program.public_media:
        raise web.HTTPNotFound()
    return _file(request, program.base_dir / name)


async def recording(request: web.Request) -> web.StreamResponse:
    """Range requests for seeking, a video content type, and caching that a changed file cannot defeat
    (the room links `?v=<mtime>`, and only that exact version is immutable). A recording on another origin:
    a redirect there, signed from the premiere's start when its origin checks links."""
    slot = _premiered(request)
    event, recording = request.app[SERVICES].event, slot.talk.recording
    if recording.url:
        raise web.HTTPFound(_link(event, slot, recording.url), headers={"Cache-Control": "private, no-store"})
    if recording.hls and (playlist := playlist_url(event.program, slot.talk)):
        raise web.HTTPFound(playlist)  # its playlists name files relative to themselves: play it in its folder
    path = recording_file(event.program, slot.talk)
    if path is None:
        raise web.HTTPNotFound()
    return _file(request, path, offload=True)


async def hls_part(request: web.Request) -> web.StreamResponse:
    """A file of a talk's HLS set (its playlists and segments): only from the playlist's own folder."""
    slot = _premiered(request)
    path = recording_file(request.app[SERVICES].event.program, slot.talk)
    if path is None or not slot.talk.recording.hls:
        raise web.HTTPNotFound()
    part = (path.parent / request.match_info["name"]).resolve()
    if not part.is_relative_to(path.parent) or part.suffix not in hls.SUFFIXES or not part.is_file():
        raise web.HTTPNotFound()
    return _file(request, part, offload=True)


async def captions(request: web.Request) -> web.StreamResponse:
    slot = _premiered(request)
    path = captions_file(request.app[SERVICES].event.program, slot.talk, request.match_info["lang"])
    if path is None:
        raise web.HTTPNotFound()
    return _file(request, path, offload=True)


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


def _link(event: LiveEvent, slot: Slot, url: str) -> str:
    """The address of a recording on another origin, signed if the origin checks links."""
    form, offset = slot.talk.recording.sign, event.clock.offset  # the origin checks links by the real clock
    return sign(url, form, event.settings.signing, slot.start - offset, event.now() - offset) if form else url


def _file(request: web.Request, path: Path, offload: bool = False) -> web.StreamResponse:
    """The file, sent by this process, or (`offload`, behind nginx with RECORDINGS_ACCEL) by nginx."""
    version = str(path.stat().st_mtime_ns)
    headers = {"Cache-Control": IMMUTABLE if request.query.get("v") == version else "public, max-age=60",
               "Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"}
    program, accel = request.app[SERVICES].event.program, request.app[SERVICES].event.settings.recordings_accel
    if offload and accel:
        # nginx's internal location is an alias of the programme's folder; it answers Range itself
        name = path.relative_to(program.base_dir.resolve()).as_posix()
        return web.Response(headers=headers | {"X-Accel-Redirect": accel + quote(name)})
    return web.FileResponse(path, headers=headers)
