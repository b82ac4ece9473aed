"""The gallery's pure rules: hanging, walking, submissions, upload types, rate limits, curator edits."""
from __future__ import annotations

from datetime import UTC, datetime

from gallery_support import png_bytes

from event_server.core import gallery
from event_server.core.model import ROLES, Gallery, GalleryRoom, GalleryWork, OpenCall, Text
from event_server.core.rules import is_address


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


def test_the_deadline_follows_the_clock_given():
    call = OpenCall(Text.of("Call"), Text.of("Text"), datetime(2020, 8, 1, 20, 59, 59, tzinfo=UTC))
    assert gallery.is_open(call, datetime(2020, 8, 1, 20, 0, tzinfo=UTC))
    assert not gallery.is_open(call, datetime(2020, 8, 1, 21, 0, tzinfo=UTC))
    assert not gallery.is_open(None, datetime(2020, 1, 1, tzinfo=UTC))


FIELDS = {"name": " Ada ", "email": "ada@example.org", "role": "musician", "title": "Song", "description": "",
          "technique": "GLOW", "links": "https://a.example/1\n\nhttps://b.example/2", "motivation": ""}


def test_a_good_submission_is_trimmed_and_its_links_split():
    sub, errors = gallery.check_submission(FIELDS, ROLES, has_upload=False)
    assert errors == {} and sub.name == "Ada" and sub.links == ("https://a.example/1", "https://b.example/2")


def test_submission_mistakes_are_named_per_field():
    _, errors = gallery.check_submission({**FIELDS, "email": "ada", "role": "boss", "title": "",
                                          "links": "https://ok.example\nftp://x.example", "motivation": "x" * 7000},
                                         ROLES, has_upload=False)
    assert set(errors) == {"email", "role", "title", "links", "motivation"}
    assert errors["links"] == ("Links must be full https:// addresses, one per line: {link} is not.",
                               {"link": "ftp://x.example"})
    assert errors["motivation"][1] == {"limit": 6000, "length": 7000}
    _, errors = gallery.check_submission({**FIELDS, "links": ""}, ROLES, has_upload=False)
    assert set(errors) == {"links"}  # something to look at: a link or a file
    assert gallery.check_submission({**FIELDS, "links": ""}, ROLES, has_upload=True)[1] == {}
    for bad in ("http://a.example", "https://", "https://localhost/x", "https://a.example/x y", "javascript:alert(1)"):
        assert not is_address(bad), bad


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
              "artists": "Ada, Alan"}
    hung_work, errors = gallery.check_work("OC-1", fields, rooms, upload="x.png", upload_kind="image")
    assert errors == {} and hung_work.work.upload == "x.png" and hung_work.work.artists == ("Ada", "Alan")
    _, errors = gallery.check_work("OC-1", {**fields, "alt": "", "slug": "a", "year": "20"}, rooms, "x.png", "image")
    assert set(errors) == {"alt", "slug", "year"}
    # An audio upload cannot become an image work; a web work needs its link.
    assert set(gallery.check_work("OC-1", fields, rooms, "x.mp3", "audio")[1]) == {"media"}
    assert set(gallery.check_work("OC-1", {**fields, "kind": "web"}, rooms, None, None)[1]) == {"link"}
    assert gallery.suggested_slug("Сад / Dream Garden #2!") == "dream-garden-2"
