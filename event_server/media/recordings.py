"""Self-hosted recordings: where a talk's file is, and the URL pages give for it."""
from __future__ import annotations

from pathlib import Path

from ..core.model import Program, Talk


def recording_file(program: Program, talk: Talk) -> Path | None:
    """The talk's recording on disk, if it has one that exists."""
    if not talk.recording.file:
        return None
    path = (program.base_dir / talk.recording.file).resolve()
    return path if path.is_file() else None


def captions_file(program: Program, talk: Talk, lang: str) -> Path | None:
    """The talk's captions in `lang` (WebVTT) on disk, if the programme gives them."""
    name = dict(talk.recording.captions).get(lang)
    path = (program.base_dir / name).resolve() if name else None
    return path if path and path.is_file() else None


def recording_url(program: Program, talk: Talk) -> str | None:
    """The served recording, versioned by its file's mtime so browsers may cache it for good. On another
    origin: the server's own address still, which redirects there (signed) only from the premiere's start."""
    if talk.recording.url:
        return f"/recordings/{talk.slug}"
    if talk.recording.hls:
        return playlist_url(program, talk)
    if not talk.recording.file:
        return None
    path = recording_file(program, talk)
    return f"/recordings/{talk.slug}?v={path.stat().st_mtime_ns}" if path else f"/recordings/{talk.slug}"


def playlist_url(program: Program, talk: Talk) -> str | None:
    """A self-hosted HLS set's playlist, in a folder of the talk's own, so the files it names resolve there."""
    path = recording_file(program, talk)
    return f"/recordings/{talk.slug}/hls/{path.name}?v={path.stat().st_mtime_ns}" if path else None


def captions_urls(program: Program, talk: Talk) -> dict[str, str]:
    """Language → the served captions of the talk's recording, versioned like the recording."""
    found = {lang: captions_file(program, talk, lang) for lang, _ in talk.recording.captions}
    return {lang: f"/recordings/{talk.slug}/captions/{lang}.vtt?v={path.stat().st_mtime_ns}"
            for lang, path in found.items() if path}
