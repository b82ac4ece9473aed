"""What one delivery costs the kernel here: the floor under any server's fan-out on this machine.

    .venv/bin/python bench/send_floor.py [--sockets 10000] [--rounds 8]

Opens N loopback TCP connections whose other ends a Node process reads (as bench/load.js's listeners
do), then writes one tally-sized websocket frame to every connection, round after round: once with the
socket's own `send` (the system call alone) and once through asyncio's `transport.write` (what
event_server/live/broadcast.py does per recipient). Prints µs per delivery for each, and what a tally's
fan-out to N listeners costs at that rate. On loopback the sender's `send` also runs the receiving side's
TCP processing and wakes the reader, so a delivery costs more here than to a remote client.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import time

FRAME = b'\x81\x2c42["qa:tally",{"room":"ml-art","votes":{"q":7}}]'  # 46 bytes, as a tally is
READER = """
const net = require('net');
for (let i = 0; i < %d; i++) net.connect(%d, '127.0.0.1').on('data', () => {});
setInterval(() => {}, 1000);
"""


async def measure(sockets: int, rounds: int) -> dict[str, list[float]]:
    transports: list[asyncio.Transport] = []
    everyone = asyncio.Event()

    async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transports.append(writer.transport)
        if len(transports) == sockets:
            everyone.set()

    server = await asyncio.start_server(accepted, "127.0.0.1", 0, backlog=4096)
    reader = subprocess.Popen(["node", "-e", READER % (sockets, server.sockets[0].getsockname()[1])])
    try:
        await asyncio.wait_for(everyone.wait(), 60)
        raw = [t.get_extra_info("socket")._sock for t in transports]  # the socket object itself, not asyncio's wrapper
        out: dict[str, list[float]] = {"send": [], "transport.write": []}
        for _ in range(rounds):
            started = time.perf_counter()
            for sock in raw:
                sock.send(FRAME)
            out["send"].append((time.perf_counter() - started) / sockets * 1e6)
            await asyncio.sleep(0.3)  # the reader catches up
            started = time.perf_counter()
            for transport in transports:
                transport.write(FRAME)
            out["transport.write"].append((time.perf_counter() - started) / sockets * 1e6)
            await asyncio.sleep(0.3)
        return out
    finally:
        reader.kill()
        server.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sockets", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=8)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the reader
    for way, micros in asyncio.run(measure(args.sockets, args.rounds)).items():
        median = statistics.median(micros)
        print(f"{way}: median {median:.2f} µs per delivery (min {min(micros):.2f}, max {max(micros):.2f}) · "
              f"a fan-out to {args.sockets:,} listeners ≈ {median * args.sockets / 1000:.0f} ms")


if __name__ == "__main__":
    main()
