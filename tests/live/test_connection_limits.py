"""Connections a crowd (or one script) may hold: a cap per address, a head count of people rather than
sockets, and no room for clients that trickle their headers (slowloris)."""
from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest

from event_server.app import HEADER_TIMEOUT
from tests.live.crowd import Refused, crowd, person, session
from tests.live.qa_clients import Client
from tests.live.test_qa_queue import program
from tests.live.test_shutdown import worker  # noqa: F401 (the fixture: a real `serve` process)


async def test_one_address_holds_at_most_its_cap_of_sockets(tmp_path, start_server):
    server = await start_server(program(tmp_path), sockets_per_address=5)
    async with session() as http:
        five = await crowd(http, server.url, 5)
        with pytest.raises(Refused, match=r"too many connections from your address \(5\)"):
            await person(http, server.url)
        await five[0].ws.close()
        await asyncio.sleep(0.2)  # the server noticed the leave
        await person(http, server.url)  # a place came free


async def test_behind_a_trusted_proxy_the_cap_is_per_forwarded_address(tmp_path, start_server):
    server = await start_server(program(tmp_path), sockets_per_address=2, trusted_proxies=1)
    async with session() as http:
        for address in ("203.0.113.1", "203.0.113.2"):
            for _ in range(2):
                await person(http, server.url, headers={"X-Forwarded-For": address})
        with pytest.raises(Refused):
            await person(http, server.url, headers={"X-Forwarded-For": "203.0.113.1"})


async def test_the_head_count_counts_people_not_sockets(tmp_path, start_server):
    server = await start_server(program(tmp_path))
    tabs = [await Client.attendee(server.url)]
    tabs += [Client(server.url, tabs[0].cookie) for _ in range(2)]  # three tabs of one browser
    try:
        joins = [await tab.connect() for tab in tabs]
        assert [t.events[-1][1]["count"] for t in joins] == [1, 1, 1]
        async with session() as http:
            await crowd(http, server.url, 20)  # a script's sockets without the page's cookie, from one address
            newcomer = await Client.attendee(server.url)
            tabs.append(newcomer)
            await newcomer.connect()
            assert newcomer.events[-1][1]["count"] == 3  # the browser, the script, the newcomer
    finally:
        for tab in tabs:
            await tab.close()


def trickle(port: int) -> socket.socket:
    """A slowloris connection: a request line and one header, then nothing more for now."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
    s.setblocking(False)
    return s


async def test_connections_that_trickle_their_headers_are_let_go(worker):  # noqa: F811
    slow = [trickle(worker.port) for _ in range(300)]
    try:
        async with aiohttp.ClientSession() as http, http.get(worker.url + "/healthz") as response:
            assert response.status == 200  # the server still serves others meanwhile
        started = time.monotonic()
        for s in slow:
            s.send(b"X-Slow: 1\r\n")  # still trickling: a header now and then does not buy more time
        loop = asyncio.get_running_loop()
        closed = await asyncio.wait_for(asyncio.gather(*(loop.sock_recv(s, 1) for s in slow)), HEADER_TIMEOUT + 5)
        assert closed == [b""] * len(slow)  # the server closed every one of them
        assert time.monotonic() - started <= HEADER_TIMEOUT + 1
    finally:
        for s in slow:
            s.close()
