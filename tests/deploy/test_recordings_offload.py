"""Recordings at event scale, with real nginx: the worker decides who may fetch a recording and from when,
nginx sends the bytes. deploy/nginx.conf's internal location sends self-hosted files (X-Accel-Redirect);
deploy/nginx-origin.conf is another origin that opens only signed, unexpired links (secure_link), as a
CDN or object storage would.

One worker (SQLite) behind nginx, in a rehearsal whose first talk began 20 minutes ago: t1 (a file),
t3 (a signed link) and t5 (an HLS set) have premiered, t2 (a file) and t4 (a signed link) premiere in an hour.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from event_server.core.signed_links import Signing, sign
from tests.browser.test_hls_browser import HLS_SET
from tests.conftest import ROOT, missing, write_program
from tests.deploy.test_nginx_stack import NGINX, Nginx
from tests.live.test_cluster import Worker, free_port

ORIGIN = ROOT / "deploy" / "nginx-origin.conf"
SECRET = "origin-secret-for-tests"
CLIP = ROOT / "program" / "media" / "recordings" / "opening.webm"
STARTED = timedelta(minutes=20)  # how long ago the first talk began


@pytest.fixture(scope="module")
def offload(tmp_path_factory):
    if not os.path.exists(NGINX):
        missing("nginx is not installed (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("offload")
    origin_port = free_port()
    link = f"https://127.0.0.1:{origin_port}/talks/clip.webm"
    program = write_program(folder, [{"slug": "t1", "start": "12:00", "seconds": 60, "qa": 5},
                                     {"slug": "t3", "start": "12:08", "seconds": 60, "qa": 5},
                                     {"slug": "t5", "start": "12:14", "seconds": 60, "qa": 5},
                                     {"slug": "t2", "start": "13:00", "seconds": 60, "qa": 5},
                                     {"slug": "t4", "start": "13:30", "seconds": 60, "qa": 5}])
    text = program.read_text()
    for slug in ("t3", "t4"):
        text = re.sub(rf"(- slug: {slug}\n(?:.*\n)*?\s+recording: ).*",
                      rf"\g<1>{{url: '{link}', sign: nginx, duration: 60}}", text, count=1)
    text = re.sub(r"(- slug: t5\n(?:.*\n)*?\s+recording: ).*",
                  r"\g<1>{file: media/recordings/opening/index.m3u8, duration: 60}", text, count=1)
    program.write_text(text)
    shutil.copytree(HLS_SET, folder / "media" / "recordings" / "opening")
    (folder / "origin" / "talks").mkdir(parents=True)
    shutil.copy(CLIP, folder / "origin" / "talks" / "clip.webm")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", folder / "key.pem", "-out", folder / "cert.pem"], check=True, capture_output=True)
    origin = ORIGIN.read_text()
    for name, value in {"ORIGIN_LISTEN": f"127.0.0.1:{origin_port}", "ORIGIN_CERT": folder / "cert.pem",
                        "ORIGIN_KEY": folder / "key.pem", "ORIGIN_ROOT": folder / "origin",
                        "RECORDINGS_LINK_SECRET": SECRET}.items():
        origin = origin.replace("${" + name + "}", str(value))
    env = {**os.environ, "SECRET_KEY": "offload-secret", "PYTHONUNBUFFERED": "1",
           "START_AT": (datetime.now(UTC) - STARTED).isoformat(),
           "RECORDINGS_ACCEL": "/_recordings/", "RECORDINGS_LINK_SECRET": SECRET}
    worker = Worker("app", program, env, folder / "app")
    nginx = Nginx(folder / "nginx", [f"127.0.0.1:{worker.port}"] * 2, program_dir=folder, origin=origin)
    try:
        worker.start()
        nginx.start()
        yield nginx, worker, link
    finally:
        nginx.stop()
        worker.kill()


async def fetch(url: str, **headers: str) -> tuple[aiohttp.ClientResponse, bytes]:
    async with aiohttp.ClientSession() as http, \
            http.get(url, headers=headers, allow_redirects=False, ssl=False) as response:
        return response, await response.read()


async def worker_logged(worker: Worker, path: str) -> list[tuple[int, int]]:
    """(status, bytes written) of each request for `path` in the worker's own access log, once there is one
    (aiohttp logs a request after its response has gone, so maybe after nginx has logged it)."""
    for _ in range(100):
        found = [(int(m[1]), int(m[2])) for m in re.finditer(rf'"GET {re.escape(path)}" (\d+) (\d+)',
                                                              worker.log.read_text())]
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker logged no request for {path}")


async def test_before_its_premiere_a_recording_is_the_friendly_403_through_nginx(offload):
    nginx, worker, _ = offload
    response, body = await fetch(nginx.url + "/recordings/t2")
    assert response.status == 403
    assert "premieres in the room" in body.decode()
    response, body = await fetch(nginx.url + "/recordings/t2?lang=ru", Range="bytes=0-99")
    assert response.status == 403 and "премьера" in body.decode().lower()


async def test_after_it_nginx_sends_the_range_and_the_worker_sends_no_byte_of_it(offload):
    nginx, worker, _ = offload
    response, body = await fetch(nginx.url + "/recordings/t1", Range="bytes=1000-20999")
    assert response.status == 206
    assert body == CLIP.read_bytes()[1000:21000]
    assert response.headers["Content-Range"] == f"bytes 1000-20999/{CLIP.stat().st_size}"
    assert response.headers["Content-Type"] == "video/webm"
    assert response.headers["Cache-Control"] == "public, max-age=60"  # the app's, kept by nginx
    assert "X-Accel-Redirect" not in response.headers
    served = await nginx.logged(lambda line: line.path == "/recordings/t1")
    assert served[-1].status == 206 and served[-1].upstream == f"127.0.0.1:{worker.port}"
    # the worker only said where: it wrote its headers (aiohttp logs them with the body), not 20,000 bytes
    [(status, sent)] = await worker_logged(worker, "/recordings/t1")
    assert status == 200 and sent < 1500

    response, body = await fetch(nginx.url + "/recordings/t1")
    assert response.status == 200 and body == CLIP.read_bytes()


async def test_nginx_sends_the_files_of_an_hls_set_too(offload):
    nginx, worker, _ = offload
    segment = (HLS_SET / "180p" / "002.m4s").read_bytes()
    response, body = await fetch(nginx.url + "/recordings/t5/hls/180p/002.m4s")
    assert response.status == 200 and body == segment and len(segment) > 5000
    [(status, sent)] = await worker_logged(worker, "/recordings/t5/hls/180p/002.m4s")
    assert status == 200 and sent < 1500
    response, body = await fetch(nginx.url + "/recordings/t5/hls/index.m3u8")
    assert response.status == 200 and response.headers["Content-Type"] == "application/vnd.apple.mpegurl"


async def test_nobody_reaches_the_internal_location_from_outside(offload):
    nginx, _, _ = offload
    for path in ("/_recordings/media/recordings/clip.webm", "/_recordings/program.yaml"):
        response, _ = await fetch(nginx.url + path)
        assert response.status == 404, path


async def test_a_signed_link_is_handed_out_only_from_the_premiere_and_opens_until_it_expires(offload):
    nginx, _, link = offload
    # before its premiere: no link, the friendly page
    response, body = await fetch(nginx.url + "/recordings/t4")
    assert response.status == 403 and "premieres in the room" in body.decode()

    # from it: a redirect to a link the origin opens, with Range
    response, _ = await fetch(nginx.url + "/recordings/t3")
    assert response.status == 302 and response.headers["Cache-Control"] == "private, no-store"
    signed = response.headers["Location"]
    assert signed.startswith(link + "?md5=")
    expires = int(re.search(r"expires=(\d+)", signed)[1])
    assert datetime.now(UTC) + timedelta(hours=3) <= datetime.fromtimestamp(expires, UTC) <= \
        datetime.now(UTC) + timedelta(hours=6)
    response, body = await fetch(signed, Range="bytes=0-99")
    assert response.status == 206 and body == CLIP.read_bytes()[:100]

    # the same link without its signature, or its signature on another file: refused
    assert (await fetch(link))[0].status == 403
    assert (await fetch(signed.replace("clip.webm", "other.webm")))[0].status == 403

    # a link handed out seven hours after the premiere began has expired by now
    now = datetime.now(UTC)
    start = now - STARTED + timedelta(minutes=10)
    stale = sign(link, "nginx", Signing(secret=SECRET), start - timedelta(hours=7), now - timedelta(hours=7) + timedelta(minutes=1))
    assert (await fetch(stale))[0].status == 410
    assert (await fetch(sign(link, "nginx", Signing(secret=SECRET), start, now)))[0].status == 200
