"""Room "Words in the city": inscriptions from a bigram model on generated walls, and a poster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from toolkit import (
    HERE,
    fbm2d,
    font,
    gaussian_blur,
    gradient_palette,
    grain,
    luminance,
    resize,
    rng_for,
    save_jpeg,
    shade,
    to_image,
    vignette,
    work,
)

# Street writing from a language model of a small corpus.
#
# street-corpus.txt holds ~80 inscriptions written for this gallery. A word bigram model (the
# smallest language model there is: which word follows which, counted) writes new ones, and each
# is sprayed on a wall that is itself generated: bricks, concrete panels, a garage shutter.

CORPUS = HERE / "street-corpus.txt"


def corpus_lines() -> list[list[str]]:
    text = CORPUS.read_text(encoding="utf-8")
    return [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def new_inscription(rng: np.random.Generator, min_words: int = 3, max_words: int = 7) -> str:
    """Sample the bigram model until it says something the corpus does not already contain."""
    lines = corpus_lines()
    follows: dict[str, list[str]] = {}
    for words in lines:
        tokens = ["<s>", *words, "</s>"]
        for a, b in zip(tokens, tokens[1:], strict=False):
            follows.setdefault(a, []).append(b)
    known = [" ".join(w) for w in lines]
    for _ in range(1000):
        word, out = "<s>", []
        while True:
            word = follows[word][rng.integers(len(follows[word]))]
            if word == "</s>" or len(out) > max_words:
                break
            out.append(word)
        text = " ".join(out)
        if min_words <= len(out) <= max_words and not any(text in k for k in known):
            return text
    raise RuntimeError("the bigram model kept repeating its corpus")


def wall_relief_light(height: np.ndarray, strength: float = 1.0) -> np.ndarray:
    diffuse, _ = shade(height * strength, light=(-0.4, -0.7, 0.6))
    return (0.55 + 0.55 * diffuse)[..., None]


def brick_wall(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    bw, bh, mortar = 92, 32, 6
    yy, xx = np.mgrid[:h, :w]
    row = yy // bh
    xs = xx + (row % 2) * bw // 2
    col = xs // bw
    u, v = xs % bw, yy % bh
    tones = (
        np.array([(138, 62, 44), (156, 78, 54), (122, 54, 42), (168, 94, 66), (112, 58, 48), (146, 70, 50)])
        / 255
    )
    pick = rng.integers(0, len(tones), (h // bh + 2, w // bw + 3))
    shade_ = 1 + 0.08 * rng.normal(0, 1, pick.shape)
    colour = tones[pick[row, col]] * shade_[row, col][..., None]
    fine = fbm2d(rng, h, w, 6, 40)
    colour *= (1 + 0.06 * fine + 0.04 * rng.normal(0, 1, (h, w)))[..., None]
    edge = np.minimum(np.minimum(u, bw - 1 - u), np.minimum(v, bh - 1 - v)).astype(float)
    worn = edge + 1.2 * fbm2d(rng, h, w, 4, 30)
    in_mortar = worn < mortar / 2
    mortar_col = np.array([150, 144, 132]) / 255 * (1 + 0.1 * fine)[..., None]
    colour = np.where(in_mortar[..., None], mortar_col, colour)
    # soot and lime: large soft stains
    grime = fbm2d(rng, h, w, 4, 2)
    colour *= (1 - 0.22 * np.clip(grime, 0, 1))[..., None]
    lime = np.clip(fbm2d(rng, h, w, 5, 4) - 0.9, 0, 1)
    colour = colour * (1 - lime[..., None]) + lime[..., None] * np.array([0.78, 0.76, 0.72])
    height = np.where(in_mortar, 0.0, np.clip(worn - mortar / 2, 0, 2.5) / 2.5) + 0.04 * fine
    return colour * wall_relief_light(gaussian_blur(height, 1.0), 5)


def concrete_wall(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    tex = fbm2d(rng, h, w, 7, 6)
    colour = np.array([152, 150, 144]) / 255 * (1 + 0.07 * tex + 0.025 * rng.normal(0, 1, (h, w)))[..., None]
    pits = gaussian_blur((rng.random((h, w)) < 0.0015).astype(float), 0.9) * 4
    colour *= (1 - 0.5 * np.clip(pits, 0, 1))[..., None]
    height = 0.05 * fbm2d(rng, h, w, 4, 60)
    # panel seams
    seam_y = [int(h * 0.37), int(h * 0.37) + int(h * 0.62)]
    seams = np.abs(xx - int(w * 0.71)) < 3
    for y in seam_y:
        seams |= np.abs(yy - y) < 3
    height = np.where(seams, -0.8, height)
    colour = np.where(seams[..., None], colour * 0.6, colour)
    # rain streaks (noise stretched downwards) and rust running from two bolts
    streaks = gaussian_blur(np.clip(resize(rng.normal(0, 1, (h // 120 + 2, w // 9)), w, h), 0, None), 2)
    colour *= (1 - 0.08 * streaks * np.clip(fbm2d(rng, h, w, 3, 2) + 0.6, 0, 1))[..., None]
    for bx in (int(w * 0.71) - 70, int(w * 0.71) + 70):
        by = seam_y[0] + 46
        d = np.hypot(xx - bx, yy - by)
        rust = (
            np.exp(-(((xx - bx) / 10) ** 2))
            * (yy > by)
            * np.exp(-(yy - by) / 300)
            * np.clip(0.6 + 0.5 * tex, 0, 1)
        )
        colour = colour * (1 - 0.45 * rust[..., None]) + rust[..., None] * 0.45 * np.array([0.45, 0.24, 0.12])
        colour = np.where((d < 8)[..., None], np.array([0.22, 0.2, 0.19]), colour)
        height = np.where(d < 8, 0.6, height)
    return colour * wall_relief_light(gaussian_blur(height, 1.0), 3)


def garage_shutter(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    pitch = 46
    p = (yy % pitch) / pitch
    profile = np.clip(1.5 * np.sin(2 * np.pi * p), -1, 1)  # flat-topped ribs
    tex = fbm2d(rng, h, w, 6, 8)
    colour = np.array([128, 164, 152]) / 255 * (1 + 0.05 * tex + 0.02 * rng.normal(0, 1, (h, w)))[..., None]
    # rust climbs from the bottom and breaks out along a few ribs
    rust_amount = 0.55 * fbm2d(rng, h, w, 6, 6) + 1.3 * (yy / h) ** 4 + 0.25 * (profile < -0.9)
    rust = np.clip((rust_amount - 0.72) / 0.25, 0, 1)
    rust_col = gradient_palette(np.clip(0.5 + 0.5 * tex, 0, 1), [(74, 40, 24), (132, 68, 36), (170, 104, 60)])
    colour = colour * (1 - rust[..., None]) + rust_col * rust[..., None]
    colour *= (1 - 0.15 * np.clip(fbm2d(rng, h, w, 3, 2), 0, 1))[..., None]  # dirt
    colour = colour * wall_relief_light(gaussian_blur(profile * 1.6 + 0.3 * tex, 1.5), 1.4)
    # steel guide rails left and right, a bottom bar with a handle
    rail = (xx < 44) | (xx > w - 45)
    colour = np.where(
        rail[..., None],
        np.array([0.2, 0.21, 0.22])
        * (1 + 0.1 * tex)[..., None]
        * (0.8 + 0.4 * ((xx % (w - 45)) < 8))[..., None],
        colour,
    )
    bar = yy > h - 70
    colour = np.where(
        bar[..., None],
        np.array([0.34, 0.36, 0.35]) * (1 + 0.1 * tex)[..., None] * (0.7 + 0.4 * (yy < h - 62))[..., None],
        colour,
    )
    handle = (np.abs(xx - w / 2) < 70) & (np.abs(yy - (h - 100)) < 7)
    return np.where(handle[..., None], np.array([0.12, 0.12, 0.13]), colour)


def spray(
    wall: np.ndarray,
    text: str,
    rng: np.random.Generator,
    paint=(20, 20, 24),
    box=(0.1, 0.2, 0.9, 0.8),
    size: int = 150,
    max_chars: int = 14,
    tilt: float = -2.0,
) -> np.ndarray:
    """Spray-paint text on a wall: hand-jittered letters, a soft overspray, speckle and drips."""
    h, w = wall.shape[:2]
    words, lines, cur = text.split(), [], ""
    for word in words:
        if cur and len(cur) + 1 + len(word) > max_chars:
            lines.append(cur)
            cur = word
        else:
            cur = (cur + " " + word).strip()
    lines.append(cur)
    f = font(size, bold=True, condensed=True)
    x0, y0, x1, y1 = (box[0] * w, box[1] * h, box[2] * w, box[3] * h)
    line_h = size * 1.08
    widest = max(f.getlength(line) for line in lines)
    scale = min(1.0, (x1 - x0) / widest, (y1 - y0) / (line_h * len(lines)))
    f = font(int(size * scale), bold=True, condensed=True)
    line_h *= scale
    mask = Image.new("L", (w, h), 0)
    top = y0 + ((y1 - y0) - line_h * len(lines)) / 2
    for i, line in enumerate(lines):
        x = x0 + ((x1 - x0) - f.getlength(line) * 1.04) / 2 + rng.normal(0, 0.015 * w)
        y = top + i * line_h
        for ch in line:
            adv = f.getlength(ch)
            if ch != " ":
                glyph = Image.new("L", (int(adv * 2 + 20), int(line_h * 2)), 0)
                ImageDraw.Draw(glyph).text((10, line_h * 0.3), ch, font=f, fill=255)
                glyph = glyph.rotate(
                    rng.normal(tilt, 4), resample=Image.BICUBIC, center=(10 + adv / 2, line_h)
                )
                off = (int(x - 10 + rng.normal(0, 2)), int(y - line_h * 0.3 + rng.normal(0, 4)))
                mask.paste(255, off, glyph)
            x += adv * rng.uniform(1.0, 1.08)
    m = np.asarray(mask, float) / 255
    core = np.clip(gaussian_blur(m, 1.6) * 1.3, 0, 1)
    halo = gaussian_blur(m, 7) * 0.35
    speckle = (rng.random((h, w)) < gaussian_blur(m, 12) * 0.18) * rng.uniform(0.3, 0.9, (h, w))
    speckle = gaussian_blur(speckle, 0.6)
    drips = np.zeros((h, w))
    bottom = (m[:-6] > 0.5) & (m[6:] < 0.05)
    ys, xs = np.nonzero(bottom)
    for k in rng.choice(len(ys), size=min(len(ys), 9), replace=False):
        y, x = ys[k] + 2, xs[k]
        length = int(rng.uniform(16, 100) * size / 150)
        width = rng.uniform(1.5, 3.0) * size / 150
        yy = np.arange(y, min(h - 1, y + length))
        wob = np.cumsum(rng.normal(0, 0.15, len(yy)))
        for j, yj in enumerate(yy):
            r = width * (1 - 0.5 * j / len(yy))
            xa, xb = int(x + wob[j] - r), int(x + wob[j] + r) + 1
            drips[yj, max(xa, 0) : min(xb, w)] = 1
        drop = np.hypot(*np.mgrid[-6:7, -6:7]) < width * 1.6
        ye, xe = yy[-1] if len(yy) else y, int(x + (wob[-1] if len(wob) else 0))
        if 6 <= ye < h - 7 and 6 <= xe < w - 7:
            drips[ye - 6 : ye + 7, xe - 6 : xe + 7] = np.maximum(
                drips[ye - 6 : ye + 7, xe - 6 : xe + 7], drop
            )
    drips = gaussian_blur(drips, 0.8)
    alpha = np.clip(core + halo + speckle * 0.8 + drips, 0, 1)
    alpha *= np.clip(0.88 + 0.18 * fbm2d(rng, h, w, 5, 30), 0, 1)  # paint catches the wall unevenly
    lum = luminance(wall)
    paint_rgb = np.asarray(paint, float) / 255 * (0.8 + 0.4 * lum / lum.mean())[..., None]  # keeps the relief
    return wall * (1 - alpha[..., None]) + paint_rgb * alpha[..., None]


def wall_finish(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A photographer's touch: low evening light from one side, vignette, grain."""
    h, w = img.shape[:2]
    xx = np.arange(w) / w
    img = img * (0.9 + 0.2 * xx)[None, :, None] * vignette(h, w, 0.35)
    return img + grain(rng, h, w, 0.015)


