"""What the organisers' report counts: head counts sampled per room, reactions per talk, views per gallery
work, and the figures of each talk's Q&A read from the questions and the moderation log."""
from __future__ import annotations

from collections import Counter

from ..core.report import QaFigures, Sample
from .db import Database, Queries


async def sample(db: Queries, room: str, at_ms: int, people: int) -> None:
    await db.execute("INSERT INTO audience_samples (room, at_ms, people) VALUES (?, ?, ?) "
                     "ON CONFLICT (room, at_ms) DO NOTHING", room, at_ms, people)


async def samples(db: Queries) -> list[Sample]:
    rows = await db.fetch("SELECT room, at_ms, people FROM audience_samples ORDER BY at_ms, room")
    return [Sample(r["room"], int(r["at_ms"]), int(r["people"])) for r in rows]


async def add_reactions(db: Database, counts: Counter[tuple[str, str]]) -> None:
    async with db.transaction() as tx:
        for (talk, kind), n in counts.items():
            await tx.execute("INSERT INTO reaction_counts (talk, kind, n) VALUES (?, ?, ?) ON CONFLICT (talk, kind) "
                             "DO UPDATE SET n = reaction_counts.n + excluded.n", talk, kind, n)


async def reactions(db: Queries) -> dict[str, dict[str, int]]:
    """Talk → reaction → how many."""
    found: dict[str, dict[str, int]] = {}
    for r in await db.fetch("SELECT talk, kind, n FROM reaction_counts ORDER BY talk, kind"):
        found.setdefault(r["talk"], {})[r["kind"]] = int(r["n"])
    return found


async def count_view(db: Queries, room: str, work: str) -> None:
    await db.execute("INSERT INTO gallery_views (room, work, views) VALUES (?, ?, 1) ON CONFLICT (room, work) "
                     "DO UPDATE SET views = gallery_views.views + 1", room, work)


async def views(db: Queries) -> dict[tuple[str, str], int]:
    rows = await db.fetch("SELECT room, work, views FROM gallery_views")
    return {(r["room"], r["work"]): int(r["views"]) for r in rows}


async def qa_figures(db: Queries) -> dict[str, QaFigures]:
    """Per talk: questions asked, approved (ever, even if later archived), answered (ever), and their votes."""
    rows = await db.fetch(
        "SELECT q.talk, COUNT(*) AS asked,"
        " SUM(CASE WHEN q.state IN ('approved', 'answered') OR EXISTS (SELECT 1 FROM moderation_log l"
        "  WHERE l.question = q.id AND l.action IN ('approve', 'pin', 'answered')) THEN 1 ELSE 0 END) AS approved,"
        " SUM(CASE WHEN q.state = 'answered' OR EXISTS (SELECT 1 FROM moderation_log l"
        "  WHERE l.question = q.id AND l.action = 'answered') THEN 1 ELSE 0 END) AS answered,"
        " SUM(q.votes) AS votes FROM questions q GROUP BY q.talk")
    return {r["talk"]: QaFigures(int(r["asked"]), int(r["approved"]), int(r["answered"]), int(r["votes"] or 0))
            for r in rows}


async def submissions(db: Queries) -> dict[str, int]:
    """Open-call entries received, by kind (work, idea, profile)."""
    return {r["kind"]: int(r["n"]) for r in await db.fetch("SELECT kind, COUNT(*) AS n FROM submissions GROUP BY kind")}
