"""Interface language: Russian and English. Programme texts carry their own languages (model.Text);
the interface strings live in translations/*.yaml, one file per concept, English → Russian.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from ..core.model import LANGUAGES

TRANSLATIONS = Path(__file__).parent / "translations"


@cache
def catalog() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(TRANSLATIONS.glob("*.yaml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return merged


def gettext(lang: str, message: str, **values) -> str:
    text = catalog().get(message, message) if lang == "ru" else message
    return text.format(**values) if values else text


def translate(lang: str, message: tuple[str, dict]) -> str:
    """A rule's (English template, values) in `lang`; word values such as 'audio' are translated too."""
    template, values = message
    return gettext(lang, template, **{k: gettext(lang, str(v)) for k, v in values.items()})


def negotiate(query: str | None, cookie: str | None, accept_language: str, languages: tuple[str, ...]) -> str:
    """?lang= first, then the cookie, then the browser's Accept-Language, then the event's default."""
    for choice in (query, cookie):
        if choice in languages:
            return choice
    ranked = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            ranked.append((float(q or 1), tag.split("-")[0].lower()))
        except ValueError:
            continue
    for _, tag in sorted(ranked, key=lambda r: -r[0]):
        if tag in languages:
            return tag
    return languages[0] if languages else LANGUAGES[0]
