"""Settings from the environment: every documented variable is read, a bad value is an error that names it,
and START_AT / --start-at give several workers started at different moments one rehearsal clock."""
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from event_server import __version__
from event_server.app import create_app
from event_server.cli import main
from event_server.config import Settings, parse_instant
from event_server.loader import load_program
from event_server.web.keys import SERVICES
from tests.conftest import MEETUP, ROOT

FIRST_TALK = min(t.start for t in load_program(MEETUP).talks if not t.cancelled)


def test_start_at_comes_from_the_environment_and_needs_an_offset():
    settings = Settings.from_env({"START_AT": "2026-11-23T18:00:00+03:00"}, program=Path("p.yaml"))
    assert settings.start_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert parse_instant("2026-11-23T15:00:00Z") == settings.start_at
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_instant("2026-11-23T18:00:00")
    with pytest.raises(ValueError, match="START_AT must be an ISO 8601 instant with its UTC offset"):
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


class Recorded(dict):
    """An environment that remembers which variables were looked up."""
    def __init__(self, *args):
        super().__init__(*args)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def documented_settings() -> set[str]:
    """The variables named in the first column of the README's settings table."""
    table = ROOT.joinpath("README.md").read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    return {name for row in table.splitlines() if row.startswith("| `")
            for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])}


def test_the_readme_documents_every_variable_the_server_reads():
    env = Recorded()
    Settings.from_env(env)
    assert documented_settings() == env.read


@pytest.mark.parametrize("name, value, message", [
    ("PORT", "abc", "PORT must be a whole number from 0 to 65535, got 'abc'"),
    ("PORT", "70000", "PORT must be a whole number from 0 to 65535, got '70000'"),
    ("TRUSTED_PROXIES", "-1", "TRUSTED_PROXIES must be a whole number, 0 or more, got '-1'"),
    ("QA_ASK_INTERVAL", "15s", "QA_ASK_INTERVAL must be a number of seconds, 0 or more (0: no limit), got '15s'"),
    ("QA_VOTES_PER_SECOND", "nan", "QA_VOTES_PER_SECOND must be a number, 0 or more (0: no limit), got 'nan'"),
    ("WS_COMPRESSION", "maybe", "WS_COMPRESSION must be 1, true, yes or on (or 0, false, no, off), got 'maybe'"),
    ("AUDIENCE_SAMPLE_SECONDS", "0", "AUDIENCE_SAMPLE_SECONDS must be a number of seconds, 1 or more, got '0'"),
    ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'loud'"),
    ("LOG_FORMAT", "xml", "LOG_FORMAT must be text or json, got 'xml'"),
    ("METRICS_PORT", "0", "METRICS_PORT must be a whole number from 1 to 65535, got '0'"),
])
def test_a_bad_value_is_an_error_that_names_the_variable(name, value, message):
    with pytest.raises(ValueError) as error:
        Settings.from_env({name: value})
    assert str(error.value) == message


def test_values_and_defaults_come_through():
    settings = Settings.from_env({"PORT": " 8081 ", "TRUSTED_PROXIES": "1", "QA_ASK_INTERVAL": "0",
                                  "QA_VOTES_PER_SECOND": "2.5", "WS_COMPRESSION": "Yes", "HOST": ""})
    assert (settings.port, settings.trusted_proxies, settings.qa_ask_interval, settings.qa_votes_per_second,
            settings.ws_compression) == (8081, 1, 0.0, 2.5, True)
    assert Settings.from_env({"PORT": "", "WS_COMPRESSION": "off"}).port == 8080


@pytest.mark.parametrize("command", [["serve", str(MEETUP)], ["speaker-links", str(MEETUP)],
                                     ["export", str(MEETUP), "--format", "ics"]])
def test_every_command_reports_a_bad_variable_as_a_usage_error(command, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PORT", "abc")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(command) == 2
    assert capsys.readouterr().err == "event-server: PORT must be a whole number from 0 to 65535, got 'abc'\n"


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"event-server {__version__}\n"
