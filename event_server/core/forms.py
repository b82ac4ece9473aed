"""Checking what people type into our forms: each field trimmed and measured, links one per line, and
every problem kept as an English template with its values for the shell to translate. Shared by the
open call (core/open_call.py) and the curators' form for hanging a work (core/gallery.py)."""
from __future__ import annotations

from collections.abc import Mapping

from .rules import is_address

# Longest accepted text per field, in characters: enough for a letter, too little for a dump.
LIMITS = {"name": 100, "email": 200, "title": 200, "technique": 200, "description": 4000, "motivation": 6000,
          "links": 2000, "artists": 300, "alt": 1000, "note": 2000, "help": 2000, "skills": 2000, "tools": 500,
          "availability": 300, "message": 2000, "collaborators": 300}
MAX_LINKS = 5

Message = tuple[str, dict]  # an English template and its values; the shell translates both


def flag(errors: dict, key: str, template: str, **values) -> None:
    errors[key] = (template, values)


def text(fields: Mapping[str, str], key: str, errors: dict, required: bool = True) -> str:
    value = str(fields.get(key, "")).strip()
    if required and not value:
        flag(errors, key, "Please fill this in.")
    elif len(value) > LIMITS[key]:
        flag(errors, key, "Please keep this under {limit} characters (it has {length}).", limit=LIMITS[key],
              length=len(value))
    return value


def links(value: str, errors: dict) -> tuple[str, ...]:
    found = tuple(line.strip() for line in value.splitlines() if line.strip())
    bad = [link for link in found if not is_address(link)]
    if bad:
        flag(errors, "links", "Links must be full https:// addresses, one per line: {link} is not.", link=bad[0])
    elif len(found) > MAX_LINKS:
        flag(errors, "links", "Please give at most {count} links.", count=MAX_LINKS)
    return found