INSCRIPTIONS = {  # work slug: (wall maker, paint colour, (height, width) as displayed)
    "wall-bricks": (brick_wall, (238, 236, 228), (1000, 1500)),
    "wall-concrete": (concrete_wall, (24, 24, 30), (1500, 1100)),
    "wall-shutter": (garage_shutter, (214, 40, 44), (1000, 1500)),
}


def inscription_for(slug: str) -> str:
    return new_inscription(rng_for(slug + "/text"))


def make_wall(slug: str) -> np.ndarray:
    maker, paint, (h, w) = INSCRIPTIONS[slug]
    rng = rng_for(slug)
    wall = maker(h, w, rng)
    box = (0.1, 0.2, 0.9, 0.8) if w > h else (0.08, 0.12, 0.92, 0.62)
    img = spray(
        wall,
        inscription_for(slug),
        rng,
        paint=paint,
        box=box,
        size=190 if w > h else 200,
        max_chars=16 if w > h else 8,
    )
    return wall_finish(img, rng)


@work("wall-bricks")
def make_wall_bricks(out: Path):
    """A brick wall, sprayed in white with a new inscription."""
    return save_jpeg(make_wall("wall-bricks"), out / "wall-bricks.jpg", quality=86)


@work("wall-shutter")
def make_wall_shutter(out: Path):
    """A rusting garage shutter, sprayed in red with a new inscription."""
    return save_jpeg(make_wall("wall-shutter"), out / "wall-shutter.jpg", quality=86)


