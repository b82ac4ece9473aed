"""The gallery's rules: how the programme's works and accepted submissions hang together, how a curator
hangs one, and what an uploaded file really is (from its bytes).

Pure: no I/O, time passed in. services/gallery.py and the web pages call these.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from .forms import Message, flag, text
from .model import Gallery, GalleryRoom, GalleryWork, Text
from .rules import SLUG, WORK_KINDS, YOUTUBE_ID, is_address

MB = 1024 * 1024
UPLOAD_CAPS = {"image": 10 * MB, "audio": 20 * MB, "video": 50 * MB}
THUMB_WIDTHS = (320, 640, 1280)


# --- what hangs where ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HungWork:
    """A submission a curator accepted into a room; it hangs after the programme's own works."""

    room: str
    work: GalleryWork
    submission: str


def combine(gallery: Gallery | None, hung: list[HungWork]) -> tuple[GalleryRoom, ...]:
    """The rooms as visitors see them. A hung work whose room left the programme, or whose slug the
    programme now uses in that room, is not shown (the programme wins; the curator can re-hang it)."""
    if gallery is None:
        return ()
    rooms = []
    for room in gallery.rooms:
        taken = {w.slug for w in room.works}
        extra = []
        for h in hung:
            if h.room == room.slug and h.work.slug not in taken:
                taken.add(h.work.slug)
                extra.append(h.work)
        rooms.append(replace(room, works=room.works + tuple(extra)))
    return tuple(rooms)


def find_room(rooms: tuple[GalleryRoom, ...], slug: str) -> GalleryRoom | None:
    return next((r for r in rooms if r.slug == slug), None)


def neighbours(room: GalleryRoom, slug: str) -> tuple[GalleryWork | None, GalleryWork | None, GalleryWork | None]:
    """(previous, this, next) in the room's order; walking wraps around a room of three or more."""
    for i, work in enumerate(room.works):
        if work.slug == slug:
            n = len(room.works)
            if n <= 2:  # no wrapping: "previous" and "next" would be the same work
                return (room.works[i - 1] if i else None), work, (room.works[i + 1] if i + 1 < n else None)
            return room.works[(i - 1) % n], work, room.works[(i + 1) % n]
    return None, None, None


def picture(work: GalleryWork) -> str | None:
    """The local picture that stands for a work in grids: the image itself, else its poster."""
    if work.kind == "image" and work.upload:
        return f"upload:{work.upload}"
    if work.kind == "image" and work.media and "://" not in work.media:
        return work.media
    return work.poster


def cover(room: GalleryRoom) -> GalleryWork | None:
    """The chosen cover if it has a picture, else the first work with one, else the first work."""
    chosen = next((w for w in room.works if w.slug == room.cover), None)
    if chosen and picture(chosen):
        return chosen
    return next((w for w in room.works if picture(w)), chosen or next(iter(room.works), None))


def is_remote(work: GalleryWork) -> bool:
    """Media on another site is shown as a link card: no third-party request without a click."""
    return bool(work.media and "://" in work.media) and not work.upload


# --- what an upload really is -------------------------------------------------------------------

@dataclass(frozen=True)
class FileType:
    kind: str  # image | audio | video
    mime: str
    suffix: str
    label: str


_PNG = FileType("image", "image/png", ".png", "a PNG image")
_JPEG = FileType("image", "image/jpeg", ".jpg", "a JPEG image")
_GIF = FileType("image", "image/gif", ".gif", "a GIF image")
_WEBP = FileType("image", "image/webp", ".webp", "a WebP image")
_MP3 = FileType("audio", "audio/mpeg", ".mp3", "an MP3 recording")
_OGG = FileType("audio", "audio/ogg", ".ogg", "an Ogg recording")
_WAV = FileType("audio", "audio/wav", ".wav", "a WAV recording")
_FLAC = FileType("audio", "audio/flac", ".flac", "a FLAC recording")
_M4A = FileType("audio", "audio/mp4", ".m4a", "an M4A recording")
_MP4 = FileType("video", "video/mp4", ".mp4", "an MP4 video")
_WEBM = FileType("video", "video/webm", ".webm", "a WebM video")

# What a file's name claims, to catch a PNG renamed .mp3: the bytes decide, a contradiction is refused.
SUFFIX_KINDS = {".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image",
                ".mp3": "audio", ".ogg": "audio", ".oga": "audio", ".wav": "audio", ".flac": "audio",
                ".m4a": "audio", ".aac": "audio", ".mp4": "video", ".m4v": "video", ".webm": "video",
                ".mov": "video", ".mkv": "video", ".ogv": "video"}
