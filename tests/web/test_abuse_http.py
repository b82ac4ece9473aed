"""Hostile HTTP on a real server: login redirects that try to leave the site or split headers, bodies
too large for their form, socket.io long-polling floods, and the security headers on every kind of
response (pages, redirects, errors, files)."""
from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest
from yarl import URL

# Each would take a visitor off the site, or break the response, if it reached the Location header.
NEXT_ATTACKS = ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie: x=1", "/\x00/evil",
                "/\\evil.example", "\\\\evil.example", "https://evil.example", "/%09/evil.example", "/%5Cevil.example",
                "/%2F/evil.example", "javascript:alert(1)", " /schedule", "/\u2028/evil.example"]


@pytest.fixture
async def server(start_server):
    return await start_server()


async def csrf_of(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as r:
        return re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)


async def test_login_never_redirects_off_site_nor_breaks_on_control_characters(server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        csrf = await csrf_of(session, server.url + "/login")
        for target in NEXT_ATTACKS:
            async with session.post(server.url + "/login", data={"token": "mod-token", "csrf": csrf, "next": target},
                                    allow_redirects=False) as r:
                assert r.status == 303 and r.headers["Location"] == "/moderate/ml-art", repr(target)
                assert "x" not in r.cookies, repr(target)
        async with session.post(server.url + "/login", allow_redirects=False,
                                data={"token": "mod-token", "csrf": csrf, "next": "/schedule?day=1"}) as r:
            assert r.headers["Location"] == "/schedule?day=1"  # a real same-site path still works


async def test_the_login_form_does_not_carry_a_hostile_next(server):
    async with aiohttp.ClientSession() as session:
        for raw in ("/%09/evil.example", "/%0D%0ASet-Cookie:%20x=1", "/%00", "/%5C%5Cevil.example"):
            async with session.get(URL(server.url + "/login?next=" + raw, encoded=True)) as r:
                assert r.status == 200, raw
                assert 'name="next" value=""' in await r.text(), raw


async def test_a_restricted_path_with_a_newline_redirects_to_login_without_splitting_the_header(server):
    async with aiohttp.ClientSession() as session:
        url = URL(server.url + "/curate/%0D%0ASet-Cookie:%20x=1", encoded=True)
        async with session.get(url, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/login?next=/curate/%0D%0ASet-Cookie:%20x%3D1"
            assert "x" not in r.cookies


@pytest.mark.parametrize("path", ["/login", "/logout", "/open-call/withdraw/token"])
async def test_small_forms_refuse_a_large_body_with_413_before_reading_it(server, path):
    async with aiohttp.ClientSession() as session:
        async with session.post(server.url + path, data={"token": "x" * 5000}) as r:
            assert r.status == 413 and "This form sent more than 4 KB" in await r.text()
        async with session.post(server.url + path + "?lang=ru", data={"token": "x" * 5000}) as r:
            assert r.status == 413 and "Эта форма прислала больше 4 КБ" in await r.text()


async def test_a_large_chunked_body_is_refused_without_a_length(server):
    async def body():
        for _ in range(100):
            yield b"token=" + b"x" * 1024
    async with aiohttp.ClientSession() as session, session.post(
            server.url + "/login", data=body(), headers={"Content-Type": "application/x-www-form-urlencoded"}) as r:
        assert r.status == 413


async def test_a_declared_60_mb_login_post_is_answered_before_it_is_sent(server):
    """The memory the issue measured: the answer comes from the header alone; the server reads none of it."""
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 f"Content-Length: {60 * 1024 ** 2}\r\n\r\ntoken=".encode())
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 413")


async def test_an_oversized_long_polling_post_is_answered_413_at_once(server):
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url + "/socket.io/?EIO=4&transport=polling") as r:
            sid = re.search(r'"sid":"([^"]+)"', await r.text()).group(1)
        url = server.url + f"/socket.io/?EIO=4&transport=polling&sid={sid}"
        async with session.post(url, data="40") as r:
            assert r.status == 200
        async with asyncio.timeout(5), session.post(url, data="4" + "x" * 70_000) as r:
            assert r.status == 413 and "up to 65536 bytes" in await r.text()


def assert_secure(response: aiohttp.ClientResponse, where: str) -> str:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    return csp


async def test_every_kind_of_response_carries_the_security_headers(server):
    host = server.url.removeprefix("http://")
    async with aiohttp.ClientSession() as session:
        for method, path, status, headers in [
                ("GET", "/", 200, {}), ("GET", "/moderate/ml-art", 303, {}), ("GET", "/no/such/page", 404, {}),
                ("GET", "/no/such/page", 404, {"Accept": "application/json"}), ("PUT", "/login", 405, {}),
                ("GET", "/static/css/site.css", 200, {}), ("GET", "/schedule.ics", 200, {}),
                ("POST", "/login", 413, {}), ("POST", "/login", 403, {})]:
            body = {"token": "x" * (5000 if status == 413 else 1)} if method == "POST" else None
            async with session.request(method, server.url + path, headers=headers, allow_redirects=False,
                                       data=body) as r:
                assert r.status == status, (method, path)
                csp = assert_secure(r, f"{method} {path}")
                assert f"connect-src 'self' ws://{host};" in csp  # the socket reaches this site, no other
                assert "Strict-Transport-Security" not in r.headers  # plain http: no HSTS


async def test_hsts_and_wss_when_the_public_url_is_https(start_server):
    server = await start_server(public_url="https://event.example")
    async with aiohttp.ClientSession() as session:
        for path in ("/", "/moderate/ml-art", "/no/such/page"):
            async with session.get(server.url + path, allow_redirects=False) as r:
                assert r.headers["Strict-Transport-Security"] == "max-age=31536000", path
                assert "connect-src 'self' wss://event.example;" in assert_secure(r, path)


async def test_guessing_tokens_is_limited_per_address(server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        csrf = await csrf_of(session, server.url + "/login")
        answers = []
        for guess in range(22):
            async with session.post(server.url + "/login", data={"token": f"guess-{guess}", "csrf": csrf}) as r:
                answers.append(r.status)
        assert answers == [403] * 20 + [429] * 2
        async with session.post(server.url + "/login?lang=ru", data={"token": "mod-token", "csrf": csrf}) as r:
            assert r.status == 429 and "Слишком много попыток" in await r.text()
