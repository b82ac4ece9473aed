"""Every failure a browser can cause becomes a friendly page with a status, never a traceback."""
from __future__ import annotations

import logging

from aiohttp import web

from .. import i18n
from ..core.refusal import Refused
from ..i18n import N_
from .keys import LANG
from .render import render

log = logging.getLogger(__name__)

TITLES = {400: N_("Not possible"), 403: N_("Not allowed"), 404: N_("Not found"), 405: N_("Not allowed"),
          409: N_("Not possible"), 413: N_("Too large"), 429: N_("Too many requests"), 500: N_("Error")}
# A core Refused's code → the HTTP status that says the same (anything else is a 400).
STATUSES = {"forbidden": 403, "not_found": 404, "rate_limited": 429, "conflict": 409, "too_large": 413}


@web.middleware
async def friendly_errors(request: web.Request, handler):
    try:
        return await handler(request)
    except Refused as exc:  # a rule said no: the status that fits its code, and its message
        return _page(request, STATUSES.get(exc.code, 400), i18n.gettext(request.get(LANG, "en"), exc.message))
    except web.HTTPException as exc:
        if exc.status < 400 or not _wants_html(request, exc):
            raise
        default = f"{exc.status}: {exc.reason}"  # aiohttp's own body: say something more useful instead
        return _page(request, exc.status, exc.text if exc.text and exc.text != default else "")
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _page(request, 500, i18n.gettext(request.get(LANG, "en"),
                                                "Something went wrong on our side. Please try again."))


def _wants_html(request: web.Request, exc: web.HTTPException) -> bool:
    """Browsers get a page; API clients that asked for JSON, and responses that carry a body, keep theirs."""
    return exc.content_type in ("text/plain", "text/html") and "json" not in request.headers.get("Accept", "")


def _page(request: web.Request, status: int, message: str) -> web.Response:
    lang = request.get(LANG, "en")
    title = i18n.gettext(lang, TITLES.get(status, TITLES[500]))
    if status == 404 and not message:
        message = i18n.gettext(lang, "There is no page at this address. It may have moved, or the link has a typo.")
    return render(request, "error.html", status=status, title=title, message=message, code=status)
