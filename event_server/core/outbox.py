"""The rules of the mail queue: how a message moves from queued to sent, when a failed attempt is tried
again, and what a message left half-way by a crashed worker becomes.

The guarantee (services/outbox.py keeps it): a message is queued in the same transaction as what it
is about, so it is never lost; it is tried again only when the SMTP server has certainly not accepted it
(it refused it with a temporary error, or we never reached the point of handing it over), so it is never
sent twice. The one moment we cannot know — the message went over DATA and then the connection broke,
or the worker died before recording the server's "250 OK" — is recorded *before* DATA begins
(`handed_ms`), and such a message becomes "uncertain": shown to curators, never re-sent by itself. A
curator who re-sends it re-sends the same Message-ID, which receiving systems use to drop duplicates.

Pure: time passed in, in epoch milliseconds.
"""
from __future__ import annotations

# queued: waiting (maybe for a retry); sending: a worker holds it until lease_ms; sent: the SMTP server
# accepted it; failed: refused for good (e.g. no such mailbox); uncertain: may or may not have arrived.
STATES = ("queued", "sending", "sent", "failed", "uncertain")
LEASE_MS = 60_000  # a claim lasts this long; a delivery gives up well before (DELIVERY_TIMEOUT)
DELIVERY_TIMEOUT = 30.0  # seconds for one whole SMTP conversation
FIRST_RETRY_MS = 2_000
LONGEST_RETRY_MS = 10 * 60_000


def retry_at(attempts: int, now_ms: int) -> int:
    """After the n-th failed attempt: 2 s, 4 s, 8 s, … doubling up to every 10 minutes, for as long as
    it takes (a message waits for the server to come back rather than being dropped)."""
    return now_ms + min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** max(0, attempts - 1))

