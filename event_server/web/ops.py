"""For the people running the event: /healthz (the process answers), /readyz (it can serve: the database
and Redis answer, for the load balancer) and /metrics for Prometheus: with METRICS_TOKEN on the public
port, or without a token on METRICS_PORT, a port of its own that the network keeps private."""
from __future__ import annotations

import asyncio
import gc
import hmac
from collections.abc import Iterator

from aiohttp import web
from prometheus_client.core import GaugeMetricFamily, Metric

from ..services import Services
from ..services.event import LiveEvent
from ..store import questions
from .keys import LIVE_STATS, SERVICES, LiveStats


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app[SERVICES].metrics.add(LiveCollector(app[SERVICES].event, app[LIVE_STATS]))
    if app[SERVICES].settings.metrics_port is not None:
        app.cleanup_ctx.append(private_metrics)  # after the store's: it opens first and closes last


async def healthz(request: web.Request) -> web.Response:
    event = request.app[SERVICES].event
    return web.json_response({"ok": True, "event": event.program.event.id, "talks": len(event.program.talks),
                              "now": event.now().isoformat()})


async def readyz(request: web.Request) -> web.Response:
    """200 when this worker can serve its share; 503 with every reason otherwise (a balancer skips it)."""
    found = await asyncio.gather(request.app[SERVICES].store.problem(), request.app[LIVE_STATS].cluster_problem())
    problems = [problem for problem in found if problem]
    return web.json_response({"ok": not problems, "problems": problems}, status=503 if problems else 200,
                             headers={"Cache-Control": "no-store"})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format, version 0.0.4. Counts are this worker's; the store's are shared."""
    services = request.app[SERVICES]
    token = services.settings.metrics_token
    # for Prometheus, not a browser: plain text with the header it needs, not the friendly error page
    if not token:
        return web.Response(status=403, text="/metrics is closed on this port: set METRICS_TOKEN on the server and "
                                             "send it as 'Authorization: Bearer TOKEN', or scrape METRICS_PORT.\n")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return web.Response(status=401, text="/metrics needs METRICS_TOKEN: send 'Authorization: Bearer TOKEN' "
                                             "(Prometheus: authorization.credentials).\n",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return await exposition(services)


async def private_metrics(app: web.Application):
    """/metrics alone, without a token, on METRICS_PORT while the app runs."""
    services = app[SERVICES]
    private = web.Application()

    async def metrics_here(request: web.Request) -> web.Response:
        return await exposition(services)
    private.router.add_get("/metrics", metrics_here)
    runner = web.AppRunner(private, access_log=None)  # a scrape every few seconds is not worth a log line
    await runner.setup()
    await web.TCPSite(runner, services.settings.host, services.settings.metrics_port).start()
    yield
    await runner.cleanup()


async def exposition(services: Services) -> web.Response:
    stats = services.metrics
    stats.questions.clear()  # a state no question is in any more is gone, not stuck at its last count
    for state, n in (await questions.count_by_state(services.store)).items():
        stats.questions.labels(state).set(n)
    stats.votes.set(await questions.count_votes(services.store))
    return web.Response(body=stats.exposition(), content_type="text/plain", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


class LiveCollector:
    """The running event and this worker's sockets, read at each scrape."""

    def __init__(self, event: LiveEvent, live: LiveStats):
        self.event, self.live = event, live

    def collect(self) -> Iterator[Metric]:
        event, live = self.event, self.live
        yield GaugeMetricFamily("event_server_connections", "Socket.IO connections open on this worker.",
                                value=live.connections())
        rooms = GaugeMetricFamily("event_server_room_presence", "Sockets in each room on this worker.",
                                  labels=["room"])
        for room in event.program.rooms:
            rooms.add_metric([room.slug], live.people_in(room.slug))
        yield rooms
        talks = GaugeMetricFamily("event_server_talks", "Talks in the programme by effective status.",
                                  labels=["status"])
        for status in ("confirmed", "cancelled"):
            talks.add_metric([status], sum(1 for slot in event.slots() if slot.status == status))
        yield talks
        yield GaugeMetricFamily("event_server_overrides", "Moderator changes to the day.", value=len(event.overrides))
        yield GaugeMetricFamily("event_server_program_errors", "Errors of the last rejected programme reload.",
                                value=len(event.program_errors))
        # a full (generation 2) collection stalls every broadcast: it should only follow a thaw
        yield GaugeMetricFamily("event_server_gc_frozen_objects", "Objects the collector froze (live/collector.py).",
                                value=gc.get_freeze_count())
