"""Programme file → Program, or every problem at once as FILE:LINE:COL: field.path: message.

The sections (event, rooms, speakers, talks, gallery, open call) and the rules between them (unknown
speakers, overlapping talks); the fields they are made of are in fields.py."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core import captions, hls, model, signed_links
from ..core.rules import PICTURE_SUFFIXES, SCHEMA_VERSION, WORK_KINDS, is_emoji
from .fields import Fields, Problem
from .yamlpos import Located, parse

MAX_REACTIONS = 8  # a row of buttons, not a keyboard


class ProgramError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def load_program(path: str | Path, signers: frozenset[str] | None = None) -> model.Program:
    """`signers`: the forms of signed link the server can make (None: not checked, e.g. for an export)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramError([Problem(str(path), 1, 1, "file", f"cannot read the programme: {exc}")]) from None
    return load_text(text, path, signers)


def load_text(text: str, source: Path, signers: frozenset[str] | None = None) -> model.Program:
    root, yaml_problems = parse(text)
    check = ProgramChecker(source, signers)
    for p in yaml_problems:
        check.problems.append(Problem(str(source), p.line, p.col, p.key or "file", p.message))
    program = check.program(root) if root is not None else None
    if check.problems or program is None:
        raise ProgramError(sorted(check.problems, key=lambda p: (p.line, p.col)))
    return program


