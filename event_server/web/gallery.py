"""The gallery pages: rooms, a room's grid, one work; its thumbnails and the uploads hung from the open call."""
from __future__ import annotations

from aiohttp import web

from ..core import gallery
from ..core.model import GalleryWork
from ..core.refusal import Refused
from ..media import thumbnails
from .keys import SERVICES
from .links import base_url
from .render import render

IMMUTABLE = "public, max-age=31536000, immutable"  # thumbnail URLs carry the source's version


def setup(app: web.Application) -> None:
    app.router.add_get("/gallery", index)
    app.router.add_get("/gallery/{room}", room)
    app.router.add_get("/gallery/{room}/{work}", work)
    app.router.add_get(r"/gallery/{room}/{work}/thumb-{width:\d+}.{fmt:webp|jpg}", thumb)
    app.router.add_get("/uploads/{name}", public_upload)


def picture_of(request: web.Request, room_slug: str, work: GalleryWork | None) -> dict | None:
    """srcset data for a work's picture: WebP with a JPEG fallback, never wider than the source."""
    source = request.app[SERVICES].gallery.picture_file(work) if work else None
    if source is None or work is None:
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
    services = request.app[SERVICES]
    if services.event.program.gallery is None:
        raise web.HTTPNotFound()
    return _render(request, "gallery.html", rooms=await services.gallery.rooms())


async def room(request: web.Request) -> web.Response:
    found = await request.app[SERVICES].gallery.room(request.match_info["room"])
    if found is None:
        raise web.HTTPNotFound()
    return _render(request, "gallery_room.html", room=found)


async def work(request: web.Request) -> web.Response:
    found = await request.app[SERVICES].gallery.room(request.match_info["room"])
    before, this, after = gallery.neighbours(found, request.match_info["work"]) if found else (None, None, None)
    if found is None or this is None:
        raise web.HTTPNotFound()
    share = f"{base_url(request)}/gallery/{found.slug}/{this.slug}"
    index = [w.slug for w in found.works].index(this.slug)
    await request.app[SERVICES].report.viewed(found.slug, this.slug)  # views per work, for the organisers' report
    return _render(request, "gallery_work.html", room=found, work=this, before=before, after=after, share=share,
                   position=index + 1)


async def thumb(request: web.Request) -> web.FileResponse:
    desk = request.app[SERVICES].gallery
    width, fmt = int(request.match_info["width"]), request.match_info["fmt"]
    found = await desk.room(request.match_info["room"])
    _, this, _ = gallery.neighbours(found, request.match_info["work"]) if found else (None, None, None)
    source = desk.picture_file(this) if this else None
    if source is None or width not in gallery.THUMB_WIDTHS:
        raise web.HTTPNotFound()
    path = await desk.thumbnail(source, width, fmt)
    return web.FileResponse(path, headers={"Content-Type": "image/webp" if fmt == "webp" else "image/jpeg",
                                           "Cache-Control": IMMUTABLE if request.query.get("v") else "no-cache"})


async def public_upload(request: web.Request) -> web.FileResponse:
    """An upload is public only once its work hangs in the gallery; before that only curators see it."""
    return await send_upload(request, request.match_info["name"], public=True)


async def send_upload(request: web.Request, name: str, public: bool) -> web.FileResponse:
    try:
        path, mime = await request.app[SERVICES].gallery.upload(name, public)
    except Refused:
        raise web.HTTPNotFound() from None
    # The type we sniffed, never one guessed from the name; CSP sandbox stops an upload acting as a page.
    return web.FileResponse(path, headers={"Content-Type": mime, "Content-Disposition": "inline",
                                           "Content-Security-Policy": "sandbox; default-src 'none'",
                                           "Cache-Control": "private, max-age=3600"})
