"""The code's own rules, checked with every test run: the layers and no import cycles (import-linter,
contracts in pyproject.toml), lint (ruff) and types (mypy). Each prints what to fix when it fails."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", [["lint-imports"], ["ruff", "check", "."], ["mypy"]],
                         ids=["layers", "lint", "types"])
def test_the_code_keeps_its_rules(command):
    done = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
