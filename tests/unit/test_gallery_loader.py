"""The gallery section of the programme: every mistake reported as FILE:LINE:COL: field.path: message."""
from __future__ import annotations

import pytest
from gallery_support import gallery_program

from event_server.loader import ProgramError, load_program


def errors_for(tmp_path, old: str, new: str) -> list[str]:
    path = gallery_program(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    if not new and old.endswith("\n"):  # removing a line: take its indentation too
        text = "\n".join(line for line in text.split("\n") if line.strip() != old.strip())
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    return [str(p) for p in caught.value.problems]


def line_of(tmp_path, text: str) -> int:
    lines = (tmp_path / "program.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_sample_gallery_loads(tmp_path):
    program = load_program(gallery_program(tmp_path))
    growing = program.gallery.rooms[0]
    assert [w.slug for w in growing.works] == ["ring-one", "ring-two", "ring-three"]
    assert growing.cover == "ring-two" and growing.works[0].technique == "Neural Cellular Automata"
    assert program.open_call.deadline.isoformat() == "2020-08-01T23:59:59+03:00"


def test_an_image_without_alt_text_is_an_error_at_its_work(tmp_path):
    [problem] = errors_for(tmp_path, "  alt: {en: Pink rings number one on blue, ru: Розовые кольца one на синем}\n", "")
    line = line_of(tmp_path, "- slug: ring-one")
    assert problem.startswith(f"{tmp_path / 'program.yaml'}:{line}:")
    assert "gallery.rooms[0].works[0].alt: images need alt text" in problem


def test_an_unknown_kind_names_the_kinds(tmp_path):
    [problem] = errors_for(tmp_path, "kind: web", "kind: website")
    assert f":{line_of(tmp_path, 'kind: website')}:" in problem
    assert "gallery.rooms[1].works[0].kind: unknown kind 'website': use one of image, video, audio, web" in problem


def test_a_missing_media_file_says_where_it_looked(tmp_path):
    [problem] = errors_for(tmp_path, "media/gallery/ring-two.png", "media/gallery/ring-2.png")
    assert "gallery.rooms[0].works[1].media: file 'media/gallery/ring-2.png' not found" in problem


def test_other_gallery_mistakes(tmp_path):
    problems = errors_for(tmp_path, "cover: ring-two", "cover: ring-twoo")
    assert any("cover: unknown work 'ring-twoo'; did you mean 'ring-two'?" in p for p in problems)
    problems = errors_for(tmp_path, "link: https://example.org/work", "link: http://example.org/work")
    assert any("works[0].link: 'http://example.org/work' must be an https:// address" in p for p in problems)
    problems = errors_for(tmp_path, "    - slug: ring-two", "    - slug: ring-one")
    assert any("duplicate slug 'ring-one'" in p for p in problems)
    problems = errors_for(tmp_path, "media: media/gallery/ring-one.png", "media: program.yaml")
    assert any("'program.yaml' is not a picture" in p for p in problems)


def test_the_open_call_may_say_until_when_entries_are_kept(tmp_path):
    path = gallery_program(tmp_path)
    path.write_text(path.read_text().replace("  deadline: 2020-08-01", "  deadline: 2020-08-01\n  keep_until: 2020-12-31"))
    assert load_program(path).open_call.keep_until.isoformat() == "2020-12-31T23:59:59+03:00"
    [problem] = errors_for(tmp_path / "bad", "  deadline: 2020-08-01", "  deadline: 2020-08-01\n  keep_until: soon")
    assert "open_call.keep_until" in problem and ":" in problem.split(" ")[0]
