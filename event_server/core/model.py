"""The programme as frozen values: what the loader builds and everything else reads.

Nothing here does I/O or reads the clock; times are aware datetimes in the event's zone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

LANGUAGES = ("en", "ru")
ROLES = ("artist", "musician", "data-scientist", "other")  # who answers an open call, unless it says otherwise
REACTIONS = ("👏", "❤️", "🔥", "😂", "🤯")  # what attendees may send during a talk, unless the programme says otherwise


@dataclass(frozen=True)
class Text:
    """A human-readable text in one or more languages; asking for a missing one falls back."""

    values: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, en: str, **others: str) -> Text:
        return cls((("en", en), *others.items()))

    def get(self, lang: str) -> str:
        found = dict(self.values)
        return found.get(lang) or found.get("en") or next(iter(found.values()), "")

    def __str__(self) -> str:
        return self.get("en")


@dataclass(frozen=True)
class QaSettings:
    premoderation: bool = True
    open_during_premiere: bool = True


@dataclass(frozen=True)
class SpeakerJoin:
    """How a speaker gets on the live stream for their Q&A: instructions, a link (a studio), or both."""

    text: Text | None = None
    url: str | None = None


@dataclass(frozen=True)
class Event:
    id: str
    title: Text
    description: Text
    timezone: ZoneInfo
    start: date
    end: date
    url: str | None = None
    livestream: str | None = None
    trailer: str | None = None
    social_room: str | None = None
    contact: str | None = None
    languages: tuple[str, ...] = LANGUAGES
    qa: QaSettings = QaSettings()
    reactions: tuple[str, ...] = REACTIONS
    speaker_join: SpeakerJoin | None = None

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(self.timezone).date()
        return self.start <= local <= self.end


@dataclass(frozen=True)
class Room:
    slug: str
    name: Text
    description: Text | None = None


@dataclass(frozen=True)
class Speaker:
    slug: str
    name: Text
    bio: Text | None = None
    links: tuple[str, ...] = ()
    photo: str | None = None


@dataclass(frozen=True)
class Recording:
    duration: timedelta
    file: str | None = None
    youtube: str | None = None
    captions: tuple[tuple[str, str], ...] = ()  # (language, WebVTT file) for the file
    url: str | None = None  # on another origin (a CDN, object storage): https://…
    sign: str | None = None  # how that origin checks its links: "nginx" (secure_link) or "s3" (presigned)

    @property
    def hls(self) -> bool:
        """An HLS playlist (several bitrates, in segments) rather than one file."""
        return (self.file or self.url or "").split("?")[0].endswith(".m3u8")


@dataclass(frozen=True)
class Talk:
    slug: str
    title: Text
    speakers: tuple[str, ...]
    room: str
    start: datetime
    recording: Recording
    abstract: Text | None = None
    qa_minutes: int = 10
    status: str = "confirmed"
    tags: tuple[str, ...] = ()
    speaker_join: SpeakerJoin | None = None  # this talk's own way on air, else the event's

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def qa_start(self) -> datetime:
        # in UTC, then back: adding to a local wall-clock time is an hour off across a DST change
        return (self.start.astimezone(UTC) + self.recording.duration).astimezone(self.start.tzinfo)

    @property
    def end(self) -> datetime:
        return (self.qa_start.astimezone(UTC) + timedelta(minutes=self.qa_minutes)).astimezone(self.start.tzinfo)


@dataclass(frozen=True)
class GalleryWork:
    slug: str
    title: Text
    kind: str
    artists: tuple[str, ...] = ()
    year: int | None = None
    technique: str | None = None
    description: Text | None = None
    media: str | None = None
    youtube: str | None = None
    alt: Text | None = None
    link: str | None = None
    poster: str | None = None  # a picture file standing for a video, audio or web work in grids
    upload: str | None = None  # the stored file of a work hung from the open call (not in the programme)
    collaborators: tuple[str, ...] = ()  # the data scientists who helped make it, credited beside the artists


@dataclass(frozen=True)
class GalleryRoom:
    slug: str
    title: Text
    text: Text | None = None
    cover: str | None = None
    works: tuple[GalleryWork, ...] = ()


@dataclass(frozen=True)
class Gallery:
    title: Text
    intro: Text | None = None
    rooms: tuple[GalleryRoom, ...] = ()


@dataclass(frozen=True)
class OpenCall:
    title: Text
    text: Text
    deadline: datetime
    roles: tuple[str, ...] = ROLES
    keep_until: datetime | None = None  # when entries are erased (core.open_call.keep_until gives the default)


@dataclass(frozen=True)
class Program:
    event: Event
    rooms: tuple[Room, ...]
    speakers: tuple[Speaker, ...]
    talks: tuple[Talk, ...]  # sorted by start, then slug
    source: Path = field(default=Path("program.yaml"), compare=False)
    gallery: Gallery | None = None
    open_call: OpenCall | None = None

    @property
    def base_dir(self) -> Path:
        return self.source.parent

    @cached_property
    def _rooms(self) -> dict[str, Room]:
        return {r.slug: r for r in self.rooms}

    @cached_property
    def _speakers(self) -> dict[str, Speaker]:
        return {s.slug: s for s in self.speakers}

    @cached_property
    def _talks(self) -> dict[str, Talk]:
        return {t.slug: t for t in self.talks}

    @cached_property
    def public_media(self) -> frozenset[str]:
        """The programme's files meant for visitors: the gallery's media and posters, the speakers' photos.
        Recordings are not among them (they are served from their premiere on), nor anything else in media/."""
        works = [w for r in self.gallery.rooms for w in r.works] if self.gallery else []
        named = [s.photo for s in self.speakers] + [w.media for w in works] + [w.poster for w in works]
        return frozenset(str(PurePosixPath(f)) for f in named if f and "://" not in f)

    @cached_property
    def recording_origins(self) -> frozenset[str]:
        """Where the recordings given as url: come from (scheme://host[:port]), for the pages' CSP."""
        return frozenset(f"{parts.scheme}://{parts.netloc}" for t in self.talks if t.recording.url
                         for parts in [urlsplit(t.recording.url)])

    def room(self, slug: str) -> Room | None:
        return self._rooms.get(slug)

    def speaker(self, slug: str) -> Speaker | None:
        return self._speakers.get(slug)

    def talk(self, slug: str) -> Talk | None:
        return self._talks.get(slug)

    def speakers_of(self, talk: Talk) -> list[Speaker]:
        return [self._speakers[s] for s in talk.speakers]

    def talks_in_room(self, slug: str) -> list[Talk]:
        return [t for t in self.talks if t.room == slug]
