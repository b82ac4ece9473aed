"""Captions: what a WebVTT file must look like for a browser to show it in step with its recording.
Pure: the file's text is passed in; problems come back as (line, message)."""
from __future__ import annotations

import re
from datetime import timedelta

HEADER = re.compile(r"^\ufeff?WEBVTT(?:[ \t].*)?$")
TIMING = re.compile(r"^(\S+)[ \t]+-->[ \t]+(\S+)")
STAMP = re.compile(r"^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$")  # [hh:]mm:ss.ttt


def problems(text: str, duration: timedelta) -> list[tuple[int, str]]:
    """Every problem of a WebVTT file for a recording of `duration`, with its line number."""
    lines = text.splitlines()
    if not lines or not HEADER.match(lines[0]):
        return [(1, "a WebVTT file starts with the line WEBVTT")]
    found, cues = [], 0
    for number, line in enumerate(lines, 1):
        if "-->" not in line:
            continue
        timing = TIMING.match(line.strip())
        start, end = (seconds(t) for t in timing.groups()) if timing else (None, None)
        if start is None or end is None:
            found.append((number, f"'{line.strip()}' is not a cue timing: write e.g. 00:01.000 --> 00:04.500"))
            continue
        cues += 1
        if end <= start:
            found.append((number, "the cue ends before it starts"))
        elif end > duration.total_seconds():
            found.append((number, f"the cue ends at {end:g} s, after the recording ({duration.total_seconds():g} s)"))
    if not cues:
        found.append((len(lines), "no cues: add at least one 'start --> end' line followed by its text"))
    return found


def seconds(stamp: str) -> float | None:
    found = STAMP.match(stamp)
    if not found:
        return None
    h, m, s, ms = (int(g or 0) for g in found.groups())
    return h * 3600 + m * 60 + s + ms / 1000