@work("wall-concrete")
def make_wall_concrete(out: Path):
    """A concrete wall, sprayed in black, stored as a phone stores a portrait photograph. The
    pixels lie on their side (rotated 90 degrees counter-clockwise) and EXIF Orientation = 6 tells
    the viewer to turn them clockwise. A thumbnailer that ignores EXIF will show the wall lying
    down."""
    upright = to_image(make_wall("wall-concrete"))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    exif[0x010E] = (
        "Generated wall with a sprayed inscription (event_server gallery, 2020)"  # ImageDescription
    )
    exif[0x0131] = "make_gallery.py"  # Software
    exif[0x013B] = "event_server generators"  # Artist
    return save_jpeg(stored, out / "wall-concrete.jpg", quality=86, exif=exif.tobytes())


# ---------------------------------------------------------------------------------------------
# A poster by a designer who does not exist: generate many layouts on a grid, let a small critic
# with hand-set weights score them, keep the best. (Generate-and-select is how the first
# "non-existent designers" worked: the generator proposes, a learned taste disposes.)

POSTER_PALETTES = [
    ((238, 234, 224), (22, 22, 26), (226, 58, 44), (240, 186, 40)),
    ((236, 234, 228), (20, 36, 86), (240, 110, 60), (140, 190, 200)),
]


