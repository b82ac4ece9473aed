"""What the people running the event see: health for the load balancer, metrics for Prometheus."""
from __future__ import annotations

import gc
import re

import aiohttp

from tests.live.roomclient import RoomClient


async def scrape(url: str) -> dict[str, float]:
    async with aiohttp.ClientSession() as session, session.get(url + "/metrics") as response:
        assert response.status == 200 and response.content_type == "text/plain"
        text = await response.text()
    return {m[1]: float(m[2]) for m in re.finditer(r"^([a-z_]+(?:\{[^}]*\})?) ([0-9.]+)$", text, re.M)}


async def test_metrics_count_connections_presence_and_talks(start_server):
    server = await start_server()
    before = await scrape(server.url)
    assert before["event_server_connections"] == 0
    assert before['event_server_talks{status="confirmed"}'] == 8
    async with RoomClient(server.url) as client:
        await client.join("ml-art")
        after = await scrape(server.url)
    assert after["event_server_connections"] == 1
    assert after['event_server_room_presence{room="ml-art"}'] == 1


async def test_metrics_show_the_collections_and_what_the_collector_froze(start_server, gc_collector):
    server = await start_server()
    before = await scrape(server.url)
    gc.collect(1)  # what it promotes to the oldest generation is frozen
    after = await scrape(server.url)
    assert after['event_server_gc_collections{generation="1"}'] > before['event_server_gc_collections{generation="1"}']
    assert after["event_server_gc_frozen_objects"] > 0


async def test_healthz_answers_json(start_server):
    server = await start_server()
    async with aiohttp.ClientSession() as session, session.get(server.url + "/healthz") as response:
        body = await response.json()
    assert body["ok"] is True and body["event"] == "mlart-datafest-2020"
