"""The gallery as a visitor fetches it: rooms with covers, grids of lazy thumbnails, one work at a time."""
from __future__ import annotations

import re

import aiohttp
from gallery_support import gallery_program


async def fetch(server, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as s, s.get(f"{server.url}{path}") as r:
        return r.status, await r.text()


async def test_rooms_have_covers_and_grids_have_lazy_thumbnails_with_srcset_and_alt(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"))
    status, index = await fetch(server, "/gallery?lang=ru")
    assert status == 200 and "Растущие узоры" in index and "/static/css/gallery.css" in index
    # The chosen cover of the first room; the second has no picture and gets a plain tile, not a broken image.
    assert "/gallery/growing/ring-two/thumb-320.webp" in index and 'data-kind="web"' in index
    status, room = await fetch(server, "/gallery/growing")
    assert room.count("<picture") == 3 and room.count('loading="lazy"') == 0  # the first row loads at once
    assert 'alt="Pink rings number one on blue"' in room
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', room).group(1)
    assert [part.split()[-1] for part in webp.split(", ")] == ["320w", "640w", "900w"]  # never wider than the source


async def test_a_work_page_links_its_neighbours_and_a_stable_share_link(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog", works=4))
    status, page = await fetch(server, "/gallery/growing/ring-two")
    assert status == 200 and "2 / 4" in page
    assert 'rel="prev" href="/gallery/growing/ring-one"' in page and 'rel="next" href="/gallery/growing/ring-three"' in page
    assert f'value="{server.url}/gallery/growing/ring-two"' in page
    _, last = await fetch(server, "/gallery/growing/ring-four")
    assert 'rel="next" href="/gallery/growing/ring-one"' in last  # the walk goes round the room


async def test_youtube_uses_the_privacy_enhanced_embed_and_web_works_are_link_cards(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"))
    _, video = await fetch(server, "/gallery/latent/tube")
    assert 'src="https://www.youtube-nocookie.com/embed/zRje8tRjcz8"' in video
    _, web = await fetch(server, "/gallery/latent/far-link")
    assert "<iframe" not in web and 'href="https://example.org/work" rel="noopener noreferrer"' in web
    assert (await fetch(server, "/gallery/latent/nothing-here"))[0] == 404
    assert (await fetch(server, "/gallery/nowhere"))[0] == 404


async def test_thumbnails_are_made_once_and_then_served_from_disk(start_server, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"))
    cache = server.settings.data_dir / "thumbs"
    async with aiohttp.ClientSession() as s:
        for fmt, mime in (("webp", "image/webp"), ("jpg", "image/jpeg")):
            async with s.get(f"{server.url}/gallery/growing/ring-one/thumb-640.{fmt}?v=1") as r:
                assert r.status == 200 and r.content_type == mime and "immutable" in r.headers["Cache-Control"]
        made = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
        assert len(made) == 2
        async with s.get(f"{server.url}/gallery/growing/ring-one/thumb-640.webp") as r:
            assert r.status == 200
        assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == made
        async with s.get(f"{server.url}/gallery/growing/ring-one/thumb-333.webp") as r:
            assert r.status == 404  # only the three widths: no resizing on demand to any size
