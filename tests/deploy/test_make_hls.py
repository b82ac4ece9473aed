"""program/media/make_hls.sh turns a recording into a multi-bitrate HLS set that the programme accepts:
one rung per height, each declaring its bitrate and resolution, with sound when asked for."""
from __future__ import annotations

import os
import shutil
import subprocess

from event_server.loader import load_program
from tests.conftest import ROOT, missing
from tests.unit.test_loader import VALID, write

SCRIPT = ROOT / "program" / "media" / "make_hls.sh"
OPENING = ROOT / "program" / "media" / "recordings" / "opening.webm"


def test_a_recording_becomes_a_set_of_rungs_the_programme_accepts(tmp_path):
    if not shutil.which("ffmpeg"):
        missing("ffmpeg is not installed (apt-get install ffmpeg)")
    out = tmp_path / "media" / "talk"
    done = subprocess.run([str(SCRIPT), str(OPENING), str(out), "180:256 90:64"], capture_output=True, text=True,
                          env={**os.environ, "AUDIO_KBPS": "16", "CRF": "36"}, timeout=120)
    assert done.returncode == 0, done.stderr
    master = (out / "index.m3u8").read_text()
    assert "BANDWIDTH=" in master and "RESOLUTION=320x180" in master and "RESOLUTION=160x90" in master
    assert 'CODECS="avc1.' in master and "mp4a.40.2" in master  # H.264 video with AAC sound
    program = load_program(write(tmp_path, VALID.replace("file: media/clip.webm", "file: media/talk/index.m3u8")))
    assert program.talk("first").recording.hls
