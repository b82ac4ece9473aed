"""The stage for OBS in Chromium against the real server: how far the premiere it plays is from the
live position (the server's clock), and how long a reload takes to play at the live position again.

    .venv/bin/python bench/stage_sync.py [--seconds 30] [--reloads 10] [--port 8791]

Starts `python -m event_server serve` in its own process as a rehearsal whose first talk (a 170 s
self-hosted premiere) starts at a fixed real instant (--start-at), so the true live position at any
moment is simply now − that instant, read from this machine's clock like the server's. Opens the
stage through its signed stage link in Chromium with autoplay allowed, as OBS's browser source runs
it, and prints p50 / p95 / max in milliseconds.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sync_bench import programme, summary  # noqa: E402  (bench/ is this script's folder)

from event_server.services.identity import Signer  # noqa: E402

SECRET = "bench-stage"
READ = ("() => { const v = document.querySelector('[data-show=premiere] video'); "
        "return v && !v.paused && !v.seeking && v.readyState >= 3 ? v.currentTime : null }")


def serve(program: Path, data: Path, port: int, start_at: datetime) -> subprocess.Popen:
    env = {**os.environ, "SECRET_KEY": SECRET, "MODERATOR_TOKEN": "bench", "DATA_DIR": str(data)}
    server = subprocess.Popen([sys.executable, "-m", "event_server", "serve", str(program), "--port", str(port),
                               "--start-at", start_at.isoformat()], env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


async def measure(url: str, start: float, seconds: float, reloads: int) -> tuple[list[float], list[float]]:
    from playwright.async_api import async_playwright

    def live() -> float:
        return time.time() - start

    errors: list[float] = []
    recoveries: list[float] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"])
        page = await browser.new_page(viewport={"width": 1920, "height": 1080})
        await page.goto(f"{url}/stage/{Signer(SECRET).stage.dumps('main')}")
        await asyncio.sleep(max(0.0, start + 8 - time.time()))  # the premiere runs; let the page settle
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            before = live()
            position = await page.evaluate(READ)
            after = live()
            if position is not None:
                errors.append(abs(position - (before + after) / 2) * 1000)  # the read happened mid-call
            await asyncio.sleep(0.25)
        for _ in range(reloads):
            began = time.monotonic()
            await page.reload(wait_until="commit")
            while True:  # until it plays within 100 ms of live again
                before = live()
                position = await page.evaluate(READ)
                if position is not None and abs(position - (before + live()) / 2) < 0.1:
                    break
                if time.monotonic() - began > 10:
                    raise SystemExit("the stage did not recover within 10 s of a reload")
                await asyncio.sleep(0.02)
            recoveries.append((time.monotonic() - began) * 1000)
            await asyncio.sleep(2)
        await browser.close()
    return errors, recoveries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="how long to sample the position")
    parser.add_argument("--reloads", type=int, default=10)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    start_at = (datetime.now(UTC) + timedelta(seconds=6)).replace(microsecond=0)
    server = serve(programme(folder, [(0, 170)]), folder / "data", args.port, start_at)
    try:
        errors, recoveries = asyncio.run(measure(f"http://127.0.0.1:{args.port}", start_at.timestamp(),
                                                 args.seconds, args.reloads))
    finally:
        server.terminate()
        server.wait(10)
    print(summary("stage premiere |position - live|", errors))
    print(summary("stage reload until playing within 100 ms of live", recoveries))


if __name__ == "__main__":
    main()
