"""The open call's rules: what each kind of entry asks for, who may be introduced to whom, how an
introduction moves on, whose e-mail address an introduction may give, and how long entries are kept.

Three kinds of entry, as the community's call asks for them: a finished work for the gallery; a project
idea, where the artist says what they want to make and what help they need; and a data scientist's
profile (skills, tools, time they can give). Curators pair an idea with data scientists (a *pairing*),
and follow it until the finished work hangs in the gallery, credited to both.

Pure: no I/O, time passed in. services/open_call.py and the web pages call these.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from . import forms
from .forms import Message
from .model import Event, OpenCall
from .refusal import Refused
from .rules import EMAIL

KINDS = ("work", "idea", "profile")
STATUSES = ("new", "accepted", "rejected", "withdrawn")
PROFILE_ROLE = "data-scientist"  # who sends a profile
# The fields each kind asks for, and which of them must be filled in.
ASKS = {"work": ("name", "email", "title", "description", "technique", "links", "motivation"),
        "idea": ("name", "email", "title", "description", "help", "technique", "links", "motivation"),
        "profile": ("name", "email", "skills", "tools", "availability", "links", "motivation")}
REQUIRED = {"work": ("name", "email", "title"), "idea": ("name", "email", "title", "description", "help"),
            "profile": ("name", "email", "skills")}
UPLOADS = ("work", "idea")  # a work's file, or a sketch or an earlier piece for an idea
# Kinds whose senders may be introduced to one another, and so are asked whether their address may be given.
MEETS = ("idea", "profile")
KEEP_AFTER_EVENT = timedelta(days=180)

# A pairing's life: the curators introduce them, they work together, the artist sends the finished work,
# a curator hangs it (only hanging the work makes a pairing "accepted"). "ended": it did not go ahead.
PAIRING_STATUSES = ("introduced", "working", "submitted", "accepted", "ended")
SET_BY_HAND = ("introduced", "working", "submitted", "ended")


def is_open(call: OpenCall | None, now: datetime) -> bool:
    return call is not None and now <= call.deadline


def keep_until(call: OpenCall, event: Event) -> datetime:
    """When entries are erased: the call's own date, else half a year after the event's last day."""
    if call.keep_until:
        return call.keep_until
    return datetime.combine(event.end + KEEP_AFTER_EVENT, time(23, 59, 59), event.timezone)


@dataclass(frozen=True)
class Submission:
    """What an applicant sent, checked; fields a kind does not ask for are empty."""

    kind: str
    name: str
    email: str
    role: str
    title: str = ""
    description: str = ""
    technique: str = ""
    links: tuple[str, ...] = ()
    motivation: str = ""
    help: str = ""
    skills: str = ""
    tools: str = ""
    availability: str = ""
    share_email: bool = False


def check_entry(kind: str, fields: Mapping[str, str], roles: tuple[str, ...], has_upload: bool
                ) -> tuple[Submission | None, dict[str, Message]]:
    """The form's values for this kind of entry, or what to fix in each field."""
    if kind not in KINDS:
        return None, {"kind": ("Please choose what you are sending.", {})}
    errors: dict[str, Message] = {}
    values = {key: forms.text(fields, key, errors, required=key in REQUIRED[kind])
              for key in ASKS[kind] if key != "links"}
    if "email" not in errors and not EMAIL.match(values["email"]):
        forms.flag(errors, "email", "This does not look like an e-mail address.")
    role = PROFILE_ROLE if kind == "profile" else str(fields.get("role", ""))
    if role not in roles and kind != "profile":
        forms.flag(errors, "role", "Please choose who you are.")
    links = forms.links(forms.text(fields, "links", errors, required=False), errors)
    if has_upload and kind not in UPLOADS:
        forms.flag(errors, "upload", "A profile has no file: give links to your work instead.")
    if kind == "work" and not links and not has_upload and not errors.get("links"):
        forms.flag(errors, "links", "Please give a link to the work or upload a file.")
    if errors:
        return None, errors
    share = kind in MEETS and str(fields.get("share_email", "")) in ("on", "yes", "1")
    return Submission(kind=kind, role=role, links=links, share_email=share, **values), {}


def check_introduction(idea: tuple[str, str], profiles: list[tuple[str, str]], already: int) -> None:
    """An idea (kind, status) may meet profiles (kind, status) while neither was turned down or withdrawn;
    `already` is how many of these profiles the idea has met before."""
    kind, status = idea
    if kind != "idea":
        raise Refused("bad_request", "Only a project idea can be introduced to data scientists.")
    if status not in ("new", "accepted"):
        raise Refused("wrong_state", "This idea was turned down or withdrawn: it cannot be introduced.")
    if not profiles:
        raise Refused("bad_request", "Choose at least one data scientist to introduce.")
    if any(k != "profile" or s not in ("new", "accepted") for k, s in profiles):
        raise Refused("wrong_state", "Only data scientists' profiles still in the call can be introduced.")
    if already:
        raise Refused("duplicate", "This idea has already been introduced to one of them.")


def check_move(current: str, target: str) -> None:
    """A curator sets a pairing's status by hand; "accepted" comes only from hanging its work."""
    if target not in SET_BY_HAND:
        raise Refused("bad_action", "A pairing is accepted by hanging its finished work in the gallery.")
    if current == "accepted":
        raise Refused("wrong_state", "This pairing's work hangs in the gallery: take the work down first.")


def addresses_shared(one: bool, other: bool) -> bool:
    """Two people introduced learn each other's e-mail address only when both said yes on their forms."""
    return one and other


def first_decision(status: str) -> bool:
    """Applicants hear of the curators' first decision; later changes (re-hanging, taking down) are the
    curators' to explain in person."""
    return status == "new"
