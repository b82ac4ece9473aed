"""The gallery pages: rooms, a room's grid, one work; its thumbnails and the uploads hung from the open call."""
from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from .. import gallery, i18n, thumbnails
from ..model import GalleryRoom, GalleryWork
from ..store import submissions
from .keys import RUNTIME
from .render import render

IMMUTABLE = "public, max-age=31536000, immutable"  # thumbnail URLs carry the source's version


def setup(app: web.Application) -> None:
    """The gallery's pages, and its open call and curation, which feed it."""
    from . import curate, open_call  # they build on helpers below

    app.router.add_get("/gallery", index)
    app.router.add_get("/gallery/{room}", room)
    app.router.add_get("/gallery/{room}/{work}", work)
    app.router.add_get(r"/gallery/{room}/{work}/thumb-{width:\d+}.{fmt:webp|jpg}", thumb)
    app.router.add_get("/uploads/{name}", public_upload)
    open_call.setup(app)
    curate.setup(app)


def uploads_dir(request: web.Request) -> Path:
    return request.app[RUNTIME].settings.data_dir / "uploads"


def message(lang: str, msg: gallery.Message) -> str:
    """A rule's (template, values) in the visitor's language; word values such as 'audio' too."""
    template, values = msg
    return i18n.gettext(lang, template, **{k: i18n.gettext(lang, str(v)) for k, v in values.items()})


async def rooms_of(request: web.Request) -> tuple[GalleryRoom, ...]:
    runtime = request.app[RUNTIME]
    return gallery.combine(runtime.program.gallery, await submissions.hung_works(runtime.db))


def _source(request: web.Request, work: GalleryWork) -> Path | None:
    found = gallery.picture(work)
    if not found:
        return None
    if found.startswith("upload:"):
        path = uploads_dir(request) / found.removeprefix("upload:")
    else:
        path = request.app[RUNTIME].program.base_dir / found
    return path if path.is_file() else None


def picture_of(request: web.Request, room_slug: str, work: GalleryWork | None) -> dict | None:
    """srcset data for a work's picture: WebP with a JPEG fallback, never wider than the source."""
    source = _source(request, work) if work else None
    if source is None:
        return None
    try:
        width, height = thumbnails.size(source)
        version = thumbnails.version(source)
    except OSError:
        return None
    sizes = [w for w in gallery.THUMB_WIDTHS if w < width]
    if len(sizes) < len(gallery.THUMB_WIDTHS):  # one more, made at the source's own width
        sizes.append(gallery.THUMB_WIDTHS[len(sizes)])
    base = f"/gallery/{room_slug}/{work.slug}/thumb-"

    def srcset(fmt: str) -> str:
        return ", ".join(f"{base}{w}.{fmt}?v={version} {min(w, width)}w" for w in sizes)

    return {"webp": srcset("webp"), "jpg": srcset("jpg"), "src": f"{base}{sizes[0]}.jpg?v={version}",
            "large": f"{base}{sizes[-1]}.jpg?v={version}", "width": width, "height": height}


def media_url(work: GalleryWork) -> str | None:
    if work.upload:
        return f"/uploads/{work.upload}"
    if work.media and "://" not in work.media:
        return "/" + work.media
    return None


def _render(request: web.Request, template: str, **context) -> web.Response:
    return render(request, template, picture=lambda room, w: picture_of(request, room, w), media_url=media_url,
                  cover=gallery.cover, is_remote=gallery.is_remote, **context)


async def index(request: web.Request) -> web.Response:
    if request.app[RUNTIME].program.gallery is None:
        raise web.HTTPNotFound()
    return _render(request, "gallery.html", rooms=await rooms_of(request))


async def room(request: web.Request) -> web.Response:
    found = gallery.find_room(await rooms_of(request), request.match_info["room"])
    if found is None:
        raise web.HTTPNotFound()
    return _render(request, "gallery_room.html", room=found)


async def work(request: web.Request) -> web.Response:
    found = gallery.find_room(await rooms_of(request), request.match_info["room"])
    before, this, after = gallery.neighbours(found, request.match_info["work"]) if found else (None, None, None)
    if this is None:
        raise web.HTTPNotFound()
    settings = request.app[RUNTIME].settings
    share = f"{settings.public_url or f'{request.scheme}://{request.host}'}/gallery/{found.slug}/{this.slug}"
    index = [w.slug for w in found.works].index(this.slug)
    return _render(request, "gallery_work.html", room=found, work=this, before=before, after=after, share=share,
                   position=index + 1)


async def thumb(request: web.Request) -> web.FileResponse:
    width, fmt = int(request.match_info["width"]), request.match_info["fmt"]
    found = gallery.find_room(await rooms_of(request), request.match_info["room"])
    _, this, _ = gallery.neighbours(found, request.match_info["work"]) if found else (None, None, None)
    source = _source(request, this) if this else None
    if source is None or width not in gallery.THUMB_WIDTHS:
        raise web.HTTPNotFound()
    cache = request.app[RUNTIME].settings.data_dir / "thumbs"
    # Decoding and resizing take tens of milliseconds: off the event loop. Two first requests for the
    # same thumbnail may both make it; each writes its own temporary file and the rename is atomic.
    path = await asyncio.get_running_loop().run_in_executor(None, thumbnails.thumbnail, source, width, fmt, cache)
    return web.FileResponse(path, headers={"Content-Type": "image/webp" if fmt == "webp" else "image/jpeg",
                                           "Cache-Control": IMMUTABLE if request.query.get("v") else "no-cache"})


async def public_upload(request: web.Request) -> web.FileResponse:
    """An upload is public only once its work hangs in the gallery; before that only curators see it."""
    name = request.match_info["name"]
    mime = await submissions.upload_type(request.app[RUNTIME].db, name, public=True)
    return upload_response(request, name, mime)


def upload_response(request: web.Request, name: str, mime: str | None) -> web.FileResponse:
    path = uploads_dir(request) / name
    if mime is None or not path.is_file():
        raise web.HTTPNotFound()
    # The type we sniffed, never one guessed from the name; CSP sandbox stops an upload acting as a page.
    return web.FileResponse(path, headers={"Content-Type": mime, "Content-Disposition": "inline",
                                           "Content-Security-Policy": "sandbox; default-src 'none'",
                                           "Cache-Control": "private, max-age=3600"})
