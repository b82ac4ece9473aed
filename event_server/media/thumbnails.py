"""Gallery thumbnails with Pillow: made once per picture, width and format, then kept on disk.

A thumbnail's file name carries a digest of the source's path, size and modification time, so an
edited picture gets new thumbnails and an unchanged one is never decoded again. Files are written
to a temporary name and renamed, so a half-written thumbnail is never served.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 4}), "jpg": ("JPEG", {"quality": 82, "optimize": True,
                                                                           "progressive": True})}
# Decoding bombs: a small file that expands to gigapixels must be refused, not decoded.
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
TOO_MANY_PIXELS = "This image has more than 60 megapixels. Send a smaller version of it."
ACCEPTED = {"PNG", "JPEG", "GIF", "WEBP"}


def version(source: Path) -> str:
    """Changes when the source file changes; part of thumbnail names and URLs (for caching)."""
    st = source.stat()
    return hashlib.sha1(f"{source.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]


def thumbnail(source: Path, width: int, fmt: str, cache: Path) -> Path:
    """The thumbnail file, made now if it is not in `cache` yet. Never wider than the source."""
    target = cache / f"{version(source)}-{width}.{fmt}"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as opened:
        # JPEGs can decode at 1/2, 1/4 or 1/8 scale: several times faster. Both sides stay at least
        # `width`, so the picture is still wide enough whichever way EXIF turns it.
        opened.draft("RGB", (width, width))
        img = ImageOps.exif_transpose(opened)  # phones store portraits sideways plus an orientation tag
        if img.width > width:
            img = img.resize((width, max(1, round(img.height * width / img.width))), Image.Resampling.LANCZOS)
        if img.mode not in ("RGB", "L"):
            img = _flatten(img)
        name, options = FORMATS[fmt]
        fd, tmp = tempfile.mkstemp(dir=cache, suffix=f".{fmt}.part")
        try:
            with os.fdopen(fd, "wb") as out:
                img.save(out, name, **options)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    return target


def _flatten(img: Image.Image) -> Image.Image:
    """Transparent pictures go on the gallery's dark wall colour rather than on black."""
    rgba = img.convert("RGBA")
    wall = Image.new("RGB", rgba.size, (16, 16, 20))
    wall.paste(rgba, mask=rgba.getchannel("A"))
    return wall


@lru_cache(maxsize=4096)
def _size(path: str, stamp: str) -> tuple[int, int]:
    with Image.open(path) as img:
        w, h = img.size
        orientation = img.getexif().get(0x0112, 1)
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)  # 5–8 turn the picture by 90°


def size(source: Path) -> tuple[int, int]:
    """Width and height as shown (after EXIF orientation), for width/height attributes on <img>."""
    return _size(str(source), version(source))


def verify_image(path: Path) -> str | None:
    """None if the file decodes as an accepted image format, else why not (the bytes may lie)."""
    try:
        with Image.open(path) as img:
            # Image.open reads only the header; Pillow's own bomb check refuses at twice MAX_IMAGE_PIXELS,
            # so the cap is enforced here, before any pixel is decoded.
            if img.width * img.height > MAX_PIXELS:
                return TOO_MANY_PIXELS
            fmt = img.format
            img.verify()
        with Image.open(path) as img:
            img.load()  # verify() skips pixel data; a truncated file fails only here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "This image could not be read: the file is damaged or not really an image."
    return None if fmt in ACCEPTED else "This image format is not accepted: use PNG, JPEG, GIF or WebP."
