"""The curators' desk: entries by kind and status; one entry, with its decision, its pairings and its
history; hanging a work, accepting or turning down an idea or a profile, introducing an idea to data
scientists and following each pairing; and the letters to applicants (web/curate_mail.py).

Only a curator session (CURATOR_TOKEN at /login) gets in: pages send others to the sign-in, and every
action answers 403, so a forged form does nothing (core.permissions, declared with @requires). Every
action is logged with its actor (web/auth.py `actor`).
"""
from __future__ import annotations

from aiohttp import web

from .. import i18n
from ..core import gallery, open_call
from ..core.model import ROLES
from ..core.permissions import Can
from ..services.open_call import Meeting
from ..store.submissions import Entry
from . import bodies
from .auth import actor, requires
from .gallery import send_upload
from .keys import LANG, SERVICES
from .links import base_url
from .render import render
from .security import check_csrf, safe_next

FILTERS = ("status", "kind", "role", "file", "q")


def setup(app: web.Application) -> None:
    app.router.add_get("/curate", listing)
    app.router.add_get("/curate/uploads/{name}", private_upload)
    app.router.add_post("/curate/pairings/{pairing}", move_pairing)
    app.router.add_get("/curate/{ref}", detail)
    app.router.add_post("/curate/{ref}/accept", accept)
    app.router.add_post("/curate/{ref}/reject", reject)
    app.router.add_post("/curate/{ref}/introduce", introduce)


@requires(Can.CURATE, login=True)
async def listing(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    chosen = {k: request.query.get(k, "").strip() for k in FILTERS}
    chosen["status"] = chosen["status"] or "new"
    kind = chosen["kind"] if chosen["kind"] in open_call.KINDS else None
    found = await services.open_call.search(None if chosen["status"] == "all" else chosen["status"], kind,
                                            chosen["role"] or None, chosen["file"] or None, chosen["q"] or None)
    call = services.event.program.open_call
    return render(request, "curate.html", entries=found, chosen=chosen, counts=await services.open_call.counts(kind),
                  roles=call.roles if call else ROLES, kinds=open_call.KINDS, statuses=open_call.STATUSES,
                  mail=await services.outbox.counts(), sending=services.outbox.sending)


@requires(Can.CURATE, login=True)
async def detail(request: web.Request) -> web.Response:
    return await _detail(request, await _entry(request))


async def _entry(request: web.Request) -> Entry:
    return await request.app[SERVICES].open_call.entry(request.match_info["ref"])


async def _detail(request: web.Request, found: Entry, errors: dict | None = None, values: dict | None = None,
                  status: int = 200) -> web.Response:
    services = request.app[SERVICES]
    desk = services.open_call
    rooms = await services.gallery.rooms()
    hung = await services.gallery.hung_work_of(found.id)
    meetings = await desk.meetings(found)
    lang = request.get(LANG, "en")
    return render(request, "curate_submission.html", status=status, s=found, rooms=rooms, hung=hung,
                  meetings=meetings, history=await desk.history(found),
                  candidates=await desk.profiles_for(found) if found.kind == "idea" else [],
                  values=values or _proposal(found, hung, rooms, meetings), pairing_statuses=open_call.PAIRING_STATUSES,
                  by_hand=open_call.SET_BY_HAND, errors={k: i18n.translate(lang, m) for k, m in (errors or {}).items()})


def _proposal(s: Entry, hung: gallery.HungWork | None, rooms, meetings: list[Meeting]) -> dict:
    """The hanging form filled from the entry (crediting the data scientist of its pairing), or from the
    work as it already hangs."""
    if hung:
        w = hung.work
        return {"room": hung.room, "slug": w.slug, "kind": w.kind, "title": str(w.title), "year": w.year or "",
                "artists": ", ".join(w.artists), "collaborators": ", ".join(w.collaborators),
                "technique": w.technique or "", "alt": str(w.alt or ""), "description": str(w.description or ""),
                "media": w.media or "", "youtube": w.youtube or "", "link": w.link or "", "note": s.note}
    helpers = [m.profile.name for m in meetings if m.work and m.work.id == s.id]
    artists = [m.idea.name for m in meetings if m.work and m.work.id == s.id] or [s.name]
    return {"room": rooms[0].slug if rooms else "", "slug": gallery.suggested_slug(s.title),
            "kind": s.upload_kind or "web", "title": s.title, "artists": ", ".join(artists),
            "collaborators": ", ".join(helpers), "technique": s.technique, "description": s.description, "alt": "",
            "year": "", "media": "", "youtube": "", "link": s.links[0] if s.links else "", "note": s.note}


async def _form(request: web.Request) -> dict[str, str]:
    form = await bodies.form(request, bodies.FORM)  # a work's description and a letter to its author
    check_csrf(request, form)
    return {k: str(v) for k, v in form.items()}


@requires(Can.CURATE)
async def accept(request: web.Request) -> web.Response:
    """A work is hung as edited in the form; an idea or a profile is simply accepted."""
    fields = await _form(request)
    found = await _entry(request)
    desk, tell, message = request.app[SERVICES].open_call, "tell" in fields, fields.get("message", "")
    if found.kind != "work":
        await desk.decide(found, "accepted", actor=actor(request), base=base_url(request), note=fields.get("note", ""),
                          tell=tell, message=message)
        raise web.HTTPSeeOther(f"/curate/{found.id}")
    hung, errors = await desk.hang(found, fields, actor=actor(request), base=base_url(request), tell=tell,
                                   message=message)
    if hung is None:
        return await _detail(request, found, errors=errors, values=fields, status=400)
    raise web.HTTPSeeOther(f"/gallery/{hung.room}/{hung.work.slug}")


@requires(Can.CURATE)
async def reject(request: web.Request) -> web.Response:
    fields = await _form(request)
    found = await _entry(request)
    await request.app[SERVICES].open_call.decide(found, "rejected", actor=actor(request), base=base_url(request),
                                                 note=fields.get("note", ""), tell="tell" in fields,
                                                 message=fields.get("message", ""))
    raise web.HTTPSeeOther("/curate")


@requires(Can.CURATE)
async def introduce(request: web.Request) -> web.Response:
    form = await bodies.form(request, bodies.FORM)
    check_csrf(request, form)
    found = await _entry(request)
    profiles = [str(p) for p in form.getall("profile", [])]
    await request.app[SERVICES].open_call.introduce(found, profiles, str(form.get("note", "")), actor=actor(request),
                                                    base=base_url(request))
    raise web.HTTPSeeOther(f"/curate/{found.id}")


@requires(Can.CURATE)
async def move_pairing(request: web.Request) -> web.Response:
    fields = await _form(request)
    pairing = await request.app[SERVICES].open_call.move(request.match_info["pairing"], fields.get("status", ""),
                                                         actor=actor(request))
    raise web.HTTPSeeOther(safe_next(fields.get("next"), f"/curate/{pairing.idea}"))


@requires(Can.CURATE)
async def private_upload(request: web.Request) -> web.FileResponse:
    return await send_upload(request, request.match_info["name"], public=False)
