"""The site's files (static/css, js, vendor, icons) under URLs that change with their content, so after a
deploy no browser runs yesterday's JavaScript against today's server.

At start-up every file is hashed; pages link `/static/js/room.js?v=HASH` (`static()` in templates) and
an import map in each page's head sends the modules' own imports (`import … from "/static/js/socket.js"`,
dynamic ones too) to their hashed URLs, so the files keep plain paths and need no build step. A URL with
the current hash is cached for a year, `immutable`; any other (no hash, or yesterday's) is `no-cache`
with an ETag, so it is checked each time and a stale page never pins a new file under an old URL.
"""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from aiohttp import web
from markupsafe import Markup

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class StaticFiles:
    def __init__(self, root: Path, folders: tuple[str, ...]):
        self.root = root
        self.versions = {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                         for folder in folders for path in sorted((root / folder).rglob("*")) if path.is_file()}
        modules = {f"/static/{name}": self.url(name) for name in self.versions if name.endswith((".js", ".mjs"))}
        # "<" escaped: the map sits in a <script> element, which "</script>" in a name would end
        text = json.dumps({"imports": modules}, separators=(",", ":")).replace("<", "\\u003c")
        self.import_map = Markup(f'<script type="importmap">{text}</script>')
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        self.script_source = f"'sha256-{digest}'"  # the map is an inline script: the CSP allows exactly it

    def url(self, name: str) -> str:
        """`css/site.css` → `/static/css/site.css?v=HASH`; a name that is not a file fails the page loudly."""
        return f"/static/{name}?v={self.versions[name]}"

    async def serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        version = self.versions.get(name)  # only the files hashed at start-up: no path can climb out of root
        if version is None:
            raise web.HTTPNotFound()
        cache = IMMUTABLE if request.query.get("v") == version else REVALIDATE
        return web.FileResponse(self.root / name, headers={"Cache-Control": cache})  # ETag, 304, Range
