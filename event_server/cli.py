"""The `event-server` command: check, serve and export a programme."""
from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import __version__
from .config import Settings, SettingsError, logs, parse_instant, signing_from_env
from .core.model import Program
from .core.rules import parse_duration
from .core.timeline import slots
from .feeds import EXPORTERS, Feed
from .loader import ProgramError, load_program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="event-server", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate a programme file and summarise it")
    check.add_argument("program", type=Path)
    check.set_defaults(run=run_check)

    serve = commands.add_parser("serve", help="serve the event")
    serve.add_argument("program", type=Path, nargs="?", help="programme file (default: $PROGRAM)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--start-in", type=_duration, metavar="DURATION",
                       help="rehearsal: run as if the first talk began this long from now, e.g. 2m")
    serve.add_argument("--start-at", type=_instant, metavar="ISO",
                       help="rehearsal: run as if the first talk began at this real instant, e.g. "
                            "2026-11-23T18:00:00+03:00 (default: $START_AT); give several workers the same one")
    serve.set_defaults(run=run_serve)

    export = commands.add_parser("export", help="write the schedule as iCalendar or frab JSON/XML for static hosting")
    export.add_argument("program", type=Path)
    export.add_argument("--format", required=True, choices=sorted(EXPORTERS))
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    export.add_argument("--lang", help="language of the texts (default: the event's first language)")
    export.add_argument("--base-url", help="public address of the event's pages (default: $PUBLIC_URL)")
    export.set_defaults(run=run_export)

    links = commands.add_parser("speaker-links", help="print each speaker's private link (keep them private)")
    links.add_argument("program", type=Path)
    links.add_argument("--base-url", help="the public address (default: $PUBLIC_URL or http://HOST:PORT)")
    links.set_defaults(run=run_speaker_links)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SettingsError as exc:  # a bad PORT, START_AT… in the environment: a usage error, as for a flag
        print(f"event-server: {exc}", file=sys.stderr)
        return 2


def _duration(text: str) -> timedelta:
    value = parse_duration(text)
    if value is None or value < timedelta(0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration: write e.g. 2m, 90s or 1h")
    return value


def _instant(text: str) -> datetime:
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def load_or_report(path: Path, signers: frozenset[str] | None = None) -> Program | None:
    """The programme, or None after printing its problems; `signers`: the signed links the server can make."""
    try:
        return load_program(path, signers)
    except ProgramError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} error(s) in {path}", file=sys.stderr)
        return None


def run_check(args) -> int:
    program = load_or_report(args.program, signing_from_env().forms)  # as `serve` would, in this environment
    if program is None:
        return 1
    print(summary(program))
    return 0


def summary(program: Program) -> str:
    event, tz = program.event, program.event.timezone
    lines = [f"{event.title} ({event.id})",
             f"{event.start} – {event.end}, {tz.key}; {len(program.rooms)} room(s), "
             f"{len(program.speakers)} speaker(s), {len(program.talks)} talk(s)"]
    for talk in program.talks[:40]:
        speakers = ", ".join(str(s.name) for s in program.speakers_of(talk))
        mark = "  [cancelled]" if talk.cancelled else ""
        lines.append(f"  {talk.start.astimezone(tz):%a %d %b %H:%M}–{talk.end.astimezone(tz):%H:%M}  "
                     f"{talk.room:<12} {talk.title} — {speakers}{mark}")
    if len(program.talks) > 40:
        lines.append(f"  … and {len(program.talks) - 40} more")
    if program.gallery:
        works = sum(len(r.works) for r in program.gallery.rooms)
        lines.append(f"gallery: {len(program.gallery.rooms)} room(s), {works} work(s)")
    if program.open_call:
        lines.append(f"open call: until {program.open_call.deadline.astimezone(tz):%Y-%m-%d %H:%M}")
    lines.append("OK")
    return "\n".join(lines)


def run_serve(args) -> int:
    settings = Settings.from_env(program=args.program, host=args.host, port=args.port, start_in=args.start_in,
                                 start_at=args.start_at)
    logs.configure(settings)
    if load_or_report(settings.program, settings.signing.forms) is None:
        return 1
    # Imported here, not at the top: the web stack (aiohttp, socket.io, redis) takes two thirds of a
    # second to import, which `check` and `export` — run in editors and CI hooks — never need.
    from .app import serve
    serve(settings.with_secrets())
    return 0


def run_export(args) -> int:
    """The same documents the server gives at /schedule.ics|json|xml, as the programme file says (no overrides)."""
    program = load_or_report(args.program)
    if program is None:
        return 1
    lang = args.lang or program.event.languages[0]
    if lang not in program.event.languages:
        print(f"--lang must be one of: {', '.join(program.event.languages)}", file=sys.stderr)
        return 2
    base = (args.base_url or Settings.from_env(program=args.program).public_url or "").rstrip("/")
    if not base:
        base = "http://127.0.0.1:8080"
        print(f"note: links point to {base}; give --base-url (or PUBLIC_URL) with the public address", file=sys.stderr)
    # the file's modification time stands for "last changed", as on the server (services/event.py)
    published = datetime.fromtimestamp(args.program.stat().st_mtime, UTC)
    exporter = EXPORTERS[args.format]
    body = exporter.render(Feed(program, tuple(slots(program)), lang, base, published))
    if args.output:
        args.output.write_bytes(body)
        print(f"wrote {args.output} ({len(body)} bytes, {exporter.content_type})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


def run_speaker_links(args) -> int:
    """The links are signed with SECRET_KEY: the same key (or data dir) as the server, or they will not open."""
    program = load_or_report(args.program)
    if program is None:
        return 1
    settings = Settings.from_env(program=args.program).with_secrets()
    base = (args.base_url or settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    from .services.identity import Signer  # not at the top, like the web stack in run_serve
    signer = Signer(settings.secret_key)
    for speaker in program.speakers:
        print(f"{speaker.slug}\t{speaker.name}\t{base}/speak/{signer.speaker_token(speaker.slug)}")
    return 0
