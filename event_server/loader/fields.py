"""The typed fields a programme is made of — mappings, lists, texts, slugs, addresses, times in the
event's zone, media files — each checked where it stands, so every problem names its FILE:LINE:COL."""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..core import model
from ..core.rules import EMAIL, SLUG, YOUTUBE_ID, is_address, parse_duration
from .yamlpos import Located


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.path}: {self.message}"


class Fields:
    """Converts Located values to typed ones, collecting every problem (with its file position) instead
    of stopping at the first: the shapes and scalars a programme is made of."""

    def __init__(self, source: Path):
        self.source = source
        self.base = source.parent
        self.problems: list[Problem] = []
        self.tz: ZoneInfo = ZoneInfo("UTC")
        self.files: dict[str, str | None] = {}  # media path → problem (None: fine); large programmes reuse files

    def error(self, at: Located, path: str, message: str) -> None:
        self.problems.append(Problem(str(self.source), at.line, at.col, path, message))

    # --- shapes -------------------------------------------------------------------------------

    def mapping(self, node: Located, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        if not isinstance(node.value, dict):
            self.error(node, path, f"expected a mapping of {', '.join(required + optional)}")
            return None
        known = required + optional
        for key in node.value:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
                self.error(node.key_at(key), join_path(path, key), f"unknown key '{key}'{hint}")
        for key in required:
            if key not in node.value:
                self.error(node, join_path(path, key), "is required")
        return node.value

    def items(self, node: Located, path: str) -> list[Located]:
        if not isinstance(node.value, list):
            self.error(node, path, "expected a list")
            return []
        return node.value

    def field(self, m: dict, path: str, key: str, convert: Callable, default: Any = None) -> Any:
        node = m.get(key)
        if node is None or node.value is None:
            return default
        return convert(node, join_path(path, key))

    # --- scalars ------------------------------------------------------------------------------

    def string(self, node: Located, path: str) -> str | None:
        if isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
            self.error(node, path, "expected a text string")
            return None
        value = str(node.value).strip()
        if not value:
            self.error(node, path, "must not be empty")
            return None
        return value

    def text(self, node: Located, path: str) -> model.Text | None:
        if isinstance(node.value, dict):
            m = self.mapping(node, path, (), model.LANGUAGES)
            pairs = [(lang, s) for lang in model.LANGUAGES if lang in m
                     if (s := self.string(m[lang], f"{path}.{lang}"))]
            if not pairs and m:
                self.error(node, path, "give the text in at least one language (en or ru)")
            return model.Text(tuple(pairs)) if pairs else None
        value = self.string(node, path)
        return model.Text((("en", value),)) if value else None

    def matching(self, node: Located, path: str, pattern: re.Pattern, message: str) -> str | None:
        """A string that must match `pattern`; `message` says what to write instead ({value} is filled in)."""
        value = self.string(node, path)
        if value and not pattern.match(value):
            self.error(node, path, message.format(value=value))
            return None
        return value

    def slug(self, node: Located, path: str) -> str | None:
        return self.matching(node, path, SLUG, "'{value}' is not a valid slug: use lowercase latin letters, "
                                               "digits and single dashes, e.g. 'neural-cellular-automata'")

    def url(self, node: Located, path: str) -> str | None:
        value = self.string(node, path)
        if value and not is_address(value, ("http", "https")):
            self.error(node, path, f"'{value}' is not a valid URL: give an absolute https:// address")
            return None
        return value

    def https_url(self, node: Located, path: str) -> str | None:
        value = self.url(node, path)
        if value and not value.startswith("https://"):
            self.error(node, path, f"'{value}' must be an https:// address")
            return None
        return value

    def youtube(self, node: Located, path: str) -> str | None:
        return self.matching(node, path, YOUTUBE_ID,
                             "'{value}' is not a YouTube video id (11 characters, as in youtu.be/ID)")

    def email(self, node: Located, path: str) -> str | None:
        return self.matching(node, path, EMAIL, "'{value}' is not an e-mail address")

    def integer(self, node: Located, path: str, minimum: int = 0) -> int | None:
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            self.error(node, path, "expected a whole number")
            return None
        if node.value < minimum:
            self.error(node, path, f"must be at least {minimum}")
            return None
        return node.value

    def boolean(self, node: Located, path: str) -> bool | None:
        if not isinstance(node.value, bool):
            self.error(node, path, "expected true or false")
            return None
        return node.value

    def duration(self, node: Located, path: str) -> timedelta | None:
        value = parse_duration(node.value)
        if value is None:
            self.error(node, path, f"'{node.value}' is not a duration: write e.g. 25m, 1h5m, 90s or seconds")
        elif value <= timedelta(0):
            self.error(node, path, "must be longer than zero")
            return None
        return value

    def day(self, node: Located, path: str) -> date | None:
        value = _from_iso(node.value, date.fromisoformat)
        if not isinstance(value, date) or isinstance(value, datetime):
            self.error(node, path, f"'{node.value}' is not a date: write YYYY-MM-DD")
            return None
        return value

    def moment(self, node: Located, path: str) -> datetime | None:
        """A local time in the event zone, or an ISO time with an offset; DST gaps and folds are errors."""
        value = _from_iso(node.value, datetime.fromisoformat)
        if isinstance(value, date) and not isinstance(value, datetime):
            self.error(node, path, f"'{value}' has no time of day: write e.g. '{value} 15:00'")
            return None
        if not isinstance(value, datetime):
            self.error(node, path, f"'{node.value}' is not a time: write 'YYYY-MM-DD HH:MM' in the event's "
                                   "time zone, or ISO 8601 with an offset")
            return None
        if value.tzinfo is not None:
            return value.astimezone(self.tz)
        early, late = value.replace(tzinfo=self.tz, fold=0), value.replace(tzinfo=self.tz, fold=1)
        if early.utcoffset() != late.utcoffset():
            wall = early.astimezone(UTC).astimezone(self.tz).replace(tzinfo=None)
            if wall != value:
                self.error(node, path, f"{value:%Y-%m-%d %H:%M} does not exist in {self.tz.key} (the clocks "
                                       "jump forward then); pick another time or give an explicit offset")
            else:
                self.error(node, path, f"{value:%Y-%m-%d %H:%M} happens twice in {self.tz.key} (the clocks "
                                       "go back then); give an explicit offset such as +02:00")
            return None
        return early

    def media_file(self, node: Located, path: str) -> str | None:
        value = self.string(node, path)
        if not value:
            return None
        if value not in self.files:
            target = (self.base / value).resolve()
            self.files[value] = (f"'{value}' points outside the programme's folder"
                                 if not target.is_relative_to(self.base.resolve()) else
                                 f"file '{value}' not found next to {self.source.name} (looked in {target})"
                                 if not target.is_file() else None)
        if problem := self.files[value]:
            self.error(node, path, problem)
            return None
        return value

    def slugs(self, node: Located, path: str) -> tuple[str, ...]:
        return tuple(s for i, n in enumerate(self.items(node, path)) if (s := self.slug(n, f"{path}[{i}]")))

    def strings(self, node: Located, path: str) -> tuple[str, ...]:
        return tuple(s for i, n in enumerate(self.items(node, path)) if (s := self.string(n, f"{path}[{i}]")))

    def urls(self, node: Located, path: str) -> tuple[str, ...]:
        return tuple(s for i, n in enumerate(self.items(node, path)) if (s := self.url(n, f"{path}[{i}]")))

    def unknown(self, node: Located, path: str, kind: str, value: str, known: set[str]) -> None:
        close = difflib.get_close_matches(value, sorted(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; define it under {kind}s"
        self.error(node, path, f"unknown {kind} '{value}'{hint}")

    def unique(self, node: Located, path: str, slug: str | None, seen: dict[str, str]) -> None:
        if slug and slug in seen:
            self.error(node, path, f"duplicate slug '{slug}' (also used at {seen[slug]})")
        elif slug:
            seen[slug] = path


def _from_iso(value: Any, parse: Callable[[str], Any]) -> Any:
    """YAML gives dates and times as strings unless written exactly its way: parse those, keep the rest."""
    if isinstance(value, str):
        try:
            return parse(value.strip())
        except ValueError:
            pass
    return value


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key

