"""The socket.io shell: the live service (service.py) owns the socket server, its action groups
(room.py, qa.py), presence, the cluster and the fast broadcast path."""
from __future__ import annotations

from aiohttp import web

from ..services import Services
from .service import LiveService

LIVE = web.AppKey("live", LiveService)


def setup(app: web.Application, services: Services) -> LiveService:
    """Attach the live service to the app: socket.io under /socket.io/, started after the store opens."""
    live = app[LIVE] = LiveService(app, services)

    async def lifespan(app: web.Application):
        await live.start()
        yield
        await live.stop()
    app.cleanup_ctx.append(lifespan)
    app.on_shutdown.append(live.drain)
    return live


__all__ = ["LIVE", "LiveService", "setup"]
