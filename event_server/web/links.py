"""Absolute addresses pages hand out: the site's base, calendar feeds, Google Calendar's "add" link."""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from aiohttp import web

from .. import i18n
from ..core.model import Talk
from .keys import SERVICES


def base_url(request: web.Request) -> str:
    return request.app[SERVICES].settings.public_url or f"{request.scheme}://{request.host}"


def feed_url(request: web.Request, path: str, lang: str, webcal: bool = False) -> str:
    """An absolute feed address; webcal:// makes browsers hand it to the calendar app as a subscription."""
    url = f"{base_url(request)}{path}?lang={lang}"
    return "webcal://" + url.split("://", 1)[1] if webcal else url


def google_calendar_url(request: web.Request, talk: Talk, lang: str) -> str:
    """Google Calendar's "add event" template, with the talk's current times (after any delay)."""
    event = request.app[SERVICES].event
    slot = event.slot(talk.slug)
    start, end = (slot.start, slot.end) if slot else (talk.start, talk.end)
    speakers = ", ".join(s.name.get(lang) for s in event.program.speakers_of(talk))
    page = f"{base_url(request)}/talks/{talk.slug}?lang={lang}"
    label = i18n.gettext(lang, "Talk page")
    query = {"action": "TEMPLATE", "text": f"{talk.title.get(lang)} — {speakers}",
             "dates": f"{_utc(start)}/{_utc(end)}", "ctz": event.program.event.timezone.key,
             "details": f"{label}: {page}",
             "location": f"{base_url(request)}/rooms/{talk.room}?lang={lang}"}
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
