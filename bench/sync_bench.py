"""Premieres: how late room:state transitions arrive, how far a late joiner's position is off, and how far
apart two Chromium pages play the same self-hosted premiere.

    python bench/sync_bench.py [--clients 20] [--seconds 60] [--joiners 200] [--pages-seconds 20]

The server runs in its own thread and event loop (as a separate process would), with a clock shifted
so the programme is on now; the clients run here. Both read the same shifted clock, so "true" times
need no estimate. Prints p50 / p95 / max of each figure in milliseconds.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import socketio
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from event_server.app import create_app  # noqa: E402
from event_server.config import Settings  # noqa: E402
from event_server.services.clock import ShiftedClock  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DAY = datetime(2020, 9, 19, 7, 0, tzinfo=UTC)


def programme(folder: Path, talks: list[tuple[float, int]]) -> Path:
    """Talks as (seconds after DAY, recording seconds), no Q&A, all in one room."""
    media = folder / "media"
    media.mkdir(parents=True, exist_ok=True)
    (media / "clip.webm").write_bytes((ROOT / "program/media/recordings/opening.webm").read_bytes())
    rows = "".join(textwrap.dedent(f"""\
        - slug: t{i}
          title: Talk {i}
          speakers: [ada]
          room: main
          start: {(DAY + timedelta(seconds=at)).isoformat()}
          recording: {{file: media/clip.webm, duration: {length}}}
          qa_minutes: 0
        """) for i, (at, length) in enumerate(talks))
    path = folder / "program.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        event: {id: bench, title: Bench, timezone: UTC, start: 2020-09-19, end: 2020-09-19}
        rooms: [{slug: main, name: Main}]
        speakers: [{slug: ada, name: Ada}]
        talks:
        """) + textwrap.indent(rows, "  "))
    return path


class ServerThread:
    def __init__(self, program: Path, data: Path, clock: ShiftedClock):
        self.settings = Settings(program=program, data_dir=data, secret_key="bench", moderator_token="m",
                                 port=0)
        self.clock, self.ready = clock, threading.Event()

    def start(self) -> str:
        threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True).start()
        self.ready.wait(10)
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self):
        runner = web.AppRunner(create_app(self.settings, self.clock), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self.ready.set()
        await asyncio.Event().wait()


def summary(name: str, values_ms: list[float]) -> str:
    ordered = sorted(values_ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"{name}: n={len(ordered)} p50={statistics.median(ordered):.1f} ms p95={p95:.1f} ms "
            f"max={ordered[-1]:.1f} ms")


async def transitions(clients: int, seconds: float) -> list[float]:
    """Talks of 2 s every 3 s: each start and end is a transition every client must get on time."""
    folder = Path(tempfile.mkdtemp())
    count = int(seconds / 3) + 1
    clock = ShiftedClock(DAY + timedelta(seconds=-2) - datetime.now(UTC))
    url = ServerThread(programme(folder, [(3 * i, 2) for i in range(count)]), folder / "data", clock).start()
    lateness: list[float] = []

    async def one():
        sio, due = socketio.AsyncClient(), {}

        @sio.on("room:state")
        def state(payload):
            now = clock.now()
            if due.get("at") is not None and payload["phase"] != due.get("phase"):
                lateness.append((now - due["at"]).total_seconds() * 1000)
            due.update(phase=payload["phase"],
                       at=datetime.fromisoformat(payload["next_change"]) if payload["next_change"] else None)
        await sio.connect(url, transports=["websocket"])
        await sio.call("room:join", {"room": "main"})
        await asyncio.sleep(seconds)
        await sio.disconnect()
    await asyncio.gather(*(one() for _ in range(clients)))
    return lateness


async def late_joiners(joiners: int) -> list[float]:
    """Join during a long premiere at random moments; estimate the clock offset as room.js does (8
    clock:sync samples, keep the 3 lowest-delay, take the median) and compare the computed position
    with the true one."""
    folder = Path(tempfile.mkdtemp())
    clock = ShiftedClock(DAY + timedelta(seconds=30) - datetime.now(UTC))
    url = ServerThread(programme(folder, [(0, 3600)]), folder / "data", clock).start()
    errors: list[float] = []

    async def one():
        await asyncio.sleep(random.uniform(0, 5))
        sio = socketio.AsyncClient()
        await sio.connect(url, transports=["websocket"])
        reply = await sio.call("room:join", {"room": "main"})
        state = reply["state"]
        samples = []
        for _ in range(8):
            t0 = time.time() * 1000
            sync = await sio.call("clock:sync", {"t0": t0})
            t3 = time.time() * 1000
            samples.append((t3 - t0, sync["server_time"] - (t0 + t3) / 2))
        best = sorted(o for _, o in sorted(samples)[:3])[1]
        start_ms = state["server_time"] - state["offset"] * 1000
        position = (time.time() * 1000 + best - start_ms) / 1000
        truth = (clock.now() - DAY).total_seconds()
        errors.append(abs(position - truth) * 1000)
        await sio.disconnect()
    await asyncio.gather(*(one() for _ in range(joiners)))
    return errors


async def two_pages(seconds: float) -> tuple[list[float], list[float]]:
    """Two Chromium pages on one premiere of a self-hosted file: |position A − position B| over time,
    and how far page A is from the live position."""
    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp())
    clock = ShiftedClock(DAY + timedelta(seconds=5) - datetime.now(UTC))
    url = ServerThread(programme(folder, [(0, 170)]), folder / "data", clock).start()
    gaps: list[float] = []
    errors: list[float] = []
    read = ("() => { const v = document.querySelector('video'); "
            "return v && !v.paused && !v.seeking && v.readyState >= 3 ? [v.currentTime, performance.now()] : null }")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                          args=["--headless", "--no-sandbox", "--disable-gpu"])
        first = await browser.new_page()
        await first.goto(url + "/rooms/main")
        await asyncio.sleep(10)
        second = await browser.new_page()
        await second.goto(url + "/rooms/main")
        await asyncio.sleep(5)  # let both settle (seeks on sparse keyframes)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t_a = time.monotonic()
            truth = (clock.now() - DAY).total_seconds()
            a = await first.evaluate(read)
            t_read = time.monotonic() - t_a
            b = await second.evaluate(read)
            t_b = time.monotonic()
            if a and b:
                gaps.append(abs(a[0] + (t_b - t_a) - b[0]) * 1000)  # a advanced while we read b
                errors.append(abs(a[0] - (truth + t_read / 2)) * 1000)  # the read happened mid-call
            await asyncio.sleep(0.25)
        await browser.close()
    return gaps, errors


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--joiners", type=int, default=200)
    parser.add_argument("--pages-seconds", type=float, default=20, help="0 skips the Chromium part")
    args = parser.parse_args()
    print(summary("transition lateness", await transitions(args.clients, args.seconds)))
    print(summary("late-joiner offset error", await late_joiners(args.joiners)))
    if args.pages_seconds:
        gaps, errors = await two_pages(args.pages_seconds)
        print(summary("position difference between two pages", gaps))
        print(summary("page position error vs live", errors))


if __name__ == "__main__":
    asyncio.run(main())
