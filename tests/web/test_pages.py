"""The public pages on a real server: content, languages, cookies, friendly errors, sign-in."""
from __future__ import annotations

import re

import aiohttp
import pytest

TALKS = ["Differentiable Self-Organisation with Neural Cellular Automata", "The Dark Side of StarGAN2",
         "GLOW Probabilistic Models for Speech-Driven Gesticulation"]


@pytest.fixture
async def server(start_server):
    return await start_server()


async def get(url: str, **kwargs) -> tuple[int, str, aiohttp.ClientResponse]:
    async with aiohttp.ClientSession() as session, session.get(url, **kwargs) as response:
        return response.status, await response.text(), response


async def test_every_public_page_renders(server):
    for path in ["/", "/schedule", "/talks/neural-cellular-automata", "/speakers/alexander-mordvintsev",
                 "/rooms/ml-art", "/login", "/healthz"]:
        status, _, _ = await get(server.url + path)
        assert status == 200, path


async def test_home_page_links_the_trailer_and_the_livestream(server):
    _, html, _ = await get(server.url + "/?lang=ru")
    assert '<a class="button" href="https://www.youtube.com/watch?v=VdgYqOoqL1s" rel="noopener">Смотреть трейлер</a>' in html
    assert 'href="https://www.youtube.com/watch?v=' in html.split("Всё транслируется на YouTube:")[1]


async def test_schedule_lists_the_talks_with_their_zone(server):
    _, html, _ = await get(server.url + "/schedule")
    for title in TALKS:
        assert title in html
    assert "Times are in Europe/Moscow." in html
    assert '<time datetime="2020-09-19T14:11:00+03:00" data-local>14:11</time>' in html


async def test_language_from_query_then_cookie_then_accept_language(server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(server.url + "/schedule?lang=ru") as r:
            assert "Расписание" in await r.text()
        async with session.get(server.url + "/schedule") as r:  # the cookie remembers the choice
            assert '<html lang="ru">' in await r.text()
    _, html, _ = await get(server.url + "/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in html and "Зал ML Art" in html
    _, html, _ = await get(server.url + "/", headers={"Accept-Language": "de-DE,fr;q=0.8"})
    assert '<html lang="en">' in html


async def test_user_supplied_query_is_escaped(server):
    _, html, _ = await get(server.url + '/schedule?x="><script>alert(1)</script>')
    assert "<script>alert(1)</script>" not in html


async def test_first_visit_sets_a_signed_httponly_attendee_cookie(server):
    _, _, response = await get(server.url + "/")
    cookie = response.cookies["es_attendee"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "Content-Security-Policy" in response.headers


async def test_unknown_pages_get_a_friendly_404(server):
    for path in ["/talks/no-such-talk", "/speakers/nobody", "/rooms/nowhere", "/no/such/page"]:
        status, html, _ = await get(server.url + path)
        assert status == 404 and "There is no page at this address" in html, path


async def test_login_needs_csrf_and_a_valid_token(server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(server.url + "/login?next=/schedule") as r:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await r.text()).group(1)
        async with session.post(server.url + "/login", data={"token": "mod-token"}) as r:
            assert r.status == 403  # no CSRF token
        async with session.post(server.url + "/login", data={"token": "wrong", "csrf": csrf}) as r:
            assert r.status == 403 and "This token is not valid" in await r.text()
        async with session.post(server.url + "/login", data={"token": "mod-token", "csrf": csrf, "next": "//evil.example"},
                                allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/moderate/ml-art"  # never off-site: the console
            assert "es_session" in r.cookies


async def test_check_and_serve_refuse_a_broken_programme(tmp_path):
    from event_server.cli import main

    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nevent: {id: x}\n")
    assert main(["serve", str(broken), "--port", "0"]) == 1


async def test_only_the_published_static_folders_are_served(server):
    for path in ("/static/css/site.css", "/static/js/socket.js", "/static/vendor/socket.io.esm.min.js",
                 "/static/icons/favicon.svg"):
        assert (await get(server.url + path))[0] == 200, path
    for path in ("/static/package.json", "/static/node_modules/axe-core/axe.min.js", "/static/../pyproject.toml"):
        assert (await get(server.url + path))[0] == 404, path
