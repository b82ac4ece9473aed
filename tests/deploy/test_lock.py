"""requirements.txt, the lock file, agrees with pyproject.toml: every dependency pinned within its bounds,
with hashes, so `pip install -r requirements.txt` installs what was tested and nothing else."""
from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

COMMAND = "uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements.txt"


def locked() -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes) for each entry of requirements.txt."""
    text = (ROOT / "requirements.txt").read_text()
    entries = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)(.*?)(?=^[A-Za-z0-9._-]+==|\Z)", text, re.M | re.S)
    return {canonicalize_name(name): (version, re.findall(r"--hash=sha256:([0-9a-f]{64})", rest))
            for name, version, rest in entries}


def test_every_dependency_is_pinned_within_its_bounds_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = locked()
    for line in project["dependencies"]:
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{wanted.name} is not in requirements.txt: run {COMMAND}"
        assert wanted.specifier.contains(pins[name][0]), (
            f"requirements.txt has {wanted.name}=={pins[name][0]}, outside {wanted.specifier}: run {COMMAND}")
    assert all(hashes for _, hashes in pins.values())
    assert COMMAND in (ROOT / "requirements.txt").read_text() and COMMAND in (ROOT / "README.md").read_text()
