"""Where one arrival's server CPU goes, step by step, on the real server (`python -m event_server serve`,
started as bench/event_day.py starts it).

    .venv/bin/python bench/arrival_steps.py [--clients 300] [--checkout ../before]

Each step is done by every client one after another (never two at once), and the server's CPU time
(/proc/<pid>/stat) over the step is divided by the clients: the room page (GET /rooms/ml-art, a new
attendee each time), a websocket connect, room:join, qa:list, one clock:sync. The wave in
bench/event_day.py costs more per arrival than the sum: there the steps overlap, idle sockets are
pinged and the room's head count is pushed to everyone.
"""
from __future__ import annotations

import argparse
import asyncio
import types

import aiohttp
import socketio
from event_day import ROOM, TALK, Servers, proc_stat


async def steps(url: str, pid: int, clients: int) -> dict[str, float]:
    def cpu() -> float:
        return proc_stat([pid])[0]

    async def page() -> None:
        async with aiohttp.ClientSession() as http, http.get(f"{url}/rooms/{ROOM}") as response:
            await response.read()

    sockets = [socketio.AsyncClient() for _ in range(clients)]
    moves = {"page": lambda i: page(), "connect": lambda i: sockets[i].connect(url, transports=["websocket"]),
             "room:join": lambda i: sockets[i].call("room:join", {"room": ROOM}),
             "qa:list": lambda i: sockets[i].call("qa:list", {"talk": TALK}),
             "clock:sync": lambda i: sockets[i].call("clock:sync", {"t0": 1})}
    costs = {}
    try:
        for name, move in moves.items():
            before = cpu()
            for i in range(clients):
                await move(i)
            costs[name] = round((cpu() - before) / clients * 1000, 3)
    finally:
        for sock in sockets:
            await sock.disconnect()
    return costs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=300)
    ap.add_argument("--checkout", help="run the server from this checkout (e.g. an older commit's worktree)")
    ap.add_argument("--port", type=int, default=19600)
    args = ap.parse_args()
    servers = Servers(types.SimpleNamespace(checkout=args.checkout, redis=""), args.port)
    try:
        costs = asyncio.run(steps(servers.urls[0], servers.pids[0], args.clients))
    finally:
        servers.stop()
    print(" · ".join(f"{name} {ms:.2f} ms" for name, ms in costs.items()))


if __name__ == "__main__":
    main()
