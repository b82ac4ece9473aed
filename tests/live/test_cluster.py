"""Two real worker processes sharing one event through the real Redis and the real PostgreSQL.

Each worker is `python -m event_server serve` in its own process with its own data directory; they share
DATABASE_URL, REDIS_URL, SECRET_KEY and one rehearsal clock (START_AT). Clients are real socket.io clients,
each talking to one worker, as they would behind a load balancer with sticky sessions.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from tests.conftest import ROOT, write_program
from tests.live.qa_clients import Client

START = 5.0  # seconds a worker may take to answer /healthz


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    def __init__(self, name: str, program: Path, env: dict, data_dir: Path):
        self.name, self.program, self.env, self.data_dir = name, program, env, data_dir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = data_dir.parent / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Worker:
        env = {**self.env, "DATA_DIR": str(self.data_dir)}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "event_server", "serve", str(self.program),
                                             "--port", str(self.port)], cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + START * 3
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"worker {self.name} did not answer /healthz: {self.log.read_text()[-2000:]}")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(10)


def shared_event(folder: Path, database_url: str, redis_url: str, **settings: str) -> tuple[Path, dict]:
    """The programme and environment several workers of one event share: the first talk's premiere ended
    10 s ago, so its Q&A is on (without premoderation); `settings` add to or replace the environment."""
    program = write_program(folder, [{"slug": "t1", "start": "12:00", "seconds": 60, "qa": 5},
                                     {"slug": "t2", "start": "13:00", "seconds": 60, "qa": 5, "speaker": "alan"}])
    # a unique event id: Redis pub/sub channels are global, whatever the database number
    program.write_text(program.read_text().replace("id: test-meetup", f"id: cluster-{secrets.token_hex(4)}")
                       .replace("  livestream:", "  qa: {premoderation: false}\n  livestream:"))
    start_at = (datetime.now(UTC) - timedelta(seconds=70)).isoformat()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "cluster-secret",
           "MODERATOR_TOKEN": "mod-token", "CURATOR_TOKEN": "cur-token", "START_AT": start_at,
           "PYTHONUNBUFFERED": "1", **settings}
    return program, env


@contextmanager
def two_workers(folder: Path, database_url: str, redis_url: str):
    """Workers A and B of one event, its first talk's Q&A on, killed on leaving."""
    program, env = shared_event(folder, database_url, redis_url, QA_ASK_INTERVAL="0")
    made = [Worker(name, program, env, folder / name) for name in ("a", "b")]
    try:
        made[0].start()  # the first one runs the migrations; the second finds them done
        made[1].start()
        yield made
    finally:
        for worker in made:
            worker.kill()


@pytest.fixture(scope="module")
def workers(tmp_path_factory, module_postgres, redis_url):
    with two_workers(tmp_path_factory.mktemp("cluster"), module_postgres, redis_url) as made:
        yield made


@pytest.fixture
async def clients():
    made: list[Client] = []
    yield made
    for client in made:
        await client.close()


async def attendee(url: str, clients: list) -> Client:
    client = await Client.attendee(url)
    clients.append(client)
    await client.connect()
    assert (await client.wait("qa:snapshot"))["talk"] == "t1"
    return client


async def test_a_question_on_a_reaches_b_and_a_vote_on_b_changes_the_tally_on_a(workers, clients):
    a, b = workers
    alice, bob = await attendee(a.url, clients), await attendee(b.url, clients)
    asked = await alice.call("qa:ask", {"talk": "t1", "text": "Does it scale out?"})
    assert asked["ok"], asked
    question = asked["question"]["id"]
    await bob.wait("qa:question", lambda q: q["id"] == question and q["state"] == "approved")

    voted = await bob.call("qa:vote", {"question": question})
    assert voted["votes"] == 1
    await alice.wait("qa:tally", lambda t: t["votes"].get(question) == 1)
    # one room emit reaches each client once, whichever worker it came from
    assert [e for e, q in bob.events if e == "qa:question" and q["id"] == question] == ["qa:question"]