def poster_layout(rng: np.random.Generator) -> dict:
    """A random layout on a 12 x 16 grid: 3-6 shapes, a title block, two lines of small type."""
    shapes = []
    for _ in range(rng.integers(3, 7)):
        kind = rng.choice(["circle", "bar", "ring", "half"])
        shapes.append(
            dict(
                kind=kind,
                x=rng.integers(0, 13) / 12,
                y=rng.integers(0, 17) / 16,
                r=rng.integers(1, 7) / 12,
                w=rng.integers(1, 10) / 12,
                h=rng.integers(1, 4) / 16,
                colour=int(rng.integers(1, 4)),
                turn=int(rng.integers(0, 4)),
            )
        )
    return dict(
        palette=int(rng.integers(0, len(POSTER_PALETTES))),
        shapes=shapes,
        title_x=rng.integers(1, 5) / 12,
        title_y=rng.integers(1, 12) / 16,
        title_lines=int(rng.integers(2, 4)),
        title_colour=int(rng.choice([1, 2])),
        info_y=rng.integers(12, 16) / 16,
    )


def poster_title(layout: dict, W: int):
    words = {2: ["STATE OF", "THE ART"], 3: ["STATE", "OF THE", "ART"]}[layout["title_lines"]]
    size = int(W * (0.16 if layout["title_lines"] == 2 else 0.2))
    return words, size, font(size, bold=True, condensed=True)


def poster_fits(layout: dict) -> bool:
    """Hard rules before taste: type stays on the sheet and the title clears the small print."""
    W, H = 1060, 1500
    words, size, f = poster_title(layout, W)
    right = layout["title_x"] * W + max(f.getlength(line) for line in words)
    bottom = layout["title_y"] * H + len(words) * size * 0.92 + size * 0.1
    info_right = layout["title_x"] * W + font(int(W * 0.026), bold=False).getlength(
        "Machine Learning Art · Data Fest 2020"
    )
    return right < 0.95 * W and info_right < 0.95 * W and bottom < layout["info_y"] * H - 0.02 * H


