"""Shared fixtures: real servers on loopback, a programme builder, Chromium, PostgreSQL and Redis.

Nothing here is faked but the clock: servers are real aiohttp apps on a loopback port, stores are
real SQLite files or the real PostgreSQL, browsers are the real Chromium. When CI=true a missing
service or browser fails the test instead of skipping it.
"""
from __future__ import annotations

import asyncio
import gc
import os
import secrets
import shutil
import socket
import textwrap
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from event_server.app import create_app
from event_server.config import Settings
from event_server.live import collector
from event_server.services.clock import ShiftedClock
from event_server.web.keys import SERVICES

ROOT = Path(__file__).resolve().parent.parent
MEETUP = ROOT / "program" / "mlart-datafest-2020.yaml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def missing(reason: str):
    """Under CI a missing service is a failure; on a developer machine, a skip that says why."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this must be available)")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


@pytest.fixture(scope="session")
def pg_url() -> str:
    if not port_open("127.0.0.1", 5432):
        missing("PostgreSQL is not running on 127.0.0.1:5432")
    return PG_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not port_open("127.0.0.1", 6379):
        missing("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


async def _create_database(pg_url: str) -> str:
    name = f"es_test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    return pg_url.rsplit("/", 1)[0] + f"/{name}"


async def _drop_database(pg_url: str, url: str) -> None:
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")
    finally:
        await admin.close()


@asynccontextmanager
async def fresh_postgres(pg_url: str):
    """A new, empty PostgreSQL database for one test (its URL), dropped afterwards."""
    url = await _create_database(pg_url)
    try:
        yield url
    finally:
        await _drop_database(pg_url, url)


@pytest.fixture(scope="module")
def module_postgres(pg_url):
    """A new, empty PostgreSQL database shared by one test module, e.g. by server processes it starts."""
    url = asyncio.run(_create_database(pg_url))
    yield url
    asyncio.run(_drop_database(pg_url, url))


def write_program(folder: Path, talks: list[dict], *, tz: str = "Europe/Moscow", day: str = "2020-09-19",
                  extra: str = "") -> Path:
    """A small valid programme in `folder`; each talk dict: slug, start ('HH:MM'), seconds, qa (minutes)."""
    media = folder / "media" / "recordings"
    media.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "program" / "media" / "recordings" / "opening.webm", media / "clip.webm")
    rows = []
    for t in talks:
        rows.append(textwrap.dedent(f"""\
          - slug: {t['slug']}
            title: {{en: "Talk {t['slug']}", ru: "Доклад {t['slug']}"}}
            speakers: [{t.get('speaker', 'ada')}]
            room: main
            start: {day} {t['start']}
            recording: {{file: media/recordings/clip.webm, duration: {t.get('seconds', 180)}}}
            qa_minutes: {t.get('qa', 3)}
            status: {t.get('status', 'confirmed')}
        """))
    text = textwrap.dedent(f"""\
        version: 1
        event:
          id: test-meetup
          title: {{en: Test meetup, ru: Тестовый митап}}
          timezone: {tz}
          start: {day}
          end: {day}
          livestream: othTjSowvqY
        rooms:
          - slug: main
            name: {{en: Main room, ru: Главный зал}}
        speakers:
          - slug: ada
            name: {{en: Ada Lovelace, ru: Ада Лавлейс}}
          - slug: alan
            name: Alan Turing
        talks:
        """) + textwrap.indent("".join(rows), "  ") + extra
    path = folder / "program.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class Server:
    """A real event server on a loopback port; restart() keeps its data, as a process restart would."""

    def __init__(self, settings: Settings, clock):
        self.settings, self.clock = settings, clock
        self.server: TestServer | None = None

    async def start(self) -> Server:
        port = self.server.port if self.server else None
        self.server = TestServer(create_app(self.settings, self.clock), host="127.0.0.1", port=port)
        await self.server.start_server()
        return self

    async def stop(self) -> None:
        if self.server:
            await self.server.close()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def services(self):
        return self.server.app[SERVICES]

    @property
    def event(self):
        """The running event: programme, overrides, clock (services/event.py)."""
        return self.services.event

    @property
    def store(self):
        return self.services.store


@pytest.fixture
async def start_server(tmp_path):
    """start_server(program=..., first_talk_in=timedelta, database_url=...) → a running Server."""
    servers: list[Server] = []

    async def start(program: Path = MEETUP, first_talk_in: timedelta | None = None, now: datetime | None = None,
                    database_url: str = "", **settings) -> Server:
        from event_server.loader import load_program

        loaded = load_program(program)
        offset = timedelta(0)
        if first_talk_in is not None:
            first = min(t.start for t in loaded.talks)
            offset = first - (datetime.now(UTC) + first_talk_in)
        elif now is not None:
            offset = now - datetime.now(UTC)
        config = Settings(program=program, data_dir=tmp_path / "data", database_url=database_url,
                          secret_key="test-secret", moderator_token="mod-token", curator_token="cur-token",
                          **settings)
        server = Server(config, ShiftedClock(offset))
        servers.append(server)
        return await server.start()

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
async def browser():
    """Chromium driven by Playwright (async API); the Debian binary, never a downloaded one.

    Every page it opens is watched: a script error, a CSP refusal or a failed load in any page's
    console fails the test (a visitor would see it in theirs)."""
    if not Path(CHROMIUM).exists():
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        watched = WatchedBrowser(await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        yield watched
        await watched.browser.close()
    assert watched.problems == [], "the pages logged errors"


# YouTube's player, livestream and trailer: this machine (and CI) reaches no such host, so their loads
# fail; the pages show a fallback card then (tests/browser/test_stage_browser.py), not a problem.
UNREACHABLE = ("https://www.youtube.com/", "https://www.youtube-nocookie.com/", "https://s.ytimg.com/")


class WatchedBrowser:
    def __init__(self, browser):
        self.browser, self.problems = browser, []

    def _watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and not msg.location.get("url", "").startswith(UNREACHABLE)
                and self.problems.append(f"{page.url}: {msg.text}"))

    async def new_context(self, **options):
        context = await self.browser.new_context(**options)
        context.on("page", self._watch)
        return context

    async def new_page(self, **options):
        page = await self.browser.new_page(**options)
        self._watch(page)
        return page


@pytest.fixture
def gc_collector():
    """The process's GC collector, thawing after 3 closed connections, on a clock the test moves (now[0])."""
    now = [0.0]
    before = list(gc.callbacks)
    gc.collect()
    made = collector.install(thaw_after=3, thaw_every=600, clock=lambda: now[0])
    yield made, now
    gc.callbacks[:] = before
    gc.unfreeze()
