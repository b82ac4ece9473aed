"""The HTTP shell: pages, forms, feeds and files. Each module registers its own routes; handlers read
the app's Services (web/keys.py) and declare who may call them with @requires (web/auth.py)."""
from __future__ import annotations

import mimetypes
from typing import Any

from aiohttp import web

from ..config import Settings
from ..config.paths import PUBLISHED, STATIC
from ..services import Services
from . import (
    auth,
    broadcast_scene,
    curate,
    curate_mail,
    feeds,
    gallery,
    media,
    open_call,
    ops,
    pages,
    qa,
    report,
    room,
    security,
)
from .context import request_context
from .errors import friendly_errors
from .keys import LIVE_STATS, SERVICES, STATIC_FILES, LiveStats
from .proxy import forwarded_for
from .static import StaticFiles


def middlewares(settings: Settings) -> list[Any]:
    chain = [request_context, friendly_errors]
    if settings.trusted_proxies:
        chain.insert(0, forwarded_for(settings.trusted_proxies))
    return chain


def setup(app: web.Application, services: Services, live: LiveStats) -> None:
    app[SERVICES], app[LIVE_STATS] = services, live
    app[STATIC_FILES] = files = StaticFiles(STATIC, PUBLISHED)  # not static/ itself: not its node_modules
    security.install(app, services.settings.public_url, files.script_source)
    feeds.setup(app)  # before pages: /talks/{slug} would also match /talks/{slug}.ics
    # curate_mail before curate: /curate/mail would also match /curate/{ref}
    for module in (pages, auth, qa, room, broadcast_scene, report, media, gallery, open_call, curate_mail, curate,
                   ops):
        module.setup(app)
    mimetypes.add_type("text/javascript", ".mjs")  # hls.js: a module script must be served as JavaScript
    app.router.add_get(f"/static/{{name:(?:{'|'.join(PUBLISHED)})/.+}}", files.serve)
