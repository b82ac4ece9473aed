"""A restart must not hang on clients that went away without saying so (a closed laptop, a killed tab)."""
from __future__ import annotations

import asyncio
import time

import aiohttp

from event_server.live import LIVE


async def open_polling_socket(url: str) -> None:
    """An engine.io long-polling handshake and a socket.io connect, then silence: nobody polls again."""
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "/socket.io/", params={"EIO": "4", "transport": "polling"}) as response:
            assert response.status == 200
            sid = (await response.text()).split('"sid":"')[1].split('"')[0]
        params = {"EIO": "4", "transport": "polling", "sid": sid}
        async with session.post(url + "/socket.io/", params=params, data="40") as response:
            assert response.status == 200


async def test_server_stops_promptly_with_a_vanished_long_polling_client(start_server):
    server = await start_server()
    await open_polling_socket(server.url)
    assert len(server.server.app[LIVE].sio.eio.sockets) == 1
    started = time.monotonic()
    await asyncio.wait_for(server.stop(), timeout=30)
    assert time.monotonic() - started < 5
