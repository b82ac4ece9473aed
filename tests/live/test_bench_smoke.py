"""The broadcast benchmark harness runs end to end (so it never rots).

A few seconds with 200 clients against both our server and the Node
reference; the figures themselves live in bench/BENCHMARKS.md, not here.
Needs `npm ci --prefix bench` (fails, never skips, when it has not run).
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_compare_smoke_200_clients():
    if not os.path.isdir(os.path.join(ROOT, 'bench', 'node_modules', 'socket.io')):
        pytest.fail('bench/node_modules is missing: run `npm ci --prefix bench` first')
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, 'bench', 'compare.py'), '--clients', '200',
         '--rate', '10', '--duration', '3', '--drain', '10'],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary['clients'] == 200 and summary['rate'] == 10
    for server in ('ours', 'node'):
        assert summary[server]['deliveries_per_s'] > 0, summary
        assert summary[server]['lost'] == 0, summary
        for field in ('event_start_ms', 'event_span_ms'):  # p50/max over the 30 events
            p50, worst = map(int, summary[server][field].split('/'))
            assert 0 <= p50 <= worst, summary
    assert summary['ours']['gc_full'] is not None  # ours_server.py reported its collections
    assert summary['ratio'] > 0
