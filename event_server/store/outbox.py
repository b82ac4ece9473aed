"""The mail queue (0005_outbox.sql). Each change of state is one conditional UPDATE, so two workers
never both send a message: only the one whose claim matched the row goes on (core/outbox.py)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields

from ..core import outbox
from .db import Queries


@dataclass(frozen=True)
class Mail:
    id: str
    created_ms: int
    entry: str | None
    pairing: str | None
    template: str
    recipient: str
    lang: str
    subject: str
    body: str
    html: str | None
    reply_to: str | None
    message_id: str
    state: str
    attempts: int
    next_ms: int
    claim: str | None
    lease_ms: int | None
    handed_ms: int | None
    sent_ms: int | None
    error: str


_FIELDS = tuple(f.name for f in fields(Mail))


async def add(db: Queries, *, entry: str | None, pairing: str | None, template: str, recipient: str, lang: str,
              subject: str, body: str, html: str | None, reply_to: str | None, domain: str, now_ms: int) -> str:
    mail = secrets.token_hex(12)
    await db.execute(
        "INSERT INTO outbox (id, created_ms, entry, pairing, template, recipient, lang, subject, body, html, reply_to,"
        " message_id, next_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", mail, now_ms, entry, pairing, template,
        recipient, lang, subject, body, html, reply_to, f"<{mail}@{domain}>", now_ms)
    return mail


async def due(db: Queries, now_ms: int, limit: int = 20) -> list[str]:
    rows = await db.fetch("SELECT id FROM outbox WHERE state = 'queued' AND next_ms <= ? ORDER BY next_ms, id LIMIT ?",
                          now_ms, limit)
    return [r["id"] for r in rows]


async def next_due(db: Queries) -> int | None:
    row = await db.fetchrow("SELECT MIN(next_ms) AS at FROM outbox WHERE state = 'queued'")
    return row["at"] if row else None


async def claim(db: Queries, mail: str, now_ms: int) -> Mail | None:
    """Take a queued message for sending; None when another worker took it first."""
    token = secrets.token_hex(8)
    taken = await db.execute("UPDATE outbox SET state = 'sending', claim = ?, lease_ms = ?, attempts = attempts + 1 "
                             "WHERE id = ? AND state = 'queued'", token, now_ms + outbox.LEASE_MS, mail)
    return await get(db, mail) if taken else None


async def handing(db: Queries, mail: Mail, now_ms: int) -> bool:
    """Record, before DATA, that the message may reach the server from now on; False: our claim is gone."""
    return await db.execute("UPDATE outbox SET handed_ms = ? WHERE id = ? AND state = 'sending' AND claim = ?",
                            now_ms, mail.id, mail.claim) == 1


async def sent(db: Queries, mail: Mail, now_ms: int) -> None:
    await db.execute("UPDATE outbox SET state = 'sent', sent_ms = ?, claim = NULL, lease_ms = NULL, error = '' "
                     "WHERE id = ?", now_ms, mail.id)


async def not_sent(db: Queries, mail: Mail, error: str, retry_ms: int | None) -> None:
    """The server certainly does not have it: queued again for `retry_ms`, or failed for good (None)."""
    await db.execute("UPDATE outbox SET state = ?, next_ms = ?, claim = NULL, lease_ms = NULL, handed_ms = NULL, "
                     "error = ? WHERE id = ? AND claim = ?", "queued" if retry_ms is not None else "failed",
                     retry_ms if retry_ms is not None else mail.next_ms, error[:500], mail.id, mail.claim)


async def uncertain(db: Queries, mail: Mail, error: str) -> None:
    await db.execute("UPDATE outbox SET state = 'uncertain', claim = NULL, lease_ms = NULL, error = ? WHERE id = ?",
                     error[:500], mail.id)


async def recover(db: Queries, now_ms: int) -> int:
    """Messages whose worker died while sending (its claim ran out): one that never reached DATA cannot be
    on the server, so it is queued again; one that did may have arrived, so it is uncertain."""
    queued = await db.execute("UPDATE outbox SET state = 'queued', claim = NULL, lease_ms = NULL "
                              "WHERE state = 'sending' AND lease_ms < ? AND handed_ms IS NULL", now_ms)
    unsure = await db.execute("UPDATE outbox SET state = 'uncertain', claim = NULL, lease_ms = NULL, error = ? "
                              "WHERE state = 'sending' AND lease_ms < ? AND handed_ms IS NOT NULL",
                              "the sending worker stopped after it began handing the letter over", now_ms)
    return queued + unsure


async def send_again(db: Queries, mail: str, now_ms: int) -> bool:
    """A curator's "send again" for an uncertain or failed message: the same Message-ID goes out again."""
    return await db.execute("UPDATE outbox SET state = 'queued', next_ms = ?, handed_ms = NULL, error = '' "
                            "WHERE id = ? AND state IN ('uncertain', 'failed')", now_ms, mail) == 1


async def get(db: Queries, mail: str) -> Mail | None:
    row = await db.fetchrow("SELECT * FROM outbox WHERE id = ?", mail)
    return Mail(**{k: row[k] for k in _FIELDS}) if row else None


async def listing(db: Queries, state: str | None = None, limit: int = 300) -> list[Mail]:
    where, args = (" WHERE state = ?", [state]) if state else ("", [])
    rows = await db.fetch(f"SELECT * FROM outbox{where} ORDER BY created_ms DESC, id LIMIT ?", *args, limit)
    return [Mail(**{k: r[k] for k in _FIELDS}) for r in rows]


async def counts(db: Queries) -> dict[str, int]:
    rows = await db.fetch("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
    return {s: 0 for s in outbox.STATES} | {r["state"]: int(r["n"]) for r in rows}


async def forget(db: Queries, entry: str, pairings: list[str]) -> None:
    """An applicant withdrew or their keeping time is over: their messages, and those about their pairings."""
    marks = ",".join("?" * len(pairings)) or "NULL"
    await db.execute(f"DELETE FROM outbox WHERE entry = ? OR pairing IN ({marks})", entry, *pairings)
