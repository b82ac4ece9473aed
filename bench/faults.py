"""The fault suite's longer mode: the faults of tests/live (kill -9 mid-storm, PostgreSQL and Redis going
away, SIGTERM with a crowd, slowloris, one address opening thousands of sockets) against real
`python -m event_server serve` processes, with more people, more cycles and the figures measured.
RELIABILITY.md ("Faults") has the results and this exact command:

    python bench/faults.py [--people 20] [--cycles 5] [--crowd 1000] [--slow 2000] [--flood 5000]

Needs PostgreSQL's server programs (initdb, pg_ctl) and redis-server: it starts private ones on free
ports and never touches the shared servers. The shared PostgreSQL on 127.0.0.1:5432 (TEST_DATABASE_URL)
holds the kill -9 run's database. The last line is one JSON object with every figure.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import resource
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import PG_URL, _create_database, _drop_database  # noqa: E402
from tests.live.crowd import Refused, crowd, person, session  # noqa: E402
from tests.live.private import PrivatePostgres, PrivateRedis  # noqa: E402
from tests.live.qa_clients import Client  # noqa: E402
from tests.live.storm import Storm  # noqa: E402
from tests.live.test_cluster import Worker, shared_event  # noqa: E402

# Every client comes from 127.0.0.1: no per-address limits, but for the run that measures the socket cap.
OPEN = {"QA_ASK_INTERVAL": "0", "QA_VOTES_PER_SECOND": "0", "QA_VOTES_PER_ADDRESS": "0", "SOCKETS_PER_ADDRESS": "0"}


def workers(folder: Path, names: str, database: str = "", redis: str = "", **settings: str) -> list[Worker]:
    """Workers of one event (one programme, one event id), not started yet."""
    program, env = shared_event(folder, database, redis, **{**OPEN, **settings})
    return [Worker(name, program, {k: v for k, v in env.items() if v}, folder / name) for name in names]


def worker(folder: Path, database: str = "", **settings: str) -> Worker:
    return workers(folder, "w", database, **settings)[0]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def kill_storm(folder: Path, database: str, people: int, cycles: int) -> dict:
    server = worker(folder, database).start()
    storm = await Storm(server.url).gather(people)
    try:
        for _ in range(cycles):
            blowing = asyncio.create_task(storm.blow(3.0))
            await asyncio.sleep(1.5)
            server.kill(signal.SIGKILL)
            await blowing
            server.start()
            await storm.reconnect_all()
        lost = await storm.lost()
        return {"cycles": cycles, "people": people, "acknowledged": storm.acked(), "lost": len(lost),
                "replies": dict(storm.replies)}
    finally:
        await storm.close()
        server.kill()


async def postgres_outage(folder: Path, people: int, seconds: float) -> dict:
    postgres = PrivatePostgres().start()
    server = worker(folder, postgres.url).start()
    storm = await Storm(server.url).gather(people)
    try:
        await storm.blow(2)
        await asyncio.to_thread(postgres.stop)
        await storm.blow(seconds)
        during = dict(storm.replies)
        await asyncio.to_thread(postgres.start)
        back, acked = time.monotonic(), storm.acked()
        while storm.acked() == acked:  # how long until the first write commits again
            await storm.blow(0.2)
        recovered = time.monotonic() - back
        await storm.blow(2)
        lost = await storm.lost()
        return {"outage_s": seconds, "people": people, "acknowledged": storm.acked(), "lost": len(lost),
                "replies_until_back": during, "replies": dict(storm.replies), "first_commit_after_s": round(recovered, 2)}
    finally:
        await storm.close()
        server.kill()
        postgres.remove()


async def redis_blip(folder: Path, database: str, outage: float) -> dict:
    redis = PrivateRedis(folder).start()
    a, b = (w.start() for w in workers(folder, "ab", database, redis.url))
    watcher, moderator = await Client.attendee(b.url), Client(a.url, auth={"token": "mod-token"})
    try:
        await watcher.connect()
        await moderator.connect()
        redis.stop()
        await asyncio.sleep(outage)
        redis.start()
        back = time.monotonic()
        minutes, arrived = 0, None
        while arrived is None and time.monotonic() - back < 60:  # a delay each second until B's client hears one
            minutes += 1
            assert (await moderator.call("schedule:adjust", {"action": "delay", "talk": "t2", "minutes": 1}))["ok"]
            for _ in range(50):
                if any(e == "room:state" and _t2_delay(s) >= minutes for e, s in watcher.events):
                    arrived = time.monotonic() - back
                    break
                await asyncio.sleep(0.02)
        heard = None  # python-socketio's own Redis listener carries questions: it retries on its own schedule
        while heard is None and time.monotonic() - back < 90:
            asked = await moderator.call("qa:ask", {"talk": "t1", "text": f"Across workers at {time.time()}?"})
            for _ in range(25):
                if watcher.saw(asked["question"]["id"]):
                    heard = time.monotonic() - back
                    break
                await asyncio.sleep(0.02)
        logs = {w.name: w.log.read_text() for w in (a, b)}
        return {"outage_s": outage, "change_reached_other_worker_after_s": round(arrived, 2) if arrived else None,
                "question_reached_other_worker_after_s": round(heard, 2) if heard else None,
                "losses_logged": sum(t.count("cluster: lost Redis") for t in logs.values()),
                "recoveries_logged": sum(t.count("cluster: Redis is back") for t in logs.values())}
    finally:
        await watcher.close()
        await moderator.close()
        for w in (a, b):
            w.kill()
        redis.stop()


def _t2_delay(state: dict) -> int:
    """Minutes t2 starts after 13:00 Moscow (10:00 UTC), as the client sees it."""
    slot = next(s for s in state["slots"] if s["talk"] == "t2")
    hours, minutes = map(int, slot["start"][11:16].split(":"))
    return (hours - 10) * 60 + minutes


async def sigterm(folder: Path, clients: int) -> dict:
    server = worker(folder).start()
    async with session() as http:
        calm = await crowd(http, server.url, clients - clients // 10)
        frozen = await crowd(http, server.url, clients // 10, answers_close=False)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(60)
        took = time.monotonic() - started
        await asyncio.gather(*(p.reader for p in calm if p.reader))
        let_go = max(p.closed_at for p in calm if p.closed_at) - started
        for p in frozen:
            await p.ws.close()
    return {"clients": clients, "frozen": clients // 10, "exit_s": round(took, 2), "last_client_let_go_s": round(let_go, 2),
            "exit_status": server.process.returncode}


async def slowloris(folder: Path, connections: int) -> dict:
    server = worker(folder).start()
    loop = asyncio.get_running_loop()
    slow = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        s.setblocking(False)
        slow.append(s)
    started = time.monotonic()
    try:
        async with session() as http:
            t = time.monotonic()
            async with http.get(server.url + "/healthz") as response:
                healthz = (response.status, round((time.monotonic() - t) * 1000, 1))
        closed = await asyncio.wait_for(asyncio.gather(*(loop.sock_recv(s, 1) for s in slow)), 60)
        return {"connections": connections, "healthz_meanwhile": healthz, "all_closed_after_s":
                round(time.monotonic() - started, 1), "closed": sum(1 for c in closed if c == b"")}
    finally:
        for s in slow:
            s.close()
        server.kill()


async def flood(folder: Path, sockets: int) -> dict:
    server = worker(folder, SOCKETS_PER_ADDRESS="500").start()  # the default
    before = rss_kb(server.process.pid)
    accepted = refused = 0
    async with session() as http:
        kept = []
        for _ in range(sockets):
            try:
                kept.append(await person(http, server.url))
                accepted += 1
            except Refused:
                refused += 1
        after = rss_kb(server.process.pid)
        # someone from another address (127.0.0.2, still loopback) joins and sees the head count
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))) as elsewhere:
            newcomer = await Client.attendee(server.url, http=elsewhere)
            await newcomer.connect()
            shown = newcomer.events[-1][1]["count"]
            await newcomer.close()
        for p in kept:
            await p.ws.close()
    server.kill()
    return {"attempted": sockets, "accepted": accepted, "refused": refused, "rss_growth_mb": round((after - before) / 1024),
            "head_count_shown": shown}


async def main(args) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets on both ends
    folder = Path(tempfile.mkdtemp(prefix="faults-"))
    database = await _create_database(PG_URL)
    results: dict = {}
    try:
        runs = {"kill9_sqlite": lambda f: kill_storm(f, "", args.people, args.cycles),
                "kill9_postgresql": lambda f: kill_storm(f, database, args.people, args.cycles),
                "postgres_outage": lambda f: postgres_outage(f, args.people, 8),
                "redis_blip": lambda f: redis_blip(f, database, 8),
                "sigterm": lambda f: sigterm(f, args.crowd),
                "slowloris": lambda f: slowloris(f, args.slow),
                "flood_one_address": lambda f: flood(f, args.flood)}
        for name, run in runs.items():
            if args.only and name not in args.only:
                continue
            (folder / name).mkdir(parents=True)
            started = time.monotonic()
            results[name] = await run(folder / name)
            print(f"{name:20} {time.monotonic() - started:6.1f} s  {results[name]}", flush=True)
    finally:
        await _drop_database(PG_URL, database)
    print(json.dumps(results))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20, help="attendees in each storm")
    parser.add_argument("--cycles", type=int, default=5, help="kill -9 cycles on each database")
    parser.add_argument("--crowd", type=int, default=1000, help="clients connected at SIGTERM (a tenth frozen)")
    parser.add_argument("--slow", type=int, default=2000, help="slowloris connections")
    parser.add_argument("--flood", type=int, default=5000, help="sockets one address tries to open")
    parser.add_argument("--only", nargs="*", help="run only these faults (names as printed)")
    asyncio.run(main(parser.parse_args()))
