"""The server's logs as an operator reads them: `python -m event_server serve` for real, its standard
error read back. LOG_FORMAT=json gives one object a line; access lines carry the attendee's address
(from X-Forwarded-For behind a trusted proxy) and how long the request took; LOG_LEVEL filters."""
from __future__ import annotations

import json
import os
import time
import urllib.request

from tests.conftest import MEETUP
from tests.live.test_cluster import Worker


def fetch(worker: Worker, path: str, forwarded_for: str) -> None:
    request = urllib.request.Request(worker.url + path, headers={"X-Forwarded-For": forwarded_for})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def serve(tmp_path, **settings: str) -> Worker:
    env = {**os.environ, "SECRET_KEY": "logs-secret", "PYTHONUNBUFFERED": "1", **settings}
    return Worker("logs", MEETUP, env, tmp_path / "data").start()


def lines_of(worker: Worker, until: str, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while until not in worker.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    return worker.log.read_text().splitlines()


def test_json_access_lines_carry_the_attendees_address_and_the_duration(tmp_path):
    worker = serve(tmp_path, LOG_FORMAT="json", TRUSTED_PROXIES="1")
    try:
        fetch(worker, "/schedule?lang=ru", "203.0.113.7, 10.0.0.2")  # a client's own claim, then nginx's
        records = [json.loads(line) for line in lines_of(worker, "/schedule?lang=ru")]
    finally:
        worker.kill()
    access = [r for r in records if r["logger"] == "aiohttp.access" and r.get("path") == "/schedule?lang=ru"]
    assert len(access) == 1, records
    line = access[0]
    assert line["remote"] == "10.0.0.2" and line["method"] == "GET" and line["status"] == 200
    assert 0 < line["duration_ms"] < 5000 and line["level"] == "INFO" and line["time"]
    assert line["message"].startswith('10.0.0.2 "GET /schedule?lang=ru" 200 ')
    assert any(r["logger"] == "event_server.app" and r["message"].startswith("serving ") for r in records)


def test_text_lines_by_default_and_log_level_quiets_them(tmp_path):
    worker = serve(tmp_path, LOG_LEVEL="warning")
    try:
        fetch(worker, "/schedule", "203.0.113.7")
        text = "\n".join(lines_of(worker, "never written", timeout=1))
    finally:
        worker.kill()
    assert "/schedule" not in text and "serving " not in text  # INFO lines are below WARNING
    assert "WARNING event_server.config.settings: MODERATOR_TOKEN is not set" in text  # text, not JSON
