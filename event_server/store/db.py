"""The two database drivers behind one small interface, and the migrations runner."""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..core.refusal import Refused

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)
UNAVAILABLE_RETRY = 5  # seconds a client is told to wait before trying a write again while the database is away
PROBE_TIMEOUT = 2.0  # seconds: a load balancer's readiness probe must get its answer before its own timeout


class Queries(Protocol):
    async def fetch(self, sql: str, *args: Any) -> list[dict]: ...
    async def fetchrow(self, sql: str, *args: Any) -> dict | None: ...
    async def execute(self, sql: str, *args: Any) -> int: ...


class Database(Queries, Protocol):
    @property
    def dialect(self) -> str: ...  # "sqlite" or "postgresql"

    def transaction(self) -> Any: ...  # async context manager yielding Queries
    async def close(self) -> None: ...


async def open_database(url: str) -> Database:
    """sqlite:///path/file.sqlite3 or postgresql://user@host/db; migrations are applied before use."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        db: Database = await SqliteDatabase.open(url[len("sqlite:///"):])  # sqlite:////abs or sqlite:///rel
    elif scheme in ("postgres", "postgresql"):
        db = await PostgresDatabase.open(url)
    else:
        raise ValueError(f"DATABASE_URL '{url}' is not understood: use sqlite:///FILE or postgresql://…")
    await migrate(db)
    return db


class Store:
    """The database of one app, made with the app and opened at start-up (so everything that uses it can
    be built before the event loop runs); it speaks the Database interface of whichever driver it opened."""

    def __init__(self, url: str):
        self.url = url
        self._db: Database | None = None

    async def open(self) -> None:
        self._db = await open_database(self.url)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the store is not open: the app has not started yet")
        return self._db

    @property
    def dialect(self) -> str:
        return self.db.dialect

    async def fetch(self, sql: str, *args: Any) -> list[dict]:
        return await self.db.fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> dict | None:
        return await self.db.fetchrow(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        return await self.db.execute(sql, *args)

    def transaction(self) -> Any:
        return self.db.transaction()

    async def problem(self) -> str | None:
        """Why the database cannot serve now (for /readyz), or None: it answers and has every migration."""
        try:
            missing = await asyncio.wait_for(unapplied(self), PROBE_TIMEOUT)
        except TimeoutError:
            return f"the database did not answer within {PROBE_TIMEOUT:g} s"
        except Exception as exc:  # whatever the driver raises (refused, reset, closed): not ready, and why
            return f"the database does not answer: {exc or type(exc).__name__}"
        return f"the database lacks migrations {', '.join(missing)}" if missing else None


async def migrate(db: Database) -> list[str]:
    """Apply migrations/NNNN_name.sql in order, each once, all in one transaction."""
    async with db.transaction() as tx:
        if db.dialect == "postgresql":  # two workers starting at once must not both migrate
            await tx.execute("SELECT pg_advisory_xact_lock(7201920)")
        await tx.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
        todo = [MIGRATIONS / f"{name}.sql" for name in await unapplied(tx)]
        for path in todo:
            for statement in _statements(path.read_text()):
                await tx.execute(statement)
            await tx.execute("INSERT INTO schema_migrations (name) VALUES (?)", path.stem)
    return [p.stem for p in todo]


async def unapplied(db: Queries) -> list[str]:
    """The migrations this code has and the database lacks (another worker may migrate it after an upgrade)."""
    applied = {r["name"] for r in await db.fetch("SELECT name FROM schema_migrations")}
    return [p.stem for p in sorted(MIGRATIONS.glob("*.sql")) if p.stem not in applied]


def _statements(script: str) -> list[str]:
    """Split a migration on semicolons; comments (which may hold semicolons) are dropped first."""
    code = re.sub(r"--[^\n]*", "", script)
    return [s for s in code.split(";") if s.strip()]


class SqliteDatabase:
    """aiosqlite on one connection in WAL mode; a lock makes each transaction exclusive to one task."""

    dialect = "sqlite"

    def __init__(self, conn):
        self.conn = conn
        self.lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str) -> SqliteDatabase:
        import aiosqlite

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        pending = aiosqlite.connect(path, isolation_level=None)
        # aiosqlite's worker thread is not a daemon: one connection left open by a crashed task would
        # keep the process from ever exiting. Daemonise it; close() still commits and joins as usual.
        pending._thread.daemon = True
        conn = await pending
        conn.row_factory = aiosqlite.Row
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=5000"):
            await conn.execute(f"PRAGMA {pragma}")
        return cls(conn)

    async def fetch(self, sql: str, *args: Any) -> list[dict]:
        # one trip to the connection's thread, not three (execute, fetch, close): each trip waits for the
        # GIL, so on a busy event loop a join's reads queued behind each other for milliseconds
        return [dict(r) for r in await self.conn.execute_fetchall(sql, args)]

    async def fetchrow(self, sql: str, *args: Any) -> dict | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def execute(self, sql: str, *args: Any) -> int:
        if self.lock.locked():  # a lone write waits for a running transaction rather than joining it
            async with self.lock:
                return await self._execute(sql, args)
        return await self._execute(sql, args)

    async def _execute(self, sql: str, args) -> int:
        async with self.conn.execute(sql, args) as cursor:
            return cursor.rowcount

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Queries]:
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def close(self) -> None:
        await self.conn.close()


class _SqliteTx:
    def __init__(self, db: SqliteDatabase):
        self.db = db

    async def fetch(self, sql: str, *args: Any) -> list[dict]:
        return await self.db.fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> dict | None:
        return await self.db.fetchrow(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        return await self.db._execute(sql, args)


_PLACEHOLDER = re.compile(r"\?")


def _numbered(sql: str) -> str:
    """Portable `?` placeholders → PostgreSQL's $1, $2, … (our SQL has no literal question marks)."""
    count = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(count)}", sql)


