"""Real socket.io clients acting as one browser each, recording what the server pushes to them."""
from __future__ import annotations

import asyncio

import aiohttp
import socketio

PUSHED = ("room:state", "room:presence", "qa:snapshot", "qa:question", "qa:tally")


class Client:
    def __init__(self, url: str, cookie: str = "", auth: dict | None = None,
                 http: aiohttp.ClientSession | None = None):
        self.url, self.cookie, self.auth = url, cookie, auth
        self.events: list[tuple[str, dict]] = []
        self.sio = socketio.AsyncClient(http_session=http)  # http: e.g. one bound to a source address
        for name in PUSHED:
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name):
        async def record(data):
            self.events.append((name, data))
        return record

    @classmethod
    async def attendee(cls, url: str, http: aiohttp.ClientSession | None = None) -> Client:
        """A browser's first page load sets its attendee cookie; its socket carries it."""
        session = http or aiohttp.ClientSession()
        try:
            async with session.get(url + "/") as response:
                cookie = response.cookies["es_attendee"].value
        finally:
            if http is None:
                await session.close()
        return cls(url, f"es_attendee={cookie}", http=http)

    async def connect(self, room: str | None = "main") -> Client:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self.sio.connect(self.url, headers=headers, auth=self.auth, wait_timeout=5)
        if room:
            joined = await self.call("room:join", {"room": room})
            assert joined["ok"], joined
            # as a page does: the head count from the join's answer first, then each room:presence
            self.events.append(("room:presence", {"room": room, "count": joined["presence"]}))
        return self

    async def reconnect(self, url: str | None = None) -> Client:
        await self.sio.disconnect()
        self.url = url or self.url
        self.sio = socketio.AsyncClient()
        for name in PUSHED:
            self.sio.on(name, self._recorder(name))
        return await self.connect()

    async def call(self, event: str, data=None) -> dict:
        return await self.sio.call(event, data, timeout=5)

    async def wait(self, name: str, match=lambda data: True, timeout: float = 3.0) -> dict:
        for _ in range(int(timeout / 0.02)):
            for event, data in reversed(self.events):
                if event == name and match(data):
                    return data
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {name} matching within {timeout}s; got {[e for e, _ in self.events]}")

    def saw(self, question_id: str) -> bool:
        return any(event == "qa:question" and data["id"] == question_id for event, data in self.events) or any(
            event == "qa:snapshot" and any(q["id"] == question_id for q in data["questions"])
            for event, data in self.events)

    async def close(self) -> None:
        await self.sio.disconnect()
