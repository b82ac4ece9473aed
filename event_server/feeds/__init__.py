"""Schedule exports: one exporter per format (iCalendar, frab JSON, frab XML) over one feed selection."""
from __future__ import annotations

from . import frab_json, frab_xml, ics
from .feed import SCOPES, Exporter, Feed, select

EXPORTERS: dict[str, Exporter] = {e.identifier: e for e in (ics.EXPORTER, frab_json.EXPORTER, frab_xml.EXPORTER)}

__all__ = ["EXPORTERS", "SCOPES", "Exporter", "Feed", "select"]
