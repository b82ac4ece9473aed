"""The programme's fields for the room on event day: reactions, captions of a recording, how speakers
get on air — each mistake reported as FILE:LINE:COL: field.path: message (captions: at the line of the
WebVTT file itself)."""
from __future__ import annotations

from datetime import timedelta

from event_server.core import captions
from event_server.core.model import REACTIONS
from event_server.loader import load_program
from tests.unit.test_loader import VALID, errors, write

CUE = "WEBVTT\n\n00:00.000 --> 00:04.000\nHello\n"


def with_event(extra: str) -> str:
    return VALID.replace("  url: https://example.org/meetup\n", "  url: https://example.org/meetup\n" + extra)


def with_captions(tmp_path, files: dict[str, str], recording: str = "file: media/clip.webm") -> str:
    (tmp_path / "media").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "media" / name).write_text(text, encoding="utf-8")
    listed = ", ".join(f"{name.split('.')[1]}: media/{name}" for name in files)
    return VALID.replace("recording: {file: media/clip.webm, duration: 20m}",
                         f"recording: {{{recording}, duration: 20m, captions: {{{listed}}}}}")


def test_reactions_default_to_five_and_may_be_chosen(tmp_path):
    assert load_program(write(tmp_path, VALID)).event.reactions == REACTIONS == ("👏", "❤️", "🔥", "😂", "🤯")
    chosen = load_program(write(tmp_path, with_event("  reactions: [🎨, 👍🏽, ❤️]\n")))
    assert chosen.event.reactions == ("🎨", "👍🏽", "❤️")


def test_reactions_must_be_a_few_distinct_emoji(tmp_path):
    assert errors(tmp_path, with_event("  reactions: [👏, clap, 👏]\n")) == [
        "FILE:9:18: event.reactions[1]: 'clap' is not an emoji: a reaction is one emoji, e.g. 👏",
        "FILE:9:24: event.reactions[2]: '👏' is listed twice"]
    assert errors(tmp_path, with_event("  reactions: [" + ", ".join("🎨" * 1 + c for c in "🔥😂🤯👏❤🌱🌊🌙🌟") + "]\n"))[-1] \
        .endswith("event.reactions: give between 1 and 8 reactions (this has 9)")


def test_captions_are_webvtt_files_checked_line_by_line(tmp_path):
    program = load_program(write(tmp_path, with_captions(tmp_path, {"clip.en.vtt": CUE, "clip.ru.vtt": CUE})))
    assert program.talk("first").recording.captions == (("en", "media/clip.en.vtt"), ("ru", "media/clip.ru.vtt"))
    bad = "WEBVTT\n\n00:00.000 --> 00:04.000\nHello\n\n00:05 --> 00:06.000\nOops\n\n19:00.000 --> 21:00.000\nLate\n"
    vtt = tmp_path / "media" / "clip.en.vtt"
    found = errors(tmp_path, with_captions(tmp_path, {"clip.en.vtt": bad}))
    assert [f.replace(str(vtt), "VTT") for f in found] == [
        "VTT:6:1: talks[0].recording.captions.en: '00:05 --> 00:06.000' is not a cue timing: write e.g. 00:01.000 --> 00:04.500",
        "VTT:9:1: talks[0].recording.captions.en: the cue ends at 1260 s, after the recording (1200 s)"]


def test_captions_need_a_self_hosted_file_that_exists_and_starts_with_webvtt(tmp_path):
    found = errors(tmp_path, with_captions(tmp_path, {"clip.en.vtt": "1\n00:00.000 --> 00:01.000\nHi\n"}))
    assert found[0].endswith("clip.en.vtt:1:1: talks[0].recording.captions.en: a WebVTT file starts with the line WEBVTT")
    text = with_captions(tmp_path, {"clip.en.vtt": CUE}, recording="youtube: VdgYqOoqL1s")
    assert errors(tmp_path, text) == ["FILE:21:64: talks[0].recording.captions: captions are shown with a "
                                      "self-hosted recording: give file: media/... too"]
    missing = VALID.replace("duration: 20m}", "duration: 20m, captions: {de: media/x.vtt, en: media/none.vtt}}")
    assert [e.split(": ", 1)[1] for e in errors(tmp_path, missing)] == [
        "talks[0].recording.captions.de: unknown key 'de'; known keys: en, ru",
        f"talks[0].recording.captions.en: file 'media/none.vtt' not found next to program.yaml "
        f"(looked in {tmp_path / 'media' / 'none.vtt'})"]


def test_a_cue_file_without_cues_says_so():
    assert captions.problems("WEBVTT\n\nNOTE nothing yet\n", timedelta(days=1)) == [
        (3, "no cues: add at least one 'start --> end' line followed by its text")]
    assert captions.seconds("01:02:03.500") == 3723.5 and captions.seconds("2:03.5") is None


def test_speakers_learn_how_to_get_on_air_from_the_talk_or_the_event(tmp_path):
    text = with_event("  speaker_join: {text: {en: Join the studio, ru: Зайдите в студию}}\n").replace(
        "    qa_minutes: 10\n", "    qa_minutes: 10\n    speaker_join: {url: https://studio.example.org/first}\n")
    program = load_program(write(tmp_path, text))
    assert program.talk("first").speaker_join.url == "https://studio.example.org/first"
    assert program.event.speaker_join.text.get("ru") == "Зайдите в студию"
    assert errors(tmp_path, with_event("  speaker_join: {}\n")) == [
        "FILE:9:17: event.speaker_join: say how speakers get on air: text (instructions), url (a link), or both"]
    assert errors(tmp_path, with_event("  speaker_join: {url: http://studio.example.org}\n")) == [
        "FILE:9:23: event.speaker_join.url: 'http://studio.example.org' must be an https:// address"]
