"""Typed keys for what the aiohttp application and each request hold."""
from __future__ import annotations

from typing import Protocol

from aiohttp import web

from ..core.permissions import Identity
from ..services import Services
from .static import StaticFiles


class LiveStats(Protocol):
    """What the pages for operators read of the live shell (which web/ does not import)."""

    def connections(self) -> int: ...
    def people_in(self, room: str) -> int: ...
    async def cluster_problem(self) -> str | None: ...


SERVICES = web.AppKey("services", Services)
LIVE_STATS = web.AppKey("live_stats", LiveStats)
STATIC_FILES = web.AppKey("static_files", StaticFiles)

# What the request-context middleware works out for every request.
LANG = web.RequestKey("lang", str)
IDENTITY = web.RequestKey("identity", Identity)
CSRF = web.RequestKey("csrf", str)
