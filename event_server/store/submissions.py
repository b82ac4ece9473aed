"""Open-call submissions and the works curators hang from them (tables from 0004_gallery.sql)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields

from ..core.gallery import HungWork, Submission
from ..core.model import GalleryWork, Text
from ..core.refusal import Refused
from .db import Database

STATUSES = ("new", "accepted", "rejected")
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: people read it out and type it


@dataclass(frozen=True)
class Entry:
    """A stored open-call submission: what the applicant sent, and what the curators decided."""

    id: str  # the reference shown to the applicant, e.g. OC-7KQ2M9XP
    created_ms: int
    attendee: str | None  # the browser that sent it: only it sees the confirmation page
    name: str
    email: str
    role: str
    title: str
    description: str
    technique: str
    links: tuple[str, ...]
    motivation: str
    upload: str | None
    upload_kind: str | None  # image | audio | video
    upload_type: str | None  # the sniffed MIME type
    upload_size: int | None
    status: str  # new | accepted | rejected
    note: str  # the curator's
    decided_ms: int | None


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


def new_reference() -> str:
    return "OC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


async def add(db: Database, sub: Submission, *, attendee: str | None, now_ms: int, upload: str | None = None,
              upload_kind: str | None = None, upload_type: str | None = None, upload_size: int | None = None) -> str:
    reference = new_reference()
    await db.execute(
        "INSERT INTO submissions (id, created_ms, attendee, name, email, role, title, description, technique, links,"
        " motivation, upload, upload_kind, upload_type, upload_size) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        reference, now_ms, attendee, sub.name, sub.email, sub.role, sub.title, sub.description, sub.technique,
        "\n".join(sub.links), sub.motivation, upload, upload_kind, upload_type, upload_size)
    return reference


async def get(db: Database, reference: str) -> Entry | None:
    row = await db.fetchrow("SELECT * FROM submissions WHERE id = ?", reference)
    return _entry(row) if row else None


async def search(db: Database, status: str | None = None, role: str | None = None, kind: str | None = None,
                 text: str | None = None, limit: int = 200) -> list[Entry]:
    """Newest first. `kind` filters by upload (image/audio/video) or 'link' for submissions without one."""
    where, args = [], []
    if status in STATUSES:
        where.append("status = ?")
        args.append(status)
    if role:
        where.append("role = ?")
        args.append(role)
    if kind == "link":
        where.append("upload IS NULL")
    elif kind:
        where.append("upload_kind = ?")
        args.append(kind)
    if text:
        where.append("(LOWER(title) LIKE ? OR LOWER(name) LIKE ? OR LOWER(technique) LIKE ?)")
        pattern = "%" + text.lower().replace("%", "").replace("_", "") + "%"
        args += [pattern] * 3
    sql = "SELECT * FROM submissions" + (" WHERE " + " AND ".join(where) if where else "")
    rows = await db.fetch(sql + " ORDER BY created_ms DESC, id LIMIT ?", *args, limit)
    return [_entry(r) for r in rows]


async def counts(db: Database) -> dict[str, int]:
    rows = await db.fetch("SELECT status, COUNT(*) AS n FROM submissions GROUP BY status")
    return {s: 0 for s in STATUSES} | {r["status"]: int(r["n"]) for r in rows}


async def accept(db: Database, hung: HungWork, note: str, now_ms: int) -> None:
    """Hang (or re-hang, with new fields) the submission's work; one transaction, so never half-done.
    Refused("slug_taken") when another hung work of the room has the slug."""
    w = hung.work
    async with db.transaction() as tx:
        clash = await tx.fetchrow("SELECT submission FROM gallery_works "
                                  "WHERE room = ? AND slug = ? AND submission <> ?", hung.room, w.slug, hung.submission)
        if clash:
            raise Refused("slug_taken", "Another work in this room already has this slug. Choose another.")
        await tx.execute("DELETE FROM gallery_works WHERE submission = ?", hung.submission)
        await tx.execute(
            "INSERT INTO gallery_works (submission, room, slug, kind, title, artists, year, technique, description,"
            " media, youtube, alt, link, upload, hung_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            hung.submission, hung.room, w.slug, w.kind, str(w.title), ", ".join(w.artists), w.year, w.technique,
            str(w.description) if w.description else None, w.media, w.youtube, str(w.alt) if w.alt else None,
            w.link, w.upload, now_ms)
        await tx.execute("UPDATE submissions SET status = 'accepted', note = ?, decided_ms = ? WHERE id = ?",
                         note, now_ms, hung.submission)


async def reject(db: Database, reference: str, note: str, now_ms: int) -> None:
    """Rejecting an accepted submission also takes its work down."""
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM gallery_works WHERE submission = ?", reference)
        await tx.execute("UPDATE submissions SET status = 'rejected', note = ?, decided_ms = ? WHERE id = ?",
                         note, now_ms, reference)


async def hung_works(db: Database) -> list[HungWork]:
    rows = await db.fetch("SELECT * FROM gallery_works ORDER BY hung_ms, submission")
    return [HungWork(room=r["room"], submission=r["submission"], work=_work(r)) for r in rows]


async def hung_work_of(db: Database, reference: str) -> HungWork | None:
    r = await db.fetchrow("SELECT * FROM gallery_works WHERE submission = ?", reference)
    return HungWork(room=r["room"], submission=r["submission"], work=_work(r)) if r else None


async def upload_type(db: Database, name: str, *, public: bool) -> str | None:
    """The MIME type of a stored upload, if it may be served: to curators always, to everyone once hung."""
    if public:
        row = await db.fetchrow("SELECT s.upload_type FROM gallery_works g JOIN submissions s ON s.id = g.submission"
                                " WHERE g.upload = ?", name)
    else:
        row = await db.fetchrow("SELECT upload_type FROM submissions WHERE upload = ?", name)
    return row["upload_type"] if row else None


def _work(r: dict) -> GalleryWork:
    return GalleryWork(slug=r["slug"], title=Text.of(r["title"]), kind=r["kind"],
                       artists=tuple(a.strip() for a in r["artists"].split(",") if a.strip()), year=r["year"],
                       technique=r["technique"], description=Text.of(r["description"]) if r["description"] else None,
                       media=r["media"], youtube=r["youtube"], alt=Text.of(r["alt"]) if r["alt"] else None,
                       link=r["link"], upload=r["upload"])


def _entry(row: dict) -> Entry:
    values = {name: row[name] for name in _ENTRY_FIELDS}
    return Entry(**{**values, "links": tuple(link for link in row["links"].split("\n") if link)})
