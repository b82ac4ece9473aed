"""The event day against the real server: `python -m event_server serve` with attendees doing what the room
page does (bench/load.js), and the Node reference (bench/node_server.js) for the live Q&A ratio.

    .venv/bin/python bench/event_day.py --clients 10000 --spread 60 --rate 20 --duration 30
    .venv/bin/python bench/event_day.py --scenarios scale --clients 3000 --spread 5 --quota-ms 35
    .venv/bin/python bench/event_day.py --quick          # the smoke: 100 attendees, a few seconds
    .venv/bin/python bench/event_day.py --scenarios wave,storm --checkout ../before   # an older commit's server
                                                             # and attendees (its own bench/load.js)

Scenarios (--scenarios, comma list; default wave,storm,qa,stack,node):
  wave   N attendees open the room within --spread s (GET /rooms/ml-art for the cookie, a websocket with it,
         room:join, 2 × clock:sync, as static/js/room.js does): server CPU per arrival (from /proc/<pid>/stat, over the wave and
         2 s after it), time to the first room:state p50/p99/max, error acks, failed connections,
         disconnects; and RSS per idle attendee (server RSS after the wave minus before, over N)
  storm  then every socket drops and all come back within 10 s with their cookies and join again
  qa     then the first --voters attendees vote, open loop, --rate votes/s for --duration s, everybody
         listens: vote-to-screen p50/p99/max, deliveries/s, lost, error acks
  stack  the same wave and qa against bench/stack_server.py: the Node reference's twin on aiohttp +
         python-socketio without the event server's code (what the fixed stack itself costs)
  node   the same wave and qa against the Node reference, with the room:state the real server sent
  scale  1, 2 and 3 workers (PostgreSQL + Redis), each in its own cgroup v1 with --quota-ms of CPU per 100 ms,
         the same wave each time (the generator uncapped): arrivals/s completed, and the ratios to one worker

The real server runs on SQLite in a temporary DATA_DIR (scale: a fresh PostgreSQL database from --pg and
Redis from --redis), with QA_ASK_INTERVAL=0 so the bench can ask its questions at once and
QA_VOTES_PER_SECOND=0 and QA_VOTES_PER_ADDRESS=0 because its 200 voters share one address (the limits
per address would refuse bursts of late votes, and all but 50 votes on a question, that an audience
behind many addresses never sends), and SOCKETS_PER_ADDRESS=0
because every attendee it drives comes from 127.0.0.1. Prints a markdown
table and, as the last line, one JSON object with every figure. Needs `npm ci --prefix bench` once.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROOM, TALK = "ml-art", "opening"
METRICS = "bench-metrics"  # the server's METRICS_TOKEN: the Q&A scenario reads its fan-out times
CLK_TCK = os.sysconf("SC_CLK_TCK")
CGROUP = Path("/sys/fs/cgroup/cpu")


def write_program(folder: Path) -> Path:
    """The room's day: the opening's Q&A is on for three hours (the bench runs in it), eleven talks follow."""
    (folder / "media").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "program/media/recordings/opening.webm", folder / "media/clip.webm")
    talks = []
    for i in range(12):
        slug = TALK if i == 0 else f"talk-{i}"
        start = datetime(2020, 9, 19, 12, 0) + (timedelta(hours=3, minutes=30 * i) if i else timedelta(0))
        talks += [f"  - slug: {slug}", f"    title: {{en: 'Talk {i}: generative art', ru: 'Доклад {i}: генеративное искусство'}}",
                  "    speakers: [ada]", f"    room: {ROOM}", f"    start: {start:%Y-%m-%d %H:%M}",
                  "    recording: {file: media/clip.webm, duration: 5}", f"    qa_minutes: {180 if i == 0 else 20}"]
    text = "\n".join(["version: 1", "event:", "  id: bench-fest", "  title: {en: Bench fest, ru: Бенч-фест}",
                      "  timezone: Europe/Moscow", "  start: 2020-09-19", "  end: 2020-09-19",
                      "  livestream: othTjSowvqY", "  qa: {premoderation: false}", "rooms:",
                      f"  - {{slug: {ROOM}, name: {{en: ML Art, ru: ML-арт}}}}", "speakers:",
                      "  - {slug: ada, name: Ada Lovelace}", "talks:", *talks]) + "\n"
    path = folder / "program.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- processes ------------------------------------------------------------------------------------

def proc_stat(pids: list[int]) -> tuple[float, int]:
    """(CPU seconds, RSS KB) summed over the server processes."""
    cpu, rss = 0.0, 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        cpu += (int(fields[11]) + int(fields[12])) / CLK_TCK
        rss += int(next(line.split()[1] for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                        if line.startswith("VmRSS:")))
    return cpu, rss


def steal() -> float:
    """Seconds of CPU the hypervisor gave to other guests (all cores, /proc/stat): a busy neighbour shows here."""
    with open("/proc/stat") as stat:
        return int(stat.readline().split()[8]) / CLK_TCK


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline, problem = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError as exc:
            problem = exc
            time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not answer /healthz within {timeout} s: {problem!r}")


class Servers:
    """The real server: one worker on SQLite, or several on PostgreSQL + Redis, each optionally CPU-capped."""

    def __init__(self, args, port: int, workers: int = 1, quota_ms: float | None = None, pg_url: str = ""):
        self.tmp = Path(tempfile.mkdtemp(prefix="event-day-"))
        program = write_program(self.tmp)
        start_at = (datetime.now(UTC) - timedelta(seconds=10)).isoformat()  # 5 s talk + 5 s: its Q&A is on
        code = Path(args.checkout).resolve() if args.checkout else ROOT  # whose event_server runs
        env = dict(os.environ, PYTHONPATH=str(code), DATA_DIR=str(self.tmp / "data"), SECRET_KEY=secrets.token_hex(16),
                   MODERATOR_TOKEN="bench-moderator", METRICS_TOKEN=METRICS, QA_ASK_INTERVAL="0", START_AT=start_at,
                   QA_VOTES_PER_SECOND="0",  # the bench's voters share one address, an audience does not
                   QA_VOTES_PER_ADDRESS="0",  # …so their 200 votes on one question count, as 200 addresses' would
                   SOCKETS_PER_ADDRESS="0")  # every attendee comes from 127.0.0.1: no per-address cap
        if workers > 1 or pg_url:
            env.update(DATABASE_URL=pg_url, REDIS_URL=args.redis)
        self.urls = [f"http://127.0.0.1:{port + i}" for i in range(workers)]
        self.procs: list[subprocess.Popen] = []
        self.groups: list[Path] = []
        for i in range(workers):
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "event_server", "serve", str(program), "--port", str(port + i)],
                cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=open(self.tmp / f"worker-{i}.log", "w")))
            try:
                wait_ready(self.urls[i], self.procs[-1])
            except RuntimeError as exc:
                log = f"{exc}\n" + (self.tmp / f"worker-{i}.log").read_text()[-3000:]
                self.stop()
                raise RuntimeError(f"worker {i} did not start:\n{log}") from None
            if quota_ms:  # once it serves: starting is not what is measured
                self.groups.append(cap(self.procs[-1].pid, quota_ms, f"event-day-{os.getpid()}-{i}"))
        self.pids = [p.pid for p in self.procs]

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for group in self.groups:
            group.rmdir()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Reference:
    """A reference server answering joins with the room:state the real server sent: bench/node_server.js
    (Node socket.io), or bench/stack_server.py (the same on aiohttp + python-socketio, no event-server code)."""

    COMMANDS = {"node": ["node", str(HERE / "node_server.js")],
                "stack": [sys.executable, str(HERE / "stack_server.py")]}

    def __init__(self, kind: str, port: int, state_file: Path | None):
        self.proc = subprocess.Popen([*self.COMMANDS[kind], "--port", str(port), "--state", str(state_file)],
                                     cwd=ROOT, stdout=subprocess.PIPE, text=True)
        if not self.proc.stdout.readline().startswith("READY"):
            raise RuntimeError(f"the {kind} reference did not start (exit {self.proc.wait()})")
        self.urls, self.pids = [f"http://127.0.0.1:{port}"], [self.proc.pid]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def cap(pid: int, quota_ms: float, name: str) -> Path:
    """Put `pid` in its own cgroup v1 CPU group with quota_ms of CPU per 100 ms period."""
    group = CGROUP / name
    group.mkdir()
    (group / "cpu.cfs_period_us").write_text("100000")
    (group / "cpu.cfs_quota_us").write_text(str(int(quota_ms * 1000)))
    (group / "cgroup.procs").write_text(str(pid))
    return group


def attendees_of(args) -> Path:
    """The attendees that go with the server measured: an older checkout's room page made other calls."""
    return (Path(args.checkout).resolve() if args.checkout else ROOT) / "bench" / "load.js"


