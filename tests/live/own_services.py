"""A Redis and a PostgreSQL of one test's own, on free ports, that the test may stop and start again
(the shared ones on 6379 and 5432 serve every other test and are never stopped)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import missing, port_open


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, up: bool, what: str) -> None:
    deadline = time.monotonic() + 30
    while port_open("127.0.0.1", port) != up:
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} on port {port} did not {'start' if up else 'stop'} within 30 s")
        time.sleep(0.05)


class OwnRedis:
    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            missing("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        _wait_for(self.port, True, "redis-server")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        _wait_for(self.port, False, "redis-server")


class OwnPostgres:
    """initdb in a folder of its own under the system's temporary folder (owned by the postgres user, which
    pytest's 0700 folders would shut out: the server refuses to run as root), pg_ctl to start and stop it;
    trust authentication on 127.0.0.1 only. remove() stops it and deletes the folder."""

    def __init__(self) -> None:
        if not (shutil.which("initdb") and shutil.which("pg_ctl") and shutil.which("runuser")):
            missing("PostgreSQL's initdb and pg_ctl are not on PATH")
        self.folder, self.port = Path(tempfile.mkdtemp(prefix="event-server-pg-")), free_port()
        shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def start(self) -> OwnPostgres:
        self._as_postgres("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w", "-o",
                          f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start")
        _wait_for(self.port, True, "PostgreSQL")
        return self

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        _wait_for(self.port, False, "PostgreSQL")

    def remove(self) -> None:
        if port_open("127.0.0.1", self.port):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
