"""Many socket.io clients at little cost: Engine.IO v4 / Socket.IO v5 spoken over aiohttp websockets.

A full python-socketio client per person would make the test process the bottleneck long before the
server; these speak just enough of the protocol to connect, join a room and notice being let go.
`answers_close=False` makes a client that never answers the server's closing handshake, as a frozen
tab or a phone that went out of range does.
"""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp


class Person:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws
        self.closed_at: float | None = None  # monotonic: when the server let this client go
        self.reader: asyncio.Task | None = None

    async def read_until_closed(self) -> None:
        async for message in self.ws:
            if message.data == "2":  # Engine.IO ping
                await self.ws.send_str("3")
            elif message.data == "1":  # Engine.IO close: a socket.io client closes its transport, then reconnects
                await self.ws.close()
        self.closed_at = time.monotonic()


class Refused(Exception):
    """The server refused the Socket.IO connection (its message says why)."""


async def person(http: aiohttp.ClientSession, url: str, room: str = "main", answers_close: bool = True,
                 headers: dict | None = None) -> Person:
    ws = await http.ws_connect(url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
                               autoclose=answers_close, autoping=answers_close, heartbeat=None, headers=headers)
    assert (await ws.receive_str()).startswith("0")  # Engine.IO open
    await ws.send_str("40")
    connected = await ws.receive_str()
    if connected.startswith("44"):  # Socket.IO connect error
        await ws.close()
        raise Refused(json.loads(connected[2:])["message"])
    assert connected.startswith("40"), connected
    await ws.send_str("421" + json.dumps(["room:join", {"room": room}]))
    while not (reply := await ws.receive_str()).startswith("431"):  # room:state and the queue come first
        pass
    assert json.loads(reply[3:])[0]["ok"], reply
    joined = Person(ws)
    if answers_close:
        joined.reader = asyncio.create_task(joined.read_until_closed())
    return joined


async def crowd(http: aiohttp.ClientSession, url: str, n: int, answers_close: bool = True,
                at_once: int = 50) -> list[Person]:
    """`n` people in the room, connecting `at_once` at a time as a crowd arriving would."""
    gate = asyncio.Semaphore(at_once)

    async def one() -> Person:
        async with gate:
            return await person(http, url, answers_close=answers_close)
    return list(await asyncio.gather(*(one() for _ in range(n))))


def session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
