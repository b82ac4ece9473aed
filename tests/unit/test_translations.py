"""The interface in both languages: every text the templates and the code mark for translation is in
the Russian catalogue, translated, with the same placeholders; and counts take the right plural form.

The texts are found as translators' tools find them (Babel's extractors over the templates and the
Python code, with the keywords below), so a string added without a translation fails here."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from event_server import i18n

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = i18n.LOCALE / "ru" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": (2,), "ngettext": (2, 3), "plural_forms": (2, 3), "N_": None,
            "flag": (3,)}  # as in README.md
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def extracted() -> dict[str, str]:
    """msgid → where it was found, for every marked text of the templates and the code (a plural entry
    under its singular, as the catalogue keys it)."""
    with open(i18n.LOCALE.parent / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for path, line, message, *_ in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.setdefault(message if isinstance(message, str) else message[0], f"{path}:{line}")
    return found


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as source:
        return read_po(source, locale="ru")


def test_every_marked_text_has_a_russian_translation(catalogue):
    found = extracted()
    assert len(found) > 200
    missing = {text: where for text, where in found.items() if not catalogue.get(text) or not catalogue[text].string}
    assert missing == {}, "add these to messages.po (pybabel update, README.md 'Translating')"


def test_translations_keep_the_placeholders_and_nothing_is_fuzzy(catalogue):
    for message in catalogue:
        if not message.id:
            continue
        assert message.string and not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= wanted | {"n"} and set(PLACEHOLDER.findall(text)) >= wanted - {"n"}, \
                (message.id, text)


def test_plural_forms_follow_each_language():
    assert i18n.ngettext("en", "{n} watching", "{n} watching", 1) == "1 watching"
    forms = i18n.plural_forms("ru", "{n} question", "{n} questions")
    assert set(forms) == {"one", "few", "many"}  # whole numbers; "other" is for fractions in Russian


def test_plural_forms_are_worked_out_once_not_on_every_page(monkeypatch):
    first = i18n.plural_forms("ru", "{n} reaction", "{n} reactions")
    parsed = []
    monkeypatch.setattr(i18n.Locale, "parse", lambda *a, **k: parsed.append(a))  # every page renders five counts
    assert i18n.plural_forms("ru", "{n} reaction", "{n} reactions") == first and parsed == []


def test_texts_fill_their_values_and_english_is_the_source():
    assert i18n.gettext("en", "Please give at most {count} links.", count=5) == "Please give at most 5 links."
    assert i18n.gettext("ru", "Please give at most {count} links.", count=5) == "Укажите не больше 5 ссылок."
    assert i18n.gettext("ru", "a text no catalogue has") == "a text no catalogue has"
