"""Server-rendered pages: one autoescaping jinja2 environment and the helpers every template uses."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from .. import i18n
from ..config.paths import TEMPLATES
from ..core.model import Text
from ..services.room_states import JSON
from .keys import CSRF, IDENTITY, LANG, SERVICES, STATIC_FILES
from .links import feed_url, google_calendar_url

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
ENV.policies["json.dumps_function"] = JSON.dumps  # `tojson` writes a room's pre-encoded state as it is


def counts(lang: str) -> dict[str, dict[str, str]]:
    """Every count pages' scripts show, in each plural category of `lang` (static/js/format.js `count`)."""
    return {"watching": i18n.plural_forms(lang, "{n} watching", "{n} watching"),
            "votes": i18n.plural_forms(lang, "{n} vote", "{n} votes"),
            "pending": i18n.plural_forms(lang, "{n} waiting for approval", "{n} waiting for approval"),
            "queued": i18n.plural_forms(lang, "{n} question in the queue", "{n} questions in the queue"),
            "reactions": i18n.plural_forms(lang, "{n} reaction", "{n} reactions")}


def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    event = request.app[SERVICES].event
    lang = request.get(LANG, "en")
    tz = event.program.event.timezone

    def t(text: Text | str | None) -> str:
        return text.get(lang) if isinstance(text, Text) else (text or "")

    def local(moment: datetime, fmt: str = "%H:%M") -> str:  # when it really happens: a rehearsal's shifted time
        return event.shown(moment, fmt)

    def instant(moment: datetime) -> str:  # the same, as ISO 8601 for <time datetime> and scripts
        return (moment - event.shift).astimezone(tz).isoformat()

    def lang_url(target: str) -> str:
        query = dict(request.query, lang=target)
        return f"{request.path}?{urlencode(query)}"

    helpers = dict(
        request=request, lang=lang, _=lambda message, **v: i18n.gettext(lang, message, **v), t=t, local=local,
        lang_url=lang_url, instant=instant, program=event.program, event=event.program.event, now=event.now(),
        rehearsal=event.clock.rehearsal, event_shift=event.shift, count_texts=lambda: counts(lang),
        identity=request.get(IDENTITY), csrf=request.get(CSRF, ""), feed_url=feed_url,
        google_calendar_url=google_calendar_url, at_ms=_at_ms, static=request.app[STATIC_FILES].url,
        import_map=request.app[STATIC_FILES].import_map)
    html = ENV.get_template(template).render(helpers | context)  # the context may stand in for a helper
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def page_json(value: Any) -> str:
    """`value` as the templates' `tojson` filter writes it into a page."""
    return str(jinja2.utils.htmlsafe_json_dumps(value, dumps=ENV.policies["json.dumps_function"],
                                                **ENV.policies["json.dumps_kwargs"]))


def _at_ms(ms: int) -> datetime:
    """A time as the store keeps it (epoch milliseconds), for local()."""
    return datetime.fromtimestamp(ms / 1000, UTC)
