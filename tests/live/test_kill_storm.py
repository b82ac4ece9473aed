"""`kill -9` in the middle of a vote-and-question storm, on SQLite and on PostgreSQL: after each restart
every acknowledged question and vote is still there (an ack is sent only after the commit)."""
from __future__ import annotations

import asyncio
import signal

import pytest

from tests.live.storm import Storm
from tests.live.test_cluster import Worker, shared_event

CYCLES = 2


@pytest.fixture(params=["sqlite", "postgresql"])
def worker(request, tmp_path):
    database = request.getfixturevalue("module_postgres") if request.param == "postgresql" else ""
    program, env = shared_event(tmp_path, database, "", QA_ASK_INTERVAL="0", QA_VOTES_PER_SECOND="0",
                                QA_VOTES_PER_ADDRESS="0")
    made = Worker("a", program, {k: v for k, v in env.items() if v}, tmp_path / "a")
    yield made.start()
    made.kill()


async def test_kill_9_mid_storm_loses_no_acknowledged_write(worker):
    storm = await Storm(worker.url).gather(8)
    try:
        for _ in range(CYCLES):
            blowing = asyncio.create_task(storm.blow(2.0))
            await asyncio.sleep(1.0)
            worker.kill(signal.SIGKILL)  # mid-storm: no shutdown, no flush
            await blowing
            worker.start()
            await storm.reconnect_all()
        assert storm.replies["ok"] > 50, storm.replies
        lost = await storm.lost()
        assert lost == [], f"{len(lost)} of {storm.acked()} acknowledged writes lost: {lost[:5]}"
    finally:
        await storm.close()
