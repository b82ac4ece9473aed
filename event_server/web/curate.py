"""Curation: the list of open-call submissions, one submission, accept into a room or reject.

Only a curator session (CURATOR_TOKEN at /login) gets in: pages send others to the sign-in, and every
action answers 403, so a forged form does nothing (core.permissions, declared with @requires).
"""
from __future__ import annotations

from aiohttp import web

from .. import i18n
from ..core import gallery
from ..core.model import ROLES
from ..core.permissions import Can
from ..store.submissions import Entry
from .auth import requires
from .gallery import send_upload
from .keys import LANG, SERVICES
from .render import render
from .security import check_csrf

FILTERS = ("status", "role", "kind", "q")


def setup(app: web.Application) -> None:
    app.router.add_get("/curate", listing)
    app.router.add_get("/curate/uploads/{name}", private_upload)
    app.router.add_get("/curate/{ref}", detail)
    app.router.add_post("/curate/{ref}/accept", accept)
    app.router.add_post("/curate/{ref}/reject", reject)


@requires(Can.CURATE, login=True)
async def listing(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    chosen = {k: request.query.get(k, "").strip() for k in FILTERS}
    chosen["status"] = chosen["status"] or "new"
    found = await services.gallery.search(None if chosen["status"] == "all" else chosen["status"],
                                          chosen["role"] or None, chosen["kind"] or None, chosen["q"] or None)
    call = services.event.program.open_call
    return render(request, "curate.html", submissions=found, chosen=chosen, counts=await services.gallery.counts(),
                  roles=call.roles if call else ROLES)


@requires(Can.CURATE, login=True)
async def detail(request: web.Request) -> web.Response:
    return await _detail(request, await _entry(request))


async def _entry(request: web.Request) -> Entry:
    return await request.app[SERVICES].gallery.entry(request.match_info["ref"])


async def _detail(request: web.Request, found: Entry, errors: dict | None = None, values: dict | None = None,
                  status: int = 200) -> web.Response:
    desk = request.app[SERVICES].gallery
    rooms = await desk.rooms()
    hung = await desk.hung_work_of(found.id)
    lang = request.get(LANG, "en")
    return render(request, "curate_submission.html", status=status, s=found, rooms=rooms, hung=hung,
                  values=values or _proposal(found, hung, rooms),
                  errors={k: i18n.translate(lang, m) for k, m in (errors or {}).items()})


def _proposal(s: Entry, hung: gallery.HungWork | None, rooms) -> dict:
    """The accept form filled from the submission, or from the work as it already hangs."""
    if hung:
        w = hung.work
        return {"room": hung.room, "slug": w.slug, "kind": w.kind, "title": str(w.title), "year": w.year or "",
                "artists": ", ".join(w.artists), "technique": w.technique or "", "alt": str(w.alt or ""),
                "description": str(w.description or ""), "media": w.media or "", "youtube": w.youtube or "",
                "link": w.link or "", "note": s.note}
    return {"room": rooms[0].slug if rooms else "", "slug": gallery.suggested_slug(s.title),
            "kind": s.upload_kind or "web", "title": s.title, "artists": s.name, "technique": s.technique,
            "description": s.description, "alt": "", "year": "", "media": "", "youtube": "",
            "link": s.links[0] if s.links else "", "note": s.note}


@requires(Can.CURATE)
async def accept(request: web.Request) -> web.Response:
    form = await request.post()
    check_csrf(request, form)
    found = await _entry(request)
    fields = {k: str(v) for k, v in form.items()}
    hung, errors = await request.app[SERVICES].gallery.accept(found, fields, fields.get("note", "").strip())
    if hung is None:
        return await _detail(request, found, errors=errors, values=fields, status=400)
    raise web.HTTPSeeOther(f"/gallery/{hung.room}/{hung.work.slug}")


@requires(Can.CURATE)
async def reject(request: web.Request) -> web.Response:
    form = await request.post()
    check_csrf(request, form)
    found = await _entry(request)
    await request.app[SERVICES].gallery.reject(found, str(form.get("note", "")).strip())
    raise web.HTTPSeeOther("/curate")


@requires(Can.CURATE)
async def private_upload(request: web.Request) -> web.FileResponse:
    return await send_upload(request, request.match_info["name"], public=False)
