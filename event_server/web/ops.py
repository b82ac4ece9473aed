"""For the people running the event: /healthz for load balancers, /metrics for Prometheus."""
from __future__ import annotations

import gc
import time

from aiohttp import web

from ..store import questions
from .keys import LIVE_STATS, SERVICES

STARTED = time.monotonic()


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)


async def healthz(request: web.Request) -> web.Response:
    event = request.app[SERVICES].event
    return web.json_response({"ok": True, "event": event.program.event.id, "talks": len(event.program.talks),
                              "now": event.now().isoformat()})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format, version 0.0.4. Counts are this worker's; the store's are shared."""
    services, live = request.app[SERVICES], request.app[LIVE_STATS]
    event = services.event
    by_state = await questions.count_by_state(services.store)
    lines = [*_metric("event_server_uptime_seconds", "Seconds since this worker started.",
                      [("", round(time.monotonic() - STARTED, 1))]),
             *_metric("event_server_connections", "Socket.IO connections open on this worker.",
                      [("", live.connections())]),
             *_metric("event_server_room_presence", "Sockets in each room on this worker.",
                      [(f'room="{r.slug}"', live.people_in(r.slug)) for r in event.program.rooms]),
             *_metric("event_server_talks", "Talks in the programme by effective status.",
                      [(f'status="{s}"', sum(1 for slot in event.slots() if slot.status == s))
                       for s in ("confirmed", "cancelled")]),
             *_metric("event_server_overrides", "Moderator changes to the day.", [("", len(event.overrides))]),
             *_metric("event_server_program_errors", "Errors of the last rejected programme reload.",
                      [("", len(event.program_errors))]),
             *_metric("event_server_questions", "Questions by state (all workers).",
                      [(f'state="{state}"', n) for state, n in by_state.items()]),
             # a full (generation 2) collection stalls every broadcast: it should only follow a thaw
             *_metric("event_server_gc_collections", "Garbage collections since start, by generation.",
                      [(f'generation="{g}"', stats["collections"]) for g, stats in enumerate(gc.get_stats())],
                      kind="counter"),
             *_metric("event_server_gc_frozen_objects", "Objects the collector froze (live/collector.py).",
                      [("", gc.get_freeze_count())])]
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def _metric(name: str, help_text: str, samples: list[tuple[str, float]], kind: str = "gauge") -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}",
            *(f"{name}{{{labels}}} {value}" if labels else f"{name} {value}" for labels, value in samples)]