HEAD_BYTES = 16


def sniff(head: bytes) -> FileType | None:
    """The type from a file's first 16 bytes, for the few formats browsers play that we accept.

    A signature table, not libmagic: these formats have fixed leading bytes, and libmagic would add
    a system library to every install for 11 answers. Images are verified again by decoding them.
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _WAV
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return _MP3  # an ID3 tag, or an MPEG audio layer III frame header
    if head.startswith(b"OggS"):
        return _OGG
    if head.startswith(b"fLaC"):
        return _FLAC
    if head[4:8] == b"ftyp":
        return _M4A if head[8:12] in (b"M4A ", b"M4B ") else _MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _WEBM
    return None


def check_upload(filename: str, found: FileType | None) -> Message | None:
    """Why an upload is refused, or None."""
    if found is None:
        return ("This file is not an image, audio or video we accept "
                "(PNG, JPEG, GIF, WebP, MP3, Ogg, WAV, FLAC, M4A, MP4, WebM).", {})
    claimed = SUFFIX_KINDS.get(PurePosixPath(filename.lower()).suffix)
    if claimed and claimed != found.kind:
        return ("The file is named as {claimed} but its contents are {label}. Please check the file.",
                {"claimed": claimed, "label": found.label})
    return None


# --- a curator hangs a submission ---------------------------------------------------------------

def check_work(submission: str, fields: Mapping[str, str], rooms: tuple[GalleryRoom, ...], upload: str | None,
               upload_kind: str | None) -> tuple[HungWork | None, dict[str, Message]]:
    """The work as the curator edited it, or what to fix: the programme's rules for works. `rooms` are the
    programme's own, so a slug its works use is refused (the store refuses one another hung work uses)."""
    errors: dict[str, Message] = {}
    room, slug, kind = (str(fields.get(k, "")).strip() for k in ("room", "slug", "kind"))
    chosen = find_room(rooms, room)
    if not chosen:
        flag(errors, "room", "Choose a room of the gallery.")
    elif any(w.slug == slug for w in chosen.works):
        flag(errors, "slug", "Another work in this room already has this slug. Choose another.")
    if not SLUG.match(slug):
        flag(errors, "slug", "Use lowercase latin letters, digits and single dashes, e.g. 'dream-garden'.")
    if kind not in WORK_KINDS:
        flag(errors, "kind", "Choose one of: {kinds}.", kinds=", ".join(WORK_KINDS))
    title = text(fields, "title", errors)
    artists, collaborators = (tuple(a.strip() for a in text(fields, key, errors, required=False).split(",")
                                    if a.strip()) for key in ("artists", "collaborators"))
    technique = text(fields, "technique", errors, required=False)
    description = text(fields, "description", errors, required=False)
    alt = text(fields, "alt", errors, required=False)
    link, media, youtube, year = (str(fields.get(k, "")).strip() for k in ("link", "media", "youtube", "year"))
    if link and not is_address(link):
        flag(errors, "link", "The link must be a full https:// address.")
    if media and not is_address(media):
        flag(errors, "media", "Media on another site must be a full https:// address.")
    if youtube and not YOUTUBE_ID.match(youtube):
        flag(errors, "youtube", "A YouTube id has 11 characters, as in youtu.be/ID.")
    if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
        flag(errors, "year", "Write the year with four digits.")
    uses_upload = upload if upload_kind == kind and kind != "web" else None
    if kind == "image" and not alt:
        flag(errors, "alt", "Images need alt text describing what is visible, for people who cannot see it.")
    if kind in ("image", "audio") and not (uses_upload or media):
        flag(errors, "media", "This {kind} work needs the uploaded file or an https address of it.", kind=kind)
    if kind == "video" and not (uses_upload or media or youtube):
        flag(errors, "media", "A video work needs the uploaded video, an https address or a YouTube id.")
    if kind == "web" and not link:
        flag(errors, "link", "A web work needs the https address of the work.")
    if errors:
        return None, errors
    work = GalleryWork(slug=slug, title=Text.of(title), kind=kind, artists=artists, collaborators=collaborators,
                       year=int(year) if year else None, technique=technique or None,
                       description=Text.of(description) if description else None,
                       media=None if uses_upload else media or None, youtube=youtube or None,
                       alt=Text.of(alt) if alt else None, link=link or None, upload=uses_upload)
    return HungWork(room=room, work=work, submission=submission), {}


def suggested_slug(title: str) -> str:
    """A slug from a title for the curator's form: latin letters and digits only, dashes between."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:60].strip("-") or "work"
