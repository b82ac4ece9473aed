"""Closed connections are counted towards the collector's thaw, so their remains do not pile up."""
from __future__ import annotations

import asyncio

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
