"""A real socket.io client that records what the server pushes, for the live-room tests and the bench."""
from __future__ import annotations

import asyncio
import time

import socketio


class RoomClient:
    def __init__(self, url: str, **connect):
        self.url, self.connect_kwargs = url, connect
        self.sio = socketio.AsyncClient(reconnection=False)
        self.states: asyncio.Queue = asyncio.Queue()
        self.presence: asyncio.Queue = asyncio.Queue()
        self.sio.on("room:state", self._state)
        self.sio.on("room:presence", lambda p: self.presence.put_nowait((time.monotonic(), p)))

    async def _state(self, state):
        self.states.put_nowait((time.time(), state))  # when it arrived, on this machine's clock

    async def __aenter__(self) -> RoomClient:
        await self.sio.connect(self.url, transports=["websocket"], **self.connect_kwargs)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.sio.disconnect()

    async def call(self, event: str, payload) -> dict:
        return await self.sio.call(event, payload, timeout=5)

    async def join(self, room: str = "main") -> dict:
        reply = await self.call("room:join", {"room": room})
        assert reply["ok"], reply
        await self.next_state()  # the room:state sent with the join
        return reply

    async def next_state(self, timeout: float = 5.0, **wanted) -> tuple[float, dict]:
        """The next pushed state matching every `wanted` field (earlier ones are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            arrived, state = await asyncio.wait_for(self.states.get(), max(0.01, deadline - time.monotonic()))
            if all(state.get(k) == v for k, v in wanted.items()):
                return arrived, state
