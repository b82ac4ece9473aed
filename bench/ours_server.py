"""Benchmark server: aiohttp + python-socketio, same protocol as node_server.js.

    python bench/ours_server.py --port 8001 [--mode ours|plain] [--uvloop] [--redis URL --channel NAME]

Protocol (identical in both servers): a client emits ``join`` (ack'd) to enter
room ``bench``; the load generator's emitter client (not in the room) emits
``bench:emit`` with a Q&A payload and the server broadcasts it to the room as
``qa:tally``. ``--mode plain`` is stock python-socketio (the baseline);
``--mode ours`` adds ``event_server.live.broadcast.install``. With ``--redis``
several of these processes share the room through python-socketio's
AsyncRedisManager, as the event server's workers do with REDIS_URL. Prints
``READY <port>`` on stdout once listening, and on SIGTERM one line
``GC [[epoch_s, pause_s], ...]``: every full (generation 2) collection, the
longest stall a server with many connections has (compare.py reports those
that fell inside the measured window).
"""
import argparse
import asyncio
import gc
import json
import os
import signal
import sys
import time

import socketio
from aiohttp import web

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))


def make_app(mode: str, redis: str | None = None, channel: str = 'bench') -> web.Application:
    manager = socketio.AsyncRedisManager(redis, channel=channel) if redis else None
    sio = socketio.AsyncServer(async_mode='aiohttp', cors_allowed_origins='*', client_manager=manager)
    if mode == 'ours':  # what the event server's process does
        from event_server.live import broadcast, collector
        broadcast.install(sio)
        collector.install()
        sio.on('disconnect', lambda sid, reason=None: collector.connection_closed())

    @sio.on('join')
    async def join(sid, room='bench'):
        await sio.enter_room(sid, 'bench')
        return {'ok': True}

    @sio.on('bench:emit')
    async def bench_emit(sid, payload):
        await sio.emit('qa:tally', payload, room='bench', skip_sid=sid)

    app = web.Application()
    sio.attach(app)
    return app


def record_full_collections() -> list:
    pauses, started = [], [0.0]

    def on_gc(phase, info):
        if info['generation'] == 2:
            if phase == 'start':
                started[0] = time.perf_counter()
            else:
                pauses.append((time.time(), time.perf_counter() - started[0]))
    gc.callbacks.append(on_gc)
    return pauses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=8001)
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--mode', choices=['ours', 'plain'], default='ours')
    ap.add_argument('--uvloop', action='store_true')
    ap.add_argument('--redis', help='share rooms with other processes through this Redis')
    ap.add_argument('--channel', default='bench', help='the Redis pub/sub channel of one cluster')
    args = ap.parse_args()
    pauses = record_full_collections()

    def report(*_):
        print('GC ' + json.dumps(pauses), flush=True)
        os._exit(0)
    signal.signal(signal.SIGTERM, report)
    if args.uvloop:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

    async def serve():
        runner = web.AppRunner(make_app(args.mode, args.redis, args.channel), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, args.host, args.port, backlog=4096)
        await site.start()
        print(f'READY {args.port}', flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
