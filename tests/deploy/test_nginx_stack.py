"""The compose stack without containers: deploy/nginx.conf in front of two real `event-server serve` workers
sharing the real Redis and PostgreSQL, reached by real Chromium and socket.io clients.

nginx runs in the foreground as a child of the test, with its prefix, logs and temp files under tmp_path.
Its access log names the worker (upstream) of every request, which tells what ip_hash did. Clients choose
their source address on the loopback (all of 127.0.0.0/8 is local): ip_hash sends each /24 to one worker,
and nginx forwards that address in X-Forwarded-For.
"""
from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from playwright.async_api import expect

from event_server.web.open_call import MAX_BODY
from tests.browser.test_arrival_browser import BLOCKED
from tests.conftest import ROOT, missing
from tests.live.qa_clients import Client
from tests.live.test_cluster import Worker, free_port, shared_event

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"
MAIN = """\
daemon off;
master_process off;  # one process, as the user running the tests
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}  # bench/recordings_bench.py runs it too, with thousands of viewers
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    log_format upstream '$remote_addr "$request" $status $upstream_addr';
    access_log {prefix}/access.log upstream;
    include {prefix}/event_server.conf;
    include {prefix}/origin.conf;
}}
"""
LINE = re.compile(r'(?P<remote>\S+) "(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) (?P<upstream>\S+)')


@dataclass(frozen=True)
class Logged:
    remote: str
    method: str
    path: str
    status: int
    upstream: str


