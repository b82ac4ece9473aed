"""Requests per second for /schedule.ics of a large programme: full 200s and conditional 304s, with the
render cache and without it (every request renders), side by side from one run.

    python bench/feeds_bench.py [--talks 2000] [--concurrency 20] [--requests 2000] [--uncached-requests 20]

Each server runs in its own process on a loopback port (access log off); the load comes from this
process with aiohttp, `--concurrency` requests in flight. The machine is shared by client and server,
so compare figures from the same run only.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402
from make_program import write  # noqa: E402

from event_server.core.timeline import slots  # noqa: E402
from event_server.feeds import EXPORTERS, Feed, select  # noqa: E402
from event_server.loader import load_program  # noqa: E402

PATH = "/schedule.ics?lang=en"


def serve(program: Path, data: Path, port: int, cached: bool) -> None:
    from aiohttp import web

    from event_server.app import create_app
    from event_server.config import Settings
    from event_server.feeds.http import RenderCache
    from event_server.web import feeds

    app = create_app(Settings(program=program, port=port, data_dir=data, secret_key="bench",
                              public_url="https://meetup.example"))
    if not cached:
        app[feeds.CACHE] = RenderCache(size=0)  # forgets every render: each request renders anew
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(url + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"the server at {url} did not come up")


async def load(url: str, count: int, concurrency: int, headers: dict, expect: int) -> dict:
    latencies: list[float] = []
    sizes: list[int] = []
    queue = iter(range(count))
    connector = aiohttp.TCPConnector(limit=concurrency)
    # bodies are not decompressed here: the client's CPU is not what is measured
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:
        async def worker() -> None:
            for _ in queue:
                start = time.perf_counter()
                async with session.get(url + PATH, headers=headers) as r:
                    sizes.append(len(await r.read()))
                    assert r.status == expect, (r.status, expect)
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    latencies.sort()
    return {"rps": count / wall, "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))], "n": count, "bytes": max(sizes)}


async def measure(url: str, count: int, concurrency: int) -> tuple[float, dict[str, dict]]:
    await wait_up(url)
    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        async with session.get(url + PATH, headers={"Accept-Encoding": "identity"}) as r:
            await r.read()
            etag = r.headers["ETag"]
        first = time.perf_counter() - start
    return first, {
        "200 identity": await load(url, count, concurrency, {"Accept-Encoding": "identity"}, 200),
        "200 gzip": await load(url, count, concurrency, {"Accept-Encoding": "gzip"}, 200),
        "304": await load(url, count, concurrency, {"Accept-Encoding": "identity", "If-None-Match": etag}, 304),
    }


def render_times(program_path: Path) -> dict[str, float]:
    program = load_program(program_path)
    published = datetime.fromtimestamp(program_path.stat().st_mtime, UTC)
    times = {}
    for identifier, exporter in EXPORTERS.items():
        start = time.process_time()
        exporter.render(Feed(program, select(program, slots(program), "schedule", None), "en",
                             "https://meetup.example", published))
        times[identifier] = time.process_time() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--uncached-requests", type=int, default=20, help="each of these renders the whole feed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        program = write(Path(tmp), args.talks)
        renders = render_times(program)
        print(f"render of the whole schedule, {args.talks} talks (CPU s): "
              + ", ".join(f"{k} {v:.3f}" for k, v in renders.items()))
        rows = []
        for name, cached, count in (("cached", True, args.requests), ("uncached", False, args.uncached_requests)):
            port = free_port()
            process = multiprocessing.get_context("spawn").Process(
                target=serve, args=(program, Path(tmp) / f"data-{name}", port, cached), daemon=True)
            process.start()
            try:
                first, results = asyncio.run(measure(f"http://127.0.0.1:{port}", count, args.concurrency))
            finally:
                process.terminate()
                process.join()
            rows += [(name, first, kind, r) for kind, r in results.items()]
    print(f"GET {PATH}, {args.talks} talks, concurrency {args.concurrency}")
    print(f"{'server':<9} {'first s':>7} {'response':<13} {'bytes':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>8}")
    for name, first, kind, r in rows:
        print(f"{name:<9} {first:>7.2f} {kind:<13} {r['bytes']:>9} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} "
              f"{r['p99_ms']:>8.1f} {r['n']:>8}")


if __name__ == "__main__":
    main()
