"""A room socket that closes is freed at once — its websocket, request and tasks, after a tab is closed and
after a connection is lost without a goodbye — and what it still leaves in a cycle (asyncio's transport,
~1.5 KB) counts towards the collector's thaw, so those remains do not pile up (live/collector.py)."""
from __future__ import annotations

import asyncio
import gc

from aiohttp import web

from tests.live.roomclient import RoomClient


async def test_each_closed_socket_counts_towards_a_thaw(start_server, gc_collector):
    made, _ = gc_collector  # thaws after 3 closed connections
    server = await start_server()
    seen = []
    for expected in (1, 2, 0):  # the third close thaws and starts counting again
        async with RoomClient(server.url) as client:
            await client.join("ml-art")
        for _ in range(100):
            if made.closed == expected:
                break
            await asyncio.sleep(0.02)
        seen.append(made.closed)
    assert seen == [1, 2, 0]


def open_websockets() -> int:
    return sum(type(o) is web.WebSocketResponse for o in gc.get_objects())


async def test_closed_room_sockets_are_freed_without_a_full_collection(start_server):
    server = await start_server()
    gc.collect()
    gc.disable()
    try:
        clients = [RoomClient(server.url) for _ in range(6)]
        for client in clients:
            await client.__aenter__()
            await client.join("ml-art")
        assert open_websockets() == 6
        for client in clients[:3]:
            await client.__aexit__()  # a tab closed
        for client in clients[3:]:
            client.sio.eio.ws._response.connection.transport.abort()  # a laptop lid shut: no close frame
        for _ in range(100):
            if open_websockets() == 0:
                break
            await asyncio.sleep(0.02)
        assert open_websockets() == 0
    finally:
        gc.enable()
