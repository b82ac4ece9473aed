"""The application factory: wires settings, clock, programme and store into one aiohttp app."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from aiohttp import web

from ..clock import Clock, SystemClock, rehearsal
from ..loader import load_program
from ..paths import PUBLISHED, STATIC
from ..runtime import Runtime
from ..settings import Settings
from ..store import open_database
from ..live import collector, server as live
from . import feeds, gallery, ops, pages, qa, room
from .context import request_context
from .errors import friendly_errors
from .identity import Signer
from .keys import RUNTIME, SIGNER
from .proxy import forwarded_for
from .security import security_headers

log = logging.getLogger(__name__)


def create_app(settings: Settings, clock: Clock | None = None) -> web.Application:
    program = load_program(settings.program)
    if clock is None:
        real_now = datetime.now(timezone.utc)
        start = settings.rehearsal_start(real_now)
        clock = rehearsal(program, start - real_now, real_now) if start else SystemClock()
    middlewares = [security_headers, request_context, friendly_errors]
    if settings.trusted_proxies:
        middlewares.insert(0, forwarded_for(settings.trusted_proxies))
    app = web.Application(middlewares=middlewares, client_max_size=64 * 1024 ** 2)
    app[RUNTIME] = Runtime(settings=settings, clock=clock, program=program)
    app[SIGNER] = Signer(settings.secret_key)
    app.cleanup_ctx.append(_database)
    feeds.setup(app)  # before pages: /talks/{slug} would also match /talks/{slug}.ics
    pages.setup(app)
    qa.setup(app)
    gallery.setup(app)
    live.setup(app)
    room.setup(app)
    ops.setup(app)
    for folder in PUBLISHED:  # not static/ itself: its node_modules and package files are not for visitors
        app.router.add_static(f"/static/{folder}", STATIC / folder, append_version=False)
    app.router.add_static("/media", program.base_dir / "media")
    return app


async def _database(app: web.Application):
    runtime = app[RUNTIME]
    runtime.db = await open_database(runtime.settings.database)
    yield
    await runtime.db.close()


def serve(settings: Settings) -> None:
    collector.install()  # a process that holds thousands of sockets: keep full GC stalls short
    app = create_app(settings)
    runtime = app[RUNTIME]
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    if settings.start_in is not None or settings.start_at is not None:
        log.info("rehearsal: the first talk starts %s (clock shifted by %s)",
                 f"in {settings.start_in}" if settings.start_in is not None else f"at {settings.start_at}",
                 runtime.clock.offset)
    log.info("serving %s at %s", runtime.program.event.title, base)
    web.run_app(app, host=settings.host, port=settings.port, print=None)
