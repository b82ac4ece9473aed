"""After a deploy no browser runs yesterday's files: pages link content-hashed URLs (the modules' own
imports too, through the import map) that are cached for a year; plain URLs are revalidated."""
from __future__ import annotations

import json
import re
import shutil

import aiohttp
import pytest
from multidict import CIMultiDict

import event_server.web
from event_server.config.paths import PUBLISHED, STATIC

IMMUTABLE = "public, max-age=31536000, immutable"


async def get(url: str, **headers: str) -> tuple[int, CIMultiDict, str]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, response.headers.copy(), await response.text()


def linked(page: str, name: str) -> str:
    """The URL a page gives for one of the site's files, e.g. css/site.css."""
    return re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', page).group(1)


def import_map(page: str) -> dict[str, str]:
    return json.loads(re.search(r'<script type="importmap">(.*?)</script>', page).group(1))["imports"]


@pytest.fixture
def own_static(tmp_path, monkeypatch):
    """A copy of the site's files that a test may change, as a deploy would."""
    root = tmp_path / "static"
    for folder in PUBLISHED:
        shutil.copytree(STATIC / folder, root / folder)
    monkeypatch.setattr(event_server.web, "STATIC", root)
    return root


async def test_pages_link_hashed_urls_that_are_cached_for_a_year(start_server):
    server = await start_server()
    _, headers, page = await get(server.url + "/rooms/ml-art")
    modules = import_map(page)
    assert modules["/static/js/socket.js"].startswith("/static/js/socket.js?v=")
    assert modules["/static/vendor/socket.io.esm.min.js"].startswith("/static/vendor/socket.io.esm.min.js?v=")
    assert linked(page, "js/room.js") == modules["/static/js/room.js"]
    for url in (linked(page, "css/site.css"), modules["/static/js/socket.js"]):
        status, file_headers, _ = await get(server.url + url)
        assert (status, file_headers["Cache-Control"]) == (200, IMMUTABLE)
    # the inline import map runs because the policy names its hash; no other inline script may
    script_src = headers["Content-Security-Policy"].split("script-src", 1)[1].split(";")[0]
    assert script_src.count("'sha256-") == 1 and "'unsafe-inline'" not in script_src


async def test_plain_and_stale_urls_are_revalidated_with_an_etag(start_server):
    server = await start_server()
    status, headers, _ = await get(server.url + "/static/js/socket.js")
    assert (status, headers["Cache-Control"]) == (200, "no-cache") and headers["ETag"]
    again, _, _ = await get(server.url + "/static/js/socket.js", **{"If-None-Match": headers["ETag"]})
    assert again == 304
    _, stale, _ = await get(server.url + "/static/js/socket.js?v=0123456789abcdef")
    assert stale["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/static/js/nothing.js", "/static/js/../../pyproject.toml",
                                  "/static/js/%2e%2e/%2e%2e/pyproject.toml", "/static/node_modules/.package-lock.json",
                                  "/static/package.json"])
async def test_only_the_published_files_are_served(start_server, path):
    server = await start_server()
    status, _, _ = await get(server.url + path)
    assert status == 404


async def test_a_changed_file_gets_a_new_url_after_a_restart(start_server, own_static):
    server = await start_server()
    _, _, before = await get(server.url + "/rooms/ml-art")
    (own_static / "css" / "site.css").write_text("body { color: red }\n")
    (own_static / "js" / "format.js").write_text((own_static / "js" / "format.js").read_text() + "\n// v2\n")
    await server.restart()
    _, _, after = await get(server.url + "/rooms/ml-art")
    assert linked(after, "css/site.css") != linked(before, "css/site.css")
    assert linked(after, "icons/favicon.svg") == linked(before, "icons/favicon.svg")  # unchanged: still cached
    module, old_module = import_map(after)["/static/js/format.js"], import_map(before)["/static/js/format.js"]
    assert module != old_module  # room.js imports it by its plain name: the map sends it to the new one
    _, _, css = await get(server.url + linked(after, "css/site.css"))
    _, _, js = await get(server.url + module)
    assert css == "body { color: red }\n" and js.endswith("// v2\n")


async def test_the_room_loads_its_modules_by_their_hashed_urls(start_server, browser):
    server = await start_server()
    page = await browser.new_page()
    await page.goto(server.url + "/rooms/ml-art")
    await page.wait_for_load_state("networkidle")
    loaded = await page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    scripts = [url.split("/static/", 1)[1] for url in loaded if "/static/js/" in url or "/static/vendor/" in url]
    for name in ("js/room.js", "js/socket.js", "js/clock.js", "vendor/socket.io.esm.min.js"):
        assert any(s.startswith(name + "?v=") for s in scripts), scripts
    assert all("?v=" in s for s in scripts), scripts
