"""Programme validation: every class of mistake an organiser can make, each in a real YAML file,
reported as FILE:LINE:COL: field.path: message, all at once."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from event_server.loader import ProgramError, load_program

ROOT = Path(__file__).resolve().parents[2]

VALID = """\
version: 1
event:
  id: test-meetup
  title: {en: Test meetup, ru: Тестовый митап 🎨}
  timezone: Europe/Berlin
  start: 2021-03-28
  end: 2021-03-28
  url: https://example.org/meetup
rooms:
  - slug: main
    name: Main room
speakers:
  - slug: ada
    name: {en: Ada Lovelace, ru: Ада Лавлейс}
talks:
  - slug: first
    title: First talk
    speakers: [ada]
    room: main
    start: 2021-03-28 14:00
    recording: {file: media/clip.webm, duration: 20m}
    qa_minutes: 10
  - slug: second
    title: {en: Second talk, ru: Второй доклад}
    speakers: [ada]
    room: main
    start: 2021-03-28 15:00
    recording: {youtube: VdgYqOoqL1s, duration: 1h}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "media").mkdir(exist_ok=True)
    shutil.copy(ROOT / "program/media/recordings/opening.webm", tmp_path / "media/clip.webm")
    path = tmp_path / "program.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    return [str(p).replace(str(path), "FILE") for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_programme_loads_with_cyrillic_and_emoji(tmp_path):
    program = load_program(write(tmp_path, VALID))
    assert [t.slug for t in program.talks] == ["first", "second"]
    assert program.event.title.get("ru") == "Тестовый митап 🎨"
    assert program.talks[0].start.isoformat() == "2021-03-28T14:00:00+02:00"  # after the DST switch
    assert program.talks[0].end.isoformat() == "2021-03-28T14:30:00+02:00"


def test_the_2020_meetup_is_valid():
    program = load_program(ROOT / "program/mlart-datafest-2020.yaml")
    assert program.event.timezone.key == "Europe/Moscow"
    assert len([t for t in program.talks if t.slug != "opening"]) == 7


def test_yaml_syntax_error_has_its_position(tmp_path):
    text = VALID.replace("    name: Main room", "    name: [Main room")
    found = errors(tmp_path, text)
    assert len(found) == 1 and "YAML syntax error" in found[0]
    assert found[0].startswith("FILE:")


def test_duplicate_keys_are_reported_not_silently_dropped(tmp_path):
    text = VALID.replace("    qa_minutes: 10", "    qa_minutes: 10\n    room: main")
    found = errors(tmp_path, text)
    assert found == [f"FILE:{line_of(text, 'qa_minutes: 10') + 1}:5: talks[0].room: duplicate key 'room' "
                     f"(first at line {line_of(text, 'room: main')}); "
                     "YAML would silently keep only the last one"]


def test_unknown_key_suggests_the_right_one(tmp_path):
    text = VALID.replace("    qa_minutes: 10", "    qa_minuts: 10")
    assert errors(tmp_path, text) == [f"FILE:{line_of(text, 'qa_minuts')}:5: talks[0].qa_minuts: "
                                      "unknown key 'qa_minuts'; did you mean 'qa_minutes'?"]


def test_missing_required_fields_and_wrong_types(tmp_path):
    text = VALID.replace("    title: First talk\n", "").replace("qa_minutes: 10", "qa_minutes: ten")
    found = errors(tmp_path, text)
    assert any("talks[0].title: is required" in e for e in found)
    assert any("talks[0].qa_minutes: expected a whole number" in e for e in found)


def test_unknown_timezone(tmp_path):
    text = VALID.replace("Europe/Berlin", "Europe/Berlinn")
    assert errors(tmp_path, text) == [f"FILE:{line_of(text, 'timezone')}:13: event.timezone: unknown time zone "
                                      "'Europe/Berlinn': use an IANA name such as Europe/Moscow"]


def test_unknown_speaker_and_room_references(tmp_path):
    text = VALID.replace("speakers: [ada]\n    room: main\n    start: 2021-03-28 15:00",
                         "speakers: [adaa]\n    room: hall\n    start: 2021-03-28 15:00")
    found = errors(tmp_path, text)
    assert "talks[1].speakers[0]: unknown speaker 'adaa'; did you mean 'ada'?" in found[0]
    assert "talks[1].room: unknown room 'hall'; define it under rooms" in found[1]


