"""Thumbnails with Pillow: right sizes and formats, EXIF orientation applied, made once."""
from __future__ import annotations

from gallery_support import draw
from PIL import Image

from event_server.media import thumbnails


def test_widths_and_formats_never_wider_than_the_source(tmp_path):
    source = draw(tmp_path / "wide.png", size=(900, 600))
    cache = tmp_path / "thumbs"
    for width, expected in ((320, (320, 213)), (640, (640, 427)), (1280, (900, 600))):
        for fmt, name in (("webp", "WEBP"), ("jpg", "JPEG")):
            with Image.open(thumbnails.thumbnail(source, width, fmt, cache)) as img:
                assert (img.size, img.format) == (expected, name)


def test_exif_orientation_is_applied(tmp_path):
    # Stored landscape with "rotate 90° clockwise to view": shown as a portrait, white corner at the top right.
    source = draw(tmp_path / "phone.jpg", size=(600, 300), exif_orientation=6)
    assert thumbnails.size(source) == (300, 600)
    with Image.open(thumbnails.thumbnail(source, 320, "jpg", tmp_path / "thumbs")) as img:
        assert img.size == (300, 600)
        assert img.convert("L").getpixel((290, 10)) > 240 and img.convert("L").getpixel((10, 10)) < 200


def test_made_once_then_read_from_disk_and_remade_when_the_source_changes(tmp_path):
    source = draw(tmp_path / "a.png")
    cache = tmp_path / "thumbs"
    first = thumbnails.thumbnail(source, 320, "webp", cache)
    stamp = first.stat().st_mtime_ns
    assert thumbnails.thumbnail(source, 320, "webp", cache) == first and first.stat().st_mtime_ns == stamp
    draw(source, size=(400, 400), hue=3)
    assert thumbnails.thumbnail(source, 320, "webp", cache) != first


def test_uploaded_images_must_decode(tmp_path):
    good = draw(tmp_path / "good.png")
    assert thumbnails.verify_image(good) is None
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:200])
    assert "could not be read" in thumbnails.verify_image(truncated)
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really")
    assert "could not be read" in thumbnails.verify_image(fake)


def test_images_above_the_megapixel_cap_are_refused_before_decoding(tmp_path):
    """70 MP in a few kilobytes: Pillow itself would only refuse at twice its limit (120 MP)."""
    bomb = tmp_path / "bomb.png"
    Image.new("1", (10_000, 7_000)).save(bomb)
    assert bomb.stat().st_size < 100_000
    assert thumbnails.verify_image(bomb) == thumbnails.TOO_MANY_PIXELS
    at_cap = tmp_path / "cap.png"
    Image.new("1", (10_000, 6_000)).save(at_cap)
    assert thumbnails.verify_image(at_cap) is None
