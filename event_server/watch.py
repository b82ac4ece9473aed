"""Watch the programme file while serving: a valid edit is applied and pushed to every room; an invalid
one keeps the running programme, and its errors go to the log and the moderator page.

A stat() of one file a second is cheap and portable (no inotify on every platform, none on network
disks), and an organiser's edit is seen within a second.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from .loader import ProgramError, load_program
from .runtime import Runtime

log = logging.getLogger(__name__)
INTERVAL = 1.0


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


async def reload_program(runtime: Runtime) -> bool:
    """Load the programme file again; True if it was valid and is now the running programme."""
    path = runtime.settings.program
    try:
        program = await asyncio.to_thread(load_program, path)
    except ProgramError as exc:
        runtime.program_errors = [str(p) for p in exc.problems]
        for problem in exc.problems:
            log.error("programme not reloaded: %s", problem)
        return False
    runtime.program, runtime.program_errors = program, []
    log.info("programme reloaded from %s: %d talk(s)", path, len(program.talks))
    runtime.changed()
    return True


async def watch(runtime: Runtime, interval: float = INTERVAL) -> None:
    path = runtime.settings.program
    seen = stamp(path)
    while True:
        await asyncio.sleep(interval)
        current = stamp(path)
        if current is not None and current != seen:
            seen = current
            await reload_program(runtime)
