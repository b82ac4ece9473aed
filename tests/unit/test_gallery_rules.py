"""The gallery's pure rules: hanging, walking, upload types, curator edits (the open call's: test_open_call_rules)."""
from __future__ import annotations

from gallery_support import png_bytes

from event_server.core import gallery
from event_server.core.model import Gallery, GalleryRoom, GalleryWork, Text


def work(slug: str, kind: str = "image", **kw) -> GalleryWork:
    return GalleryWork(slug=slug, title=Text.of(slug), kind=kind, media=kw.pop("media", f"media/{slug}.png"), **kw)


ROOM = GalleryRoom("growing", Text.of("Growing"), works=(work("a"), work("b"), work("c")))
GALLERY = Gallery(Text.of("State of the Art"), rooms=(ROOM, GalleryRoom("empty", Text.of("Empty"))))


def hung(room: str, slug: str) -> gallery.HungWork:
    return gallery.HungWork(room, work(slug, media=None, upload=f"{slug}.png"), submission=f"OC-{slug}")


def test_accepted_works_hang_after_the_programmes_and_the_programme_wins_a_slug():
    rooms = gallery.combine(GALLERY, [hung("growing", "d"), hung("growing", "a"), hung("gone", "e"), hung("empty", "f")])
    assert [w.slug for w in rooms[0].works] == ["a", "b", "c", "d"]
    assert rooms[0].works[0].upload is None  # the programme's own "a"
    assert [w.slug for w in rooms[1].works] == ["f"]
    assert gallery.combine(None, [hung("growing", "d")]) == ()


def test_walking_a_room_wraps_around():
    assert [w.slug if w else None for w in gallery.neighbours(ROOM, "a")] == ["c", "a", "b"]
    assert [w.slug if w else None for w in gallery.neighbours(ROOM, "c")] == ["b", "c", "a"]
    assert gallery.neighbours(ROOM, "zzz") == (None, None, None)
    single = GalleryRoom("one", Text.of("One"), works=(work("x"),))
    assert gallery.neighbours(single, "x")[0::2] == (None, None)
    pair = GalleryRoom("two", Text.of("Two"), works=(work("x"), work("y")))
    assert [w.slug if w else None for w in gallery.neighbours(pair, "x")] == [None, "x", "y"]
    assert [w.slug if w else None for w in gallery.neighbours(pair, "y")] == ["x", "y", None]


def test_a_cover_needs_a_picture():
    room = GalleryRoom("r", Text.of("R"), cover="web", works=(work("web", "web", media=None, link="https://x.org"),
                                                            work("vid", "video", media="media/v.webm", poster="media/p.png")))
    assert gallery.cover(room).slug == "vid" and gallery.picture(gallery.cover(room)) == "media/p.png"
    assert gallery.picture(work("remote", media="https://x.org/a.png")) is None
    assert gallery.is_remote(work("remote", media="https://x.org/a.png"))


def test_types_come_from_the_bytes():
    assert gallery.sniff(png_bytes()[:16]).mime == "image/png"
    assert gallery.sniff(b"\xff\xd8\xff\xe0\0\x10JFIF").kind == "image"
    assert gallery.sniff(b"ID3\x04\0\0\0\0").mime == "audio/mpeg"
    assert gallery.sniff(b"\xff\xfb\x90\x64\0\0").mime == "audio/mpeg"
    assert gallery.sniff(b"OggS\0\x02").kind == "audio"
    assert gallery.sniff(b"RIFF\x24\0\0\0WAVEfmt ").mime == "audio/wav"
    assert gallery.sniff(b"\0\0\0\x20ftypM4A \0\0").mime == "audio/mp4"
    assert gallery.sniff(b"\0\0\0\x20ftypisom\0\0").mime == "video/mp4"
    assert gallery.sniff(b"\x1a\x45\xdf\xa3\x9f\x42").mime == "video/webm"
    assert gallery.sniff(b"<!doctype html>") is None and gallery.sniff(b"") is None


def test_a_name_that_contradicts_the_bytes_is_refused():
    png = gallery.sniff(png_bytes()[:16])
    assert gallery.check_upload("song.mp3", png) == (
        "The file is named as {claimed} but its contents are {label}. Please check the file.",
        {"claimed": "audio", "label": "a PNG image"})
    assert gallery.check_upload("picture.jpg", png) is None  # both images: the bytes decide the type
    assert gallery.check_upload("noname", png) is None
    assert gallery.check_upload("page.jpg", None)[0].startswith("This file is not an image, audio or video")


def test_a_curator_edit_follows_the_programmes_rules():
    rooms = GALLERY.rooms
    fields = {"room": "growing", "slug": "song", "kind": "image", "title": "Song", "alt": "Rings", "year": "2020",
              "artists": "Ada, Alan", "collaborators": " Grace ,"}
    hung_work, errors = gallery.check_work("OC-1", fields, rooms, upload="x.png", upload_kind="image")
    assert errors == {} and hung_work.work.upload == "x.png" and hung_work.work.artists == ("Ada", "Alan")
    assert hung_work.work.collaborators == ("Grace",)  # the data scientist, credited apart
    _, errors = gallery.check_work("OC-1", {**fields, "alt": "", "slug": "a", "year": "20"}, rooms, "x.png", "image")
    assert set(errors) == {"alt", "slug", "year"}
    # An audio upload cannot become an image work; a web work needs its link.
    assert set(gallery.check_work("OC-1", fields, rooms, "x.mp3", "audio")[1]) == {"media"}
    assert set(gallery.check_work("OC-1", {**fields, "kind": "web"}, rooms, None, None)[1]) == {"link"}
    assert gallery.suggested_slug("Сад / Dream Garden #2!") == "dream-garden-2"
