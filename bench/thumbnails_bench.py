"""How long gallery thumbnails take: made once (cold), then found on disk (every later request).

    python bench/thumbnails_bench.py [--size 2400x1600] [--repeat 5]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402

from event_server.core.gallery import THUMB_WIDTHS  # noqa: E402
from event_server.media import thumbnails  # noqa: E402


def picture(path: Path, width: int, height: int) -> Path:
    img = Image.new("RGB", (width, height), (30, 20, 90))
    pen = ImageDraw.Draw(img)
    for r in range(0, max(width, height), 23):
        pen.ellipse((width // 2 - r, height // 2 - r, width // 2 + r, height // 2 + r), outline=(255, r % 256, 160), width=5)
    img.save(path, "JPEG", quality=90)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="2400x1600")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        source = picture(Path(tmp) / "source.jpg", width, height)
        cold = []
        for i in range(args.repeat):
            cache = Path(tmp) / f"cache{i}"
            start = time.perf_counter()
            for w in THUMB_WIDTHS:
                for fmt in ("webp", "jpg"):
                    thumbnails.thumbnail(source, w, fmt, cache)
            cold.append(time.perf_counter() - start)
        start, n = time.perf_counter(), 2000
        for _ in range(n):
            thumbnails.thumbnail(source, 640, "webp", cache)
        warm = (time.perf_counter() - start) / n
        made = sum(p.stat().st_size for p in cache.iterdir())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"source {width}x{height} JPEG; 6 thumbnails ({'/'.join(map(str, THUMB_WIDTHS))} px, WebP + JPEG), "
          f"{made / 1024:.0f} KB together")
    print(f"cold, all six: median {statistics.median(cold) * 1000:.0f} ms (min {min(cold) * 1000:.0f} ms)")
    print(f"cached lookup: {warm * 1e6:.0f} µs per thumbnail; peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
