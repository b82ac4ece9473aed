"""The socket.io server, who is connected, and a dispatcher that turns every action into an ack.

Handlers are small: `@action("qa:vote", requires=can_vote)` declares the event and the permission
(a pure rule from the core); the dispatcher checks it on every call, validates that the payload is
an object, and answers `{ok: true, ...}` or `{ok: false, error: {code, message}}`. A handler that
fails unexpectedly is logged and answered with an error ack: the socket is never dropped. Only a
message over MAX_MESSAGE (no action needs 1 KB) closes its own socket, with websocket close code
1009 "message too big", as socket.io's maxHttpBufferSize does.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

import socketio
from aiohttp import web

from ..runtime import Runtime
from . import broadcast, collector
from .cluster import Cluster
from ..web.identity import Identity, token_matches
from ..web.keys import RUNTIME, SIGNER

log = logging.getLogger(__name__)
SIO = web.AppKey("sio", socketio.AsyncServer)
CLUSTER = web.AppKey("cluster", Cluster)
MAX_MESSAGE = 64 * 1024  # bytes of one socket.io message


class ActionError(Exception):
    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details

    def ack(self) -> dict:
        return {"ok": False, "error": {"code": self.code, "message": self.message, **self.details}}


@dataclass
class Context:
    sid: str
    identity: Identity
    runtime: Runtime
    sio: socketio.AsyncServer
    ip: str


Handler = Callable[[Context, dict], Awaitable[dict | None]]
ACTIONS: dict[str, tuple[Handler, Callable[[Identity], bool] | None]] = {}
# Called after a socket joins a room (room slug), e.g. to send it the Q&A snapshot.
JOIN_HOOKS: list[Callable[[Context, str], Awaitable[None]]] = []
# Called after a socket has gone (sid), e.g. to recount the people in its rooms.
DISCONNECT_HOOKS: list[Callable[[socketio.AsyncServer, str], Awaitable[None]]] = []


def action(name: str, requires: Callable[[Identity], bool] | None = None):
    def register(handler: Handler) -> Handler:
        ACTIONS[name] = (handler, requires)
        return handler
    return register


def setup(app: web.Application) -> socketio.AsyncServer:
    from . import handlers  # noqa: F401  (importing them registers the actions)

    runtime = app[RUNTIME]
    settings = runtime.settings
    # With REDIS_URL, room emits reach every worker's clients and shared state changes are announced.
    cluster = Cluster(settings.redis_url, runtime.program.event.id)
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=settings.public_url or None,
                               client_manager=cluster.client_manager(),
                               max_http_buffer_size=MAX_MESSAGE, ping_interval=25, ping_timeout=20)
    broadcast.install(sio, compress=settings.ws_compression)
    sio.attach(app)
    app[SIO], app[CLUSTER] = sio, cluster
    runtime.announce = cluster.announce

    async def run_cluster(app: web.Application):
        await cluster.start()
        yield
        await cluster.stop()
    app.cleanup_ctx.append(run_cluster)

    async def close_sockets(app: web.Application) -> None:
        # Otherwise a restart waits for every open websocket to time out; clients reconnect on their own.
        # Never wait for the goodbye to be collected: a long-polling client that vanished never will.
        for socket in list(sio.eio.sockets.values()):
            await socket.close(wait=False, reason=sio.eio.reason.SERVER_DISCONNECT)
        sio.eio.sockets.clear()
    app.on_shutdown.append(close_sockets)

    @sio.event
    async def connect(sid, environ, auth):
        request: web.Request = environ["aiohttp.request"]
        identity = _identity(app, request, auth if isinstance(auth, dict) else {})
        await sio.save_session(sid, {"identity": identity, "ip": request.remote or ""})

    @sio.event
    async def disconnect(sid, reason=None):
        collector.connection_closed()
        for hook in DISCONNECT_HOOKS:
            await hook(sio, sid)

    @sio.on("*")
    async def unknown(event, sid, data=None):
        return ActionError("unknown_event", f"there is no event '{event}'").ack()

    for name, (handler, requires) in ACTIONS.items():
        sio.on(name, _dispatch(app, sio, name, handler, requires))
    return sio


def _identity(app: web.Application, request: web.Request, auth: dict) -> Identity:
    """Cookies from the page (attendee, session) plus an optional token in the handshake's auth."""
    signer, settings = app[SIGNER], app[RUNTIME].settings
    identity = signer.identity(request.cookies)
    token = auth.get("token") if isinstance(auth.get("token"), str) else None
    moderator = identity.moderator or token_matches(token, settings.moderator_token)
    speaker = identity.speaker or (signer.speaker_of(token) if token else None)
    attendee = identity.attendee or signer.new_attendee()[0]  # no cookie: identity lasts this connection
    return Identity(attendee, moderator, identity.curator, speaker)


def _dispatch(app, sio, name: str, handler: Handler, requires):
    async def dispatch(sid, data=None):
        session = await sio.get_session(sid)
        ctx = Context(sid, session["identity"], app[RUNTIME], sio, session["ip"])
        try:
            if requires is not None and not requires(ctx.identity):
                raise ActionError("forbidden", f"you are not allowed to {name}: sign in with the right token")
            if not isinstance(data, dict):
                raise ActionError("bad_request", f"{name} expects an object payload, e.g. {{\"room\": \"ml-art\"}}")
            return {"ok": True, **(await handler(ctx, data) or {})}
        except ActionError as exc:
            return exc.ack()
        except Exception:
            log.exception("%s failed for %s", name, sid)
            return ActionError("internal", "the server could not handle this; please try again").ack()
    return dispatch


def field(data: dict, name: str, kind: type = str, *, required: bool = True):
    """One payload field of the expected type, or a bad_request error that names it."""
    value = data.get(name)
    if value is None and not required:
        return None
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise ActionError("bad_request", f"'{name}' must be a {kind.__name__}")
    return value
