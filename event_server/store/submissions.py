"""Open-call entries and the works curators hang from them (tables from 0004_gallery.sql and
0005_open_call.sql). Functions take any Queries, so a use case can put several in one transaction."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields

from ..core.gallery import HungWork
from ..core.model import GalleryWork, Text
from ..core.open_call import STATUSES, Submission
from ..core.refusal import Refused
from .db import Queries

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: people read it out and type it
# What an applicant told us: blanked when they withdraw or when the call's keeping time is over.
PERSONAL = ("name", "email", "title", "description", "technique", "links", "motivation", "help", "skills", "tools",
            "availability", "note")


@dataclass(frozen=True)
class Entry:
    """A stored open-call entry: what the applicant sent, and what the curators decided."""

    id: str  # the reference shown to the applicant, e.g. OC-7KQ2M9XP
    created_ms: int
    attendee: str | None  # the browser that sent it: only it sees the confirmation page
    kind: str  # work | idea | profile
    lang: str  # of the page they used: their e-mails are written in it
    name: str
    email: str
    role: str
    title: str
    description: str
    technique: str
    links: tuple[str, ...]
    motivation: str
    help: str
    skills: str
    tools: str
    availability: str
    share_email: bool
    pairing: str | None  # a finished work: the pairing it came from
    upload: str | None
    upload_kind: str | None  # image | audio | video
    upload_type: str | None  # the sniffed MIME type
    upload_size: int | None
    status: str  # new | accepted | rejected | withdrawn
    note: str  # the curator's
    decided_ms: int | None
    erased_ms: int | None

    @property
    def headline(self) -> str:
        """What the entry is, in a line: its title, or a profile's first line of skills."""
        return self.title or self.skills.split("\n", 1)[0][:120]


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


def new_reference() -> str:
    return "OC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


async def add(db: Queries, sub: Submission, *, lang: str, attendee: str | None, now_ms: int,
              pairing: str | None = None, upload: dict | None = None) -> str:
    reference = new_reference()
    stored = upload or {}
    await db.execute(
        "INSERT INTO submissions (id, created_ms, attendee, kind, lang, name, email, role, title, description,"
        " technique, links, motivation, help, skills, tools, availability, share_email, pairing, upload, upload_kind,"
        " upload_type, upload_size) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        reference, now_ms, attendee, sub.kind, lang, sub.name, sub.email, sub.role, sub.title, sub.description,
        sub.technique, "\n".join(sub.links), sub.motivation, sub.help, sub.skills, sub.tools, sub.availability,
        int(sub.share_email), pairing, stored.get("upload"), stored.get("upload_kind"), stored.get("upload_type"),
        stored.get("upload_size"))
    return reference


async def get(db: Queries, reference: str) -> Entry | None:
    row = await db.fetchrow("SELECT * FROM submissions WHERE id = ?", reference)
    return _entry(row) if row else None


async def many(db: Queries, references: list[str]) -> dict[str, Entry]:
    if not references:
        return {}
    rows = await db.fetch(f"SELECT * FROM submissions WHERE id IN ({','.join('?' * len(references))})", *references)
    return {r["id"]: _entry(r) for r in rows}


