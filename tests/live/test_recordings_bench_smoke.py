"""The recordings benchmark runs end to end (so it never rots): a few viewers for two seconds in each mode,
against the real `event-server serve` and nginx. The figures themselves live in bench/BENCHMARKS.md."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, missing
from tests.deploy.test_nginx_stack import NGINX


def test_every_mode_serves_its_viewers():
    if not os.path.exists(NGINX):
        missing("nginx is not installed (apt-get install nginx)")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "recordings_bench.py"), "--viewers", "20",
                           "--kbps", "400", "--chunk", "1", "--seconds", "2", "--hls-seconds", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    results = {r["mode"]: r for r in map(json.loads, done.stdout.strip().splitlines())}
    assert set(results) == {"app", "proxied", "accel", "url"}
    for result in results.values():
        assert result["received_mb_s"] > 0.5 * result["offered_mb_s"], result  # the viewers got their chunks
