"""A vote-and-question storm: many attendees asking and voting as fast as the server answers, every
acknowledgement noted, so a fault test can check afterwards that nothing acknowledged was lost.

Each person is a real socket.io client with the attendee cookie of a page load. A check reconnects
each one with the same cookie and asks for the queue: their acknowledged questions must be among
`mine` and their acknowledged votes among `voted`, as the page would show them.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import socketio

from tests.live.qa_clients import Client


@dataclass
class Person:
    client: Client
    asked: set[str] = field(default_factory=set)  # questions acknowledged with ok
    voted: set[str] = field(default_factory=set)  # votes acknowledged with ok


@dataclass
class Storm:
    url: str
    talk: str = "t1"
    people: list[Person] = field(default_factory=list)
    replies: Counter[str] = field(default_factory=Counter)  # "ok" or the error code → how many
    messages: dict[str, str] = field(default_factory=dict)  # error code → one of its messages
    running: bool = True

    async def gather(self, n: int) -> Storm:
        for _ in range(n):
            person = Person(await Client.attendee(self.url))
            await self._connect(person)
            self.people.append(person)
        return self

    @staticmethod
    async def _connect(person: Person) -> None:
        # Reconnecting is ours to do (reconnect_all), with the cookie, as a page does: python-socketio's own
        # reconnection came back without it, as a fresh identity whose questions are not this person's.
        person.client.sio.reconnection = False
        await person.client.connect()

    async def reconnect_all(self) -> None:
        """After the server came back: everyone whose connection broke connects again."""
        for person in self.people:
            if not person.client.sio.connected:
                await person.client.reconnect()
                person.client.sio.reconnection = False

    def acked(self) -> int:
        return sum(len(p.asked) + len(p.voted) for p in self.people)

    async def _act(self, person: Person, n: int) -> None:
        asked = [q for p in self.people for q in p.asked if p is not person and q not in person.voted]
        try:
            if asked and n % 2:
                question = random.choice(asked)
                reply = await person.client.call("qa:vote", {"question": question})
                if reply["ok"]:
                    person.voted.add(question)
            else:
                reply = await person.client.call("qa:ask", {"talk": self.talk, "text": f"Storm question {n} "
                                                            f"from {id(person)} at {time.time()}"})
                if reply["ok"]:
                    person.asked.add(reply["question"]["id"])
        except socketio.exceptions.SocketIOError:  # no answer: the server went away meanwhile
            reply = {"ok": False, "error": {"code": "no_answer", "message": "no ack (the server went away)"}}
        code = "ok" if reply["ok"] else reply["error"]["code"]
        self.replies[code] += 1
        if not reply["ok"]:
            self.messages.setdefault(code, reply["error"]["message"])

    async def _run(self, person: Person) -> None:
        n = 0
        while self.running:
            if person.client.sio.connected:
                await self._act(person, n)
                n += 1
            else:
                await asyncio.sleep(0.05)

    async def blow(self, seconds: float) -> None:
        """Everyone acts at once, again and again, for `seconds`."""
        self.running = True
        tasks = [asyncio.create_task(self._run(p)) for p in self.people]
        await asyncio.sleep(seconds)
        self.running = False
        await asyncio.gather(*tasks)

    async def lost(self, url: str | None = None) -> list[str]:
        """Every acknowledged question or vote the server no longer has (an empty list: nothing lost)."""
        missing = []
        for person in self.people:
            again = Client(url or self.url, person.client.cookie)
            await again.connect()
            try:
                queue = await again.call("qa:list", {"talk": self.talk})
            finally:
                await again.close()
            missing += [f"question {q}" for q in person.asked - set(queue["mine"])]
            missing += [f"vote for {q}" for q in person.voted - set(queue["voted"])]
        return missing

    async def close(self) -> None:
        for person in self.people:
            await person.client.close()