async def search(db: Queries, status: str | None = None, kind: str | None = None, role: str | None = None,
                 file: str | None = None, text: str | None = None, limit: int = 200) -> list[Entry]:
    """Newest first. `file` filters by upload (image/audio/video) or 'link' for entries without one."""
    where, args = [], []
    for column, value in (("status", status if status in STATUSES else None), ("kind", kind), ("role", role)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if file == "link":
        where.append("upload IS NULL")
    elif file:
        where.append("upload_kind = ?")
        args.append(file)
    if text:
        where.append("(LOWER(title) LIKE ? OR LOWER(name) LIKE ? OR LOWER(technique) LIKE ? OR LOWER(skills) LIKE ?)")
        pattern = "%" + text.lower().replace("%", "").replace("_", "") + "%"
        args += [pattern] * 4
    sql = "SELECT * FROM submissions" + (" WHERE " + " AND ".join(where) if where else "")
    rows = await db.fetch(sql + " ORDER BY created_ms DESC, id LIMIT ?", *args, limit)
    return [_entry(r) for r in rows]


async def counts(db: Queries, kind: str | None = None) -> dict[str, int]:
    where, args = (" WHERE kind = ?", [kind]) if kind else ("", [])
    rows = await db.fetch(f"SELECT status, COUNT(*) AS n FROM submissions{where} GROUP BY status", *args)
    return {s: 0 for s in STATUSES} | {r["status"]: int(r["n"]) for r in rows}


async def hang(db: Queries, hung: HungWork, note: str, now_ms: int) -> None:
    """Hang (or re-hang, with new fields) the entry's work; call it inside a transaction.
    Refused("slug_taken") when another hung work of the room has the slug."""
    w = hung.work
    clash = await db.fetchrow("SELECT submission FROM gallery_works "
                              "WHERE room = ? AND slug = ? AND submission <> ?", hung.room, w.slug, hung.submission)
    if clash:
        raise Refused("slug_taken", "Another work in this room already has this slug. Choose another.")
    await db.execute("DELETE FROM gallery_works WHERE submission = ?", hung.submission)
    await db.execute(
        "INSERT INTO gallery_works (submission, room, slug, kind, title, artists, collaborators, year, technique,"
        " description, media, youtube, alt, link, upload, hung_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        hung.submission, hung.room, w.slug, w.kind, str(w.title), ", ".join(w.artists), ", ".join(w.collaborators),
        w.year, w.technique, str(w.description) if w.description else None, w.media, w.youtube,
        str(w.alt) if w.alt else None, w.link, w.upload, now_ms)
    await decide(db, hung.submission, "accepted", note, now_ms)


async def decide(db: Queries, reference: str, status: str, note: str, now_ms: int) -> None:
    """Accept or reject; rejecting (or withdrawing) also takes a hung work down."""
    if status != "accepted":
        await db.execute("DELETE FROM gallery_works WHERE submission = ?", reference)
    await db.execute("UPDATE submissions SET status = ?, note = ?, decided_ms = ? WHERE id = ?",
                     status, note, now_ms, reference)


async def erase(db: Queries, reference: str, now_ms: int, keep_upload: bool = False) -> None:
    """Forget what the applicant told us (a hung work keeps its file: the gallery shows it); the row stays
    as the reference the curators' log names."""
    blank = ", ".join(f"{column} = ''" for column in PERSONAL) + ("" if keep_upload else ", upload = NULL")
    await db.execute(f"UPDATE submissions SET {blank}, erased_ms = ? WHERE id = ?", now_ms, reference)


async def hung_works(db: Queries) -> list[HungWork]:
    rows = await db.fetch("SELECT * FROM gallery_works ORDER BY hung_ms, submission")
    return [HungWork(room=r["room"], submission=r["submission"], work=_work(r)) for r in rows]


async def hung_work_of(db: Queries, reference: str) -> HungWork | None:
    r = await db.fetchrow("SELECT * FROM gallery_works WHERE submission = ?", reference)
    return HungWork(room=r["room"], submission=r["submission"], work=_work(r)) if r else None


async def upload_type(db: Queries, name: str, *, public: bool) -> str | None:
    """The MIME type of a stored upload, if it may be served: to curators always, to everyone once hung."""
    if public:
        row = await db.fetchrow("SELECT s.upload_type FROM gallery_works g JOIN submissions s ON s.id = g.submission"
                                " WHERE g.upload = ?", name)
    else:
        row = await db.fetchrow("SELECT upload_type FROM submissions WHERE upload = ?", name)
    return row["upload_type"] if row else None


def _names(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in value.split(",") if a.strip())


def _work(r: dict) -> GalleryWork:
    return GalleryWork(slug=r["slug"], title=Text.of(r["title"]), kind=r["kind"], artists=_names(r["artists"]),
                       collaborators=_names(r["collaborators"]), year=r["year"], technique=r["technique"],
                       description=Text.of(r["description"]) if r["description"] else None,
                       media=r["media"], youtube=r["youtube"], alt=Text.of(r["alt"]) if r["alt"] else None,
                       link=r["link"], upload=r["upload"])


def _entry(row: dict) -> Entry:
    values = {name: row[name] for name in _ENTRY_FIELDS}
    return Entry(**{**values, "links": tuple(link for link in row["links"].split("\n") if link),
                    "share_email": bool(row["share_email"])})


async def kept(db: Queries) -> list[Entry]:
    """Every entry whose data has not been erased yet."""
    return [_entry(r) for r in await db.fetch("SELECT * FROM submissions WHERE erased_ms IS NULL")]
