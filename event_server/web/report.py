"""The organisers' report (moderators): per talk its audience, questions, votes and reactions; the day's
audience as a chart drawn here (SVG, no chart library); gallery views and open-call entries; the same
data as CSV (one table per part) and JSON. services/report.py gathers it."""
from __future__ import annotations

import csv
import io
import json

from aiohttp import web

from ..core.permissions import Can
from .auth import requires
from .keys import LANG, SERVICES
from .qa import neutralise
from .render import render

CHART = (1000, 260)  # the chart's drawing box in SVG units; the page scales it to its width
TALK_COLUMNS = ("talk", "title", "status", "start", "end", "peak_audience", "average_audience", "samples",
                "questions_asked", "questions_approved", "questions_answered", "votes", "reactions")
PARTS = {  # ?part= → the columns of that table (CSV)
    "talks": TALK_COLUMNS,
    "audience": ("room", "at_ms", "people"),
    "gallery": ("room", "work", "title", "views"),
    "open-call": ("kind", "submissions"),
}


def setup(app: web.Application) -> None:
    app.router.add_get("/report", page)
    app.router.add_get("/report.csv", as_csv)
    app.router.add_get("/report.json", as_json)


async def _report(request: web.Request) -> dict:
    return await request.app[SERVICES].report.build(request.get(LANG, "en"))


@requires(Can.MODERATE, login=True)
async def page(request: web.Request) -> web.Response:
    report = await _report(request)
    response = render(request, "report.html", report=report, parts=PARTS,
                      chart=await request.app[SERVICES].report.chart(*CHART))
    response.headers["Cache-Control"] = "no-store"
    return response


def _rows(report: dict, part: str) -> list[dict]:
    if part == "gallery":
        return report["gallery_views"]
    if part == "open-call":
        return [{"kind": kind, "submissions": n} for kind, n in sorted(report["open_call_submissions"].items())]
    return report[part]


@requires(Can.MODERATE)
async def as_csv(request: web.Request) -> web.Response:
    part = request.query.get("part", "talks")
    if part not in PARTS:
        raise web.HTTPBadRequest(text=f"part must be one of: {', '.join(PARTS)}")
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark makes spreadsheets read UTF-8 (Cyrillic titles) correctly
    writer = csv.DictWriter(out, PARTS[part], lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in _rows(await _report(request), part):
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="report-{part}.csv"', "Cache-Control": "no-store"})


@requires(Can.MODERATE)
async def as_json(request: web.Request) -> web.Response:
    return web.Response(text=json.dumps(await _report(request), ensure_ascii=False, indent=1),
                        content_type="application/json", charset="utf-8", headers={"Cache-Control": "no-store"})
