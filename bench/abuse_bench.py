"""Anonymous form POSTs against the real `event-server serve`: does a large body cost the server memory?

Starts the server on a loopback port with a fresh data directory, then sends PARALLEL POST /login requests
that each declare and really stream SIZE megabytes, and reports each answer, how long it took, and the
server's resident memory before and at its peak (VmHWM). One JSON line at the end.

    .venv/bin/python bench/abuse_bench.py [--parallel 4] [--size-mb 60]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


async def post(url: str, size: int) -> tuple[int | str, float]:
    chunk = b"x" * (1024 * 1024)

    async def body():
        yield b"token="
        for _ in range(size // len(chunk)):
            yield chunk
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession() as session, session.post(
                url, data=body(), headers={"Content-Type": "application/x-www-form-urlencoded",
                                           "Content-Length": str(size + 6)}) as r:
            return r.status, time.monotonic() - started
    except aiohttp.ClientError as exc:  # the server answered and closed while the body was still going
        return type(exc).__name__, time.monotonic() - started


async def run(parallel: int, size_mb: int) -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "DATA_DIR": data, "SECRET_KEY": "bench", "MODERATOR_TOKEN": "bench-moderator"}
        server = subprocess.Popen([sys.executable, "-m", "event_server", "serve", "--port", str(port),
                                   str(ROOT / "program" / "mlart-datafest-2020.yaml")], env=env, cwd=ROOT)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    async with aiohttp.ClientSession() as session, session.get(url + "/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            before = memory_kb(server.pid, "VmRSS")
            answers = await asyncio.gather(*(post(url + "/login", size_mb * 1024 * 1024) for _ in range(parallel)))
            await asyncio.sleep(0.5)
            return {"parallel": parallel, "size_mb": size_mb, "answers": [a for a, _ in answers],
                    "seconds_max": round(max(t for _, t in answers), 3), "rss_kb_before": before,
                    "rss_kb_peak": memory_kb(server.pid, "VmHWM"), "rss_kb_after": memory_kb(server.pid, "VmRSS")}
        finally:
            server.terminate()
            server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--size-mb", type=int, default=60)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.parallel, args.size_mb))))


if __name__ == "__main__":
    main()
