"""Calendar feeds and frab exports over HTTP, with validators so polling clients mostly get 304."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from .. import i18n
from ..feeds import EXPORTERS, Exporter, Feed, select
from ..feeds.http import Rendered, RenderCache, not_modified
from ..model import Program, Talk
from ..timeline import slots
from .keys import RUNTIME
from .render import ENV

CACHE = web.AppKey("feeds_cache", RenderCache)
FEED = web.RequestKey("feed", bool)  # marks a feed response: no attendee cookie on it
CACHE_CONTROL = "public, max-age=60"  # a delay reaches a shared cache's clients within a minute


def setup(app: web.Application) -> None:
    """Registered before the pages, whose /talks/{slug} would otherwise also match /talks/{slug}.ics."""
    app[CACHE] = RenderCache()
    for exporter in EXPORTERS.values():
        app.router.add_get(f"/schedule.{exporter.extension}", _handler(exporter, "schedule"))
    for scope in ("talks", "speakers", "rooms"):
        app.router.add_get(f"/{scope}/{{slug}}.ics", _handler(EXPORTERS["ics"], scope))
    app.on_response_prepare.append(_public)
    ENV.globals.update(feed_url=feed_url, google_calendar_url=google_calendar_url)


def _handler(exporter: Exporter, scope: str):
    async def handler(request: web.Request) -> web.Response:
        request[FEED] = True
        rendered = await _rendered(request, exporter, scope, request.match_info.get("slug"))
        body, representation = rendered.representation(request.headers.get("Accept-Encoding", ""))
        headers = {**representation, "Last-Modified": rendered.http_date, "Cache-Control": CACHE_CONTROL,
                   "Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*",
                   "Access-Control-Expose-Headers": "ETag, Last-Modified"}
        if not_modified(request.headers, rendered):
            headers.pop("Content-Encoding", None)
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers={**headers, "Content-Type": rendered.content_type})
    return handler


async def _rendered(request: web.Request, exporter: Exporter, scope: str, subject: str | None) -> Rendered:
    runtime = request.app[RUNTIME]
    program, overrides = runtime.program, runtime.overrides  # one consistent view for the whole render
    lang = _lang(request, program)
    if scope != "schedule" and select(program, [], scope, subject) is None:
        raise web.HTTPNotFound()
    base = base_url(request)
    published = program_published(program)
    shift = getattr(runtime.clock, "offset", timedelta(0))  # a rehearsal runs on a shifted clock

    def build() -> Rendered:
        feed = Feed(program, select(program, slots(program, overrides), scope, subject), lang, base, published,
                    scope, subject, shift)
        return Rendered.of(exporter.render(feed), exporter.content_type, feed.last_modified)

    key = (exporter.identifier, scope, subject, lang)
    return await request.app[CACHE].get(key, (program, overrides, base, published, shift), build)


def _lang(request: web.Request, program: Program) -> str:
    """Only ?lang= chooses: the same URL must give the same document to every client and cache."""
    languages = program.event.languages
    lang = request.query.get("lang", languages[0])
    if lang not in languages:
        raise web.HTTPBadRequest(text=f"lang must be one of: {', '.join(languages)} (got '{lang}')")
    return lang


def base_url(request: web.Request) -> str:
    return request.app[RUNTIME].settings.public_url or f"{request.scheme}://{request.host}"


_published: dict[Path, tuple[Program, datetime]] = {}


def program_published(program: Program) -> datetime:
    """The programme file's modification time, read once per loaded programme. It stands for "last changed"
    of every talk no override moved: stable across requests and restarts (unlike now(), which would make
    every response differ), and it rises whenever the file is edited."""
    known = _published.get(program.source)
    if known is None or known[0] is not program:
        try:
            moment = datetime.fromtimestamp(program.source.stat().st_mtime, timezone.utc)
        except OSError:  # the file went away after loading: the programme is still what it was
            moment = known[1] if known else datetime(1970, 1, 1, tzinfo=timezone.utc)
        known = _published[program.source] = (program, moment)
    return known[1]


async def _public(request: web.Request, response: web.StreamResponse) -> None:
    """A feed is the same public document for everyone: no cookies, or shared caches would not keep it."""
    if request.get(FEED):
        response.headers.popall("Set-Cookie", None)


def feed_url(request: web.Request, path: str, lang: str, webcal: bool = False) -> str:
    """An absolute feed address; webcal:// makes browsers hand it to the calendar app as a subscription."""
    url = f"{base_url(request)}{path}?lang={lang}"
    return "webcal://" + url.split("://", 1)[1] if webcal else url


def google_calendar_url(request: web.Request, talk: Talk, lang: str) -> str:
    """Google Calendar's "add event" template, with the talk's current times (after any delay)."""
    runtime = request.app[RUNTIME]
    slot = next((s for s in runtime.slots() if s.talk.slug == talk.slug), None)
    start, end = (slot.start, slot.end) if slot else (talk.start, talk.end)
    program = runtime.program
    speakers = ", ".join(s.name.get(lang) for s in program.speakers_of(talk))
    page = f"{base_url(request)}/talks/{talk.slug}?lang={lang}"
    query = {"action": "TEMPLATE", "text": f"{talk.title.get(lang)} — {speakers}",
             "dates": f"{_utc(start)}/{_utc(end)}", "ctz": program.event.timezone.key,
             "details": f"{i18n.gettext(lang, 'Talk page')}: {page}",
             "location": f"{base_url(request)}/rooms/{talk.room}?lang={lang}"}
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
