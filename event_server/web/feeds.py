"""Calendar feeds and frab exports over HTTP, with validators so polling clients mostly get 304."""
from __future__ import annotations

from aiohttp import web

from ..core.model import Program
from ..core.timeline import slots
from ..feeds import EXPORTERS, Exporter, Feed, select
from ..feeds.http import RenderCache, Rendered, not_modified
from .keys import SERVICES
from .links import base_url

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
    event = request.app[SERVICES].event
    program, overrides, published = event.program, event.overrides, event.published  # one view for the render
    lang = _lang(request, program)
    if scope != "schedule" and select(program, [], scope, subject) is None:
        raise web.HTTPNotFound()
    base = base_url(request)
    shift = event.clock.offset  # a rehearsal runs on a shifted clock

    def build() -> Rendered:
        feed = Feed(program, select(program, slots(program, overrides), scope, subject) or (), lang, base,
                    published, scope, subject, shift)
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


async def _public(request: web.Request, response: web.StreamResponse) -> None:
    """A feed is the same public document for everyone: no cookies, or shared caches would not keep it."""
    if request.get(FEED):
        response.headers.popall("Set-Cookie", None)
