"""PostgreSQL goes away in the middle of a vote-and-question storm and comes back.

The server uses a PostgreSQL of the test's own (tests/live/private.py), stopped as a crash would stop
it. Meanwhile every write is answered with an error that says to try again — never a false ok — and
once the database is back the same server commits again, and nothing acknowledged is missing.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.live.private import PrivatePostgres
from tests.live.storm import Storm
from tests.live.test_qa_queue import program


@pytest.fixture
def postgres():
    made = PrivatePostgres().start()
    yield made
    made.remove()


async def test_a_storm_through_a_postgres_outage_loses_no_acknowledged_write(tmp_path, start_server, postgres):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                database_url=postgres.url, qa_ask_interval=0, qa_votes_per_second=0,
                                qa_votes_per_address=0)
    storm = await Storm(server.url).gather(8)
    try:
        await storm.blow(1.5)
        before = storm.acked()
        assert before > 0
        await asyncio.to_thread(postgres.stop)
        await storm.blow(2)
        during = dict(storm.replies)
        await asyncio.to_thread(postgres.start)
        await storm.blow(3)  # the pool reconnects by itself
        assert storm.acked() > before, storm.replies
        assert storm.replies["unavailable"] > 0 and set(storm.replies) <= {"ok", "unavailable"}, storm.replies
        assert "try again" in storm.messages["unavailable"]
        assert during["unavailable"] > 0
        assert await storm.lost() == []
    finally:
        await storm.close()
