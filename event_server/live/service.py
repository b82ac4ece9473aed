"""One live service per app: the socket.io server and everything that keeps its rooms live — the action
table, presence, the tick that coalesces tallies and reactions, the scheduler, the programme watcher and the cluster
subscriptions. The app
factory makes it; nothing here is module-level state, so two apps in one process share nothing.

Every action is answered by an ack, `{ok: true, ...}` or `{ok: false, error: {code, message}}`: the
dispatcher checks the capability the action declares (core.permissions), that the payload is an object,
and turns a core Refused into an error ack. A handler that fails unexpectedly is logged and answered
with an error ack: the socket is never dropped. Only a message over MAX_MESSAGE (no action needs 1 KB)
closes its own socket, with websocket close code 1009 "message too big", as socket.io's
maxHttpBufferSize does.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import socketio
from aiohttp import web

from ..core.permissions import Identity, may, refusal
from ..core.refusal import Refused
from ..services import Services
from ..services.identity import token_matches
from ..services.scheduler import Scheduler
from ..services.watch import watch
from . import broadcast, collector
from .actions import Action, Context, Handler, actions_of
from .cluster import Cluster
from .presence import PREFIX, Presence
from .qa import QaActions
from .reactions import ReactionActions
from .room import RoomActions
from .tick import Tick

log = logging.getLogger(__name__)
MAX_MESSAGE = 64 * 1024  # bytes of one socket.io message


class LiveService:
    def __init__(self, app: web.Application, services: Services):
        settings, self.services = services.settings, services
        # With REDIS_URL, room emits reach every worker's clients and shared state changes are announced.
        self.cluster = Cluster(settings.redis_url, services.event.program.event.id)
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=settings.public_url or None,
                                        client_manager=self.cluster.client_manager(),
                                        max_http_buffer_size=MAX_MESSAGE, ping_interval=25, ping_timeout=20)
        broadcast.install(self.sio, compress=settings.ws_compression)
        self.sio.attach(app)
        self.presence = Presence(self.sio, self.cluster)
        self.tick = Tick()
        self.qa = QaActions(self.sio, services.questions, self.tick)
        self.rooms = RoomActions(self.sio, services.event, self.presence, joined=[self.qa.joined])
        self.reactions = ReactionActions(self.sio, services.reactions, self.tick, services.report)
        self.actions = actions_of(self.rooms, self.qa, self.reactions)
        self.scheduler = Scheduler(services.event, self.rooms.publish)
        self.tasks: list[asyncio.Task] = []
        services.event.announce_with(self.cluster.announce)
        self.cluster.on("overrides", services.event.reload_overrides)  # a moderator on any worker
        self.cluster.on("presence", self.presence.recount)
        self._listen()

    def _listen(self) -> None:
        sio = self.sio
        sio.on("connect", self._connect)
        sio.on("disconnect", self._disconnect)
        sio.on("*", self._unknown)
        for name, (spec, handler) in self.actions.items():
            sio.on(name, self._dispatcher(spec, handler))

    async def start(self) -> None:
        """After the store opened: the cluster, then the scheduler, the file watcher and shared head counts."""
        await self.cluster.start()
        self.scheduler.start()
        self.tick.start()
        self.tasks.append(asyncio.create_task(watch(self.services.event), name="programme watcher"))
        if self.cluster.shared:
            self.tasks.append(asyncio.create_task(self.presence.keep_counting(), name="presence"))
        self.tasks.append(asyncio.create_task(self.keep_sampling(), name="audience for the report"))

    async def keep_sampling(self) -> None:
        """Every AUDIENCE_SAMPLE_SECONDS, on the grid: each room's head count and the reactions since the last."""
        report, every = self.services.report, self.services.settings.audience_sample_seconds
        while True:
            await asyncio.sleep(every - self.services.event.now().timestamp() % every)
            try:
                await report.sample({room.slug: self.presence.count(PREFIX + room.slug)
                                     for room in self.services.event.program.rooms})
                await report.store_reactions()
            except Exception:  # a store hiccup loses one sample, never the task
                log.exception("could not keep the audience sample")

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.scheduler.stop()
        await self.tick.stop()
        await self.services.report.store_reactions()  # the last minute's, before the store closes
        await self.cluster.stop()

    async def close_sockets(self, app: web.Application) -> None:
        # Otherwise a restart waits for every open websocket to time out; clients reconnect on their own.
        # Never wait for the goodbye to be collected: a long-polling client that vanished never will.
        for socket in list(self.sio.eio.sockets.values()):
            await socket.close(wait=False, reason=self.sio.eio.reason.SERVER_DISCONNECT)
        self.sio.eio.sockets.clear()

    # --- what operators see (web/ops.py reads these through its LiveStats protocol) --------------

    def connections(self) -> int:
        return len(self.sio.eio.sockets)

    def people_in(self, room: str) -> int:
        """Sockets in the room on this worker."""
        return self.presence.local(PREFIX + room)

    # --- the socket.io handlers --------------------------------------------------------------

    async def _connect(self, sid: str, environ: dict, auth: Any = None) -> None:
        request: web.Request = environ["aiohttp.request"]
        identity = self._identity(request, auth if isinstance(auth, dict) else {})
        await self.sio.save_session(sid, {"identity": identity, "ip": request.remote or ""})

    def _identity(self, request: web.Request, auth: dict) -> Identity:
        """Cookies from the page (attendee, session) plus an optional token in the handshake's auth."""
        signer, settings = self.services.signer, self.services.settings
        identity = signer.identity(request.cookies)
        token = auth.get("token") if isinstance(auth.get("token"), str) else None
        moderator = identity.moderator or token_matches(token, settings.moderator_token)
        speaker = identity.speaker or (signer.speaker_of(token) if token else None)
        attendee = identity.attendee or signer.new_attendee()[0]  # no cookie: identity lasts this connection
        return Identity(attendee, moderator, identity.curator, speaker)

    async def _disconnect(self, sid: str, reason: Any = None) -> None:
        collector.connection_closed()
        self.presence.left(sid)

    async def _unknown(self, event: str, sid: str, data: Any = None) -> dict:
        return _error(Refused("unknown_event", f"there is no event '{event}'"))

    def _dispatcher(self, spec: Action, handler: Handler):
        async def dispatch(sid: str, data: Any = None) -> dict:
            session = await self.sio.get_session(sid)
            ctx = Context(sid, session["identity"], session["ip"])
            try:
                if not may(ctx.identity, spec.needs):
                    raise Refused("forbidden", f"you are not allowed to {spec.name}. {refusal(spec.needs)}")
                if not isinstance(data, dict):
                    raise Refused("bad_request", f'{spec.name} expects an object payload, e.g. {{"room": "ml-art"}}')
                return {"ok": True, **(await handler(ctx, data) or {})}
            except Refused as exc:
                return _error(exc)
            except Exception:
                log.exception("%s failed for %s", spec.name, sid)
                return _error(Refused("internal", "the server could not handle this; please try again"))
        return dispatch


def _error(refused: Refused) -> dict:
    return {"ok": False, "error": refused.as_error()}
