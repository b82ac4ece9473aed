"""What one exported document covers: the slots of a schedule, talk, speaker or room, in one language.

Pure: the programme, its effective slots, the public address and the programme's publication instant
are all passed in, so the same inputs always give byte-identical documents (a stable ETag).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .. import i18n
from ..core.model import Program, Talk, Text
from ..core.timeline import Slot

SCOPES = ("schedule", "talks", "speakers", "rooms")


@dataclass(frozen=True)
class Feed:
    program: Program
    slots: tuple[Slot, ...]  # the slots this document lists, in start order
    lang: str
    base_url: str  # absolute, without a trailing slash
    published: datetime  # when the programme file was written: the last change of talks no override moved
    scope: str = "schedule"
    subject: str | None = None  # the talk, speaker or room slug of a narrower feed
    shift: timedelta = timedelta(0)  # a rehearsal clock's offset: overrides carry its times, stamps real ones

    def t(self, text: Text | None) -> str:
        return text.get(self.lang) if text else ""

    def _(self, message: str, **values) -> str:
        return i18n.gettext(self.lang, message, **values)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}?lang={self.lang}"

    def talk_url(self, talk: Talk) -> str:
        return self.url(f"/talks/{talk.slug}")

    def room_url(self, room: str) -> str:
        return self.url(f"/rooms/{room}")

    def speakers(self, talk: Talk) -> str:
        return ", ".join(self.t(s.name) for s in self.program.speakers_of(talk))

    def modified(self, slot: Slot) -> datetime:
        """When this talk last changed (real time): an override's, or else when the programme was published."""
        moved = slot.changed_at - self.shift if slot.changed_at else None
        when = max(filter(None, (moved, self.published)))
        return when.astimezone(UTC).replace(microsecond=0)

    @property
    def last_modified(self) -> datetime:
        floor = self.published.astimezone(UTC).replace(microsecond=0)
        return max((self.modified(s) for s in self.slots), default=floor)

    @property
    def title(self) -> str:
        """The calendar's name: the event, narrowed to a talk, speaker or room when the feed is."""
        event = self.t(self.program.event.title)
        found = {"talks": self.program.talk, "speakers": self.program.speaker, "rooms": self.program.room}
        if self.scope == "schedule":
            return event
        subject = found[self.scope](self.subject or "")
        if subject is None:  # select() found it when the feed was made
            return event
        name = subject.title if isinstance(subject, Talk) else subject.name
        return f"{self.t(name)} · {event}"


def select(program: Program, slots: list[Slot], scope: str, subject: str | None) -> tuple[Slot, ...] | None:
    """The slots a feed lists, or None when its talk, speaker or room does not exist."""
    choose: dict[str, tuple[Callable, Callable[[Slot], bool]]] = {
        "schedule": (lambda _: True, lambda s: True),
        "talks": (program.talk, lambda s: s.talk.slug == subject),
        "speakers": (program.speaker, lambda s: subject in s.talk.speakers),
        "rooms": (program.room, lambda s: s.talk.room == subject),
    }
    exists, keep = choose[scope]
    if scope != "schedule" and exists(subject) is None:
        return None
    return tuple(s for s in slots if keep(s))


@dataclass(frozen=True)
class Exporter:
    """One document format, like pretalx's schedule exporters: an identifier, a media type and render."""

    identifier: str  # as in `event-server export --format`
    extension: str  # of the URL and the exported file
    content_type: str
    render: Callable[[Feed], bytes]
