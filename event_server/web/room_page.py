"""The room page for attendees: rendered once per room, language, address and state of the room, then
filled in for each visitor.

At the published minute thousands of attendees open the same room within seconds, and rendering its
page with jinja2 was the largest part of what an arrival cost the server. Two attendees' pages at the
same moment differ only in the server's time (`data-server-now`), the room's state JSON (its clock
fields) and the CSRF token. So the page is rendered with a marker in each of those places and cut at
the markers; each visitor's page is the pieces joined with their own values. Staff (moderators,
curators, speakers) see their own bar and links: their pages are rendered whole, never kept.

The pieces are dropped on any change of the day (`LiveEvent.on_change`) and after `LiveEvent.fresh` seconds
(what a page names may change on disk without one); at most LIMIT are kept, because the address's host and
query (in the calendar and language links) come from the request.
"""
from __future__ import annotations

import math
import re
import secrets
import time
from typing import Any

from aiohttp import web

from ..services.event import LiveEvent
from .keys import CSRF, IDENTITY, LANG
from .links import base_url
from .render import page_json, render

LIMIT = 64  # renderings kept (rooms × languages × addresses × states)


class _Moment:
    """Stands for the server's time in a rendering: templates write it as `now.isoformat()`."""

    def __init__(self, text: str):
        self.text = text

    def isoformat(self) -> str:
        return self.text


class RoomPages:
    def __init__(self, event: LiveEvent):
        self.event = event
        mark = "es-" + secrets.token_hex(8)  # nobody can put it in a page: it is made here, per process
        self.holes = {"now": mark + "-now", "payload": mark + "-payload", "csrf": mark + "-csrf"}
        # the payload is JSON in the page: its marker is written as a JSON string, quotes and all
        # (no attendee's room page carries a CSRF token today; if one ever does, it is still their own)
        markers = [self.holes["now"], f'"{self.holes["payload"]}"', self.holes["csrf"]]
        self.cut = re.compile("(" + "|".join(markers) + ")")
        self.kept: dict[tuple, tuple[float, list[str]]] = {}  # key → (monotonic time made, pieces)
        event.on_change(self.kept.clear)

    def page(self, request: web.Request, context: dict[str, Any]) -> web.Response:
        identity = request.get(IDENTITY)
        if identity is not None and (identity.moderator or identity.curator or identity.speaker):
            return render(request, "room.html", **context)
        state = context["state"]
        key = (context["room"].slug, request.get(LANG, "en"), base_url(request), request.path_qs,
               state.phase, state.talk, state.next_talk)
        made, pieces = self.kept.get(key, (-math.inf, []))
        if time.monotonic() - made >= self.event.fresh:
            pieces = self._pieces(request, context)
            if len(self.kept) >= LIMIT:
                self.kept.clear()
            self.kept[key] = (time.monotonic(), pieces)
        now = self.event.now()
        values = {self.holes["now"]: now.isoformat(), f'"{self.holes["payload"]}"': page_json(context["payload"]),
                  self.holes["csrf"]: request.get(CSRF, "")}
        html = "".join(values[piece] if i % 2 else piece for i, piece in enumerate(pieces))
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    def _pieces(self, request: web.Request, context: dict[str, Any]) -> list[str]:
        """The page cut at its markers: text, a marker, text, … (odd places are markers)."""
        marked = {**context, "payload": self.holes["payload"]}
        response = render(request, "room.html", now=_Moment(self.holes["now"]), csrf=self.holes["csrf"], **marked)
        assert response.text is not None
        return self.cut.split(response.text)


ROOM_PAGES = web.AppKey("room_pages", RoomPages)
