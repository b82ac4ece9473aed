"""The container image and the compose stack, checked without a Docker engine: hadolint lints the
Dockerfile, dclint validates compose.yaml against the Compose specification (and its best practices),
and the stack is held to what the nginx test runs (tests/deploy/test_nginx_stack.py) and the README says."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, missing
from tests.unit.test_settings import documented_settings

HADOLINT = Path(sys.executable).parent / "hadolint"
DCLINT = ROOT / "static" / "node_modules" / "dclint" / "bin" / "dclint.cjs"


def lint(command: list) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, cwd=ROOT)


def dclint(path: Path) -> subprocess.CompletedProcess:
    if not DCLINT.exists() or not shutil.which("node"):
        missing("dclint needs node and npm ci --prefix static")
    return lint(["node", DCLINT, "--max-warnings", "0", "--color", "false", path])


def test_hadolint_passes_the_dockerfile():
    if not HADOLINT.exists():
        missing("hadolint is not installed in the test environment (pip install -e '.[test]')")
    done = lint([HADOLINT, "--no-color", "Dockerfile"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_installs_the_lock_and_runs_as_a_user_with_a_healthcheck():
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line and not line.startswith("#")]
    assert len([line for line in lines if line.startswith("FROM ")]) == 2  # build, then run
    assert any("--require-hashes -r requirements.txt" in line for line in lines)
    final = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    user = [line.split()[1] for line in final if line.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK ") for line in final)
    assert "/readyz" in (ROOT / "Dockerfile").read_text()  # unhealthy while the database or Redis is away


def test_compose_yaml_follows_the_compose_specification():
    done = dclint(ROOT / "compose.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_dclint_rejects_what_the_specification_does_not_allow(tmp_path):
    broken = tmp_path / "compose.yaml"  # a misspelt key: compose would refuse the file
    broken.write_text((ROOT / "compose.yaml").read_text().replace("    environment: # filled", "    enviroment: #"))
    done = dclint(broken)
    assert done.returncode != 0 and "invalid-schema" in done.stdout


def test_the_stack_runs_the_nginx_config_the_test_runs_with_the_settings_the_readme_documents():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    nginx = services["nginx"]
    assert "./deploy/nginx.conf:/etc/nginx/templates/default.conf.template:ro" in nginx["volumes"]
    # the image's envsubst fills in exactly the variables the file uses; the rest are nginx's own
    used = set(re.findall(r"\$\{(\w+)\}", (ROOT / "deploy" / "nginx.conf").read_text()))
    assert set(nginx["environment"]) == used
    workers = [name for name in services if name.startswith("worker")]
    assert len(workers) == 2 and {nginx["environment"][f"EVENT_SERVER_{n}"] for n in (1, 2)} == {
        f"{name}:8080" for name in workers}  # the image's PORT

    for name in workers:
        env = services[name]["environment"]
        assert set(env) <= documented_settings()
        assert env["TRUSTED_PROXIES"] == "1" and env["DATABASE_URL"].startswith("postgresql://")
        assert {"SECRET_KEY", "MODERATOR_TOKEN", "CURATOR_TOKEN", "REDIS_URL"} <= set(env)
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services[workers[0]] == services[workers[1]]  # one event: the same settings on both
