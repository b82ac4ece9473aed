"""The public pages people read before and on event day. Times on every page are the effective ones
(the programme after the moderators' changes)."""
from __future__ import annotations

from aiohttp import web

from .. import i18n
from ..core.qa import archive_open
from ..core.timeline import on_now
from ..media.recordings import captions_urls, recording_url
from .keys import IDENTITY, LANG, SERVICES
from .render import render


def setup(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/schedule", schedule)
    app.router.add_get("/talks/{slug}", talk)
    app.router.add_get("/speakers/{slug}", speaker)


async def index(request: web.Request) -> web.Response:
    event = request.app[SERVICES].event
    now, current = event.now(), event.slots()
    live, upcoming = on_now(current, now)
    return render(request, "index.html", live=live, upcoming=upcoming,
                  archived=[s for s in current if archive_open(s, now)])


async def schedule(request: web.Request) -> web.Response:
    event = request.app[SERVICES].event
    tz = event.program.event.timezone
    current = event.slots()
    days: dict = {}
    for s in current:
        days.setdefault(s.start.astimezone(tz).date(), []).append(s)
    live, _ = on_now(current, event.now())
    return render(request, "schedule.html", days=days, live={s.talk.slug for s in live})


async def talk(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    found = services.event.slot(request.match_info["slug"])
    if found is None:
        raise web.HTTPNotFound()
    lang, program = request.get(LANG, "en"), services.event.program
    return render(request, "talk.html", talk=found.talk, slot=found,
                  archive=await services.questions.archive(request[IDENTITY], found.talk.slug),
                  recording=recording_url(program, found.talk), captions=captions_urls(program, found.talk),
                  votes=lambda n: i18n.ngettext(lang, "{n} vote", "{n} votes", n))


async def speaker(request: web.Request) -> web.Response:
    event = request.app[SERVICES].event
    found = event.program.speaker(request.match_info["slug"])
    if found is None:
        raise web.HTTPNotFound()
    now = event.now()
    own = [s for s in event.slots() if found.slug in s.talk.speakers]
    upcoming = next((s for s in own if s.start > now and s.runs), None)
    return render(request, "speaker.html", speaker=found, slots=own, upcoming=upcoming)
