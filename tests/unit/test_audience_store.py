"""What the report and the archive keep, on SQLite and PostgreSQL: samples written once per instant,
reactions and views added up, the Q&A figures read from the questions and their moderation log, and
the questions hidden from an archive."""
from collections import Counter

from event_server.core import qa
from event_server.core.report import QaFigures, Sample
from event_server.store import archive, audience, questions
from tests.unit.test_qa_store import db, new  # noqa: F401  (db: the fixture, SQLite and PostgreSQL)


async def test_a_sample_is_written_once_per_room_and_instant(db):  # noqa: F811
    await audience.sample(db, "main", 60_000, 5)
    await audience.sample(db, "main", 60_000, 7)  # another worker, the same instant: the first one stays
    await audience.sample(db, "side", 60_000, 2)
    await audience.sample(db, "main", 120_000, 3)
    assert await audience.samples(db) == [Sample("main", 60_000, 5), Sample("side", 60_000, 2),
                                          Sample("main", 120_000, 3)]


async def test_reactions_and_views_add_up(db):  # noqa: F811
    await audience.add_reactions(db, Counter({("t1", "👏"): 3, ("t1", "🔥"): 1}))
    await audience.add_reactions(db, Counter({("t1", "👏"): 2, ("t2", "👏"): 1}))
    assert await audience.reactions(db) == {"t1": {"👏": 5, "🔥": 1}, "t2": {"👏": 1}}
    for work in ("a", "a", "b"):
        await audience.count_view(db, "room", work)
    assert await audience.views(db) == {("room", "a"): 2, ("room", "b"): 1}


async def test_qa_figures_count_what_was_ever_approved_or_answered(db):  # noqa: F811
    answered = await questions.create(db, new(id="q1", author="a", text="One?"))
    await questions.change(db, answered, qa.moderate(answered, "answered", 2000), "moderator:m", "answered", 2000)
    later = await questions.get(db, "q1")  # answered, then archived: still counted as answered
    await questions.change(db, later, qa.moderate(later, "archive", 3000), "moderator:m", "archive", 3000)
    rejected = await questions.create(db, new(id="q2", author="b", text="Two?", state="pending"))
    await questions.change(db, rejected, qa.moderate(rejected, "reject", 2000), "moderator:m", "reject", 2000)
    await questions.create(db, new(id="q3", author="c", text="Three?"))
    await questions.vote(db, "q3", "a", "addr-a", 0, 2000)
    assert await audience.qa_figures(db) == {"t1": QaFigures(asked=3, approved=2, answered=1, votes=1)}


async def test_hidden_questions_are_kept_per_talk(db):  # noqa: F811
    await questions.create(db, new(id="q1", author="a", text="One?"))
    await questions.create(db, new(id="q2", author="b", text="Two?", talk="t2"))
    await archive.hide(db, "q1", 1000)
    await archive.hide(db, "q1", 2000)  # twice is once
    await archive.hide(db, "q2", 1000)
    assert await archive.hidden_of(db, "t1") == {"q1"}
    await archive.show(db, "q1")
    assert await archive.hidden_of(db, "t1") == set()
