"""The application factory, the one place that knows every layer: it builds the services, then the
web and live shells on top of them, into one aiohttp app. Two apps in one process share nothing."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiohttp import web

from . import live as live_shell
from . import web as web_shell
from .config import Settings
from .live import collector
from .loader import load_program
from .services import Services
from .services.clock import Clock, SystemClock, rehearsal
from .web.access_log import access_logger
from .web.bodies import FORM

log = logging.getLogger(__name__)
# Seconds a stopping server waits for requests still running (twice: before and after cancelling them).
# Clients were told to go first (live.LiveService.drain), so this only cuts off those that never answer:
# a stop takes at most ~2 × DRAIN, well within the 10 s Docker and 30 s Heroku or Kubernetes allow.
DRAIN = 1.5
# Seconds a connection may take to send a request's headers, and stay idle between requests: a client
# that trickles its headers (slowloris) or opens connections and sends nothing is let go after this.
HEADER_TIMEOUT = 15.0


def create_app(settings: Settings, clock: Clock | None = None) -> web.Application:
    program = load_program(settings.program, settings.signing.forms)
    if clock is None:
        real_now = datetime.now(UTC)
        start = settings.rehearsal_start(real_now)
        clock = rehearsal(program, start - real_now, real_now) if start else SystemClock()
    app = web.Application(middlewares=web_shell.middlewares(settings), client_max_size=FORM)
    services = Services(settings, clock, program)

    async def lifespan(app: web.Application):  # first in, last out: the store outlives the live shell
        await services.start()
        yield
        await services.stop()
    app.cleanup_ctx.append(lifespan)
    web_shell.setup(app, services, live_shell.setup(app, services))
    return app


def serve(settings: Settings) -> None:
    collector.install()  # a process that holds thousands of sockets: keep full GC stalls short
    app = create_app(settings)
    event = app[web_shell.keys.SERVICES].event
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    if settings.start_in is not None or settings.start_at is not None:
        log.info("rehearsal: the first talk starts %s (clock shifted by %s)",
                 f"in {settings.start_in}" if settings.start_in is not None else f"at {settings.start_at}",
                 event.clock.offset)
    log.info("serving %s at %s", event.program.event.title, base)
    web.run_app(app, host=settings.host, port=settings.port, print=None, shutdown_timeout=DRAIN,
                keepalive_timeout=HEADER_TIMEOUT, access_log_class=access_logger(settings.trusted_proxies))
