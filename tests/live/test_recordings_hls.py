"""A self-hosted HLS recording on a real server: the room hands out its playlist, which plays from a
folder of the talk's own (its playlists name files relative to themselves), and every file of the set
is kept from its premiere like a single file; nothing outside the set is served through it."""
from __future__ import annotations

import shutil
from datetime import timedelta

from aiohttp import ClientSession

from tests.browser.test_hls_browser import HLS_SET
from tests.conftest import write_program
from tests.live.roomclient import RoomClient


async def test_an_hls_set_is_served_from_its_premiere_and_only_its_own_files(start_server, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 180, "qa": 1},
                                       {"slug": "b", "start": "10:05", "seconds": 180, "qa": 1}])
    shutil.copytree(HLS_SET, tmp_path / "media" / "recordings" / "opening")
    program.write_text(program.read_text().replace("file: media/recordings/clip.webm",
                                                   "file: media/recordings/opening/index.m3u8"))
    server = await start_server(program, first_talk_in=timedelta(seconds=-5))  # a has started, b has not
    async with RoomClient(server.url) as client:
        talk = (await client.join())["state"]["talks"]["a"]
    assert talk["hls"] is True and talk["file"].startswith("/recordings/a/hls/index.m3u8?v=")
    segment = (HLS_SET / "90p" / "001.m4s").read_bytes()
    async with ClientSession() as http:
        async with http.get(server.url + talk["file"]) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "application/vnd.apple.mpegurl"
            assert "immutable" in response.headers["Cache-Control"]
            assert "90p/index.m3u8" in await response.text()
        async with http.get(server.url + "/recordings/a", allow_redirects=False) as response:
            assert response.status == 302 and response.headers["Location"] == talk["file"]
        async with http.get(server.url + "/recordings/a/hls/90p/001.m4s", headers={"Range": "bytes=0-99"}) as response:
            assert response.status == 206 and await response.read() == segment[:100]
        async with http.get(server.url + "/recordings/b/hls/90p/001.m4s") as response:
            assert response.status == 403 and "premieres in the room" in await response.text()
        (tmp_path / "media" / "recordings" / "opening" / "notes.txt").write_text("not for visitors")
        for path in ("/recordings/a/hls/notes.txt", "/recordings/a/hls/../clip.webm", "/recordings/a/hls/%2e%2e/clip.webm",
                     "/recordings/a/hls/..%2f..%2fprogram.yaml", "/recordings/a/hls/90p/999.m4s"):
            async with http.get(server.url + path) as response:
                assert response.status == 404, path


async def test_pages_let_the_room_play_recordings_from_the_programmes_other_origins_only(start_server, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 180, "qa": 1}])
    program.write_text(program.read_text().replace(
        "file: media/recordings/clip.webm", "url: 'https://cdn.example.org:8443/talks/a/index.m3u8'"))
    server = await start_server(program, first_talk_in=timedelta(seconds=-5))
    async with ClientSession() as http, http.get(server.url + "/rooms/main") as response:
        policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["media-src"] == "'self' blob: https://cdn.example.org:8443"  # the <video>, and hls.js's requests:
    socket = server.url.replace("http://", "ws://")  # the site's own socket, nobody else's
    assert policy["connect-src"] == f"'self' {socket} https://cdn.example.org:8443"
    assert "cdn.example.org" not in policy["script-src"] + policy["img-src"] + policy["frame-src"]