class Attendees:
    """bench/load.js: one phase per command, one JSON result line per phase."""

    def __init__(self, urls: list[str], clients: int, gen_workers: int, script: Path = HERE / "load.js"):
        cmd = ["node", str(script), "--url", ",".join(urls), "--clients", str(clients),
               "--room", ROOM, "--workers", str(gen_workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, NODE_PATH=str(HERE / "node_modules")))
        assert json.loads(self.proc.stdout.readline()).get("ready")
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        self.pids = [self.proc.pid, *map(int, children)]  # the generator processes, for their CPU

    def run(self, **command) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the load generator died (exit {self.proc.wait()})")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.write('{"cmd": "quit"}\n')
        self.proc.stdin.flush()
        self.proc.wait(30)


async def ask_questions(url: str, count: int) -> tuple[list[str], dict]:
    """Questions to vote on (asked by one attendee), and the room:state a joiner gets (for the Node reference)."""
    import aiohttp
    import socketio
    async with aiohttp.ClientSession() as http, http.get(f"{url}/rooms/{ROOM}") as page:
        cookie = page.cookies["es_attendee"].value
    client = socketio.AsyncClient()
    await client.connect(url, headers={"Cookie": f"es_attendee={cookie}"}, transports=["websocket"])
    try:
        joined = await client.call("room:join", {"room": ROOM})
        ids = []
        for i in range(count):
            asked = await client.call("qa:ask", {"talk": TALK, "text": f"Question number {i} about the models?"})
            assert asked["ok"], asked
            ids.append(asked["question"]["id"])
        return ids, joined["state"]
    finally:
        await client.disconnect()


