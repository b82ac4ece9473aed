"""Behind a proxy, attendees are told apart by the address the proxy forwards, not the proxy's own."""
from __future__ import annotations

from datetime import timedelta

from event_server.web.proxy import client_address
from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program


def test_the_address_comes_from_the_trusted_hops_only():
    assert client_address("10.0.0.1", "203.0.113.7", 1) == "203.0.113.7"
    assert client_address("10.0.0.1", "6.6.6.6, 203.0.113.7", 1) == "203.0.113.7"  # a forged first entry
    assert client_address("10.0.0.1", "203.0.113.7, 10.0.0.2", 2) == "203.0.113.7"
    assert client_address("10.0.0.1", "203.0.113.7", 0) == "10.0.0.1"
    assert client_address("10.0.0.1", None, 1) == "10.0.0.1"


async def ask_from_eleven_addresses(url: str) -> list[dict]:
    """Eleven browsers behind one proxy, each asking once: one more than a single address may."""
    replies = []
    for n in range(11):
        client = await Client.attendee(url)
        headers = {"Cookie": client.cookie, "X-Forwarded-For": f"203.0.113.{n + 1}"}
        await client.sio.connect(url, headers=headers, wait_timeout=5)
        replies.append(await client.call("qa:ask", {"talk": "t1", "text": f"Question number {n} from afar?"}))
        await client.sio.disconnect()
    return replies


async def test_attendees_behind_a_trusted_proxy_are_limited_one_by_one(start_server, tmp_path):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70), trusted_proxies=1)
    assert all(reply["ok"] for reply in await ask_from_eleven_addresses(server.url))


async def test_without_trusting_the_proxy_one_address_is_one_address(start_server, tmp_path):
    server = await start_server(program(tmp_path), first_talk_in=timedelta(seconds=-70))
    replies = await ask_from_eleven_addresses(server.url)
    assert all(reply["ok"] for reply in replies[:10])
    assert replies[10]["error"]["code"] == "rate_limited"  # the forwarded header alone changes nothing
