"""The room's pages over HTTP: the speaker's private link, the moderator's login, the recordings."""
from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from aiohttp import ClientSession, CookieJar

from event_server.services.identity import Signer
from tests.conftest import ROOT, write_program
from tests.live.roomclient import RoomClient

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
GALLERY = """\
gallery:
  title: Gallery
  rooms:
    - slug: wall
      title: Wall
      works:
        - {slug: work, title: Work, kind: image, media: media/gallery/work.png, alt: A dot}
"""


def day(tmp_path):
    return write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1},
                                    {"slug": "b", "start": "10:05", "seconds": 60, "qa": 1, "speaker": "alan"}])


def jar() -> ClientSession:
    return ClientSession(cookie_jar=CookieJar(unsafe=True))  # keep cookies for 127.0.0.1


async def test_a_speakers_private_link_shows_their_slot_and_identifies_their_socket(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=2))
    token = Signer("test-secret").speaker_token("alan")
    async with jar() as http:
        async with http.get(f"{server.url}/speak/{token}?lang=ru") as response:
            page = await response.text()
            assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
        assert "Alan Turing" in page and "Доклад b" in page and "10:05" in page and "Ваши выступления" in page
        assert 'data-room="main"' in page
        cookie = "; ".join(f"{c.key}={c.value}" for c in http.cookie_jar)
        async with http.get(f"{server.url}/speak/forged.token") as response:
            # in the language this browser chose (Russian, above)
            assert response.status == 404 and "больше не действует" in await response.text()
    # the session cookie the link set makes the socket the speaker's, not a moderator's
    async with RoomClient(server.url, headers={"Cookie": cookie}) as client:
        await client.join()
        reply = await client.call("schedule:adjust", {"action": "delay", "talk": "b", "minutes": 5})
    assert reply["error"]["code"] == "forbidden"


async def test_the_moderator_page_needs_a_login(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(minutes=2))
    async with jar() as http:
        async with http.get(f"{server.url}/moderate/main", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/login?next=/moderate/main"
        async with http.get(f"{server.url}/login") as response:
            csrf = (await response.text()).split('name="csrf" value="')[1].split('"')[0]
        async with http.post(f"{server.url}/login", data={"token": "mod-token", "csrf": csrf,
                                                         "next": "/moderate/main"}) as response:
            page = await response.text()
        assert str(response.url).endswith("/moderate/main")
        assert 'data-adjust="delay"' in page and "Talk b" in page
        async with http.get(f"{server.url}/moderate/nowhere") as response:
            assert response.status == 404


async def test_recordings_support_ranges_content_types_and_caching(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=-5))  # a's premiere is on
    async with RoomClient(server.url) as client:
        url = (await client.join())["state"]["talks"]["a"]["file"]
    async with ClientSession() as http:
        async with http.get(server.url + url, headers={"Range": "bytes=100-199"}) as response:
            assert response.status == 206 and len(await response.read()) == 100
            assert response.headers["Content-Type"] == "video/webm"
            assert response.headers["Content-Range"].startswith("bytes 100-199/")
            assert "immutable" in response.headers["Cache-Control"]
            etag = response.headers["ETag"]
        async with http.get(server.url + "/recordings/a?v=old", headers={"If-None-Match": etag}) as response:
            assert response.status == 304 and "immutable" not in response.headers["Cache-Control"]
        async with http.get(server.url + "/recordings/nope") as response:
            assert response.status == 404


async def test_a_recording_is_not_served_before_its_premiere_nor_for_a_cancelled_talk(start_server, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1},
                                       {"slug": "b", "start": "10:05", "seconds": 60, "qa": 1},
                                       {"slug": "c", "start": "10:10", "seconds": 60, "qa": 1, "status": "cancelled"}])
    server = await start_server(program, first_talk_in=timedelta(seconds=-5))  # a has started, b has not
    async with ClientSession() as http:
        async with http.get(server.url + "/recordings/a") as response:
            assert response.status == 200 and response.headers["Content-Type"] == "video/webm"
        async with http.get(server.url + "/recordings/b?lang=ru", headers={"Range": "bytes=0-99"}) as response:
            page = await response.text()
            assert response.status == 403
            assert "19.09.2020 в 10:05" in page and "Europe/Moscow" in page  # when it can be watched, in Russian
        async with http.get(server.url + "/recordings/b") as response:
            assert response.status == 403 and "premieres in the room on 19.09.2020 at 10:05" in await response.text()
        async with http.get(server.url + "/recordings/c") as response:
            assert response.status == 403 and "cancelled" in await response.text()
        server.event.clock.offset += timedelta(minutes=5)  # b's premiere begins
        async with http.get(server.url + "/recordings/b", headers={"Range": "bytes=0-99"}) as response:
            assert response.status == 206 and len(await response.read()) == 100
        async with http.get(server.url + "/recordings/c") as response:
            assert response.status == 403


async def test_media_serves_only_the_files_the_programme_shows(start_server, tmp_path):
    program = write_program(tmp_path, [{"slug": "a", "start": "10:00", "seconds": 60, "qa": 1}],
                            extra=GALLERY)
    media = tmp_path / "media"
    (media / "gallery").mkdir()
    (media / "gallery" / "work.png").write_bytes(PNG)
    (media / ".env").write_text("SECRET_KEY=leaked\n")
    (media / "deploy.sh").write_text("#!/bin/sh\nrm -rf /\n")
    (media / "gallery" / "draft.png").write_bytes(PNG)  # in the folder, but not in the programme
    server = await start_server(program, first_talk_in=timedelta(minutes=2))
    async with ClientSession() as http:
        async with http.get(server.url + "/media/gallery/work.png") as response:
            assert response.status == 200 and await response.read() == PNG
        for path in ("/media/.env", "/media/deploy.sh", "/media/gallery/draft.png", "/media/recordings/clip.webm",
                     "/media/gallery/../.env", "/media/%2e%2e/program.yaml", "/media/gallery/work.png/"):
            async with http.get(server.url + path) as response:
                assert response.status == 404, path


async def test_room_page_renders_the_state_and_the_qa_slot(start_server, tmp_path):
    server = await start_server(day(tmp_path), first_talk_in=timedelta(seconds=-70))  # in a's Q&A
    async with ClientSession() as http, http.get(server.url + "/rooms/main") as response:
        page = await response.text()
    assert 'data-room="main" data-talk="a" data-phase="qa"' in page
    assert 'data-livestream="othTjSowvqY"' in page  # room.js embeds it; if YouTube fails, this link stays
    assert 'href="https://www.youtube.com/watch?v=othTjSowvqY"' in page
    assert "data-qa-slot" in page and "data-qa-slot hidden" not in page


def test_speaker_links_cli_prints_a_link_per_speaker(tmp_path):
    program = day(tmp_path)
    result = subprocess.run([sys.executable, "-m", "event_server", "speaker-links", str(program),
                             "--base-url", "https://meetup.example/"], cwd=tmp_path, capture_output=True, text=True,
                            env={"SECRET_KEY": "cli-secret", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["ada", "alan"]
    token = lines[1].split("\t")[2].removeprefix("https://meetup.example/speak/")
    assert Signer("cli-secret").speaker_of(token) == "alan"
