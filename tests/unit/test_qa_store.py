"""The question store on SQLite and PostgreSQL: its invariants hold whatever the callers do."""
from dataclasses import replace

import pytest

from event_server.core import qa
from event_server.core.refusal import Refused
from event_server.store import open_database, questions
from tests.conftest import fresh_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path):
    if request.param == "sqlite":
        database = await open_database(f"sqlite:///{tmp_path / 'qa.sqlite3'}")
        yield database
        await database.close()
        return
    async with fresh_postgres(request.getfixturevalue("pg_url")) as url:
        database = await open_database(url)
        yield database
        await database.close()


def new(id="q1", author="alice", text="How were the faces generated?", state="approved", room="main", talk="t1"):
    return qa.Question(id, talk, room, author, None, text, state, False, 0, 1000, 1000)


async def test_the_same_text_twice_from_one_attendee_is_refused(db):
    await questions.create(db, new())
    with pytest.raises(Refused):
        await questions.create(db, new(id="q2", text="how were the FACES generated?"))
    await questions.create(db, new(id="q3", author="bob", text="How were the faces generated?"))
    assert [q.id for q in await questions.of_talk(db, "t1")] == ["q1", "q3"]


async def test_one_vote_per_attendee_and_a_cap_per_address(db):
    await questions.create(db, new())
    assert await questions.vote(db, "q1", "bob", "home", 2, 2000) == 1
    with pytest.raises(Refused, match="already voted"):
        await questions.vote(db, "q1", "bob", "home", 2, 2001)
    assert await questions.vote(db, "q1", "carol", "home", 2, 2002) == 2
    with pytest.raises(Refused) as refused:  # a third attendee at the same address: over its cap of 2
        await questions.vote(db, "q1", "dave", "home", 2, 2003)
    assert refused.value.code == "address_limit"
    assert await questions.vote(db, "q1", "erin", "office", 2, 2004) == 3
    assert await questions.vote(db, "q1", "dave", "home", 0, 2005) == 4  # 0: no cap
    await questions.create(db, new(id="q2", text="And the music?"))
    listed, voted = await questions.of_talk_voted_by(db, "t1", "bob")  # the snapshot's one read
    assert [q.id for q in listed] == ["q1", "q2"] and voted == {"q1"}
    assert (await questions.of_talk_voted_by(db, "t1", None))[1] == set()
    assert await questions.unvote(db, "q1", "bob") == 3
    with pytest.raises(Refused, match="not voted"):
        await questions.unvote(db, "q1", "bob")
    assert (await questions.get(db, "q1")).votes == 3


async def test_one_on_air_per_room_and_changes_are_logged(db):
    a, b = await questions.create(db, new()), await questions.create(db, new(id="q2", text="And the music?"))
    await questions.change(db, a, qa.moderate(a, "pin", 2000), "moderator:m", "pin", 2000)
    changed = await questions.change(db, b, qa.moderate(b, "pin", 3000), "moderator:m", "pin", 3000)
    assert [(q.id, q.on_air) for q in changed] == [("q1", False), ("q2", True)]
    assert (await questions.on_air(db, "main")).id == "q2"
    assert [r.action for r in await questions.log(db, "q1")] == ["pin"]


async def test_a_stale_change_is_a_conflict(db):
    a = await questions.create(db, new(state="pending"))
    await questions.change(db, a, qa.moderate(a, "approve", 2000), "moderator:m", "approve", 2000)
    with pytest.raises(Refused):
        await questions.change(db, a, qa.moderate(a, "reject", 2100), "moderator:n", "reject", 2100)
    assert (await questions.get(db, "q1")).state == "approved"
    edited = replace(await questions.get(db, "q1"), text="How were the faces made?")
    await questions.change(db, await questions.get(db, "q1"), edited, "moderator:m", "edit", 2200)
    assert (await questions.log(db, "q1"))[-1].detail == "How were the faces made?"


async def test_a_read_on_sqlite_is_one_trip_to_its_thread(tmp_path):
    """Each trip to aiosqlite's thread waits for the GIL: a joiner's reads must not take three each."""
    database = await open_database(f"sqlite:///{tmp_path / 'qa.sqlite3'}")
    try:
        await questions.create(database, new())
        trips = []
        real = database.conn._execute
        database.conn._execute = lambda fn, *a, **k: trips.append(fn) or real(fn, *a, **k)
        assert [q.id for q in await questions.of_talk(database, "t1")] == ["q1"]
        assert len(trips) == 1
    finally:
        await database.close()