async def test_votes_on_both_workers_at_once_end_in_the_same_tally_everywhere(workers, clients):
    a, b = workers
    voters = [await attendee((a, b)[i % 2].url, clients) for i in range(8)]
    question = (await voters[0].call("qa:ask", {"talk": "t1", "text": "Who wins the race?"}))["question"]["id"]
    replies = await asyncio.gather(*(v.call("qa:vote", {"question": question}) for v in voters))
    assert sorted(r["votes"] for r in replies) == list(range(1, 9))
    for voter in voters:
        await voter.wait("qa:tally", lambda t: t["votes"].get(question) == 8)
    await asyncio.sleep(0.6)  # both workers' batches have gone out
    for voter in voters:  # whichever worker's tally came last, it has the final count
        last = [t["votes"][question] for e, t in voter.events if e == "qa:tally" and question in t["votes"]][-1]
        assert last == 8


async def test_a_pin_on_a_shows_on_an_overlay_connected_to_b(workers, clients):
    a, b = workers
    alice = await attendee(a.url, clients)
    overlay = await attendee(b.url, clients)  # what an OBS overlay does: join the room, watch what is on air
    moderator = Client(a.url, auth={"token": "mod-token"})
    clients.append(moderator)
    await moderator.connect()
    question = (await alice.call("qa:ask", {"talk": "t1", "text": "Which GPU?"}))["question"]["id"]
    pinned = await moderator.call("qa:moderate", {"question": question, "action": "pin"})
    assert pinned["ok"] and pinned["question"]["on_air"]
    await overlay.wait("qa:question", lambda q: q["id"] == question and q["on_air"])


async def test_a_delay_on_a_reaches_bs_clients_and_pages_once(workers, clients):
    a, b = workers
    watcher = await attendee(b.url, clients)
    moderator = Client(a.url, auth={"token": "mod-token"})
    clients.append(moderator)
    await moderator.connect()
    watcher.events.clear()
    reply = await moderator.call("schedule:adjust", {"action": "delay", "talk": "t2", "minutes": 10})
    assert reply == {"ok": True, "talk": "t2"}

    def delayed(state):
        t2 = next((s for s in state["slots"] if s["talk"] == "t2"), None)
        return t2 is not None and datetime.fromisoformat(t2["start"]).strftime("%H:%M") == "10:10"  # 13:10 Moscow
    await watcher.wait("room:state", delayed)
    # a rehearsal (START_AT) shows its real times: t2 starts 70 minutes after the first talk, not at 13:10 in 2020
    real = datetime.fromisoformat(b.env["START_AT"]) + timedelta(minutes=70)
    async with aiohttp.ClientSession() as http, http.get(b.url + "/schedule") as response:
        assert real.astimezone(ZoneInfo("Europe/Moscow")).strftime("%H:%M") in await response.text()
    await asyncio.sleep(0.5)  # time for a duplicate to arrive, if there were one
    # B's scheduler told B's clients; A's did not tell them again through Redis
    assert sum(1 for e, s in watcher.events if e == "room:state" and delayed(s)) == 1


async def shows(client: Client, count: int, timeout: float = 5.0) -> None:
    """Wait until the head count on the client's page (its join's answer, then each push) is `count`."""
    for _ in range(int(timeout / 0.02)):
        latest = [p["count"] for event, p in client.events if event == "room:presence"]
        if latest[-1:] == [count]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the page shows {latest[-1:]}, not {count}")


async def test_presence_counts_the_people_on_every_worker(workers, clients):
    a, b = workers
    alice = await attendee(a.url, clients)
    bob, carol = await attendee(b.url, clients), await attendee(b.url, clients)
    await shows(alice, 3)
    await shows(carol, 3)
    await bob.close()  # a leave on B reaches the count shown on A
    await shows(alice, 2)


async def test_killing_a_loses_no_acknowledged_question(workers, clients):
    a, b = workers
    alice = await attendee(a.url, clients)
    asked = await alice.call("qa:ask", {"talk": "t1", "text": "Will it survive a crash?"})
    assert asked["ok"]
    question = asked["question"]["id"]
    a.kill(signal.SIGKILL)  # no shutdown, no flush: only what was committed before the ack

    bob = await attendee(b.url, clients)
    listed = await bob.call("qa:list", {"talk": "t1"})
    assert question in [q["id"] for q in listed["questions"]]

    a.start()  # same port, same database
    carol = await attendee(a.url, clients)
    listed = await carol.call("qa:list", {"talk": "t1"})
    assert question in [q["id"] for q in listed["questions"]]

