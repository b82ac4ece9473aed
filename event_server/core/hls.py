"""What an HLS playlist (.m3u8) must look like to be played: its header, and the files it names (variant
playlists in a multi-bitrate set, segments in a variant), each with its line number."""
from __future__ import annotations

SUFFIXES = (".m3u8", ".ts", ".m4s", ".mp4", ".aac", ".vtt")  # the files an HLS set is made of


def problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for what keeps `text` from being a playlist."""
    first = text.lstrip("\ufeff").splitlines()[:1]
    if first != ["#EXTM3U"]:
        return [(1, "an HLS playlist starts with the line #EXTM3U")]
    if not references(text):
        return [(1, "the playlist names no variant playlist and no segment")]
    return []


def references(text: str) -> list[tuple[int, str]]:
    """(line, URI) of each file the playlist names: the lines that are not tags or comments."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip() and
            not line.startswith("#")]
