"""The event-day benchmark runs end to end against the real server (so it never rots).

`bench/event_day.py --quick`: 100 attendees arrive, reconnect at once and listen to live votes, on the
real `event-server serve`, on its twin without the event server's code (bench/stack_server.py) and on the
Node reference; the figures themselves live in bench/BENCHMARKS.md,
not here. Needs `npm ci --prefix bench` (fails, never skips, when it has not run).
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARRIVALS = ("done", "failed", "errors", "disconnects", "p50_ms", "p99_ms", "max_ms", "cpu_ms_per_arrival")


def test_event_day_quick_against_the_real_server_the_bare_stack_and_node():
    if not os.path.isdir(os.path.join(ROOT, 'bench', 'node_modules', 'socket.io')):
        pytest.fail('bench/node_modules is missing: run `npm ci --prefix bench` first')
    out = subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'event_day.py'), '--quick'],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert '| wave | ours |' in out.stdout and '| qa | ours/node |' in out.stdout  # the markdown table
    for server in ('ours', 'stack', 'node'):
        for phase in ('wave', 'storm'):
            figures = report[server][phase]
            assert {k: figures[k] for k in ARRIVALS[:4]} == {'done': 100, 'failed': 0, 'errors': 0, 'disconnects': 0}
            assert 0 <= figures['p50_ms'] <= figures['p99_ms'] <= figures['max_ms'], figures
            assert figures['cpu_ms_per_arrival'] > 0 and figures['samples'] == 100, figures
            assert figures['generator_cpu_s'] > 0 and figures['cores_busy'] > 0, figures
    assert 0 < report['ours']['wave']['rss_kb_per_attendee'] < 1000
    for server in ('ours', 'stack', 'node'):
        qa = report[server]['qa']
        # 10 votes/s for 3 s, 100 listeners: every vote timed on every screen
        assert (qa['votes'], qa['listeners'], qa['expected'], qa['lost'], qa['voteErrors']) == (30, 100, 3000, 0, 0)
        assert qa['deliveries_per_s'] == 1000 and 0 <= qa['p50_ms'] <= qa['p99_ms'] <= qa['max_ms'], qa
    assert report['ratio'] > 0
