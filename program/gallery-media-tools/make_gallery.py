#!/usr/bin/env python3
"""Generate the media of the STATE OF THE ART online gallery (ML Art meetup, Data Fest 2020).

Every picture, sound and film in program/media/gallery/ is made here, from fixed seeds, with numpy
and Pillow (ffmpeg encodes the video and the audio). Nothing is downloaded and no third-party artwork
is used: the "networks" are tiny, untrained (random or hand-set weights) and run on the CPU.

    python make_gallery.py                  # every work (about 7 minutes on a laptop)
    python make_gallery.py nca-bloom        # only the named works
    python make_gallery.py --list           # the works this script knows

One module per room (room_growing, room_latent, room_gestures, room_words) and shared tools in
toolkit.py; each generator is a function `make_<slug>(out)` registered with @work. See README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import room_gestures
import room_growing
import room_latent
import room_words
from toolkit import OUT, WORKS

ROOMS = [room_growing, room_latent, room_gestures, room_words]  # gallery order


def works_in_gallery_order() -> dict:
    """Importing a room registers its works; list them room by room, as they hang."""
    return {slug: fn for room in ROOMS for slug, fn in WORKS.items() if fn.__module__ == room.__name__}


TOTAL_MAX_BYTES = 5_000_000


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("works", nargs="*", help="slugs of the works to make (default: all)")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    ap.add_argument("--list", action="store_true", help="list the works and exit")
    args = ap.parse_args(argv)
    works = works_in_gallery_order()
    if args.list:
        for slug, fn in works.items():
            doc = " ".join((fn.__doc__ or "").split())
            print(f"{slug:24} {doc.split('. ')[0].rstrip('.')}.")
        return 0
    unknown = [s for s in args.works if s not in works]
    if unknown:
        ap.error(f"unknown work(s): {', '.join(unknown)}; known: {', '.join(works)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for slug in args.works or works:
        started = time.monotonic()
        path = works[slug](args.out)
        print(
            f"{path.name:28} {path.stat().st_size / 1000:7.1f} kB  {time.monotonic() - started:6.1f} s",
            flush=True,
        )
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"{'total in ' + args.out.name + '/':28} {total / 1000:7.1f} kB")
    if total > TOTAL_MAX_BYTES:
        print(f"make_gallery: the gallery is over its {TOTAL_MAX_BYTES / 1e6:.0f} MB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
