"""What the people running the event see: liveness and readiness for the load balancer, metrics for
Prometheus (behind METRICS_TOKEN), proven against real servers, a Redis and a PostgreSQL of the test's own
(tests/live/private.py) that it stops and starts again."""
from __future__ import annotations

import asyncio
import gc
import time
from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.live.private import PrivatePostgres, PrivateRedis, free_port
from tests.live.qa_clients import Client
from tests.live.roomclient import RoomClient
from tests.live.test_qa_queue import program

TOKEN = "scrape-me"


async def scrape(url: str, token: str = TOKEN) -> dict[tuple[str, tuple], float]:
    """Every sample, parsed by prometheus-client's own parser: (name, sorted labels) → value."""
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession() as session, session.get(url + "/metrics", headers=headers) as response:
        assert response.status == 200 and response.content_type == "text/plain"
        text = await response.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_count_connections_presence_and_talks(start_server):
    server = await start_server(metrics_token=TOKEN)
    before = await scrape(server.url)
    assert before[("event_server_connections", ())] == 0
    assert before[("event_server_talks", (("status", "confirmed"),))] == 8
    async with RoomClient(server.url) as client:
        await client.join("ml-art")
        after = await scrape(server.url)
    assert after[("event_server_connections", ())] == 1
    assert after[("event_server_room_presence", (("room", "ml-art"),))] == 1
    assert after[("event_server_socket_actions_total", (("action", "room:join"), ("outcome", "ok")))] == 1


async def test_metrics_move_with_questions_votes_and_their_fan_out(tmp_path, start_server):
    server = await start_server(program(tmp_path, premoderation=False), first_talk_in=timedelta(seconds=-70),
                                qa_ask_interval=0, metrics_token=TOKEN)
    asker, voter = await (await Client.attendee(server.url)).connect(), await (await Client.attendee(server.url)).connect()
    try:
        before = await scrape(server.url)
        asked = await asker.call("qa:ask", {"talk": "t1", "text": "How were the pictures chosen?"})
        voted = await voter.call("qa:vote", {"question": asked["question"]["id"]})
        again = await voter.call("qa:vote", {"question": asked["question"]["id"]})
        assert voted["ok"] and not again["ok"]
        await voter.wait("qa:tally")  # the tick that carried the tally was timed
        after = await scrape(server.url)
    finally:
        await asker.close()
        await voter.close()
    assert after[("event_server_questions", (("state", "approved"),))] == 1
    assert before[("event_server_votes", ())] == 0 and after[("event_server_votes", ())] == 1
    assert after[("event_server_socket_actions_total", (("action", "qa:vote"), ("outcome", "ok")))] == 1
    assert after[("event_server_socket_actions_total", (("action", "qa:vote"), ("outcome", "already_voted")))] == 1
    ticks = ("event_server_fanout_seconds_count", (("kind", "tick"),))
    assert after[ticks] > before.get(ticks, 0)


async def test_metrics_have_the_process_and_the_collector(start_server, gc_collector):
    server = await start_server(metrics_token=TOKEN)
    before = await scrape(server.url)
    gc.collect(1)  # what it promotes to the oldest generation is frozen
    after = await scrape(server.url)
    generation = ("python_gc_collections_total", (("generation", "1"),))
    assert after[generation] > before[generation]
    assert after[("event_server_gc_frozen_objects", ())] > 0
    assert after[("process_resident_memory_bytes", ())] > 10_000_000
    assert after[("process_open_fds", ())] > 0
    assert time.time() - 3600 < after[("process_start_time_seconds", ())] <= time.time()


@pytest.mark.parametrize(("token", "status", "says"), [
    (None, 401, "Authorization: Bearer"), ("wrong", 401, "Authorization: Bearer")])
async def test_metrics_refuse_a_scrape_without_the_token(start_server, token, status, says):
    server = await start_server(metrics_token=TOKEN)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.get(server.url + "/metrics", headers=headers) as response:
        assert response.status == status and says in await response.text()
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_metrics_are_closed_until_a_token_is_set(start_server):
    server = await start_server()
    async with aiohttp.ClientSession() as session, session.get(server.url + "/metrics") as response:
        assert response.status == 403 and "set METRICS_TOKEN" in await response.text()


async def test_metrics_port_serves_them_without_a_token_and_only_them(start_server):
    port = free_port()
    server = await start_server(metrics_port=port)
    private = f"http://127.0.0.1:{port}"
    async with RoomClient(server.url) as client:
        await client.join("ml-art")
        async with aiohttp.ClientSession() as session, session.get(private + "/metrics") as response:
            assert response.status == 200
            samples = {s.name: s.value for family in text_string_to_metric_families(await response.text())
                       for s in family.samples}
        assert samples["event_server_connections"] == 1
        async with aiohttp.ClientSession() as session:
            async with session.get(private + "/rooms/ml-art") as page:
                assert page.status == 404  # nothing else of the site is there
            async with session.get(server.url + "/metrics") as public:
                assert public.status == 403  # the public port still wants METRICS_TOKEN


async def test_healthz_answers_json(start_server):
    server = await start_server()
    async with aiohttp.ClientSession() as session, session.get(server.url + "/healthz") as response:
        body = await response.json()
    assert body["ok"] is True and body["event"] == "mlart-datafest-2020"


async def readiness(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url + "/readyz") as response:
        return response.status, await response.json()


async def until_ready(url: str, status: int, seconds: float = 15) -> dict:
    """Readiness as the balancer polls it: the answer once it is `status`."""
    for _ in range(int(seconds / 0.1)):
        got, body = await readiness(url)
        if got == status:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"/readyz did not answer {status} within {seconds} s: {got} {body}")


async def test_readyz_is_ready_with_a_migrated_database(start_server):
    server = await start_server()
    assert await readiness(server.url) == (200, {"ok": True, "problems": []})


async def test_readyz_names_a_migration_the_database_lacks(start_server):
    server = await start_server()
    await server.store.execute("DELETE FROM schema_migrations WHERE name = '0005_outbox'")
    status, body = await readiness(server.url)
    assert status == 503 and body["problems"] == ["the database lacks migrations 0005_outbox"]


@pytest.fixture
def own_redis(tmp_path):
    redis = PrivateRedis(tmp_path).start()
    yield redis
    redis.stop()


async def test_readyz_turns_503_while_redis_is_down(start_server, own_redis):
    server = await start_server(redis_url=own_redis.url)
    await until_ready(server.url, 200)
    own_redis.stop()
    body = await until_ready(server.url, 503)
    assert any(problem.startswith("Redis does not answer") for problem in body["problems"]), body


async def test_readyz_turns_200_again_when_redis_returns(start_server, own_redis):
    server = await start_server(redis_url=own_redis.url)
    own_redis.stop()
    await until_ready(server.url, 503)
    own_redis.start()
    await until_ready(server.url, 200, seconds=30)


async def test_readyz_turns_503_while_postgresql_is_down_and_200_when_it_returns(start_server):
    postgres = PrivatePostgres()
    try:
        server = await start_server(database_url=postgres.start().url)
        await until_ready(server.url, 200)
        postgres.stop()
        body = await until_ready(server.url, 503)
        assert len(body["problems"]) == 1 and body["problems"][0].startswith("the database does not answer"), body
        postgres.start()
        await until_ready(server.url, 200)
    finally:
        postgres.remove()
