"""Fast room broadcasts for a python-socketio ``AsyncServer`` on aiohttp.

``install(sio)`` keeps the Socket.IO protocol and the ``sio.emit(...)`` API
(``to``/``room`` = a room, a list of rooms or a sid, ``skip_sid``, namespaces,
callbacks) and changes only how bytes reach websocket clients:

* **No per-message deflate by default.** python-engineio opens the aiohttp
  ``WebSocketResponse`` with aiohttp's default ``compress=True``, so every
  frame was deflated once *per recipient*. Node's socket.io has it off too.
  ``install(sio, compress=True)`` restores it (and the stock send path).
* **Encode and frame once per emit.** The socket.io packet, the engine.io
  ``'4'`` prefix and the websocket frame header are built once, and the same
  ``bytes`` are ``transport.write()``-n to every websocket recipient in one
  loop: no task, queue put or writer wake-up per recipient. Long-polling
  clients (and sockets still upgrading) keep the stock queued path.
* **A socket's rooms are indexed**, so joining, leaving and disconnecting
  cost the same in an empty room and a full one.
* **Bounded backlog.** ``transport.write`` never blocks; when a client's
  unsent bytes exceed ``max_backlog`` it cannot keep up, so its connection is
  aborted instead of letting memory grow. socket.io-client reconnects and the
  app sends it a fresh snapshot on join.

Order is preserved per client: once a websocket is upgraded and its engine.io
queue is empty, *every* packet for it (pings, acks, unicasts, broadcasts) is
written straight away; until then everything goes through the queue, whose
writer also writes synchronously, so a direct write never overtakes a queued
packet.

Internals relied on (hence the version pin, checked by ``install``):
``engineio.async_drivers.aiohttp.WebSocket`` (constructed per upgrade from the
server's ``_async['websocket']`` with the bound ``AsyncSocket._websocket_handler``),
``AsyncSocket.send/poll/queue/upgraded/upgrading/check_ping_timeout``,
``AsyncServer.sockets``, ``AsyncManager.emit/get_participants``,
``BaseManager.rooms/basic_enter_room/basic_leave_room/basic_disconnect/
get_rooms/callbacks/pending_connect/pending_disconnect`` and
aiohttp's ``BaseRequest.transport``. Tested in tests/live/test_broadcast.py
with the stock Python and Node socket.io clients.
"""
from __future__ import annotations

import importlib.metadata
import logging
import struct
import traceback

from aiohttp.web import WebSocketResponse
from engineio import packet as eio_packet
from engineio.async_drivers.aiohttp import WebSocket as _StockWebSocket
from engineio.async_socket import AsyncSocket
from socketio import AsyncManager
from socketio import packet as sio_packet

SUPPORTED = {'python-socketio': '5.18.1', 'python-engineio': '4.15.1'}
DEFAULT_MAX_BACKLOG = 256 * 1024  # bytes queued in user space per websocket
log = logging.getLogger(__name__)


def ws_frame(data: str | bytes) -> bytes:
    """One unmasked, final websocket frame (server -> client, RFC 6455 5.2)."""
    if isinstance(data, str):
        payload, first = data.encode(), 0x81  # FIN + text
    else:
        payload, first = bytes(data), 0x82  # FIN + binary
    n = len(payload)
    if n < 126:
        return bytes((first, n)) + payload
    if n < 65536:
        return struct.pack('!BBH', first, 126, n) + payload
    return struct.pack('!BBQ', first, 127, n) + payload


def _write(transport, frame: bytes, max_backlog: int, sid: str) -> None:
    if transport.is_closing():
        return  # connection is going away; engine.io's reader cleans up
    transport.write(frame)  # never blocks: the loop buffers what the kernel won't take
    if transport.get_write_buffer_size() > max_backlog:
        log.warning('engine.io %s: more than %d bytes unsent, dropping slow '
                    'client', sid, max_backlog)
        transport.abort()  # reader sees EOF -> stock disconnect handling


