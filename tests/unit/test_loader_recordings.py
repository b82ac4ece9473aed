"""The programme's recordings at event scale: a url: on another origin (https only), how that origin
checks links (sign: nginx | s3, with the settings it needs), and HLS playlists followed to every file
they name — each mistake as FILE:LINE:COL: field.path: message (a playlist's: at its own line)."""
from __future__ import annotations

import shutil

import pytest

from event_server.loader import ProgramError, load_program
from tests.conftest import ROOT
from tests.unit.test_loader import VALID, errors, write

FILE = "recording: {file: media/clip.webm, duration: 20m}"
MASTER = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=400000\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000\nhigh/index.m3u8\n"
VARIANT = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg0.ts\n#EXTINF:2.0,\nseg1.ts\n#EXT-X-ENDLIST\n"


def recording(text: str) -> str:
    return VALID.replace(FILE, f"recording: {{{text}, duration: 20m}}")


def test_a_recording_on_another_origin_is_an_https_address(tmp_path):
    program = load_program(write(tmp_path, recording("url: 'https://cdn.example.org/first.webm', sign: s3")))
    assert program.talk("first").recording.url == "https://cdn.example.org/first.webm"
    assert program.talk("first").recording.sign == "s3"
    assert errors(tmp_path, recording("url: 'http://cdn.example.org/first.webm'")) == [
        "FILE:21:22: talks[0].recording.url: 'http://cdn.example.org/first.webm' must be an https:// address"]
    assert errors(tmp_path, recording("file: media/clip.webm, url: 'https://cdn.example.org/a.webm'")) == [
        "FILE:21:45: talks[0].recording.url: give file: (served from the programme's folder) or url: (another "
        "origin), not both"]


def test_sign_names_a_form_for_a_url_and_not_for_an_hls_set(tmp_path):
    assert errors(tmp_path, recording("url: 'https://cdn.example.org/a.webm', sign: md5")) == [
        "FILE:21:62: talks[0].recording.sign: 'md5' is not a form of signed link: write nginx or s3"]
    assert errors(tmp_path, recording("file: media/clip.webm, sign: nginx")) == [
        "FILE:21:46: talks[0].recording.sign: sign: is for a url: on another origin; a file: is guarded by the "
        "server itself"]
    assert errors(tmp_path, recording("url: 'https://cdn.example.org/a/index.m3u8', sign: nginx")) == [
        "FILE:21:68: talks[0].recording.sign: a signed link opens one file, and an HLS set is many: serve it "
        "unsigned, or as file: from the programme's folder"]


def test_a_signed_recording_needs_the_settings_of_its_form_where_they_are_known(tmp_path):
    path = write(tmp_path, recording("url: 'https://cdn.example.org/a.webm', sign: nginx"))
    with pytest.raises(ProgramError) as caught:
        load_program(path, frozenset({"s3"}))
    assert [str(p).replace(str(path), "FILE") for p in caught.value.problems] == [
        "FILE:21:62: talks[0].recording.sign: links signed for nginx need RECORDINGS_LINK_SECRET in the server's "
        "environment"]
    assert load_program(path, frozenset({"nginx"})).talk("first").recording.sign == "nginx"


def test_check_reads_the_signing_settings_from_the_environment(tmp_path, capsys, monkeypatch):
    from event_server.cli import main

    path = write(tmp_path, recording("url: 'https://cdn.example.org/a.webm', sign: s3"))
    monkeypatch.delenv("RECORDINGS_S3_KEY_ID", raising=False)
    monkeypatch.setenv("RECORDINGS_S3_SECRET", "secret")
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{path}:21:62: talks[0].recording.sign: links signed for s3 need RECORDINGS_S3_KEY_ID and "
        "RECORDINGS_S3_SECRET in the server's environment")
    monkeypatch.setenv("RECORDINGS_S3_KEY_ID", "key")
    assert main(["check", str(path)]) == 0


def hls_set(tmp_path, master: str = MASTER, variant: str = VARIANT, missing: str = "") -> None:
    folder = tmp_path / "media" / "hls"
    for name in ("low", "high"):
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "index.m3u8").write_text(variant)
        for segment in ("seg0.ts", "seg1.ts"):
            (folder / name / segment).write_bytes(b"\x47" * 188)
    if missing:
        (folder / missing).unlink()
    (folder / "index.m3u8").write_text(master)


def test_an_hls_playlist_and_every_file_it_names_are_there(tmp_path):
    hls_set(tmp_path)
    program = load_program(write(tmp_path, recording("file: media/hls/index.m3u8")))
    assert program.talk("first").recording.hls

    hls_set(tmp_path, missing="high/seg1.ts")
    variant = tmp_path / "media" / "hls" / "high" / "index.m3u8"
    assert [e.replace(str(variant), "VARIANT") for e in errors(tmp_path, recording("file: media/hls/index.m3u8"))] \
        == ["VARIANT:6:1: talks[0].recording.file: 'seg1.ts' not found next to index.m3u8"]


def test_a_playlist_is_a_playlist_that_names_only_files_beside_it(tmp_path):
    master = tmp_path / "media" / "hls" / "index.m3u8"
    hls_set(tmp_path, master="#EXT-X-VERSION:3\nlow/index.m3u8\n")
    assert [e.replace(str(master), "M") for e in errors(tmp_path, recording("file: media/hls/index.m3u8"))] == [
        "M:1:1: talks[0].recording.file: an HLS playlist starts with the line #EXTM3U"]
    hls_set(tmp_path, master="#EXTM3U\nlow/index.m3u8\n../../../program.yaml\nhttps://cdn.example.org/x.m3u8\n")
    assert [e.replace(str(master), "M") for e in errors(tmp_path, recording("file: media/hls/index.m3u8"))] == [
        "M:3:1: talks[0].recording.file: '../../../program.yaml' is not a file in the playlist's folder, where the "
        "server serves it",
        "M:4:1: talks[0].recording.file: 'https://cdn.example.org/x.m3u8' is not a file in the playlist's folder, "
        "where the server serves it"]


def test_the_2020_openings_hls_set_is_complete(tmp_path):
    shutil.copytree(ROOT / "program" / "media" / "recordings" / "opening", tmp_path / "media" / "opening")
    program = load_program(write(tmp_path, recording("file: media/opening/index.m3u8")))
    assert program.talk("first").recording.hls
    master = (tmp_path / "media" / "opening" / "index.m3u8").read_text()
    assert "RESOLUTION=320x180" in master and "RESOLUTION=160x90" in master
