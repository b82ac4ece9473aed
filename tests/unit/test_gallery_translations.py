"""Every interface string of the gallery, open call and curation pages has a Russian translation."""
from __future__ import annotations

import re
from pathlib import Path

from event_server import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*ROOT.glob("templates/gallery*.html"), *ROOT.glob("templates/open_call*.html"),
           *ROOT.glob("templates/curate*.html")]
CODE = [ROOT / "event_server" / "core" / "gallery.py", ROOT / "event_server" / "media" / "thumbnails.py",
        *(ROOT / "event_server" / "web" / f"{m}.py" for m in ("gallery", "open_call", "curate"))]


def test_template_strings_are_translated():
    found = {m for path in SOURCES for m in re.findall(r"""_\((["'])(.+?)\1""", path.read_text())
             for m in [m[1]]}
    assert len(found) > 50
    missing = sorted(m for m in found if m not in i18n.catalog())
    assert missing == []


def test_messages_from_the_rules_are_translated():
    text = "\n".join(p.read_text() for p in CODE)
    messages = re.findall(r'_err\(errors, "\w+", "([^"]+)"', text)
    messages += ["Please fill this in.", "Please keep this under {limit} characters (it has {length}).",
                 "The file is named as {claimed} but its contents are {label}. Please check the file."]
    missing = sorted(m for m in messages if m not in i18n.catalog())
    assert missing == []
