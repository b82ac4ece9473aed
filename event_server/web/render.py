"""Server-rendered pages: one autoescaping jinja2 environment and the helpers every template uses."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from .. import i18n
from ..model import Text
from ..paths import TEMPLATES
from .keys import CSRF, IDENTITY, LANG, RUNTIME

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    runtime = request.app[RUNTIME]
    lang = request.get(LANG, "en")
    tz = runtime.program.event.timezone

    def t(text: Text | str | None) -> str:
        return text.get(lang) if isinstance(text, Text) else (text or "")

    def local(moment: datetime, fmt: str = "%H:%M") -> str:
        return moment.astimezone(tz).strftime(fmt)

    def lang_url(target: str) -> str:
        query = dict(request.query, lang=target)
        return f"{request.path}?{urlencode(query)}"

    html = ENV.get_template(template).render(
        request=request, lang=lang, _=lambda message, **v: i18n.gettext(lang, message, **v), t=t, local=local,
        lang_url=lang_url, program=runtime.program, event=runtime.program.event, now=runtime.clock.now(),
        identity=request.get(IDENTITY), csrf=request.get(CSRF, ""), **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
