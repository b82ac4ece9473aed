"""The browser's libraries are committed in static/vendor, so installing the server needs no npm: the
socket.io client, and hls.js for HLS recordings. They must stay the very files npm installs for the
versions static/package.json pins."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, missing

STATIC = ROOT / "static"
VENDORED = {  # vendored name → (npm package, its file)
    "socket.io.esm.min.js": ("socket.io-client", "dist/socket.io.esm.min.js"),
    "socket.io.esm.min.js.map": ("socket.io-client", "dist/socket.io.esm.min.js.map"),
    "socket.io-client.LICENSE": ("socket.io-client", "LICENSE"),
    "hls.light.min.mjs": ("hls.js", "dist/hls.light.min.mjs"),
    "hls.js.LICENSE": ("hls.js", "LICENSE"),
}


def pinned(package: str = "socket.io-client") -> str:
    return json.loads((STATIC / "package.json").read_text())["dependencies"][package]


def test_the_vendored_client_is_the_pinned_version_with_its_licence():
    client = (STATIC / "vendor" / "socket.io.esm.min.js").read_text()
    assert client.startswith(f"/*!\n * Socket.IO v{pinned()}\n")
    assert client.rstrip().endswith("//# sourceMappingURL=socket.io.esm.min.js.map")
    assert "MIT License" in (STATIC / "vendor" / "socket.io-client.LICENSE").read_text()
    assert sorted(path.name for path in (STATIC / "vendor").iterdir()) == sorted(VENDORED)


def test_hls_js_is_an_es_module_with_its_licence():
    module = (STATIC / "vendor" / "hls.light.min.mjs").read_text()
    assert "as isSupported" in module and f'"{pinned("hls.js")}"' in module  # its version, exported as a module
    assert "Apache License" in (STATIC / "vendor" / "hls.js.LICENSE").read_text()


@pytest.mark.parametrize("package", ["socket.io-client", "hls.js"])
def test_the_vendored_files_are_byte_identical_to_what_npm_installs(package):
    installed = STATIC / "node_modules" / package
    if not installed.is_dir():
        missing("static/node_modules is missing: run npm ci --prefix static")
    assert json.loads((installed / "package.json").read_text())["version"] == pinned(package)
    for name, (source_package, source) in VENDORED.items():
        if source_package == package:
            assert (STATIC / "vendor" / name).read_bytes() == (installed / source).read_bytes(), (
                f"static/vendor/{name} differs from {package} {pinned(package)}: run npm run vendor --prefix static")