class _DirectSocket(AsyncSocket):
    """An engine.io socket whose websocket writes bypass queue and writer task.

    Set as the ``__class__`` of the ``AsyncSocket`` when its websocket opens
    (plain attributes, no closures: a few bytes per connection)."""

    _ws_transport = None
    _max_backlog = DEFAULT_MAX_BACKLOG

    def _write_frame(self, frame: bytes) -> bool:
        """Write a prebuilt frame now if order allows; False = use the queue."""
        if not self.upgraded or self.upgrading or not self.queue.empty():
            return False  # still on polling, mid-upgrade, or packets pending
        _write(self._ws_transport, frame, self._max_backlog, self.sid)
        return True

    async def send(self, pkt):
        if not await self.check_ping_timeout():
            return
        # binary: raw bytes, not pkt.encode(), whose cache would then hand
        # bytes to a long-polling recipient of the same shared packet
        data = pkt.data if pkt.binary else pkt.encode()
        if not self._write_frame(ws_frame(data)):
            await self.queue.put(pkt)

    async def poll(self):
        if not self.upgraded:  # long-polling GETs: stock behaviour
            return await super().poll()
        # The websocket writer task. The stock poll waits via wait_for(),
        # i.e. in a helper task, leaving a gap where a packet has left the
        # queue but is not written yet; and it gives up after 45 s without
        # queued packets, which in direct mode is the normal state. Waiting
        # here directly has neither problem; the None sentinel ends it.
        pkt = await self.queue.get()
        self.queue.task_done()
        return [] if pkt is None else [pkt]


class _WebSocket(_StockWebSocket):
    """engine.io's aiohttp websocket wrapper, configured by ``install``."""

    compress = False
    max_backlog = DEFAULT_MAX_BACKLOG

    async def __call__(self, environ):
        request = environ['aiohttp.request']
        self._sock = WebSocketResponse(
            max_msg_size=self.server.max_http_buffer_size,
            compress=self.compress)
        await self._sock.prepare(request)  # 101 response is flushed here
        self.environ = environ
        self._transport = request.transport
        sock = self.handler.__self__  # the AsyncSocket being upgraded
        if not self.compress and type(sock) is AsyncSocket:
            sock.__class__ = _DirectSocket
            sock._ws_transport = request.transport
            sock._max_backlog = self.max_backlog
        await self.handler(self)
        _forget_frames(self._sock.exception())
        return self._sock

    async def wait(self):
        # The stock wait raises OSError when the client closes; engine.io's reader catches it from a task
        # whose frame holds that task: a reference cycle per closed connection (its traceback, frames, tasks,
        # request and websocket), which only a full collection frees. None is its other way to say "closed".
        message = await self._sock.receive()
        return message.data if isinstance(message.data, (str, bytes)) else None

    async def send(self, message):
        # Used by the engine.io writer and the upgrade probe. Synchronous on
        # purpose (no await inside): a queued packet is on the wire before
        # the writer task yields, so direct writes cannot overtake it.
        if self.compress:
            return await super().send(message)
        if self._transport.is_closing():
            raise OSError('websocket transport is closed')  # ends the writer
        sock = self.handler.__self__
        _write(self._transport, ws_frame(message), self.max_backlog, sock.sid)


def _forget_frames(exc: BaseException | None) -> None:
    """A connection lost mid-close leaves aiohttp keeping the error (`ws.exception()`), whose traceback's
    frames hold the websocket that holds it: a cycle per dropped client, with its request and buffers,
    that only a full collection (a stall of seconds with 10,000 sockets open) would free. Clearing the
    frames' locals breaks it; reference counting frees the rest as the handler returns."""
    while exc is not None:
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__context__