class _PgQueries:
    def __init__(self, conn):
        self.conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[dict]:
        return [dict(r) for r in await self.conn.fetch(_numbered(sql), *args)]

    async def fetchrow(self, sql: str, *args: Any) -> dict | None:
        row = await self.conn.fetchrow(_numbered(sql), *args)
        return dict(row) if row else None

    async def execute(self, sql: str, *args: Any) -> int:
        status = await self.conn.execute(_numbered(sql), *args)
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0


@asynccontextmanager
async def _reachable() -> AsyncIterator[None]:
    """PostgreSQL gone (stopped, restarting, the network): say so, and that trying again will do.

    The write was not committed, or (the connection broke while committing) may have been: either way
    the caller hears no false ok, and a retry is safe — a question asked twice is a duplicate, a vote
    given twice is already_voted. The pool opens fresh connections once the server is back.
    """
    import asyncpg

    try:
        yield
    except (OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
            asyncpg.exceptions.OperatorInterventionError) as exc:
        log.warning("PostgreSQL is not answering (%s: %s); the write was refused with 'unavailable'",
                    type(exc).__name__, exc)
        raise Refused("unavailable", "the database is not answering, so this was not saved: "
                      "try again in a few seconds", retry_after=UNAVAILABLE_RETRY) from exc


class PostgresDatabase(_PgQueries):
    """asyncpg pool; every statement outside a transaction commits on its own."""

    dialect = "postgresql"

    @classmethod
    async def open(cls, url: str) -> PostgresDatabase:
        import asyncpg

        return cls(await asyncpg.create_pool(url, min_size=1, max_size=10))

    async def fetch(self, sql: str, *args: Any) -> list[dict]:
        async with _reachable():
            return await super().fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> dict | None:
        async with _reachable():
            return await super().fetchrow(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        async with _reachable():
            return await super().execute(sql, *args)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Queries]:
        async with _reachable(), self.conn.acquire() as conn, conn.transaction():
            yield _PgQueries(conn)

    async def close(self) -> None:
        await self.conn.close()