def test_duplicate_slugs(tmp_path):
    text = VALID.replace("slug: second", "slug: first")
    found = errors(tmp_path, text)
    assert found == [f"FILE:{line_of(text, 'title: {en: Second') - 1}:11: talks[1].slug: duplicate slug "
                     "'first' (also used at talks[0].slug)"]


def test_overlapping_talks_in_one_room(tmp_path):
    text = VALID.replace("2021-03-28 15:00", "2021-03-28 14:20")
    found = errors(tmp_path, text)
    assert len(found) == 1 and "talks[1].start: overlaps 'first' in room 'main', which runs until 14:30" in found[0]


def test_cancelled_talks_do_not_overlap(tmp_path):
    text = VALID.replace("2021-03-28 15:00", "2021-03-28 14:20").replace(
        "    recording: {youtube", "    status: cancelled\n    recording: {youtube")
    assert load_program(write(tmp_path, text)).talks[1].cancelled


def test_talk_outside_the_event_dates(tmp_path):
    text = VALID.replace("start: 2021-03-28 15:00", "start: 2021-03-29 15:00")
    found = errors(tmp_path, text)
    assert len(found) == 1 and "talks[1].start: the talk (2021-03-29 15:00–16:10) is outside the event dates" in found[0]


@pytest.mark.parametrize("duration, message", [("0", "must be longer than zero"), ("-5", "must be longer than zero"),
                                                ("soon", "'soon' is not a duration")])
def test_zero_negative_and_unreadable_durations(tmp_path, duration, message):
    text = VALID.replace("duration: 20m", f"duration: {duration}")
    found = errors(tmp_path, text)
    assert len(found) == 1 and "talks[0].recording.duration: " + message in found[0]


def test_local_time_that_does_not_exist_on_dst_day(tmp_path):
    text = VALID.replace("2021-03-28 14:00", "2021-03-28 02:30")  # Berlin jumps from 02:00 to 03:00
    found = errors(tmp_path, text)
    assert found == [f"FILE:{line_of(text, '02:30')}:12: talks[0].start: 2021-03-28 02:30 does not exist in "
                     "Europe/Berlin (the clocks jump forward then); pick another time or give an explicit offset"]


def test_ambiguous_local_time_on_dst_day(tmp_path):
    text = VALID.replace("2021-03-28", "2021-10-31").replace("2021-10-31 14:00", "2021-10-31 02:30")
    found = errors(tmp_path, text)
    assert len(found) == 1 and "talks[0].start: 2021-10-31 02:30 happens twice in Europe/Berlin" in found[0]


def test_explicit_offset_resolves_an_ambiguous_time(tmp_path):
    text = VALID.replace("2021-03-28", "2021-10-31").replace("2021-10-31 14:00", "2021-10-31T02:30:00+01:00")
    assert load_program(write(tmp_path, text)).talks[0].start.utcoffset().total_seconds() == 3600


def test_missing_recording_file(tmp_path):
    text = VALID.replace("media/clip.webm", "media/missing.webm")
    found = errors(tmp_path, text)
    assert len(found) == 1 and "talks[0].recording.file: file 'media/missing.webm' not found" in found[0]


def test_media_path_may_not_escape_the_programme_folder(tmp_path):
    found = errors(tmp_path, VALID.replace("media/clip.webm", "../../etc/passwd"))
    assert "points outside the programme's folder" in found[0]


def test_invalid_slug_and_url(tmp_path):
    text = VALID.replace("slug: first", "slug: First Talk").replace("https://example.org/meetup", "example.org")
    found = errors(tmp_path, text)
    assert any("event.url: 'example.org' is not a valid URL" in e for e in found)
    assert any("talks[0].slug: 'First Talk' is not a valid slug" in e for e in found)


def test_every_error_is_reported_at_once(tmp_path):
    text = VALID.replace("Europe/Berlin", "Mars/Olympus").replace("qa_minutes: 10", "qa_minutes: -1").replace(
        "[ada]", "[bob]")
    assert len(errors(tmp_path, text)) == 4


def test_cli_check_prints_summary_or_every_error(tmp_path, capsys):
    from event_server.cli import main

    assert main(["check", str(write(tmp_path, VALID))]) == 0
    assert "2 talk(s)" in capsys.readouterr().out
    broken = write(tmp_path, VALID.replace("Europe/Berlin", "Nowhere").replace("[ada]", "[bob]"))
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"3 error(s) in {broken}"
    assert all(line.startswith(f"{broken}:") for line in err[:-1])
