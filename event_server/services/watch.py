"""Watch the programme file while serving: a valid edit is applied and pushed to every room; an invalid
one keeps the running programme, and its errors go to the log and the moderator page.

A stat() of one file a second is cheap and portable (no inotify on every platform, none on network
disks), and an organiser's edit is seen within a second.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from .event import LiveEvent

INTERVAL = 1.0


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


async def watch(event: LiveEvent, interval: float = INTERVAL) -> None:
    path = event.settings.program
    seen = stamp(path)
    while True:
        await asyncio.sleep(interval)
        current = stamp(path)
        if current is not None and current != seen:
            seen = current
            await event.reload_program()
