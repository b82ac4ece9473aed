"""A room socket that closes is freed at once: it leaves nothing that only a full collection (a stall of
seconds with 10,000 sockets open, live/collector.py) could free — after a tab is closed, and after a
connection is lost without a goodbye."""
from __future__ import annotations

import asyncio
import gc

from aiohttp import web

from tests.live.roomclient import RoomClient


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
