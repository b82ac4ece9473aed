"""Installed the ways operators install it, on a machine without npm: the wheel, the sdist and a git URL
into fresh virtualenvs, served from another directory; the README's first command and the Procfile
from a fresh clone, with the dependencies from the lock file.

Every command here runs with a PATH on which npm and node only fail, so no step can lean on them.
uv builds and installs the artefacts (the same PEP 517 build pip would run, in a fraction of the time);
the README's command and the PaaS route use pip itself, as they say.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from event_server import __version__
from tests.conftest import MEETUP, ROOT, missing
from tests.live.test_cluster import free_port

UV = Path(sys.executable).parent / "uv"
CLIENT = "/static/vendor/socket.io.esm.min.js"
SDIST, WHEEL = f"event_server-{__version__}.tar.gz", f"event_server-{__version__}-py3-none-any.whl"


@pytest.fixture(scope="module")
def no_npm(tmp_path_factory):
    """The environment of a machine without npm: on its PATH, npm, npx and node only fail (and say so in
    a log the tests read at the end), so no build, install or start step can lean on them."""
    if not UV.exists():
        missing("uv is not installed in the test environment (pip install -e '.[test]')")
    tools = tmp_path_factory.mktemp("no-npm")
    calls = tools / "calls.log"
    for name in ("npm", "npx", "node"):
        (tools / name).write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\necho "{name}: not on this machine" >&2\n'
                                  "exit 127\n")
        (tools / name).chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{tools}:{os.environ['PATH']}"
    yield env
    assert not calls.exists(), f"npm or node was called: {calls.read_text()}"


def run(command: list, env: dict, cwd: Path | None = None) -> str:
    done = subprocess.run([str(part) for part in command], env=env, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@contextmanager
def serving(command: str, cwd: Path, env: dict, port: int, wait: float = 30):
    """Run a shell command that ends in a server on `port`; yield its address once it answers; stop it."""
    log = cwd / f"serve-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(["/bin/sh", "-c", command], cwd=cwd, env=env, stdout=out, stderr=out,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while not answers(url + "/healthz"):
            assert process.poll() is None, f"{command} exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"{command} did not serve: {log.read_text()[-3000:]}"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200, url
        return response.read()


def assert_serves_the_event(url: str) -> None:
    page = fetch(url + "/rooms/ml-art?lang=ru").decode()
    assert "ML Art" in page and 'src="/static/js/room.js?v=' in page
    assert fetch(url + "/static/css/site.css")
    assert fetch(url + CLIENT) == (ROOT / "static" / "vendor" / "socket.io.esm.min.js").read_bytes()


@pytest.fixture(scope="module")
def clone(tmp_path_factory, no_npm) -> Path:
    """What a PaaS builder or `git clone` gets: the committed files, no node_modules."""
    folder = tmp_path_factory.mktemp("clone") / "event_server"
    run(["git", "clone", "--quiet", f"file://{ROOT}", folder], no_npm)
    assert not (folder / "static" / "node_modules").exists()
    return folder


@pytest.fixture(scope="module")
def dist(tmp_path_factory, clone, no_npm) -> Path:
    """The sdist built from a clone, and the wheel built from that sdist (so the sdist must carry it all)."""
    out = tmp_path_factory.mktemp("dist")
    run([UV, "build", "--quiet", "--sdist", "--out-dir", out, "--python", sys.executable, clone], no_npm)
    run([UV, "build", "--quiet", "--wheel", "--out-dir", out, "--python", sys.executable, out / SDIST], no_npm)
    return out


def test_the_sdist_carries_what_the_wheel_needs_and_leaves_out_tests_bench_and_media(dist):
    with tarfile.open(dist / SDIST) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "requirements.txt", "event_server/cli.py",
            "templates/base.html", "static/js/socket.js", "static/vendor/socket.io.esm.min.js"} <= names
    assert not {name for name in names if re.match(r"(tests|bench|program|static/node_modules)/", name)}
    assert (dist / SDIST).stat().st_size < 1024 ** 2

    with zipfile.ZipFile(dist / WHEEL) as wheel:
        names = set(wheel.namelist())
    assert {"event_server/templates/base.html", "event_server/static/css/site.css", "event_server/static/js/room.js",
            "event_server/static/vendor/socket.io.esm.min.js", "event_server/static/icons/favicon.svg"} <= names


@pytest.mark.parametrize("source", ["wheel", "sdist", "git"])
def test_installed_it_serves_the_pages_and_the_socket_client_from_any_directory(source, dist, clone, no_npm,
                                                                               tmp_path):
    venv = tmp_path / "venv"
    run([UV, "venv", "--quiet", "--python", sys.executable, venv], no_npm)
    artefact = {"wheel": dist / WHEEL, "sdist": dist / SDIST, "git": f"git+file://{clone}"}[source]
    run([UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", artefact], no_npm)
    assert run([venv / "bin" / "event-server", "--version"], no_npm) == f"event-server {__version__}\n"

    elsewhere = tmp_path / "elsewhere"  # no templates or static files here, nor in any parent
    elsewhere.mkdir()
    port = free_port()
    with serving(f"{venv}/bin/event-server serve {MEETUP} --port {port}", elsewhere, no_npm, port) as url:
        assert_serves_the_event(url)


def test_the_readme_command_and_the_procfile_serve_from_a_clone_with_the_locked_dependencies(clone, no_npm):
    readme = (ROOT / "README.md").read_text()
    first = re.search(r"```sh\n(.+?)\n```", readme, re.S)[1]
    assert "requirements.txt" in first and "npm" not in first
    port = free_port()
    with serving(first, clone, no_npm | {"PORT": str(port)}, port, wait=180) as url:
        assert_serves_the_event(url)

    # what a Python buildpack does with the same clone: pip install -r requirements.txt, then run the web process
    web = re.fullmatch(r"web: (.+)\n", (ROOT / "Procfile").read_text())[1]
    port = free_port()
    env = no_npm | {"PORT": str(port), "PROGRAM": "program/mlart-datafest-2020.yaml",
                    "PATH": f"{clone}/.venv/bin:{no_npm['PATH']}"}
    with serving(web, clone, env, port) as url:
        assert_serves_the_event(url)