# --- scenarios ------------------------------------------------------------------------------------

def tick_fanouts(url: str) -> dict:
    """The server's own part of vote-to-screen, from its /metrics: how long each tick's fan-out of tallies took
    (a vote waits up to one tick, 100 ms, then its tally's fan-out; the rest is the network and the listener)."""
    request = urllib.request.Request(url + "/metrics", headers={"Authorization": f"Bearer {METRICS}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    series = {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
              if line.startswith("event_server_fanout_seconds") and 'kind="tick"' in line}
    count = series.get('event_server_fanout_seconds_count{kind="tick"}', 0.0)
    within = {le: series.get(f'event_server_fanout_seconds_bucket{{kind="tick",le="{le}"}}', 0.0) for le in ("0.05", "0.1")}
    return {"ticks": int(count), "mean_ms": round(1000 * series.get('event_server_fanout_seconds_sum{kind="tick"}', 0.0)
                                                  / max(count, 1), 1),
            **{f"within_{float(le) * 1000:.0f}_ms": round(n / max(count, 1), 3) for le, n in within.items()}}


def measured(servers, attendees: Attendees, count: int, **command) -> dict:
    (cpu0, rss0), (gen0, _), stolen = proc_stat(servers.pids), proc_stat(attendees.pids), steal()
    result = attendees.run(**command)
    (cpu1, rss1), (gen1, _), stolen = proc_stat(servers.pids), proc_stat(attendees.pids), steal() - stolen
    # the generator shares the machine: server + generator over the phase's time says how busy it was
    result.update(server_cpu_s=round(cpu1 - cpu0, 2), generator_cpu_s=round(gen1 - gen0, 2), rss_kb_before=rss0,
                  rss_kb_after=rss1, cpu_ms_per_arrival=round(1000 * (cpu1 - cpu0) / count, 2),
                  cores_busy=round((cpu1 - cpu0 + gen1 - gen0) / max(0.001, result["wall_s"]), 2),
                  steal_s=round(stolen, 2))
    if result.get("last"):
        result["arrivals_per_s"] = round(result["done"] / max(0.001, (result["last"] - result["t0_ms"]) / 1000), 1)
    return result


def run_server(kind: str, args, port: int, scenarios: set[str], state_file: Path | None = None) -> tuple[dict, dict]:
    """One server (ours, stack or node) through the wave, the storm and the Q&A; returns (figures, room:state)."""
    servers = Servers(args, port) if kind == "ours" else Reference(kind, port, state_file)
    out: dict = {}
    try:
        questions = -(-int(args.rate * args.duration) // args.voters)
        ids, state = asyncio.run(ask_questions(servers.urls[0], questions))
        attendees = Attendees(servers.urls, args.clients, args.gen_workers,
                              attendees_of(args) if kind == "ours" else HERE / "load.js")
        try:
            time.sleep(1)
            out["wave"] = wave = measured(servers, attendees, args.clients, cmd="arrive", spread=args.spread)
            wave["rss_kb_per_attendee"] = round((wave["rss_kb_after"] - wave["rss_kb_before"]) / args.clients, 1)
            for k in range(args.storms if "storm" in scenarios else 0):  # memory must not grow storm after storm
                out["storm" + (f" {k + 1}" if k else "")] = measured(servers, attendees, args.clients, cmd="storm",
                                                                     spread=args.storm_spread)
            if "qa" in scenarios:
                qa = measured(servers, attendees, args.clients, cmd="qa", rate=args.rate, duration=args.duration,
                              voters=args.voters, questions=ids, drain=args.drain)
                qa["expected"] = qa["votes"] * qa["listeners"]
                qa["lost"] = qa["expected"] - qa["delivered"]
                qa["deliveries_per_s"] = round(qa["delivered"] / args.duration)
                if kind == "ours":
                    qa["fanout"] = tick_fanouts(servers.urls[0])
                out["qa"] = qa
        finally:
            attendees.close()
    finally:
        servers.stop()
    return out, state


def run_scale(args, port: int) -> dict:
    """The same wave against 1, 2 and 3 capped workers sharing PostgreSQL and Redis."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import _create_database, _drop_database  # the suite's fresh-database helpers
    out = {}
    for workers in (1, 2, 3):
        url = asyncio.run(_create_database(args.pg))
        servers = Servers(args, port + 10 * workers, workers, args.quota_ms, pg_url=url)
        try:
            attendees = Attendees(servers.urls, args.clients, args.gen_workers, attendees_of(args))
            try:
                time.sleep(1)
                out[workers] = measured(servers, attendees, args.clients, cmd="arrive", spread=args.spread)
            finally:
                attendees.close()
        finally:
            servers.stop()
            asyncio.run(_drop_database(args.pg, url))
        time.sleep(2)
    for workers in (2, 3):
        out[f"ratio_{workers}"] = round(out[workers]["arrivals_per_s"] / out[1]["arrivals_per_s"], 2)
    return out


# --- the report -----------------------------------------------------------------------------------

def table(results: dict) -> str:
    rows = ["| scenario | server | figures |", "|---|---|---|"]
    for kind in ("ours", "stack", "node"):
        for name, r in results.get(kind, {}).items():
            if name == "qa":
                figures = (f"{r['deliveries_per_s']} deliveries/s · vote-to-screen p50 {r['p50_ms']} / p99 {r['p99_ms']} "
                           f"/ max {r['max_ms']} ms · lost {r['lost']} of {r['expected']} · vote errors {r['voteErrors']} "
                           f"· server CPU {r['server_cpu_s']} s · generator CPU {r['generator_cpu_s']} s "
                           f"· {r['cores_busy']} cores busy · {r['steal_s']} s stolen")
                if "fanout" in r:
                    f = r["fanout"]
                    figures += (f" · {f['ticks']} tick fan-outs: mean {f['mean_ms']} ms, {f['within_50_ms']:.0%} within 50 ms, "
                                f"{f['within_100_ms']:.0%} within 100 ms")
            else:
                figures = (f"CPU/arrival {r['cpu_ms_per_arrival']} ms · first room:state p50 {r['p50_ms']} / p99 "
                           f"{r['p99_ms']} / max {r['max_ms']} ms · done {r['done']} · error acks {r['errors']} · "
                           f"failed {r['failed']} · disconnects {r['disconnects']} · {r['cores_busy']} cores busy · "
                           f"{r['steal_s']} s stolen · RSS after {r['rss_kb_after'] / 1024:.0f} MB"
                           + (f" · RSS/idle attendee {r['rss_kb_per_attendee']} KB" if 'rss_kb_per_attendee' in r else ""))
            rows.append(f"| {name} | {kind} | {figures} |")
    if "ratio" in results:
        rows.append(f"| qa | ours/node | deliveries ratio {results['ratio']} · p99 {results['ours']['qa']['p99_ms']} vs "
                    f"{results['node']['qa']['p99_ms']} ms |")
    scale = results.get("scale")
    if scale:
        for workers in (1, 2, 3):
            r = scale[workers]
            rows.append(f"| scale | {workers} worker(s), capped | {r['arrivals_per_s']} arrivals/s · first room:state "
                        f"p99 {r['p99_ms']} ms · CPU {r['server_cpu_s']} s · errors {r['errors']} · failed {r['failed']} |")
        rows.append(f"| scale | ratios | 2 workers {scale['ratio_2']}× · 3 workers {scale['ratio_3']}× |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenarios", default="wave,storm,qa,stack,node")
    ap.add_argument("--clients", type=int, default=10000)
    ap.add_argument("--spread", type=float, default=60, help="arrivals within this many seconds")
    ap.add_argument("--storm-spread", type=float, default=10, help="reconnections within this many seconds")
    ap.add_argument("--storms", type=int, default=1, help="reconnect storms one after another")
    ap.add_argument("--rate", type=float, default=20, help="votes per second")
    ap.add_argument("--duration", type=float, default=30, help="seconds of voting")
    ap.add_argument("--voters", type=int, default=200)
    ap.add_argument("--drain", type=float, default=3, help="seconds to wait for the last tallies")
    ap.add_argument("--gen-workers", type=int, default=2, help="load generator processes")
    ap.add_argument("--quota-ms", type=float, default=35, help="scale: CPU ms per 100 ms for each worker")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--port", type=int, default=19000 + os.getpid() % 500)
    ap.add_argument("--nice", type=int, help="run the servers and the generator at this niceness (negative needs "
                    "root): keeps the other jobs of a shared machine from starving the run; say so with its figures")
    ap.add_argument("--checkout", help="run the server from this checkout (e.g. an older commit's worktree: before/after)")
    ap.add_argument("--quick", action="store_true", help="the smoke: 100 attendees, a few seconds each")
    args = ap.parse_args()
    if args.quick:
        args.clients, args.spread, args.storm_spread, args.rate, args.duration, args.voters = 100, 2, 2, 10, 3, 20
    if not (HERE / "node_modules" / "socket.io").is_dir():
        sys.exit("bench/node_modules is missing: run `npm ci --prefix bench` first")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the servers and the generator
    if hard < args.clients + 1024:  # per process: the one server holds every socket
        sys.exit(f"open-files limit is {hard}: need {args.clients + 1024} for {args.clients} attendees")
    if args.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by every child
    scenarios = set(args.scenarios.split(","))
    results: dict = {"clients": args.clients, "spread_s": args.spread, "rate": args.rate, "duration_s": args.duration,
                     "nice": args.nice, "load_avg_before": os.getloadavg()[0]}
    if scenarios & {"wave", "storm", "qa"}:
        results["ours"], state = run_server("ours", args, args.port, scenarios)
        state_file = Path(tempfile.mkstemp(suffix=".json")[1])
        state_file.write_text(json.dumps(state))
        for offset, kind in enumerate(("stack", "node"), start=5):
            if kind in scenarios:
                results[kind], _ = run_server(kind, args, args.port + offset, scenarios, state_file)
        state_file.unlink()
        if {"qa", "node"} <= scenarios and results["node"]["qa"]["deliveries_per_s"]:
            results["ratio"] = round(results["ours"]["qa"]["deliveries_per_s"]
                                     / results["node"]["qa"]["deliveries_per_s"], 3)
    if "scale" in scenarios:
        results["scale"] = run_scale(args, args.port + 100)
    results["load_avg_after"] = os.getloadavg()[0]
    print(table(results))
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
