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
from collections import Counter
from dataclasses import replace
from typing import Any

import socketio
from aiohttp import web

from ..core.permissions import Identity, may, refusal
from ..core.refusal import Refused
from ..services import Services
from ..services.identity import new_attendee_id
from ..services.scheduler import Scheduler
from ..services.staff import with_staff
from ..services.watch import watch
from . import broadcast, collector
from .actions import Action, Context, Handler, actions_of, check_payload
from .cluster import Cluster
from .presence import PREFIX, Presence
from .qa import QaActions
from .reactions import ReactionActions
from .room import RoomActions
from .snapshot import Packet
from .tick import Tick

log = logging.getLogger(__name__)
MAX_MESSAGE = 64 * 1024  # bytes of one socket.io message
STAFF_SWEEP = 30.0  # seconds between checks that each staff socket's session still holds


class LiveService:
    def __init__(self, app: web.Application, services: Services):
        settings, self.services = services.settings, services
        # With REDIS_URL, room emits reach every worker's clients and shared state changes are announced.
        self.cluster = Cluster(settings.redis_url, services.event.program.event.id)
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=settings.public_url or None,
                                        client_manager=self.cluster.client_manager(), serializer=Packet,
                                        max_http_buffer_size=MAX_MESSAGE, ping_interval=25, ping_timeout=20)
        broadcast.install(self.sio, compress=settings.ws_compression)
        self._attach(app)
        self.presence = Presence(self.sio, self.cluster)
        self.tick = Tick(timer=services.metrics.fanout.labels("tick").time)
        self.qa = QaActions(self.sio, services.questions, self.tick)
        self.rooms = RoomActions(self.sio, services.event, services.states, self.presence, joined=[self.qa.joined],
                                 timer=services.metrics.fanout.labels("room_state").time)
        self.reactions = ReactionActions(self.sio, services.reactions, self.tick, services.report)
        self.actions = actions_of(self.rooms, self.qa, self.reactions)
        self.scheduler = Scheduler(services.event, self.rooms.publish)
        self.tasks: list[asyncio.Task] = []
        self.staff_sockets: dict[str, str] = {}  # sid → the staff session it was opened with, for the sweep
        self.addresses: Counter[str] = Counter()  # address → its connected sockets on this worker
        services.event.announce_with(self.cluster.announce)
        self.cluster.on("overrides", services.event.reload_overrides)  # a moderator on any worker
        self.cluster.on("presence", self.presence.recount)
        self._listen()

    def _attach(self, app: web.Application) -> None:
        """socket.io's routes (what sio.attach() adds), with a long-polling POST over MAX_MESSAGE answered 413
        at once: engine.io would close the session and wait for its queue to drain, leaving the client hanging."""
        handle = self.sio.eio.handle_request

        async def post(request: web.Request) -> web.StreamResponse:
            if (request.content_length or 0) > MAX_MESSAGE:
                raise web.HTTPRequestEntityTooLarge(MAX_MESSAGE, request.content_length or 0,
                                                    text=f"a socket.io message may be up to {MAX_MESSAGE} bytes")
            return await handle(request)
        app.router.add_get("/socket.io/", handle)
        app.router.add_post("/socket.io/", post)
        app.router.add_route("OPTIONS", "/socket.io/", handle)

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
        self.tasks.append(asyncio.create_task(self._sweep_staff_forever(), name="staff sweep"))
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

    async def drain(self, app: web.Application) -> None:
        """On SIGTERM, once the server stopped accepting: the last tallies out, then every client let go.

        Each client hears Engine.IO's goodbye, which makes socket.io clients reconnect (to another worker,
        or to this one restarted). The goodbye is the last thing each socket's writer sends: then it closes
        the websocket instead of waiting for the client to do so. A client that never answers (a frozen
        tab, a long-polling client that vanished) is cut off when serve()'s DRAIN runs out.
        """
        await self.tick.flush()
        for socket in list(self.sio.eio.sockets.values()):
            await socket.close(wait=False, reason=self.sio.eio.reason.SERVER_DISCONNECT)
            socket.queue.put_nowait(None)  # after the goodbye: the writer's cue to close the websocket
        self.sio.eio.sockets.clear()

    # --- what operators see (web/ops.py reads these through its LiveStats protocol) --------------

    def connections(self) -> int:
        return len(self.sio.eio.sockets)

    def people_in(self, room: str) -> int:
        """Sockets in the room on this worker."""
        return self.presence.sockets(PREFIX + room)

    async def cluster_problem(self) -> str | None:
        return await self.cluster.problem()

    # --- the socket.io handlers --------------------------------------------------------------

    async def _connect(self, sid: str, environ: dict, auth: Any = None) -> None:
        request: web.Request = environ["aiohttp.request"]
        address, cap = request.remote or "", self.services.settings.sockets_per_address
        if cap and self.addresses[address] >= cap:  # each socket costs memory: one address cannot take them all
            raise socketio.exceptions.ConnectionRefusedError(
                f"too many connections from your address ({cap}); close some tabs and try again")
        identity, remembered = await self._identity(request, auth if isinstance(auth, dict) else {})
        key = self.services.staff.key(request.cookies)
        if key and identity.staff:
            self.staff_sockets[sid] = key
        await self.sio.save_session(sid, {"identity": identity, "ip": address, "remembered": remembered,
                                          "staff": key})
        self.addresses[address] += 1  # counted once the session is kept: _disconnect reads the address there

    async def _identity(self, request: web.Request, auth: dict) -> tuple[Identity, bool]:
        """Cookies from the page (attendee, session) plus an optional token in the handshake's auth: a
        moderator's token (for tools without a browser) or a speaker's link; and whether the attendee
        identity is the page's (remembered) rather than made up for this connection."""
        signer, staff = self.services.signer, self.services.staff
        identity = await staff.identity(request.cookies)
        token = auth.get("token") if isinstance(auth.get("token"), str) else None
        given = staff.signs_in(token)
        if given and "moderator" in given[0] and not identity.moderator:
            identity = with_staff(identity, ("moderator",), given[1])
        speaker = identity.speaker or (signer.speaker_of(token) if token else None)
        attendee = identity.attendee or new_attendee_id()  # no cookie: identity lasts this connection (nothing to sign)
        return replace(identity, attendee=attendee, speaker=speaker), identity.attendee is not None

    async def sweep_staff(self) -> None:
        """Close the sockets of staff sessions that ended (signed out in another tab or on another worker,
        expired, their token rotated): an idle console must stop hearing the moderators' groups too."""
        for sid, key in list(self.staff_sockets.items()):
            if await self.services.staff.find(key, use=False) is None:
                self.staff_sockets.pop(sid, None)
                await self.sio.disconnect(sid)

    async def _sweep_staff_forever(self) -> None:
        while True:
            await asyncio.sleep(STAFF_SWEEP)
            try:
                await self.sweep_staff()
            except Exception:  # the store away for a moment: try again at the next sweep
                log.exception("the sweep of ended staff sessions failed")

    async def _still_staff(self, sid: str, session: dict) -> Identity:
        """A socket opened with a staff session loses its powers as soon as that session ends (signed out
        elsewhere, expired, its token rotated), not at its next reconnect."""
        identity = session["identity"]
        if session.get("staff") and identity.staff and await self.services.staff.find(session["staff"]) is None:
            identity = replace(identity, moderator=False, curator=False, staff=None)
            self.staff_sockets.pop(sid, None)
            await self.sio.save_session(sid, {**session, "identity": identity, "staff": None})
        return identity

    async def _disconnect(self, sid: str, reason: Any = None) -> None:
        self.staff_sockets.pop(sid, None)
        collector.connection_closed()
        self.presence.leave(sid)
        address = (await self.sio.get_session(sid))["ip"]
        self.addresses[address] -= 1
        if self.addresses[address] <= 0:
            del self.addresses[address]

    async def _unknown(self, event: str, sid: str, *data: Any) -> dict:
        return _error(Refused("unknown_event", f"there is no event '{event}'"))

    def _dispatcher(self, spec: Action, handler: Handler):
        answered = self.services.metrics.actions

        async def dispatch(sid: str, data: Any = None, *extra: Any) -> dict:
            ack = await self._answer(spec, handler, sid, data, extra)
            answered.labels(spec.name, "ok" if ack["ok"] else ack["error"]["code"]).inc()
            return ack
        return dispatch

    async def _answer(self, spec: Action, handler: Handler, sid: str, data: Any, extra: tuple) -> dict:
        try:  # everything inside: checking a staff session reads the store, which may fail
            session = await self.sio.get_session(sid)
            ctx = Context(sid, await self._still_staff(sid, session), session["ip"], session["remembered"])
            if not may(ctx.identity, spec.needs):
                raise Refused("forbidden", f"you are not allowed to {spec.name}. {refusal(spec.needs)}")
            if not isinstance(data, dict) or extra:
                raise Refused("bad_request", f'{spec.name} expects one object payload, e.g. {{"room": "ml-art"}}')
            check_payload(data)
            return {"ok": True, **(await handler(ctx, data) or {})}
        except Refused as exc:
            return _error(exc)
        except Exception:
            log.exception("%s failed for %s", spec.name, sid)
            return _error(Refused("internal", "the server could not handle this; please try again"))


def _error(refused: Refused) -> dict:
    return {"ok": False, "error": refused.as_error()}
