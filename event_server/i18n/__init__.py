"""Interface language: Russian and English. Programme texts carry their own languages (core.model.Text);
the interface is written in English in the code and templates, and translated through a gettext
catalogue, locale/ru/LC_MESSAGES/messages.po, which translators' tools and Babel read and write
(README.md, "Translating"). Values are filled in with str.format: "{count} watching".
"""
from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from ..core.model import LANGUAGES

LOCALE = Path(__file__).parent / "locale"
SOURCE = "en"  # the language the code and templates are written in


def N_(message: str) -> str:
    """Marks a text to translate later (a status, a kind…): `pybabel extract` finds it, nothing changes."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of `lang`, compiled in memory from its .po file once per process."""
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    if lang == SOURCE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext(lang: str, message: str, **values: Any) -> str:
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text


def ngettext(lang: str, singular: str, plural: str, n: int, **values: Any) -> str:
    """The form for `n` in `lang` ("1 watching", "2 смотрят", "5 смотрят", "21 смотрит"); {n} is n."""
    return translations(lang).ngettext(singular, plural, n).format(n=n, **values)


@cache  # every page asks for the same few; finding the categories takes 200 plural rules (~4 ms a page)
def plural_forms(lang: str, singular: str, plural: str) -> dict[str, str]:
    """Each CLDR plural category of `lang` (one, few, many, other) → its text with {n} left in, so a
    page's script can choose with Intl.PluralRules for counts it learns later. Do not change the answer:
    it is shared."""
    locale = Locale.parse(lang)
    forms: dict[str, str] = {}
    for n in range(0, 200):
        forms.setdefault(locale.plural_form(n), translations(lang).ngettext(singular, plural, n))
    return forms


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
