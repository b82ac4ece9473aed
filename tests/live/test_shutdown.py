"""A restart must not hang on clients that went away without saying so (a closed laptop, a killed tab)."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import time

import aiohttp
import pytest

from event_server.live import LIVE
from tests.conftest import ROOT, missing
from tests.live.crowd import crowd, session
from tests.live.qa_clients import Client
from tests.live.test_cluster import Worker, shared_event


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


@pytest.fixture
def worker(tmp_path):
    # a thousand clients from one loopback address: lift the per-address cap on sockets
    program, env = shared_event(tmp_path, "", "", QA_ASK_INTERVAL="0", SOCKETS_PER_ADDRESS="0")
    made = Worker("a", program, {k: v for k, v in env.items() if k not in ("DATABASE_URL", "REDIS_URL")},
                  tmp_path / "a")
    yield made.start()
    made.kill()


async def test_sigterm_with_1000_clients_exits_within_5_s_and_lets_every_client_go(worker):
    async with session() as http:
        calm = await crowd(http, worker.url, 900)
        frozen = await crowd(http, worker.url, 100, answers_close=False)  # never answer the closing handshake
        started = time.monotonic()
        worker.process.send_signal(signal.SIGTERM)
        while worker.process.poll() is None and time.monotonic() - started < 30:
            await asyncio.sleep(0.05)
        took = time.monotonic() - started
        assert worker.process.returncode == 0 and took < 5, f"exit {worker.process.returncode} after {took:.1f} s"
        await asyncio.gather(*(p.reader for p in calm if p.reader))
        assert all(p.closed_at is not None and p.closed_at - started < 5 for p in calm)
        for p in frozen:
            await p.ws.close()


async def test_sigterm_sends_the_last_tally_before_letting_clients_go(worker):
    voter, watcher = await Client.attendee(worker.url), await Client.attendee(worker.url)
    try:
        await voter.connect()
        await watcher.connect()
        question = (await voter.call("qa:ask", {"talk": "t1", "text": "Last vote before the deploy?"}))["question"]["id"]
        assert (await voter.call("qa:vote", {"question": question}))["votes"] == 1
        worker.process.send_signal(signal.SIGTERM)  # the vote's tally is still waiting for its tick
        worker.process.wait(5)
        await watcher.wait("qa:tally", lambda t: t["votes"].get(question) == 1, timeout=2)
    finally:
        await voter.close()
        await watcher.close()


async def test_a_page_let_go_by_sigterm_reconnects_to_the_restarted_worker(worker):
    """The stock client the pages use: Engine.IO's goodbye makes it reconnect by itself."""
    if shutil.which("node") is None or not (ROOT / "bench" / "node_modules").is_dir():
        missing("node and `npm ci --prefix bench` are needed for the stock socket.io client")
    page = await asyncio.create_subprocess_exec(
        "node", str(ROOT / "tests" / "live" / "reconnecting_client.js"), worker.url, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "NODE_PATH": str(ROOT / "bench" / "node_modules")})

    async def line() -> dict:
        return json.loads(await asyncio.wait_for(page.stdout.readline(), 10))
    try:
        first = await line()
        assert first["type"] == "connect", first
        worker.process.send_signal(signal.SIGTERM)
        assert await line() == {"type": "disconnect", "reason": "transport close"}  # "io server disconnect" would stay
        worker.process.wait(5)
        worker.start()  # the restarted worker, on the same port (or, behind a balancer, another one)
        again = await line()
        assert again["type"] == "connect" and again["sid"] != first["sid"], again
    finally:
        page.stdin.close()
        await page.wait()
