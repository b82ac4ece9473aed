"""Redis goes away under two workers and comes back: the cluster must heal by itself.

The workers share a Redis of their own (tests/live/private.py) that the test kills and restarts on the
same port. While it is away each worker keeps serving its own clients; once it is back a moderator's
change on one worker reaches the other's clients, and a change made during the outage is caught up.
"""
from __future__ import annotations

import asyncio
import time
from datetime import datetime

import pytest

from event_server.live import LIVE
from tests.live import test_cluster
from tests.live.private import PrivateRedis
from tests.live.qa_clients import Client
from tests.live.test_cluster import Worker, attendee, two_workers

clients = test_cluster.clients  # the fixture: socket.io clients closed after each test


@pytest.fixture
def redis(tmp_path):
    made = PrivateRedis(tmp_path).start()
    yield made
    made.stop()


@pytest.fixture
def workers(tmp_path, module_postgres, redis):
    with two_workers(tmp_path, module_postgres, redis.url) as made:
        yield made


async def logged(worker: Worker, text: str, times: int = 1, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.log.read_text().count(text) >= times:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"worker {worker.name} never logged {text!r}: {worker.log.read_text()[-3000:]}")


def starts_at(state: dict, talk: str) -> str:
    slot = next(s for s in state["slots"] if s["talk"] == talk)
    return datetime.fromisoformat(slot["start"]).strftime("%H:%M")


async def test_after_a_redis_blip_a_moderators_change_on_a_reaches_bs_clients(workers, redis, clients):
    a, b = workers
    watcher, neighbour = await attendee(b.url, clients), await attendee(b.url, clients)
    moderator = Client(a.url, auth={"token": "mod-token"})
    clients.append(moderator)
    await moderator.connect()

    redis.stop()
    for worker in workers:
        await logged(worker, "cluster: lost Redis")
    # alone, each worker still serves its own clients: a question on B reaches B's other attendee
    asked = await watcher.call("qa:ask", {"talk": "t1", "text": "Is anyone there while Redis sleeps?"})
    assert asked["ok"], asked
    await neighbour.wait("qa:question", lambda q: q["id"] == asked["question"]["id"])
    # a moderator's change during the outage is stored and applied on A, never refused or lost
    assert await moderator.call("schedule:adjust", {"action": "delay", "talk": "t2", "minutes": 5}) == \
        {"ok": True, "talk": "t2"}

    await asyncio.sleep(8)  # as long as the blip reported: the listeners have backed off meanwhile
    redis.start()
    for worker in workers:
        await logged(worker, "cluster: Redis is back")
    # B caught up with the delay it could not hear of: 13:05 Moscow is 10:05 UTC
    await watcher.wait("room:state", lambda s: starts_at(s, "t2") == "10:05", timeout=5)

    # and hears the next change as it happens
    assert (await moderator.call("schedule:adjust", {"action": "delay", "talk": "t2", "minutes": 5}))["ok"]
    await watcher.wait("room:state", lambda s: starts_at(s, "t2") == "10:10", timeout=5)
    # room emits cross between the workers again within a few seconds, as the schedule does
    asked = await moderator.call("qa:ask", {"talk": "t1", "text": "Does a question on A reach B again?"})
    await watcher.wait("qa:question", lambda q: q["id"] == asked["question"]["id"], timeout=4)


async def test_the_cluster_reports_its_link_to_redis_for_readiness_checks(start_server, redis):
    server = await start_server(redis_url=redis.url)
    cluster = server.server.app[LIVE].cluster
    assert cluster.healthy and cluster.last_error is None
    redis.stop()
    for _ in range(100):
        if not cluster.healthy:
            break
        await asyncio.sleep(0.05)
    assert not cluster.healthy and "Connection" in cluster.last_error
    redis.start()
    for _ in range(300):
        if cluster.healthy:
            break
        await asyncio.sleep(0.05)
    assert cluster.healthy  # last_error stays, for whoever asks what happened
