"""Redis and PostgreSQL servers that one fault test owns, so it may stop and start them at will.

The shared servers on the usual ports serve every other test (and other people): a fault test never
stops those. Each private server runs on a free loopback port with its data in the test's temporary
folder, and stop()/start() keep that port, as a restarted server would.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, up: bool, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if (s.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.05)
    raise AssertionError(f"port {port} did not {'open' if up else 'close'} within {timeout} s")


class PrivateRedis:
    def __init__(self, folder: Path):
        if shutil.which("redis-server") is None:
            missing("redis-server is not installed (apt-get install redis-server)")
        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        """As a crash or a failover would: at once, without telling the clients."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        wait_for_port(self.port, up=False)


class PrivatePostgres:
    """A PostgreSQL cluster made with initdb in a folder of its own, run as the postgres user when the
    tests run as root (PostgreSQL refuses root); remove() deletes it."""

    def __init__(self):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not found:
            missing("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.bin, self.port = found[-1].parent, free_port()
        # not under pytest's temporary folders: those are private to the user running the tests
        self.folder = Path(tempfile.mkdtemp(prefix="event-server-pg-"))
        self.folder.chmod(0o777)
        self.data, self.log = self.folder / "pgdata", self.folder / "postgres.log"
        self.user = "postgres" if os.geteuid() == 0 else None
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PrivatePostgres:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start", "-o",
                  f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off")
        wait_for_port(self.port, up=True)
        return self

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: as a crash would (no checkpoint, clients cut off); the data that was committed stays."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        wait_for_port(self.port, up=False)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
