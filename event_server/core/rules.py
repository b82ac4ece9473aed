"""What valid programme values look like: the patterns and checks shared by the programme loader, the
open call and the curators' form, so a slug or an address means the same thing everywhere."""
from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

SCHEMA_VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
# An address one can write into a To: header as it is: no spaces, commas, quotes or brackets.
EMAIL = re.compile(r"^[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\]+\.[^@\s,;:<>()\[\]\"\\]+$")
DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$")
WORK_KINDS = ("image", "video", "audio", "web")
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def is_address(value: str, schemes: tuple[str, ...] = ("https",)) -> bool:
    """An absolute public web address: one of `schemes`, a host name with a dot (not `localhost`, which
    would be the visitor's own machine), no whitespace."""
    parts = urlsplit(value)
    return (parts.scheme in schemes and bool(parts.hostname) and "." in (parts.hostname or "")
            and not re.search(r"\s", value))


def parse_duration(value: Any) -> timedelta | None:
    """25m, 1h5m, 90s, '1h 30m' or a number of seconds; None when it is none of these."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str) and (m := DURATION.match(value)) and any(m.groups()):
        h, mi, s = (int(g or 0) for g in m.groups())
        return timedelta(hours=h, minutes=mi, seconds=s)
    return None


def is_emoji(value: str) -> bool:
    """One emoji, as a reaction is: symbols with their modifiers and joiners (👏, ❤️, 👍🏽), no letters."""
    return 0 < len(value) <= 8 and all(unicodedata.category(c) in ("So", "Sk", "Mn", "Cf")
                                        for c in value) and any(unicodedata.category(c) == "So" for c in value)
