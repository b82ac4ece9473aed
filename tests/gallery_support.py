"""A small programme with a gallery and an open call, its pictures drawn with Pillow in the test."""
from __future__ import annotations

import io
import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from conftest import write_program
from PIL import Image, ImageDraw


def draw(path: Path, size=(900, 600), hue: int = 0, exif_orientation: int | None = None) -> Path:
    """A generated picture: concentric rings, so thumbnails and orientation are visible in screenshots."""
    img = Image.new("RGB", size, ((hue * 47) % 256, 40, 120))
    pen = ImageDraw.Draw(img)
    for r in range(0, max(size), 40):
        pen.ellipse((size[0] // 2 - r, size[1] // 2 - r, size[0] // 2 + r, size[1] // 2 + r),
                    outline=(255, (hue * 90 + r) % 256, 160), width=6)
    pen.rectangle((0, 0, size[0] // 6, size[1] // 6), fill=(255, 255, 255))  # marks the top-left corner
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    img.save(path, "JPEG" if path.suffix == ".jpg" else "PNG", **({"exif": exif} if exif_orientation else {}))
    return path


def png_bytes(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, "PNG")
    return out.getvalue()


GALLERY = """\
gallery:
  title: {en: State of the Art, ru: State of the Art}
  intro: {en: Co-creation of people and AI., ru: Сотворчество людей и ИИ.}
  rooms:
    - slug: growing
      title: {en: Growing patterns, ru: Растущие узоры}
      text: {en: Cells that learn to grow., ru: "Клетки, которые учатся расти."}
      cover: ring-two
      works:
%(works)s
    - slug: latent
      title: {en: Latent walks, ru: Прогулки по латентному пространству}
      works:
        - slug: far-link
          title: A web work
          kind: web
          link: https://example.org/work
        - slug: tube
          title: A video on YouTube
          kind: video
          youtube: zRje8tRjcz8
open_call:
  title: {en: Open call, ru: Открытый конкурс}
  text: {en: "Send us your ML art.\\n\\nImages, video, music.", ru: "Присылайте ML-искусство."}
  deadline: %(deadline)s
"""


def gallery_program(folder: Path, works: int = 3, deadline: str = "2020-08-01", talks: list[dict] | None = None) -> Path:
    """Talks on 2020-09-19 as in conftest (one at 14:00 unless `talks`); `works` image works in room 'growing'."""
    rows = []
    for i in range(1, works + 1):
        name = ["one", "two", "three", "four", "five", "six"][i - 1]
        draw(folder / "media" / "gallery" / f"ring-{name}.png", hue=i)
        rows.append(textwrap.indent(textwrap.dedent(f"""\
            - slug: ring-{name}
              title: {{en: Ring {name}, ru: Кольцо {name}}}
              artists: [Test Artist]
              year: 2020
              kind: image
              technique: Neural Cellular Automata
              media: media/gallery/ring-{name}.png
              alt: {{en: Pink rings number {name} on blue, ru: Розовые кольца {name} на синем}}
            """), " " * 8))
    return write_program(folder, talks or [{"slug": "first", "start": "14:00"}],
                         extra=GALLERY % {"works": "".join(rows).rstrip("\n"), "deadline": deadline})


BEFORE = datetime(2020, 7, 20, 12, 0, tzinfo=UTC)
FIELDS = {"name": "Ada", "email": "ada@example.org", "role": "artist", "title": "Dream garden",
          "description": "Grown with a neural CA.", "technique": "Neural Cellular Automata",
          "links": "https://example.org/garden", "motivation": "I grow pictures."}


async def session_and_csrf(server) -> tuple[aiohttp.ClientSession, str]:
    """One browser: its cookies (the attendee id the CSRF token is bound to) and the form's token."""
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"{server.url}/open-call") as r:
        html = await r.text()
    return session, re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def form(csrf: str | None, upload: tuple[str, bytes, str] | None = None, **changes) -> aiohttp.FormData:
    data = aiohttp.FormData()
    if csrf is not None:
        data.add_field("csrf", csrf)
    for key, value in {**FIELDS, "website": "", **changes}.items():
        data.add_field(key, value)
    if upload:
        name, content, declared = upload
        data.add_field("upload", content, filename=name, content_type=declared)
    return data


IDEA = {"kind": "idea", "name": "Ada Painter", "email": "ada.painter@example.org", "role": "artist",
        "title": "Paintings that dream", "description": "My oil paintings, continued by a network.",
        "help": "train a StyleGAN2 on my paintings", "share_email": "on"}
PROFILE = {"kind": "profile", "name": "Alan Modeller", "email": "alan.modeller@example.org",
           "skills": "Generative models, GAN training", "tools": "PyTorch, StyleGAN2", "share_email": "on",
           "availability": "two evenings a week until August", "links": "https://example.org/alan"}


async def send(server, fields: dict, lang: str = "en", upload=None, path: str = "/open-call") -> str:
    """One applicant's browser sends the form (any kind); the entry's reference."""
    session, csrf = await session_and_csrf(server)
    data = aiohttp.FormData()
    for key, value in {"csrf": csrf, "website": "", **fields}.items():
        data.add_field(key, value)
    if upload:
        data.add_field("upload", upload[1], filename=upload[0], content_type=upload[2])
    async with session, session.post(f"{server.url}{path}?lang={lang}", data=data, allow_redirects=False) as r:
        assert r.status == 303, await r.text()
        return r.headers["Location"].rsplit("/", 1)[1]


async def signed_in_curator(server) -> tuple[aiohttp.ClientSession, str]:
    session, csrf = await session_and_csrf(server)
    async with session.post(f"{server.url}/login", data={"csrf": csrf, "token": "cur-token", "next": "/curate"}) as r:
        assert r.status == 200 and "Curation" in await r.text()
    return session, csrf


HANG = {"room": "latent", "slug": "dreaming-paintings", "kind": "image", "title": "Paintings that dream",
        "year": "2020", "technique": "StyleGAN2", "description": "", "alt": "Oil paintings melting into each other",
        "link": "", "media": "", "youtube": "", "note": "", "tell": "on", "message": "Bravo!"}


async def rehearse(server) -> dict[str, str]:
    """An idea in Russian paired with a profile in English, their finished work hung in the gallery credited
    to both, and a lone work waiting: the references of each, and the lone work's withdrawal link (over
    HTTP, as the people would do it)."""
    idea = await send(server, IDEA, lang="ru")
    profile = await send(server, PROFILE)
    loner = await send(server, {"kind": "work", "name": "Lone Painter", "email": "lone@example.org",
                                "role": "artist", "title": "Alone", "links": "https://example.org/alone"})
    curator, csrf = await signed_in_curator(server)
    async with curator:
        async with curator.get(f"{server.url}/curate?kind=idea&status=new") as r:
            page = await r.text()
        assert idea in page and profile not in page and loner not in page  # filtered by kind
        async with curator.post(f"{server.url}/curate/{idea}/introduce", data={"csrf": csrf, "profile": profile,
                                                                               "note": "Both love oil paint"}) as r:
            assert r.status == 200 and "introduced" in await r.text()
        [pairing] = await server.store.fetch("SELECT * FROM pairings")
        async with curator.post(f"{server.url}/curate/pairings/{pairing['id']}",
                                data={"csrf": csrf, "status": "working", "next": f"/curate/{profile}"}) as r:
            assert r.status == 200 and str(r.url).endswith(f"/curate/{profile}")
        # The artist's letter (in Russian) carries the link for the finished work.
        [_, introduction] = await server.store.fetch("SELECT * FROM outbox WHERE recipient = ? ORDER BY created_ms, id",
                                                     IDEA["email"])
        assert introduction["lang"] == "ru" and "Alan Modeller" in introduction["body"]
        link = re.search(r"(/open-call\?kind=work&pairing=\S+)", introduction["body"]).group(1)
        async with aiohttp.ClientSession() as artist, artist.get(f"{server.url}{link}") as r:
            assert "Alan Modeller" in await r.text()  # the form says who the work is made with
        token = re.search(r"pairing=([^&\s]+)", link).group(1)
        work = await send(server, {"kind": "work", "pairing": token, "name": IDEA["name"], "email": IDEA["email"],
                                   "role": "artist", "title": "Paintings that dream"}, lang="ru",
                          upload=("dream.png", png_bytes(), "image/png"))
        async with curator.get(f"{server.url}/curate/{work}") as r:
            page = await r.text()
        assert 'name="collaborators" type="text" value="Alan Modeller"' in page  # credited by default
        async with curator.post(f"{server.url}/curate/{work}/accept", data={**HANG, "csrf": csrf,
                                "artists": IDEA["name"], "collaborators": PROFILE["name"]}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/gallery/latent/dreaming-paintings"
    [received] = await server.store.fetch("SELECT body FROM outbox WHERE recipient = 'lone@example.org'")
    withdraw = re.search(r"(/open-call/withdraw/[^?\s]+)", received["body"]).group(1)
    return {"withdraw": withdraw, "idea": idea, "profile": profile, "work": work, "loner": loner, "pairing": pairing["id"]}
