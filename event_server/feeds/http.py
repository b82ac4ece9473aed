"""HTTP validators for exported documents: a strong ETag of the body, Last-Modified, the conditional
request rules of RFC 9110 (section 13), and a cache of rendered bodies so a 304 or a repeat 200 costs
a dictionary lookup.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

ENTITY_TAG = re.compile(r'(?:W/)?"([^"]*)"')
GZIP_SUFFIX = "-gzip"  # marks the ETag of the gzip representation


@dataclass(frozen=True)
class Rendered:
    body: bytes
    gzipped: bytes  # compressed once per render: a 1.3 MB schedule of 2,000 talks goes out as 42 KB
    content_type: str
    etag: str  # quoted, strong: the same bytes always give the same tag
    last_modified: datetime

    @classmethod
    def of(cls, body: bytes, content_type: str, last_modified: datetime) -> Rendered:
        return cls(body, gzip.compress(body, mtime=0), content_type,
                   f'"{hashlib.sha256(body).hexdigest()[:32]}"', last_modified)

    @property
    def http_date(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)

    def representation(self, accept_encoding: str) -> tuple[bytes, dict[str, str]]:
        """The gzip copy for clients that accept it, under its own strong ETag as RFC 9110 asks of a
        different representation; both tags validate, as both stand for the same document."""
        if not accepts_gzip(accept_encoding):
            return self.body, {"ETag": self.etag}
        return self.gzipped, {"ETag": self.etag[:-1] + GZIP_SUFFIX + '"', "Content-Encoding": "gzip"}


def accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            q = params.strip().removeprefix("q=")
            try:
                return not params or float(q) > 0
            except ValueError:
                return False
    return False


def etag_matches(if_none_match: str, etag: str) -> bool:
    """The weak comparison If-None-Match asks for: `*`, a list, W/ prefixes; unquoted tags from clients that
    strip the quotes are accepted too rather than never getting a 304."""
    header = if_none_match.strip()
    if header == "*":
        return True
    opaque = etag.strip('"')
    tags = ENTITY_TAG.findall(header) or [part.strip() for part in header.split(",")]
    return opaque in (tag.removesuffix(GZIP_SUFFIX) for tag in tags)


def not_modified(headers: Mapping[str, str], rendered: Rendered) -> bool:
    """If-None-Match decides when present; otherwise If-Modified-Since (an unparsable date is ignored)."""
    if "If-None-Match" in headers:
        return etag_matches(headers["If-None-Match"], rendered.etag)
    since = headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return moment.tzinfo is not None and rendered.last_modified <= moment


class RenderCache:
    """Rendered documents by key, each valid while its version (programme, overrides, address) is unchanged.

    Rendering a large schedule takes a while, so it runs in a worker thread, and requests that arrive
    meanwhile wait for the same result instead of rendering it again. Least recently used entries go
    first, which bounds memory however many talk, speaker and room feeds are asked for.
    """

    def __init__(self, size: int = 2048):
        self.size = size
        self._entries: OrderedDict[Any, tuple[Any, asyncio.Future]] = OrderedDict()

    async def get(self, key: Any, version: Any, build: Callable[[], Rendered]) -> Rendered:
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            entry = (version, asyncio.get_running_loop().run_in_executor(None, build))
            self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        try:
            return await asyncio.shield(entry[1])
        except Exception:
            if self._entries.get(key) is entry:
                del self._entries[key]
            raise
