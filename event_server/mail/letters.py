"""Letters from templates/mail: `NAME.txt` is the plain text, in the recipient's language, with its
subject set at the top (`{% set subject = _("…") %}`); every letter also gets an HTML part, the same
paragraphs in templates/mail/layout.html, autoescaped, with its addresses made into links."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

import jinja2
from markupsafe import Markup, escape

from .. import i18n
from ..config.paths import TEMPLATES

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "mail"),
                         autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
                         trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
ADDRESS = re.compile(r"https?://[^\s<>\"]+")
# 7bit: the text goes as quoted-printable, so no server needs 8BITMIME for Cyrillic.
POLICY = SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def write(template: str, lang: str, **context) -> Letter:
    def _(message: str, **values) -> str:
        return i18n.gettext(lang, message, **values)

    module = ENV.get_template(f"{template}.txt").make_module({"_": _, "lang": lang, **context})
    text = re.sub(r"\n{3,}", "\n\n", str(module).strip()) + "\n"
    subject = " ".join(str(module.subject).split())  # type: ignore[attr-defined]  # set by the template
    html = ENV.get_template("layout.html").render(lang=lang, subject=subject,
                                                  paragraphs=[_linked(p.strip()) for p in text.split("\n\n")])
    return Letter(subject, text, html)


def _linked(paragraph: str) -> Markup:
    """A paragraph as HTML: escaped, with line breaks kept and web addresses made into links."""
    parts, last = [], 0
    for found in ADDRESS.finditer(paragraph):
        parts += [escape(paragraph[last:found.start()]), Markup('<a href="{0}">{0}</a>').format(found.group(0))]
        last = found.end()
    parts.append(escape(paragraph[last:]))
    return Markup("").join(parts).replace("\n", Markup("<br>\n"))


def message(*, sender: str, recipient: str, subject: str, text: str, html: str | None, reply_to: str | None,
            message_id: str, date: datetime) -> EmailMessage:
    """The message as it goes out: the same Message-ID and Date on every attempt."""
    mail = EmailMessage(policy=POLICY)
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = subject
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = message_id
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders stay quiet
    if reply_to:
        mail["Reply-To"] = reply_to
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
    return mail


def address_of(sender: str) -> str:
    """The bare address of 'Name <addr>' (the SMTP envelope's sender)."""
    return parseaddr(sender)[1] or sender


def domain_of(sender: str) -> str:
    return address_of(sender).rpartition("@")[2] or "localhost"
