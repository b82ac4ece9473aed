"""START_AT / --start-at: several workers started at different moments share one rehearsal clock."""
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from event_server.app import create_app
from event_server.cli import main
from event_server.config import Settings, parse_instant
from event_server.loader import load_program
from event_server.web.keys import SERVICES
from tests.conftest import MEETUP

FIRST_TALK = min(t.start for t in load_program(MEETUP).talks if not t.cancelled)


def test_start_at_comes_from_the_environment_and_needs_an_offset():
    settings = Settings.from_env({"START_AT": "2026-11-23T18:00:00+03:00"}, program=Path("p.yaml"))
    assert settings.start_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert parse_instant("2026-11-23T15:00:00Z") == settings.start_at
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_instant("2026-11-23T18:00:00")
    with pytest.raises(ValueError, match="not an ISO 8601 instant"):
        Settings.from_env({"START_AT": "tomorrow"})


def test_two_workers_started_apart_agree_on_now():
    start_at = datetime.now(UTC) + timedelta(minutes=2)
    clocks = [create_app(Settings(program=MEETUP, start_at=start_at))[SERVICES].event.clock for _ in range(2)]
    # on both, the first talk begins at start_at (real time): their shifted "now" agree to the millisecond
    for clock in clocks:
        assert abs((FIRST_TALK - clock.offset) - start_at) < timedelta(milliseconds=1)


def test_start_in_still_counts_from_this_process_start():
    clock = create_app(Settings(program=MEETUP, start_in=timedelta(minutes=2)))[SERVICES].event.clock
    real_start = FIRST_TALK - clock.offset
    assert abs(real_start - (datetime.now(UTC) + timedelta(minutes=2))) < timedelta(seconds=2)


def test_a_bad_start_at_flag_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", str(MEETUP), "--start-at", "18:00"])
    assert exit_.value.code == 2
    assert "ISO 8601" in capsys.readouterr().err
