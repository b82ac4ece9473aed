"""Where the server's logs go: standard error, at LOG_LEVEL, as text lines or (LOG_FORMAT=json) one JSON
object a line with the record's extras as keys (an access line's remote, status, duration_ms…)."""
from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from .settings import Settings

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
