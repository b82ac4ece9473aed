"""The gallery in real Chromium: walking a room with the keys, an artist's upload, a curator hanging it.

Screenshots go to $GALLERY_SCREENSHOTS (or the test's temporary folder) to be looked at by a person.
"""
from __future__ import annotations

import os
from pathlib import Path

from gallery_support import BEFORE, FIELDS, draw, gallery_program


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GALLERY_SCREENSHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def loaded_images(page) -> list[tuple[str, int]]:
    return await page.eval_on_selector_all("main img", "els => els.map(e => [e.alt, e.naturalWidth])")


async def test_walk_a_room_with_the_arrow_keys(start_server, browser, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog", works=4))
    out = shots(tmp_path)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{server.url}/gallery")
    await page.screenshot(path=out / "gallery-rooms-desktop.png", full_page=True)
    await page.click("text=Growing patterns")
    await page.wait_for_load_state("networkidle")
    images = await loaded_images(page)
    assert len(images) == 4 and all(alt and width > 0 for alt, width in images)
    await page.screenshot(path=out / "gallery-room-desktop.png", full_page=True)
    await page.click("text=Ring one")
    await page.wait_for_url("**/gallery/growing/ring-one")
    await page.wait_for_load_state("networkidle")  # gallery.js is a module: it runs after parsing
    for key, expected in (("ArrowRight", "ring-two"), ("ArrowRight", "ring-three"), ("ArrowLeft", "ring-two")):
        await page.keyboard.press(key)
        await page.wait_for_url(f"**/gallery/growing/{expected}")
    [(alt, width)] = await loaded_images(page)
    assert alt == "Pink rings number two on blue" and width >= 640  # the large view picks a large thumbnail
    await page.screenshot(path=out / "gallery-work-desktop.png", full_page=True)
    # Typing in the share field does not walk away.
    await page.focus("#share-link")
    await page.keyboard.press("ArrowRight")
    assert page.url.endswith("/gallery/growing/ring-two")

    phone = await browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
    await phone.goto(f"{server.url}/gallery/growing?lang=ru")
    await phone.wait_for_load_state("networkidle")
    await phone.screenshot(path=out / "gallery-room-phone-ru.png", full_page=True)
    await phone.goto(f"{server.url}/gallery/growing/ring-three?lang=ru")
    await phone.screenshot(path=out / "gallery-work-phone-ru.png", full_page=True)
    assert await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


async def test_an_artist_submits_with_an_image_and_a_curator_hangs_it_for_good(start_server, browser, tmp_path):
    server = await start_server(program=gallery_program(tmp_path / "prog"), now=BEFORE)
    out = shots(tmp_path)
    picture = draw(tmp_path / "my garden.jpg", size=(1600, 1000), hue=5)
    artist = await browser.new_page(viewport={"width": 1280, "height": 900})
    await artist.goto(f"{server.url}/open-call")
    for name in ("name", "email", "title", "technique"):
        await artist.fill(f"[name={name}]", FIELDS[name])
    await artist.check("input[name=role][value=artist]")
    await artist.fill("[name=description]", FIELDS["description"])
    await artist.set_input_files("input[name=upload]", str(picture))
    await artist.screenshot(path=out / "open-call-desktop.png", full_page=True)
    await artist.click("button[type=submit]")
    await artist.wait_for_url("**/open-call/sent/OC-*")
    reference = (await artist.text_content(".reference")).strip()
    await artist.screenshot(path=out / "open-call-sent.png")

    curator = await browser.new_page(viewport={"width": 1280, "height": 900})
    await curator.goto(f"{server.url}/curate")
    await curator.fill("[name=token]", "cur-token")
    await curator.click("button[type=submit]")
    await curator.click(f"text={reference}")
    assert await curator.eval_on_selector("img.preview", "e => e.naturalWidth") == 1600
    await curator.select_option("[name=room]", "latent")
    await curator.fill("[name=alt]", "Orange rings on blue with a white corner")
    await curator.screenshot(path=out / "curate-submission.png", full_page=True)
    await curator.click("text=Accept and hang")
    await curator.wait_for_url("**/gallery/latent/dream-garden")

    await server.restart()
    visitor = await browser.new_page(viewport={"width": 1280, "height": 900})
    await visitor.goto(f"{server.url}/gallery/latent")
    await visitor.click("text=Dream garden")
    await visitor.wait_for_load_state("networkidle")
    [(alt, width)] = await loaded_images(visitor)
    assert alt == "Orange rings on blue with a white corner" and width > 0
    assert "/thumb-1280.webp" in await visitor.eval_on_selector("main img", "e => e.currentSrc")
    await visitor.screenshot(path=out / "gallery-accepted-work.png", full_page=True)


async def test_a_visitor_walks_every_room_of_the_meetups_gallery(start_server, browser, tmp_path):
    """The shipped 2020 gallery: every room, every work, reached with the keys; every picture loads."""
    server = await start_server()
    program = server.event.program
    assert len(program.gallery.rooms) >= 3 and sum(len(r.works) for r in program.gallery.rooms) >= 12
    out = shots(tmp_path)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    broken = []
    page.on("response", lambda r: broken.append(r.url) if r.status >= 400 else None)
    await page.goto(f"{server.url}/gallery")
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=out / "meetup-gallery.png", full_page=True)
    for room in program.gallery.rooms:
        await page.goto(f"{server.url}/gallery/{room.slug}")
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=out / f"meetup-room-{room.slug}.png", full_page=True)
        assert all(width > 0 for _, width in await loaded_images(page))
        await page.click(f"a[href='/gallery/{room.slug}/{room.works[0].slug}']")
        for here, there in zip(room.works, room.works[1:] + room.works[:1], strict=True):  # round the room, back to the first
            await page.wait_for_load_state("networkidle")
            images = await loaded_images(page)
            assert all(width > 0 for _, width in images), page.url
            if here.kind == "image":
                assert [alt for alt, _ in images] == [here.alt.get("en")]
            await page.keyboard.press("ArrowRight")
            await page.wait_for_url(f"**/gallery/{room.slug}/{there.slug}")
    assert broken == []
