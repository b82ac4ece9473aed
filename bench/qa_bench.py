"""Q&A under load: many attendees vote at once on a real server in its own process.

Reports acknowledged (committed) votes per second and how many qa:tally messages each client got
per second (the coalescing cap is 4 per room). Usage:

    python bench/qa_bench.py [--clients 200] [--questions 10] [--database-url URL]
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import write_program  # noqa: E402  (a small valid programme)
from tests.live.qa_clients import Client  # noqa: E402


def serve(program: Path, data: Path, port: int, database_url: str) -> None:
    from aiohttp import web

    from event_server.app import create_app
    from event_server.config import Settings
    from event_server.loader import load_program
    from event_server.services.clock import ShiftedClock

    talk = load_program(program).talks[0]
    clock = ShiftedClock(talk.qa_start + timedelta(seconds=5) - datetime.now(UTC))  # in its Q&A
    settings = Settings(program=program, data_dir=data, database_url=database_url, secret_key="bench",
                        moderator_token="mod", qa_ask_interval=0, qa_votes_per_second=1000,
                        qa_votes_per_address=0)  # every client is on 127.0.0.1
    web.run_app(create_app(settings, clock), host="127.0.0.1", port=port, print=None)


async def run(url: str, clients: int, questions: int) -> None:
    asker = Client(url, auth={"token": "mod"})
    await asker.connect()
    ids = []
    for i in range(questions):
        reply = await asker.call("qa:ask", {"talk": "t1", "text": f"Benchmark question number {i}?"})
        await asker.call("qa:moderate", {"question": reply["question"]["id"], "action": "approve"})
        ids.append(reply["question"]["id"])
    crowd = [await Client.attendee(url) for _ in range(clients)]
    await asyncio.gather(*(c.connect() for c in crowd))
    for c in crowd:
        c.events.clear()

    async def vote_all(c: Client) -> list[float]:
        latencies = []
        for q in ids:
            t = time.perf_counter()
            assert (await c.call("qa:vote", {"question": q}))["ok"]
            latencies.append(time.perf_counter() - t)
        return latencies

    start = time.perf_counter()
    latencies = sorted(sum(await asyncio.gather(*(vote_all(c) for c in crowd)), []))
    elapsed = time.perf_counter() - start
    await asyncio.sleep(0.6)  # the last batched tally
    per_client = [sum(1 for e, _ in c.events if e == "qa:tally") for c in crowd]
    final = {q: n for c in crowd[:1] for e, d in c.events if e == "qa:tally" for q, n in d["votes"].items()}
    print(f"{clients} clients x {questions} questions = {len(latencies)} votes in {elapsed:.2f} s: "
          f"{len(latencies) / elapsed:.0f} committed votes/s; ack latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms")
    print(f"qa:tally per client: {max(per_client)} in {elapsed + 0.6:.2f} s "
          f"({max(per_client) / (elapsed + 0.6):.1f}/s, cap 4/s); final counts all {set(final.values())}")
    for c in [asker, *crowd]:
        await c.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    program = write_program(folder, [{"slug": "t1", "start": "12:00", "seconds": 60, "qa": 30}])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = multiprocessing.Process(target=serve, args=(program, folder / "data", port, args.database_url))
    server.start()
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        asyncio.run(run(f"http://127.0.0.1:{port}", args.clients, args.questions))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
