"""The browser's socket.io client is committed in static/vendor, so installing the server needs no npm.
It must stay the very file npm installs for the version static/package.json pins."""
from __future__ import annotations

import json

from tests.conftest import ROOT, missing

STATIC = ROOT / "static"
VENDORED = {"socket.io.esm.min.js": "dist/socket.io.esm.min.js",
            "socket.io.esm.min.js.map": "dist/socket.io.esm.min.js.map",
            "socket.io-client.LICENSE": "LICENSE"}


def pinned() -> str:
    return json.loads((STATIC / "package.json").read_text())["dependencies"]["socket.io-client"]


def test_the_vendored_client_is_the_pinned_version_with_its_licence():
    client = (STATIC / "vendor" / "socket.io.esm.min.js").read_text()
    assert client.startswith(f"/*!\n * Socket.IO v{pinned()}\n")
    assert client.rstrip().endswith("//# sourceMappingURL=socket.io.esm.min.js.map")
    assert "MIT License" in (STATIC / "vendor" / "socket.io-client.LICENSE").read_text()
    assert sorted(path.name for path in (STATIC / "vendor").iterdir()) == sorted(VENDORED)


def test_the_vendored_files_are_byte_identical_to_what_npm_installs():
    package = STATIC / "node_modules" / "socket.io-client"
    if not package.is_dir():
        missing("static/node_modules is missing: run npm ci --prefix static")
    assert json.loads((package / "package.json").read_text())["version"] == pinned()
    for name, source in VENDORED.items():
        assert (STATIC / "vendor" / name).read_bytes() == (package / source).read_bytes(), (
            f"static/vendor/{name} differs from socket.io-client {pinned()}: run npm run vendor --prefix static")
