"""Recordings at event scale: the server's CPU per viewer of a premiere whose bytes are sent (a) by the app
(`app`: viewers reach it directly; `proxied`: through nginx, as deploy/nginx.conf runs it without
RECORDINGS_ACCEL), (b) by nginx after the app's X-Accel-Redirect (`accel`), (c) by another origin, the app
only handing out a signed link (`url`); and how closely Chromium plays an HLS premiere at the live position.

    python bench/recordings_bench.py [--viewers 1000] [--kbps 2000] [--chunk 4] [--seconds 20]
                                     [--modes app,proxied,accel,url] [--hls-seconds 20]

Each mode starts the real `python -m event_server serve` (and nginx with deploy/nginx.conf and
deploy/nginx-origin.conf, as the deployment runs them) on loopback, in a rehearsal whose premiere began a
minute ago, with a recording of `--kbps` (random bytes: only their number matters). Every viewer has its
own connection and, like a player refilling its buffer, asks for the next `--chunk` seconds of the
recording (a Range request) every `--chunk` seconds, starting at a random instant of the first period;
in (c) it first asks the app for /recordings/{slug} and follows the redirect to the origin. The CPU
time of each server process (user + system, from /proc) is read before and after the `--seconds`
window, with the bytes the viewers received meanwhile.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Template

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.deploy.test_nginx_stack import MAIN  # noqa: E402  (nginx as the deployment test runs it)
from tests.live.test_cluster import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECRET = secrets.token_urlsafe(16)
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer: {log.read_text()[-2000:]}")


class Stack:
    """The event-server worker, nginx in front of it with the recordings origin beside it."""

    def __init__(self, folder: Path, accel: bool, origin_port: int):
        self.folder, self.processes = folder, []
        self.app_port, self.nginx_port, self.origin_port = free_port(), free_port(), origin_port
        try:
            self._start(folder, accel)
        except BaseException:
            self.stop()  # a worker already started must not outlive a stack that failed to start
            raise

    def _start(self, folder: Path, accel: bool) -> None:
        env = {**os.environ, "SECRET_KEY": "bench", "PYTHONUNBUFFERED": "1", "DATA_DIR": str(folder / "data"),
               "START_AT": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
               "RECORDINGS_LINK_SECRET": SECRET, **({"RECORDINGS_ACCEL": "/_recordings/"} if accel else {})}
        log = folder / "app.log"
        self.app = subprocess.Popen([sys.executable, "-m", "event_server", "serve", str(folder / "program.yaml"),
                                     "--port", str(self.app_port)], cwd=ROOT, env=env,
                                    stdout=log.open("ab"), stderr=subprocess.STDOUT)
        self.processes.append(self.app)
        wait_for(self.app_url + "/healthz", self.app, log)
        prefix = folder / "nginx"
        prefix.mkdir(exist_ok=True)
        (prefix / "event_server.conf").write_text(Template((ROOT / "deploy" / "nginx.conf").read_text()).safe_substitute(
            EVENT_SERVER_1=f"127.0.0.1:{self.app_port}", EVENT_SERVER_2=f"127.0.0.1:{self.app_port}",
            LISTEN=f"127.0.0.1:{self.nginx_port}", PROGRAM_DIR=str(folder)))
        (prefix / "origin.conf").write_text(Template((ROOT / "deploy" / "nginx-origin.conf").read_text()).safe_substitute(
            ORIGIN_LISTEN=f"127.0.0.1:{self.origin_port}", ORIGIN_CERT=folder / "cert.pem",
            ORIGIN_KEY=folder / "key.pem", ORIGIN_ROOT=folder / "origin", RECORDINGS_LINK_SECRET=SECRET))
        (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix))
        self.nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e",
                                       str(prefix / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(self.nginx)
        wait_for(self.nginx_url + "/healthz", self.nginx, prefix / "error.log")

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def nginx_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def cpu(self) -> dict[str, float]:
        return {"app": cpu_seconds(self.app.pid), "nginx": cpu_seconds(self.nginx.pid)}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(10)


def programme(folder: Path, kbps: int, length: int, origin_port: int) -> None:
    """Two rooms premiering at once: `file` (self-hosted) and `url` (a signed link to the origin)."""
    size = kbps * 1000 // 8 * length
    (folder / "media").mkdir(parents=True)
    (folder / "origin").mkdir()
    data = os.urandom(size)
    (folder / "media" / "talk.mp4").write_bytes(data)
    (folder / "origin" / "talk.mp4").write_bytes(data)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", folder / "key.pem", "-out", folder / "cert.pem"], check=True, capture_output=True)
    (folder / "program.yaml").write_text(textwrap.dedent(f"""\
        version: 1
        event: {{id: bench-{secrets.token_hex(3)}, title: Bench, timezone: UTC, start: 2020-09-19, end: 2020-09-19}}
        rooms:
          - {{slug: a, name: A}}
          - {{slug: b, name: B}}
        speakers: [{{slug: ada, name: Ada}}]
        talks:
          - {{slug: file, title: File, speakers: [ada], room: a, start: 2020-09-19 12:00, qa_minutes: 0,
              recording: {{file: media/talk.mp4, duration: {length}}}}}
          - {{slug: url, title: Link, speakers: [ada], room: b, start: 2020-09-19 12:00, qa_minutes: 0,
              recording: {{url: 'https://127.0.0.1:{origin_port}/talk.mp4', sign: nginx, duration: {length}}}}}
        """))


async def viewer(first: str, chunk_bytes: int, period: float, until: float, offset: int, counted: list[int],
                 window: list[float]) -> None:
    """One player: the next chunk every `period` seconds, from its own connection."""
    await asyncio.sleep(random.uniform(0, period))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1, ssl=False),
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        url = first
        if "/recordings/url" in first:  # (c): the app hands out the signed link, once
            async with http.get(first, allow_redirects=False) as response:
                url = response.headers["Location"]
        position = offset
        while time.monotonic() < until:
            due = time.monotonic() + period
            async with http.get(url, headers={"Range": f"bytes={position}-{position + chunk_bytes - 1}"}) as response:
                body = await response.read()
            if window[0] <= time.monotonic() <= window[1]:
                counted[0] += len(body)
            position += chunk_bytes
            await asyncio.sleep(max(0.0, due - time.monotonic()))


async def run_mode(mode: str, args, folder: Path, origin_port: int) -> dict:
    stack = Stack(folder, accel=(mode == "accel"), origin_port=origin_port)
    try:
        chunk_bytes = args.kbps * 1000 // 8 * int(args.chunk)
        first = {"app": stack.app_url + "/recordings/file", "proxied": stack.nginx_url + "/recordings/file",
                 "accel": stack.nginx_url + "/recordings/file", "url": stack.app_url + "/recordings/url"}[mode]
        warmup = args.chunk * 1.5
        start = time.monotonic()
        window = [start + warmup, start + warmup + args.seconds]
        counted = [0]
        ramp = stack.cpu()
        tasks = [asyncio.create_task(viewer(first, chunk_bytes, args.chunk, window[1], 0, counted, window))
                 for _ in range(args.viewers)]
        await asyncio.sleep(max(0.0, window[0] - time.monotonic()))
        before = stack.cpu()
        await asyncio.sleep(max(0.0, window[1] - time.monotonic()))
        after = stack.cpu()
        await asyncio.gather(*tasks, return_exceptions=True)
        cpu = {name: after[name] - before[name] for name in after}
        offered = args.viewers * args.kbps * 1000 / 8 * args.seconds
        # (c): nginx here is the origin, which stands for the CDN; the event's server is the app alone
        server = cpu["app"] + (cpu["nginx"] if mode in ("proxied", "accel") else 0.0)
        return {"mode": mode, "viewers": args.viewers, "kbps": args.kbps, "seconds": args.seconds,
                "received_mb_s": round(counted[0] / args.seconds / 1e6, 1), "offered_mb_s": round(offered / args.seconds / 1e6, 1),
                "app_cpu_pct": round(100 * cpu["app"] / args.seconds, 1),
                "nginx_cpu_pct": round(100 * cpu["nginx"] / args.seconds, 1),
                "server_cpu_ms_per_viewer_s": round(1000 * server / args.seconds / args.viewers, 3),
                "server_cpu_s_per_gb": round(server / (counted[0] / 1e9), 2) if counted[0] else None,
                # before the window: each viewer's first request (in `url`: the app's redirect to its signed link)
                "ramp_app_ms_per_viewer": round(1000 * (before["app"] - ramp["app"]) / args.viewers, 3)}
    finally:
        stack.stop()


async def hls_sync(seconds: float) -> list[float]:
    """A Chromium page on an HLS premiere (the 2020 opening's set): |position − live position| every 0.25 s."""
    from playwright.async_api import async_playwright

    sys.path.insert(0, str(ROOT / "bench"))
    from sync_bench import DAY, ServerThread

    from event_server.services.clock import ShiftedClock

    folder = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "program" / "media" / "recordings" / "opening", folder / "media" / "opening")
    (folder / "program.yaml").write_text(textwrap.dedent(f"""\
        version: 1
        event: {{id: hls, title: HLS, timezone: UTC, start: {DAY:%Y-%m-%d}, end: {DAY:%Y-%m-%d}}}
        rooms: [{{slug: main, name: Main}}]
        speakers: [{{slug: ada, name: Ada}}]
        talks:
          - {{slug: t0, title: Opening, speakers: [ada], room: main, start: '{DAY.isoformat()}', qa_minutes: 0,
              recording: {{file: media/opening/index.m3u8, duration: 180}}}}
        """))
    clock = ShiftedClock(DAY + timedelta(seconds=5) - datetime.now(UTC))
    url = ServerThread(folder / "program.yaml", folder / "data", clock).start()
    read = ("() => { const v = document.querySelector('video'); "
            "return v && !v.paused && !v.seeking && v.readyState >= 3 ? v.currentTime : null }")
    errors: list[float] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                          args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = await browser.new_page()
        await page.goto(url + "/rooms/main")
        await asyncio.sleep(5)  # let it settle
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t_a = time.monotonic()
            truth = (clock.now() - DAY).total_seconds()
            position = await page.evaluate(read)
            t_read = time.monotonic() - t_a
            if position is not None:
                errors.append(abs(position - (truth + t_read / 2)) * 1000)  # the read happened mid-call
            await asyncio.sleep(0.25)
        await browser.close()
    return errors


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--kbps", type=int, default=2000, help="the recording's bitrate (720p: ~2000)")
    parser.add_argument("--chunk", type=float, default=4.0, help="seconds of recording per Range request")
    parser.add_argument("--seconds", type=float, default=20.0, help="the measured window")
    parser.add_argument("--modes", default="app,proxied,accel,url")
    parser.add_argument("--hls-seconds", type=float, default=20.0, help="0 skips the Chromium part")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # viewers' sockets, and the servers' (inherited)
    results = []
    for mode in args.modes.split(","):
        folder = Path(tempfile.mkdtemp(prefix=f"recordings-{mode}-"))
        origin_port = free_port()  # in the programme's url: and in the origin's listen
        programme(folder, args.kbps, int(args.seconds + args.chunk * 4 + 60), origin_port)
        try:
            result = await run_mode(mode, args, folder, origin_port)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results.append(result)
        print(json.dumps(result), flush=True)
    if args.hls_seconds:
        errors = sorted(await hls_sync(args.hls_seconds))
        p95 = errors[min(len(errors) - 1, int(0.95 * len(errors)))] if errors else None
        print(json.dumps({"hls_position_error_ms": {"n": len(errors), "p50": round(errors[len(errors) // 2], 1),
                                                    "p95": round(p95, 1), "max": round(errors[-1], 1)}}))


if __name__ == "__main__":
    asyncio.run(main())
