"""Q&A pages and files: the livestream overlay, each talk's questions as CSV and JSON, and hiding an
answered question from the talk's archive (shown on the talk page, web/pages.py)."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from aiohttp import web

from ..core.model import Talk
from ..core.permissions import Can
from .auth import requires
from .keys import LANG, SERVICES
from .render import render
from .security import check_csrf

COLUMNS = ("id", "asked_at", "state", "on_air", "votes", "name", "text", "changed_at")
# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def setup(app: web.Application) -> None:
    app.router.add_get("/rooms/{slug}/overlay", overlay)
    app.router.add_get("/talks/{slug}/questions.csv", export_csv)
    app.router.add_get("/talks/{slug}/questions.json", export_json)
    app.router.add_post("/talks/{slug}/archive/{question}", hide)


async def overlay(request: web.Request) -> web.Response:
    room = request.app[SERVICES].event.program.room(request.match_info["slug"])
    if room is None:
        raise web.HTTPNotFound()
    return render(request, "overlay.html", room=room)


def _talk(request: web.Request) -> Talk:
    talk = request.app[SERVICES].event.program.talk(request.match_info["slug"])
    if talk is None:
        raise web.HTTPNotFound()
    return talk


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


async def _rows(request: web.Request, talk: Talk) -> list[dict]:
    found = await request.app[SERVICES].questions.of_talk(talk)
    return [{"id": q.id, "asked_at": _iso(q.created_ms), "state": q.state, "on_air": q.on_air, "votes": q.votes,
             "name": q.name or "", "text": q.text, "changed_at": _iso(q.updated_ms)} for q in found]


def neutralise(cell: object) -> object:
    """Text a spreadsheet would evaluate is prefixed with an apostrophe, so it stays text."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


@requires(Can.READ_TALK_QUEUE, talk=_talk)
async def export_csv(request: web.Request) -> web.Response:
    talk = _talk(request)
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark makes spreadsheets read UTF-8 (Cyrillic names) correctly
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in await _rows(request, talk):
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="{talk.slug}-questions.csv"', "Cache-Control": "no-store"})


@requires(Can.READ_TALK_QUEUE, talk=_talk)
async def export_json(request: web.Request) -> web.Response:
    talk = _talk(request)
    body = {"talk": talk.slug, "title": talk.title.get(request.get(LANG, "en")),
            "questions": await _rows(request, talk)}
    return web.Response(text=json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json",
                        charset="utf-8", headers={"Cache-Control": "no-store"})


@requires(Can.MODERATE)
async def hide(request: web.Request) -> web.Response:
    """A moderator hides an answered question from its talk's archive (hidden=1), or shows it again (hidden=0)."""
    form = await request.post()
    check_csrf(request, form)
    talk = _talk(request)
    await request.app[SERVICES].questions.hide(request.match_info["question"], form.get("hidden") == "1")
    raise web.HTTPSeeOther(f"/talks/{talk.slug}#archive")