def draw_poster(layout: dict, W: int, H: int, shapes: bool = True, text: bool = True) -> Image.Image:
    pal = POSTER_PALETTES[layout["palette"]]
    img = Image.new("RGB", (W, H), pal[0])
    d = ImageDraw.Draw(img)
    u = W / 12
    for s in layout["shapes"] if shapes else []:
        x, y, r, c = s["x"] * W, s["y"] * H, s["r"] * W, pal[s["colour"]]
        if s["kind"] == "circle":
            d.ellipse([x - r, y - r, x + r, y + r], fill=c)
        elif s["kind"] == "ring":
            d.ellipse([x - r, y - r, x + r, y + r], outline=c, width=max(1, int(u * 0.35)))
        elif s["kind"] == "half":
            d.pieslice([x - r, y - r, x + r, y + r], 90 * s["turn"], 90 * s["turn"] + 180, fill=c)
        else:
            d.rectangle([x, y, x + s["w"] * W, y + s["h"] * H], fill=c)
    if not text:
        return img
    words, size, f = poster_title(layout, W)
    x, y = layout["title_x"] * W, layout["title_y"] * H
    for i, line in enumerate(words):
        d.text((x, y + i * size * 0.92), line, font=f, fill=pal[layout["title_colour"]])
    small = font(max(8, int(W * 0.026)), bold=False)
    iy = layout["info_y"] * H
    d.text((x, iy), "Machine Learning Art · Data Fest 2020", font=small, fill=pal[1])
    d.text((x, iy + W * 0.036), "онлайн-галерея · 19.09.2020", font=small, fill=pal[1])
    return img


def poster_critic(layout: dict, W: int = 120, H: int = 170) -> float:
    """Taste in six numbers: ink coverage near a third, visual weight a little low and left of
    centre, a title that partly (not wholly) overlaps a shape, small type on clear paper, some
    empty paper along the edges, and no letters lost on a shape of their own colour."""
    pal = POSTER_PALETTES[layout["palette"]]
    paper = np.asarray(pal[0]) / 255

    def ink(img):
        return np.abs(np.asarray(img, float) / 255 - paper).sum(-1) > 0.1

    everything = ink(draw_poster(layout, W, H))
    shapes = ink(draw_poster(layout, W, H, text=False))
    words = ink(draw_poster(layout, W, H, shapes=False))
    same = dict(layout, shapes=[s for s in layout["shapes"] if s["colour"] == layout["title_colour"]])
    camouflage = (words & ink(draw_poster(same, W, H, text=False))).sum() / max(words.sum(), 1)
    cut = int(layout["info_y"] * H)
    near_shapes = gaussian_blur(shapes.astype(float), 2) > 0.05
    yy, xx = np.mgrid[:H, :W]
    cy, cx = yy[everything].mean() / H, xx[everything].mean() / W
    title, info = words[:cut], words[cut:]
    overlap = (title & shapes[:cut]).sum() / max(title.sum(), 1)
    clash = (info & near_shapes[cut:]).sum() / max(info.sum(), 1)
    edge = np.concatenate([everything[:, : W // 24].ravel(), everything[:, -W // 24 :].ravel()]).mean()
    features = np.array(
        [
            abs(everything.mean() - 0.33),
            np.hypot(cx - 0.45, cy - 0.56),
            abs(overlap - 0.2),
            clash,
            edge,
            camouflage,
        ]
    )
    weights = np.array([-3.0, -2.0, -1.5, -6.0, -0.5, -8.0])
    return float(np.tanh(features * 2) @ weights)


@work("poster-by-nobody")
def make_poster_by_nobody(out: Path):
    """A poster for this very gallery by a designer who does not exist. 600 layouts are proposed,
    those that break the hard rules are dropped, a hand-weighted critic scores the rest at
    thumbnail size, and the winner is drawn full size."""
    rng = rng_for("poster-by-nobody")
    best, best_score = None, -np.inf
    for _ in range(600):
        layout = poster_layout(rng)
        if not poster_fits(layout):
            continue
        score = poster_critic(layout)
        if score > best_score:
            best, best_score = layout, score
    W, H = 1060, 1500
    img = draw_poster(best, W * 2, H * 2).resize((W, H), Image.LANCZOS)
    a = np.asarray(img, float) / 255
    a = a * (1 + grain(rng_for("poster/grain"), H, W, 0.01)) * vignette(H, W, 0.08)  # printed on paper
    return save_jpeg(a, out / "poster-by-nobody.jpg", quality=90)