class ProgramChecker(Fields):
    """Walks the programme's sections, converting them to the model and collecting every problem."""

    def __init__(self, source: Path, signers: frozenset[str] | None = None):
        super().__init__(source)
        self.signers = signers

    # --- sections -----------------------------------------------------------------------------

    def program(self, root: Located) -> model.Program | None:
        top = self.mapping(root, "", ("version", "event", "rooms", "speakers", "talks"), ("gallery", "open_call"))
        if top is None:
            return None
        if "version" in top and top["version"].value != SCHEMA_VERSION:
            self.error(top["version"], "version", f"unsupported schema version {top['version'].value!r}; "
                                                  f"this server reads version {SCHEMA_VERSION}")
        event = self.field(top, "", "event", self.event)
        rooms = self.field(top, "", "rooms", self.rooms, ())
        speakers = self.field(top, "", "speakers", self.speakers, ())
        talks = self.field(top, "", "talks", lambda n, p: self.talks(n, p, event, rooms, speakers), ())
        gallery = self.field(top, "", "gallery", self.gallery)
        open_call = self.field(top, "", "open_call", self.open_call)
        if event is None:
            return None
        return model.Program(event=event, rooms=rooms, speakers=speakers,
                             talks=tuple(sorted(talks, key=lambda t: (t.start, t.slug))),
                             source=self.source, gallery=gallery, open_call=open_call)

    def event(self, node: Located, path: str) -> model.Event | None:
        m = self.mapping(node, path, ("id", "title", "timezone", "start", "end"),
                         ("description", "url", "livestream", "trailer", "social_room", "contact", "languages", "qa",
                          "reactions", "speaker_join"))
        if m is None:
            return None
        tz = self.field(m, path, "timezone", self.zone)
        if tz:
            self.tz = tz
        values = dict(
            id=self.field(m, path, "id", self.slug), title=self.field(m, path, "title", self.text),
            description=self.field(m, path, "description", self.text, model.Text.of("")), timezone=tz,
            start=self.field(m, path, "start", self.day), end=self.field(m, path, "end", self.day),
            url=self.field(m, path, "url", self.url), livestream=self.field(m, path, "livestream", self.youtube),
            trailer=self.field(m, path, "trailer", self.youtube),
            social_room=self.field(m, path, "social_room", self.url),
            contact=self.field(m, path, "contact", self.email),
            languages=self.field(m, path, "languages", self.languages, model.LANGUAGES),
            qa=self.field(m, path, "qa", self.qa_settings, model.QaSettings()),
            reactions=self.field(m, path, "reactions", self.reactions, model.REACTIONS),
            speaker_join=self.field(m, path, "speaker_join", self.speaker_join))
        if values["start"] and values["end"] and values["end"] < values["start"]:
            self.error(m["end"], f"{path}.end", "the event ends before it starts")
        if any(values[k] is None for k in ("id", "title", "timezone", "start", "end")):
            return None
        return model.Event(**values)

    def zone(self, node: Located, path: str) -> ZoneInfo | None:
        name = self.string(node, path)
        try:
            return ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            self.error(node, path, f"unknown time zone '{name}': use an IANA name such as Europe/Moscow")
            return None

    def languages(self, node: Located, path: str) -> tuple[str, ...]:
        langs = self.strings(node, path)
        for i, lang in enumerate(langs):
            if lang not in model.LANGUAGES:
                self.error(node.value[i], f"{path}[{i}]", f"unsupported language '{lang}'; "
                                                          f"supported: {', '.join(model.LANGUAGES)}")
        return tuple(lang for lang in langs if lang in model.LANGUAGES) or model.LANGUAGES

    def qa_settings(self, node: Located, path: str) -> model.QaSettings:
        m = self.mapping(node, path, (), ("premoderation", "open_during_premiere")) or {}
        defaults = model.QaSettings()
        return model.QaSettings(
            premoderation=self.field(m, path, "premoderation", self.boolean, defaults.premoderation),
            open_during_premiere=self.field(m, path, "open_during_premiere", self.boolean,
                                            defaults.open_during_premiere))

    def reactions(self, node: Located, path: str) -> tuple[str, ...]:
        kinds = self.strings(node, path)
        for i, kind in enumerate(kinds):
            if not is_emoji(kind):
                self.error(node.value[i], f"{path}[{i}]", f"'{kind}' is not an emoji: a reaction is one emoji, e.g. 👏")
            elif kinds.index(kind) < i:
                self.error(node.value[i], f"{path}[{i}]", f"'{kind}' is listed twice")
        if not 1 <= len(kinds) <= MAX_REACTIONS:
            self.error(node, path, f"give between 1 and {MAX_REACTIONS} reactions (this has {len(kinds)})")
        return tuple(dict.fromkeys(k for k in kinds if is_emoji(k))) or model.REACTIONS

    def speaker_join(self, node: Located, path: str) -> model.SpeakerJoin | None:
        m = self.mapping(node, path, (), ("text", "url"))
        if m is None:
            return None
        if not m:
            self.error(node, path, "say how speakers get on air: text (instructions), url (a link), or both")
            return None
        join = model.SpeakerJoin(self.field(m, path, "text", self.text), self.field(m, path, "url", self.https_url))
        return join if join.text or join.url else None

    def rooms(self, node: Located, path: str) -> tuple[model.Room, ...]:
        rooms: list[model.Room] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.items(node, path)):
            p = f"{path}[{i}]"
            m = self.mapping(item, p, ("slug", "name"), ("description",))
            if m is None:
                continue
            slug = self.field(m, p, "slug", self.slug)
            self.unique(m.get("slug", item), f"{p}.slug", slug, seen)
            name = self.field(m, p, "name", self.text)
            if slug and name:
                rooms.append(model.Room(slug, name, self.field(m, p, "description", self.text)))
        return tuple(rooms)

    def speakers(self, node: Located, path: str) -> tuple[model.Speaker, ...]:
        speakers: list[model.Speaker] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.items(node, path)):
            p = f"{path}[{i}]"
            m = self.mapping(item, p, ("slug", "name"), ("bio", "links", "photo"))
            if m is None:
                continue
            slug = self.field(m, p, "slug", self.slug)
            self.unique(m.get("slug", item), f"{p}.slug", slug, seen)
            name = self.field(m, p, "name", self.text)
            if slug and name:
                speakers.append(model.Speaker(slug, name, self.field(m, p, "bio", self.text),
                                              self.field(m, p, "links", self.urls, ()),
                                              self.field(m, p, "photo", self.media_file)))
        return tuple(speakers)

    def talks(self, node: Located, path: str, event, rooms, speakers) -> list[model.Talk]:
        room_slugs, speaker_slugs = {r.slug for r in rooms}, {s.slug for s in speakers}
        talks: list[model.Talk] = []
        seen: dict[str, str] = {}
        where: dict[str, tuple[Located, str]] = {}
        for i, item in enumerate(self.items(node, path)):
            p = f"{path}[{i}]"
            m = self.mapping(item, p, ("slug", "title", "speakers", "room", "start", "recording"),
                             ("abstract", "qa_minutes", "status", "tags", "speaker_join"))
            if m is None:
                continue
            slug = self.field(m, p, "slug", self.slug)
            self.unique(m.get("slug", item), f"{p}.slug", slug, seen)
            who = self.field(m, p, "speakers", self.slugs, ())
            for j, s in enumerate(who):
                if s not in speaker_slugs:
                    self.unknown(m["speakers"].value[j], f"{p}.speakers[{j}]", "speaker", s, speaker_slugs)
            room = self.field(m, p, "room", self.slug)
            if room and room not in room_slugs:
                self.unknown(m["room"], f"{p}.room", "room", room, room_slugs)
                room = None
            status = self.field(m, p, "status", self.string, "confirmed")
            if status not in ("confirmed", "cancelled"):
                self.error(m["status"], f"{p}.status", f"'{status}' is not a status: confirmed or cancelled")
            values = dict(slug=slug, title=self.field(m, p, "title", self.text), speakers=who, room=room,
                          start=self.field(m, p, "start", self.moment),
                          recording=self.field(m, p, "recording", self.recording),
                          abstract=self.field(m, p, "abstract", self.text),
                          qa_minutes=self.field(m, p, "qa_minutes", self.integer, 10), status=status,
                          tags=self.field(m, p, "tags", self.strings, ()),
                          speaker_join=self.field(m, p, "speaker_join", self.speaker_join))
            if any(values[k] is None for k in ("slug", "title", "room", "start", "recording", "qa_minutes")):
                continue
            talk = model.Talk(**values)
            where[talk.slug] = (m["start"], f"{p}.start")
            if event and not (event.contains(talk.start) and event.contains(talk.end - timedelta(microseconds=1))):
                self.error(m["start"], f"{p}.start", f"the talk ({talk.start:%Y-%m-%d %H:%M}–{talk.end:%H:%M}) "
                                                     f"is outside the event dates {event.start}–{event.end}")
            talks.append(talk)
        self._overlaps(talks, where)
        return talks

    def _overlaps(self, talks: list[model.Talk], where: dict) -> None:
        by_room: dict[str, list[model.Talk]] = {}
        for t in talks:
            if not t.cancelled:
                by_room.setdefault(t.room, []).append(t)
        for room_talks in by_room.values():
            room_talks.sort(key=lambda t: t.start)
            for before, after in pairwise(room_talks):
                if after.start < before.end:
                    node, path = where[after.slug]
                    self.error(node, path, f"overlaps '{before.slug}' in room '{after.room}', which runs until "
                                           f"{before.end.astimezone(self.tz):%H:%M} with its Q&A")

    def recording(self, node: Located, path: str) -> model.Recording | None:
        m = self.mapping(node, path, ("duration",), ("file", "url", "sign", "youtube", "captions"))
        if m is None:
            return None
        duration = self.field(m, path, "duration", self.duration)
        file, video = self.field(m, path, "file", self.media_file), self.field(m, path, "youtube", self.youtube)
        url, sign = self.field(m, path, "url", self.https_url), self.field(m, path, "sign", self.signed_by)
        if not {"file", "url", "youtube"} & m.keys():
            self.error(node, path, "give the recording as file: media/..., url: https://... and/or youtube: ID")
        if "file" in m and "url" in m:
            self.error(m["url"], f"{path}.url", "give file: (served from the programme's folder) or url: "
                                                "(another origin), not both")
        if "sign" in m and "url" not in m:
            self.error(m["sign"], f"{path}.sign", "sign: is for a url: on another origin; a file: is guarded "
                                                  "by the server itself")
        elif sign and url and url.split("?")[0].endswith(".m3u8"):
            self.error(m["sign"], f"{path}.sign", "a signed link opens one file, and an HLS set is many: serve "
                                                  "it unsigned, or as file: from the programme's folder")
        if file and file.endswith(".m3u8"):
            self.playlist(self.base / file, f"{path}.file")
        tracks = self.field(m, path, "captions", lambda n, p: self.captions(n, p, duration), ())
        if tracks and not {"file", "url"} & m.keys():
            self.error(m["captions"], f"{path}.captions", "captions are shown with a self-hosted recording: "
                                                          "give file: media/... too")
        return model.Recording(duration, file, video, tracks, url, sign) if duration and (file or url or video) \
            else None

    def signed_by(self, node: Located, path: str) -> str | None:
        """nginx or s3; with the signing settings of the environment (check, serve), the secret it needs."""
        value = self.string(node, path)
        if value and value not in signed_links.FORMS:
            self.error(node, path, f"'{value}' is not a form of signed link: write {' or '.join(signed_links.FORMS)}")
            return None
        if value and self.signers is not None and value not in self.signers:
            needs = "RECORDINGS_LINK_SECRET" if value == "nginx" else "RECORDINGS_S3_KEY_ID and RECORDINGS_S3_SECRET"
            self.error(node, path, f"links signed for {value} need {needs} in the server's environment")
        return value

    def playlist(self, file: Path, path: str, depth: int = 0) -> None:
        """An HLS playlist and every file it names, next to it (a multi-bitrate set: its variants' too)."""
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(str(file), 1, 1, path, f"cannot read the playlist: {exc}"))
            return
        found = hls.problems(text)
        for line, uri in [] if found else hls.references(text):
            target = (file.parent / uri).resolve()
            if "://" in uri or not target.is_relative_to(file.parent.resolve()):
                found.append((line, f"'{uri}' is not a file in the playlist's folder, where the server serves it"))
            elif not target.is_file():
                found.append((line, f"'{uri}' not found next to {file.name}"))
            elif target.suffix == ".m3u8" and depth == 0:
                self.playlist(target, path, depth + 1)
        self.problems.extend(Problem(str(file), line, 1, path, message) for line, message in found)

    def captions(self, node: Located, path: str, duration: timedelta | None) -> tuple[tuple[str, str], ...]:
        """{en: media/x.en.vtt, ru: ...}: WebVTT files, each checked line by line against the recording."""
        m = self.mapping(node, path, (), model.LANGUAGES) or {}
        found = []
        for lang in (lang for lang in model.LANGUAGES if lang in m):
            file_node = m[lang]
            name = self.media_file(file_node, f"{path}.{lang}")
            if name is None:
                continue
            vtt = self.base / name
            try:
                text = vtt.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                self.error(file_node, f"{path}.{lang}", f"'{name}' is not UTF-8 text: save it as UTF-8 WebVTT")
                continue
            for line, message in captions.problems(text, duration or timedelta.max):
                self.problems.append(Problem(str(vtt), line, 1, f"{path}.{lang}", message))
            found.append((lang, name))
        return tuple(found)

    def gallery(self, node: Located, path: str) -> model.Gallery | None:
        m = self.mapping(node, path, ("title", "rooms"), ("intro",))
        if m is None:
            return None
        rooms: list[model.GalleryRoom] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.field(m, path, "rooms", self.items, [])):
            p = f"{path}.rooms[{i}]"
            r = self.mapping(item, p, ("slug", "title", "works"), ("text", "cover"))
            if r is None:
                continue
            slug = self.field(r, p, "slug", self.slug)
            self.unique(r.get("slug", item), f"{p}.slug", slug, seen)
            works = tuple(w for j, n in enumerate(self.field(r, p, "works", self.items, []))
                          if (w := self.work(n, f"{p}.works[{j}]")))
            cover = self.field(r, p, "cover", self.slug)
            if cover and cover not in {w.slug for w in works}:
                self.unknown(r["cover"], f"{p}.cover", "work", cover, {w.slug for w in works})
            self._unique_works(works, r, p)
            title = self.field(r, p, "title", self.text)
            if slug and title:
                rooms.append(model.GalleryRoom(slug, title, self.field(r, p, "text", self.text), cover, works))
        title = self.field(m, path, "title", self.text)
        return model.Gallery(title, self.field(m, path, "intro", self.text), tuple(rooms)) if title else None

    def _unique_works(self, works, room: dict, path: str) -> None:
        seen: dict[str, str] = {}
        for j, w in enumerate(works):
            self.unique(room["works"], f"{path}.works[{j}].slug", w.slug, seen)

    def work(self, node: Located, path: str) -> model.GalleryWork | None:
        m = self.mapping(node, path, ("slug", "title", "kind"),
                         ("artists", "year", "technique", "description", "media", "youtube", "alt", "link",
                          "poster"))
        if m is None:
            return None
        kind = self.field(m, path, "kind", self.string)
        if kind and kind not in WORK_KINDS:
            self.error(m["kind"], f"{path}.kind", f"unknown kind '{kind}': use one of {', '.join(WORK_KINDS)}")
            kind = None
        media = self.field(m, path, "media", self.media)
        values = dict(slug=self.field(m, path, "slug", self.slug), title=self.field(m, path, "title", self.text),
                      kind=kind, artists=self.field(m, path, "artists", self.strings, ()),
                      year=self.field(m, path, "year", self.integer), media=media,
                      technique=self.field(m, path, "technique", self.string),
                      description=self.field(m, path, "description", self.text),
                      youtube=self.field(m, path, "youtube", self.youtube),
                      alt=self.field(m, path, "alt", self.text), link=self.field(m, path, "link", self.https_url),
                      poster=self.field(m, path, "poster", self.picture))
        if kind == "image" and values["alt"] is None:
            self.error(node, f"{path}.alt", "images need alt text describing what is visible, for people "
                                            "who cannot see it")
        if kind == "image" and media and "://" not in media and Path(media).suffix.lower() not in PICTURE_SUFFIXES:
            self.error(m["media"], f"{path}.media", f"'{media}' is not a picture: an image work needs a "
                                                   f"{', '.join(PICTURE_SUFFIXES)} file")
        if kind in ("image", "audio") and "media" not in m:
            self.error(node, f"{path}.media", f"an {kind} work needs media: a file under media/ or an https URL")
        if kind == "video" and "media" not in m and "youtube" not in m:
            self.error(node, f"{path}.media", "a video work needs media: a file, an https URL or youtube: ID")
        if kind == "web" and "link" not in m:
            self.error(node, f"{path}.link", "a web work needs link: the https address of the work")
        if any(values[k] is None for k in ("slug", "title", "kind")):
            return None
        return model.GalleryWork(**values)

    def media(self, node: Located, path: str) -> str | None:
        if isinstance(node.value, str) and "://" in node.value:
            return self.https_url(node, path)
        return self.media_file(node, path)

    def picture(self, node: Located, path: str) -> str | None:
        value = self.media_file(node, path)
        if value and Path(value).suffix.lower() not in PICTURE_SUFFIXES:
            self.error(node, path, f"'{value}' is not a picture: use a {', '.join(PICTURE_SUFFIXES)} file")
            return None
        return value

    def open_call(self, node: Located, path: str) -> model.OpenCall | None:
        m = self.mapping(node, path, ("title", "text", "deadline"), ("roles", "keep_until"))
        if m is None:
            return None
        deadline = self.field(m, path, "deadline", self.deadline)
        title, text = self.field(m, path, "title", self.text), self.field(m, path, "text", self.text)
        roles = self.field(m, path, "roles", self.slugs, model.OpenCall.roles)
        keep_until = self.field(m, path, "keep_until", self.deadline, None)
        return model.OpenCall(title, text, deadline, roles, keep_until) if title and text and deadline else None

    def deadline(self, node: Located, path: str) -> datetime | None:
        """A date means the end of that day in the event zone; a time is taken as written."""
        value = node.value
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime.combine(value, time(23, 59, 59), self.tz)
        return self.moment(node, path)


