"""The fixed stack without the event server: bench/node_server.js, line for line, on aiohttp + python-socketio
(with event_server/live/broadcast.py, the generic fast emit). bench/event_day.py runs it beside the real
server and Node, so its figures say what the stack itself costs an arrival and a tally, and how much of the
real server's figure is the event server's own code.

    .venv/bin/python bench/stack_server.py --port 8003 --state STATE.json

The same events and answers as node_server.js: GET /rooms/<room> sets the attendee cookie (a tiny page);
room:join, qa:list, clock:sync, qa:ask and qa:vote; the votes in memory; one `qa:tally` per room every
100 ms while votes arrive, nothing when idle. No access log, page render, identity or store. Prints
`READY <port>` once listening.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import sys
import time
from pathlib import Path

import socketio
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from event_server.live import broadcast  # noqa: E402  (the repository's own module, not an installed one)

TICK = 0.1
COOKIE = re.compile(r"es_attendee=([^;]+)")


def make_app(state: dict) -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=25, ping_timeout=20)
    broadcast.install(sio)
    questions: dict[str, dict] = {}  # id -> {id, talk, text, voters}
    pending: dict[str, set[str]] = {}  # room -> questions voted on since the last tick
    attendees: dict[str, str] = {}  # sid -> attendee
    ticking: list[asyncio.Task] = []

    def view(q: dict) -> dict:
        return {"id": q["id"], "talk": q["talk"], "text": q["text"], "state": "approved", "votes": len(q["voters"]),
                "on_air": False}

    async def tick() -> None:  # setInterval(tick, 100) as long as a tick finds votes, like node_server.js
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            due += TICK
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not pending:
                break
            batches = dict(pending)
            pending.clear()
            for room, ids in batches.items():
                votes = {i: len(questions[i]["voters"]) for i in ids}
                await sio.emit("qa:tally", {"room": room, "votes": votes}, room=f"room:{room}")
        ticking.clear()

    @sio.on("connect")
    async def connect(sid, environ):
        found = COOKIE.search(environ.get("HTTP_COOKIE", ""))
        attendees[sid] = found.group(1) if found else secrets.token_urlsafe(12)

    @sio.on("disconnect")
    async def disconnect(sid, reason=None):
        attendees.pop(sid, None)

    @sio.on("room:join")
    async def join(sid, data):
        await sio.enter_room(sid, f"room:{data['room']}")
        await sio.enter_room(sid, f"att:{attendees[sid]}")
        now = dict(state, server_time=time.time() * 1000)
        await sio.emit("room:state", now, to=sid)
        await sio.emit("qa:snapshot", {"room": data["room"], "talk": state.get("talk"),
                                       "questions": [view(q) for q in questions.values()], "mine": [], "voted": []},
                       to=sid)
        return {"ok": True, "state": now, "presence": len(sio.manager.rooms["/"][f"room:{data['room']}"])}

    @sio.on("qa:list")
    async def qa_list(sid, data):
        return {"ok": True, "room": state.get("room"), "talk": data["talk"], "title": {}, "privileged": False,
                "open": True, "questions": [view(q) for q in questions.values()], "mine": [], "voted": []}

    @sio.on("clock:sync")
    async def clock_sync(sid, data):
        return {"ok": True, "t0": data["t0"], "server_time": time.time() * 1000}

    @sio.on("qa:ask")
    async def ask(sid, data):
        q = {"id": secrets.token_urlsafe(9), "talk": data["talk"], "text": data["text"], "voters": set()}
        questions[q["id"]] = q
        return {"ok": True, "question": view(q)}

    @sio.on("qa:vote")
    async def vote(sid, data):
        q = questions.get(data["question"])
        if q is None:
            return {"ok": False, "error": {"code": "not_found", "message": "there is no such question"}}
        if attendees[sid] in q["voters"]:
            return {"ok": False, "error": {"code": "already_voted", "message": "already voted"}}
        q["voters"].add(attendees[sid])
        pending.setdefault(state["room"], set()).add(q["id"])
        if not ticking:
            ticking.append(asyncio.create_task(tick()))
        return {"ok": True, "question": q["id"], "votes": len(q["voters"]), "voted": True}

    async def page(request: web.Request) -> web.Response:
        response = web.Response(text="<!doctype html><title>room</title>", content_type="text/html")
        response.set_cookie("es_attendee", secrets.token_urlsafe(12), path="/", httponly=True)
        return response

    app = web.Application()
    app.router.add_get("/rooms/{room}", page)
    sio.attach(app)
    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=8003)
    ap.add_argument("--state", required=True, help="a room:state captured from the real server")
    args = ap.parse_args()
    asyncio.run(serve(make_app(json.loads(Path(args.state).read_text())), args.port))


async def serve(app: web.Application, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=4096).start()
    print(f"READY {port}", flush=True)  # listening now: the driver may connect
    await asyncio.Event().wait()  # until SIGTERM

if __name__ == "__main__":
    main()