class _BroadcastManager(AsyncManager):
    """Fast emits (below), and which rooms each socket is in, kept as it
    changes. The stock manager finds a socket's rooms by scanning every room
    of the namespace, on each disconnect and ``sio.rooms(sid)``: with an
    ``att:<id>`` room per attendee that is O(people) per leave, so a room
    filling or emptying at once (a reconnect storm) costs O(people²)."""

    _rooms_of: dict  # (namespace, sid) -> {room: None}, set by install

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._rooms_of.setdefault((namespace, sid), {})[room] = None

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        rooms = self._rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del self._rooms_of[namespace, sid]

    def get_rooms(self, sid, namespace):
        return [r for r in self._rooms_of.get((namespace, sid), ()) if r is not None]

    def basic_disconnect(self, sid, namespace, **kwargs):
        # the stock method minus its scan of every room (python-socketio 5.18.1)
        if namespace not in self.rooms:
            return
        for room in list(self._rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if sid in pending.get(namespace, ()):
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    async def emit(self, event, data, namespace, room=None, skip_sid=None,
                   callback=None, to=None, **kwargs):
        room = to or room
        if callback is not None or namespace not in self.rooms:
            # per-recipient ack ids (or nobody to send to): stock path
            return await super().emit(event, data, namespace, room=room,
                                      skip_sid=skip_sid, callback=callback,
                                      **kwargs)
        args = list(data) if isinstance(data, tuple) else (
            [] if data is None else [data])
        encoded = self.server.packet_class(
            sio_packet.EVENT, namespace=namespace, data=[event] + args).encode()
        if isinstance(encoded, list):  # binary attachments: several packets
            return await super().emit(event, data, namespace, room=room,
                                      skip_sid=skip_sid, **kwargs)
        eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        frame = ws_frame(eio_pkt.encode())
        skip = set(skip_sid) if isinstance(skip_sid, list) else {skip_sid}
        sockets = self.server.eio.sockets
        queued = []
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            s = sockets.get(eio_sid)
            if s is None or s.closed:
                continue
            if type(s) is not _DirectSocket or not s._write_frame(frame):
                queued.append(s)
        for s in queued:  # polling / upgrading: an unbounded put, no task
            await s.send(eio_pkt)


def check_versions() -> None:
    found = {name: importlib.metadata.version(name) for name in SUPPORTED}
    if found != SUPPORTED:
        raise RuntimeError(
            'event_server.live.broadcast extends python-socketio/python-engineio '
            f'internals and supports exactly {SUPPORTED}, found {found}. '
            'Pin those versions, or re-check the module against the new '
            'sources and tests/live/test_broadcast.py before updating SUPPORTED.')


def install(sio, *, compress: bool = False,
            max_backlog: int = DEFAULT_MAX_BACKLOG):
    """Make ``sio`` (``socketio.AsyncServer(async_mode='aiohttp')``) broadcast
    fast. Call once, before the server accepts connections. Returns ``sio``."""
    check_versions()
    if sio.async_mode != 'aiohttp':
        raise ValueError(f"broadcast.install needs async_mode='aiohttp', "
                         f'not {sio.async_mode!r}')
    if sio.eio.sockets:
        raise RuntimeError('broadcast.install must run before clients connect')
    cls = type(sio.manager)
    if not issubclass(cls, _BroadcastManager):
        if not issubclass(cls, AsyncManager):
            raise TypeError(f'unsupported client manager {cls.__name__}')
        # A pub/sub manager (Redis...) delivers locally via super().emit():
        # putting _BroadcastManager after it in the MRO speeds that step up.
        sio.manager.__class__ = _BroadcastManager if cls is AsyncManager \
            else type(f'Broadcast{cls.__name__}', (cls, _BroadcastManager), {})
        sio.manager._rooms_of = {}
    ws_cls = type('WebSocket', (_WebSocket,),
                  {'compress': compress, 'max_backlog': max_backlog})
    # _async is the driver module's dict, shared by all servers: copy it.
    sio.eio._async = dict(sio.eio._async, websocket=ws_cls)
    return sio