class Nginx:
    def __init__(self, prefix: Path, upstreams: list[str], program_dir: Path = ROOT / "program", origin: str = ""):
        """`origin`: another server block (e.g. deploy/nginx-origin.conf with its variables filled in)."""
        self.prefix, self.port = prefix, free_port()
        prefix.mkdir(parents=True, exist_ok=True)
        # what envsubst does in the nginx image: fill in the variables given, leave nginx's own alone
        site = Template(SITE.read_text()).safe_substitute(
            EVENT_SERVER_1=upstreams[0], EVENT_SERVER_2=upstreams[1], LISTEN=f"127.0.0.1:{self.port}",
            PROGRAM_DIR=str(program_dir.resolve()))
        assert "${" not in site, "deploy/nginx.conf uses a variable the stack does not set"
        (prefix / "event_server.conf").write_text(site)
        (prefix / "origin.conf").write_text(origin)
        (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        command = [NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                   "-e", str(self.prefix / "error.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited: {(self.prefix / 'error.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"nginx did not answer: {(self.prefix / 'error.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def log(self) -> list[Logged]:
        found = [LINE.match(line) for line in (self.prefix / "access.log").read_text().splitlines()]
        return [Logged(m["remote"], m["method"], m["path"], int(m["status"]), m["upstream"]) for m in found if m]

    async def logged(self, match, timeout: float = 5.0) -> list[Logged]:
        """The access log's lines that match, once there is one (nginx logs a request when it ends)."""
        for _ in range(int(timeout / 0.05)):
            lines = [line for line in self.log() if match(line)]
            if lines:
                return lines
            await asyncio.sleep(0.05)
        raise AssertionError(f"nginx logged no such request; its log: {self.log()[-10:]}")


@dataclass
class Stack:
    nginx: Nginx

    async def worker_for(self, source: str) -> str:
        """The worker (host:port) that ip_hash gives clients at this source address."""
        async with bound_to(source) as http, http.get(self.nginx.url + "/healthz") as response:
            assert response.status == 200
        return (await self.nginx.logged(lambda line: line.remote == source and line.path == "/healthz"))[-1].upstream

    async def address_on_another_worker_than(self, upstream: str) -> str:
        """A source address that ip_hash sends elsewhere: each /24 hashes to a fixed worker, so one of a few does."""
        for n in range(1, 30):
            if await self.worker_for(f"127.0.{n}.1") != upstream:
                return f"127.0.{n}.1"
        raise AssertionError(f"ip_hash sends every address to {upstream}")


def bound_to(source: str) -> aiohttp.ClientSession:
    """A client at `source`, a loopback address of the test's choice (the kernel picks 127.0.0.1 otherwise)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source, 0)),
                                 cookie_jar=aiohttp.DummyCookieJar())


@pytest.fixture(scope="module")
def stack(tmp_path_factory, module_postgres, redis_url):
    if not Path(NGINX).exists():
        missing("nginx is not installed (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("stack")
    # behind nginx, as deploy/nginx.conf asks; 10 questions a minute per address, one per attendee
    program, env = shared_event(folder, module_postgres, redis_url, TRUSTED_PROXIES="1", QA_ASK_INTERVAL="60")
    workers = [Worker(name, program, env, folder / name) for name in ("a", "b")]
    nginx = Nginx(folder / "nginx", [f"127.0.0.1:{worker.port}" for worker in workers])
    try:
        for worker in workers:  # one after the other: the first runs the migrations
            worker.start()
        yield Stack(nginx.start())
    finally:
        nginx.stop()
        for worker in workers:
            worker.kill()


@pytest.fixture
async def clients():
    made: list[tuple[Client, aiohttp.ClientSession]] = []
    yield made
    for client, http in made:
        await client.close()
        await http.close()


async def attendee_at(source: str, url: str, clients: list, forwarded_for: str | None = None) -> Client:
    """A browser at `source` that loads a page through nginx, then opens its socket (polling, then websocket)."""
    http = bound_to(source)
    client = await Client.attendee(url, http)
    clients.append((client, http))
    headers = {"Cookie": client.cookie} | ({"X-Forwarded-For": forwarded_for} if forwarded_for else {})
    await client.sio.connect(url, headers=headers, wait_timeout=5)
    assert (await client.call("room:join", {"room": "main"}))["ok"]
    return client


def test_the_config_lets_the_largest_open_call_upload_through():
    size = re.search(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert size and int(size[1]) * 1024 ** 2 >= MAX_BODY


async def test_a_page_opens_its_websocket_through_nginx_at_once(stack, browser):
    page = await browser.new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    await page.goto(stack.nginx.url + "/rooms/main")
    await expect(page.locator("[data-qa-ask]")).to_be_visible()  # the Q&A is on: the page's socket joined
    assert len(sockets) == 1 and "transport=websocket" in sockets[0].url
    await page.close()  # nginx logs the websocket's request when it closes

    upgrade = await stack.nginx.logged(lambda line: "transport=websocket" in line.path)
    assert upgrade[0].status == 101
    assert not [line for line in stack.nginx.log() if "transport=polling" in line.path]


async def test_behind_a_proxy_that_blocks_websockets_a_page_polls_the_worker_that_holds_its_session(stack, browser):
    context = await browser.new_context()
    await context.add_init_script(BLOCKED)
    page = await context.new_page()
    earlier = len(stack.nginx.log())
    await page.goto(stack.nginx.url + "/rooms/main")
    await expect(page.locator("[data-qa-ask]")).to_be_visible()
    await expect(page.locator("[data-presence]")).to_have_text(re.compile(r"^\d+ watching$"))  # joined by polling
    await context.close()

    polls = [line for line in stack.nginx.log()[earlier:] if "transport=polling" in line.path and "sid=" in line.path]
    sid = parse_qs(urlsplit(polls[0].path).query)["sid"][0]
    mine = [poll for poll in polls if f"sid={sid}" in poll.path]
    assert len(mine) >= 2 and all(poll.status == 200 for poll in mine)
    assert len({poll.upstream for poll in mine}) == 1  # ip_hash: one worker for the session


async def test_a_question_asked_through_one_worker_shows_on_a_page_served_by_the_other(stack, browser, clients):
    page = await browser.new_page()  # Chromium connects from 127.0.0.1
    await page.goto(stack.nginx.url + "/rooms/main")
    await expect(page.locator("[data-qa-ask]")).to_be_visible()
    served = (await stack.nginx.logged(lambda line: line.remote == "127.0.0.1" and line.path == "/rooms/main"))[-1]
    source = await stack.address_on_another_worker_than(served.upstream)

    asker = await attendee_at(source, stack.nginx.url, clients)
    text = "Does the question cross from one worker to the other?"
    asked = await asker.call("qa:ask", {"talk": "t1", "text": text})
    assert asked["ok"], asked
    await expect(page.locator('[data-qa-list="queue"] .qa-text')).to_have_text(text)
    sockets = {line.upstream for line in stack.nginx.log() if line.remote == source and "/socket.io/" in line.path}
    assert sockets and served.upstream not in sockets


async def test_nginx_forwards_each_address_to_the_per_address_limits(stack, clients):
    # eleven attendees at one address: one more than an address may ask for in a minute, even if the last
    # claims another address (nginx appends the one it saw, and the workers trust that one hop only)
    replies = []
    for n in range(11):
        forged = "198.51.100.7" if n == 10 else None
        asker = await attendee_at("127.0.40.1", stack.nginx.url, clients, forwarded_for=forged)
        replies.append(await asker.call("qa:ask", {"talk": "t1", "text": f"Question number {n} from one address?"}))
    assert all(reply["ok"] for reply in replies[:10]), replies
    assert replies[10]["error"]["code"] == "rate_limited"

    # a neighbour at another address, through the same nginx and on the same worker, still may
    neighbour = await attendee_at("127.0.40.2", stack.nginx.url, clients)
    assert await stack.worker_for("127.0.40.2") == await stack.worker_for("127.0.40.1")
    assert (await neighbour.call("qa:ask", {"talk": "t1", "text": "And one from the neighbour?"}))["ok"]
