"""Curation: the list of open-call submissions, one submission, accept into a room or reject.

Only a curator session (CURATOR_TOKEN at /login) gets in: pages redirect others to the login, and
every action checks again and answers 403, so a forged form does nothing.
"""
from __future__ import annotations

from aiohttp import web

from .. import gallery, i18n
from ..store import submissions
from .gallery import message, rooms_of, upload_response
from .keys import IDENTITY, LANG, RUNTIME
from .render import render
from .security import check_csrf

FILTERS = ("status", "role", "kind", "q")


def setup(app: web.Application) -> None:
    app.router.add_get("/curate", listing)
    app.router.add_get("/curate/uploads/{name}", private_upload)
    app.router.add_get("/curate/{ref}", detail)
    app.router.add_post("/curate/{ref}/accept", accept)
    app.router.add_post("/curate/{ref}/reject", reject)


def _page_guard(request: web.Request) -> None:
    if not request[IDENTITY].curator:
        raise web.HTTPSeeOther(f"/login?next={request.path}")


def _action_guard(request: web.Request, form) -> None:
    if not request[IDENTITY].curator:
        raise web.HTTPForbidden(text=i18n.gettext(request.get(LANG, "en"), "Only curators can do this. Sign in "
                                                                             "with the curator token at /login."))
    check_csrf(request, form)


async def listing(request: web.Request) -> web.Response:
    _page_guard(request)
    db = request.app[RUNTIME].db
    chosen = {k: request.query.get(k, "").strip() for k in FILTERS}
    chosen["status"] = chosen["status"] or "new"
    found = await submissions.search(db, status=None if chosen["status"] == "all" else chosen["status"],
                                     role=chosen["role"] or None, kind=chosen["kind"] or None, text=chosen["q"] or None)
    call = request.app[RUNTIME].program.open_call
    return render(request, "curate.html", submissions=found, chosen=chosen, counts=await submissions.counts(db),
                  roles=call.roles if call else gallery.ROLES)


async def _submission(request: web.Request) -> dict:
    found = await submissions.get(request.app[RUNTIME].db, request.match_info["ref"])
    if found is None:
        raise web.HTTPNotFound()
    return found


async def detail(request: web.Request, errors: dict | None = None, values: dict | None = None,
                 status: int = 200) -> web.Response:
    _page_guard(request)
    found = await _submission(request)
    rooms = await rooms_of(request)
    hung = await submissions.hung_work_of(request.app[RUNTIME].db, found["id"])
    lang = request.get(LANG, "en")
    return render(request, "curate_submission.html", status=status, s=found, rooms=rooms, hung=hung,
                  values=values or _proposal(found, hung, rooms),
                  errors={k: message(lang, m) for k, m in (errors or {}).items()})


def _proposal(s: dict, hung: gallery.HungWork | None, rooms) -> dict:
    """The accept form filled from the submission, or from the work as it already hangs."""
    if hung:
        w = hung.work
        return {"room": hung.room, "slug": w.slug, "kind": w.kind, "title": str(w.title), "year": w.year or "",
                "artists": ", ".join(w.artists), "technique": w.technique or "", "alt": str(w.alt or ""),
                "description": str(w.description or ""), "media": w.media or "", "youtube": w.youtube or "",
                "link": w.link or "", "note": s["note"]}
    kind = s["upload_kind"] or "web"
    return {"room": rooms[0].slug if rooms else "", "slug": gallery.suggested_slug(s["title"]), "kind": kind,
            "title": s["title"], "artists": s["name"], "technique": s["technique"], "description": s["description"],
            "alt": "", "year": "", "media": "", "youtube": "", "link": s["links"][0] if s["links"] else "",
            "note": s["note"]}


async def accept(request: web.Request) -> web.Response:
    form = await request.post()
    _action_guard(request, form)
    found = await _submission(request)
    program_rooms = request.app[RUNTIME].program.gallery.rooms if request.app[RUNTIME].program.gallery else ()
    hung, errors = gallery.check_work(found["id"], form, program_rooms, found["upload"], found["upload_kind"])
    note = str(form.get("note", "")).strip()[:gallery.LIMITS["note"]]
    if hung:
        try:
            await submissions.accept(request.app[RUNTIME].db, hung, note, _now_ms(request))
        except submissions.SlugTaken:
            errors = {"slug": ("Another work in this room already has this slug. Choose another.", {})}
    if errors:
        return await detail(request, errors=errors, values=dict(form), status=400)
    raise web.HTTPSeeOther(f"/gallery/{hung.room}/{hung.work.slug}")


async def reject(request: web.Request) -> web.Response:
    form = await request.post()
    _action_guard(request, form)
    found = await _submission(request)
    note = str(form.get("note", "")).strip()[:gallery.LIMITS["note"]]
    await submissions.reject(request.app[RUNTIME].db, found["id"], note, _now_ms(request))
    raise web.HTTPSeeOther("/curate")


async def private_upload(request: web.Request) -> web.FileResponse:
    if not request[IDENTITY].curator:
        raise web.HTTPForbidden(text=i18n.gettext(request.get(LANG, "en"),
                                                  "Only curators can see uploads before they are accepted."))
    name = request.match_info["name"]
    return upload_response(request, name, await submissions.upload_type(request.app[RUNTIME].db, name, public=False))


def _now_ms(request: web.Request) -> int:
    return int(request.app[RUNTIME].clock.now().timestamp() * 1000)
