"""Room "Latent walks": a StyleGAN2-shaped generator and a StarGAN v2-like translator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import ImageDraw

from toolkit import (
    bilinear,
    fbm1d,
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

# Room "Latent walks": a StyleGAN2-shaped generator the size of a postage stamp.
#
# StyleGAN2 turns a random vector z into a style w with a mapping network, and every synthesis
# layer's weights are scaled per input channel by an affine function of w ("modulation") and then
# renormalised ("demodulation"). Here the synthesis network draws one pixel at a time from its
# coordinates (a CPPN, compositional pattern-producing network), so a picture of any size comes out
# of 4 layers of 32 units. Nothing is trained: the weights are seeded, the art is in the choice of
# seeds, palettes and walks through w.


class StyleCPPN:
    def __init__(self, seed: int, z_dim: int = 32, width: int = 32, layers: int = 4, freqs=(0.7, 1.4, 2.8)):
        r = np.random.default_rng(seed)
        self.z_dim = z_dim
        self.mapping_layers = [
            (r.normal(0, 1.2 / np.sqrt(z_dim), (z_dim, z_dim)), r.normal(0, 0.1, z_dim)) for _ in range(3)
        ]
        n_ff = 4 * len(freqs)
        self.fourier = r.normal(0, 1, (2, n_ff)) * np.repeat(freqs, 4)  # fixed Fourier features of (x, y)
        n_in = 3 + 2 * n_ff
        self.weights = [r.normal(0, 1, (n_in if i == 0 else width, width)) for i in range(layers)]
        self.biases = [r.normal(0, 0.5, width) for _ in range(layers)]
        self.affine = [
            r.normal(0, 1 / np.sqrt(z_dim), (z_dim, n_in if i == 0 else width)) for i in range(layers)
        ]
        self.to_rgb_affine = r.normal(0, 1 / np.sqrt(z_dim), (z_dim, width))
        self.to_rgb = r.normal(0, 1, (width, 3))

    def mapping(self, z: np.ndarray) -> np.ndarray:
        w = z
        for m, b in self.mapping_layers:
            w = np.tanh(w @ m + b) * 1.5
        return w

    @staticmethod
    def _modulate(weight, style):
        wm = weight * (1 + 0.9 * style)[:, None]  # modulation: scale each input channel
        return wm / np.sqrt((wm**2).sum(0, keepdims=True) + 1e-8)  # demodulation

    def synthesize(
        self,
        w: np.ndarray,
        h: int,
        wd: int,
        gain: float = 2.0,
        zoom: float = 1.0,
        centre=(0.0, 0.0),
        noise: float = 0.0,
        noise_rng=None,
        noise_sigma: float = 2.5,
    ) -> np.ndarray:
        """Three output channels for an h x wd picture of the plane [-zoom, zoom]^2. With noise > 0,
        the last two layers also get StyleGAN's per-pixel noise inputs (slightly blurred), which
        add stochastic detail - brush marks - without changing the composition."""
        yy, xx = np.mgrid[:h, :wd]
        s = max(h, wd)
        x = (xx - wd / 2) / s * 2 * zoom + centre[0]
        y = (yy - h / 2) / s * 2 * zoom + centre[1]
        ff = np.stack([x, y], -1) @ self.fourier
        a = np.concatenate(
            [x[..., None], y[..., None], np.hypot(x, y)[..., None], np.sin(ff), np.cos(ff)], -1
        )
        for i, (weight, bias, aff) in enumerate(zip(self.weights, self.biases, self.affine, strict=True)):
            pre = gain * (a @ self._modulate(weight, w @ aff)) + bias
            if noise and i >= len(self.weights) - 2:
                pre += (
                    noise
                    * gaussian_blur(noise_rng.normal(0, 1, (h, wd, 1)), noise_sigma)
                    * noise_rng.normal(0, 1, len(bias))
                )
            a = np.tanh(pre)
        return a @ self._modulate(self.to_rgb, w @ self.to_rgb_affine)


def specimen(o: np.ndarray, palette, paper, lines: float = 0.5, radius: float = 0.82) -> np.ndarray:
    """Render generator output as a pressed specimen: channel 0 through a palette, channel 1 as
    light and as a wobble of the silhouette, channel 2 as thin contour lines of ink."""
    h, w = o.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    s = max(h, w)
    x = (xx - w / 2) / s * 2
    y = (yy - h / 2) / s * 2
    col = gradient_palette(1 / (1 + np.exp(-1.2 * o[..., 0])), palette)
    col *= (0.85 + 0.15 * np.tanh(o[..., 1]))[..., None]
    if lines:
        ink = np.clip(1 - np.abs(np.sin(o[..., 2] * 6)) / 0.12, 0, 1) * lines
        col = col * (1 - ink[..., None]) + ink[..., None] * np.array([0.08, 0.07, 0.1])
    edge = radius - np.hypot(x, y) + 0.25 * np.tanh(o[..., 1])
    inside = np.clip(edge / (3 / s), 0, 1)[..., None]
    shadow = np.clip(1 - np.clip(edge + 0.03, 0, None) / 0.03, 0, 1) * (edge > -0.05)  # faint rim shade
    bg = np.asarray(paper, float) / 255 * (1 - 0.06 * shadow[..., None] * (1 - inside))
    return col * inside + bg * (1 - inside)


HERBARIUM = [(18, 22, 38), (44, 62, 110), (190, 80, 70), (236, 170, 110), (248, 236, 210)]
PAPER = (242, 236, 224)


@work("latent-herbarium")
def make_latent_herbarium(out: Path):
    """Sixteen specimens on one sheet. A closed walk through style space (w), four keyframes and
    three steps between each, read left to right, top to bottom."""
    g = StyleCPPN(3)
    rng = rng_for("latent-herbarium")
    keys = [g.mapping(rng.normal(0, 1, g.z_dim)) for _ in range(4)]
    tile, gutter, margin = 320, 24, 64
    size = 4 * tile + 3 * gutter + 2 * margin
    sheet = np.ones((size + 40, size, 3)) * np.asarray(PAPER) / 255
    for i in range(16):
        a, b = keys[i // 4], keys[(i // 4 + 1) % 4]
        t = (i % 4) / 4
        t = t * t * (3 - 2 * t)  # ease in and out
        o = g.synthesize((1 - t) * a + t * b, tile, tile, gain=2.0)
        y0 = margin + (i // 4) * (tile + gutter)
        x0 = margin + (i % 4) * (tile + gutter)
        sheet[y0 : y0 + tile, x0 : x0 + tile] = specimen(o, HERBARIUM, PAPER)
    sheet *= vignette(*sheet.shape[:2], 0.1)
    sheet += grain(rng_for("latent-herbarium/grain"), *sheet.shape[:2], 0.008)
    img = to_image(sheet)
    d = ImageDraw.Draw(img)
    small = font(14, bold=False)
    for i in range(16):
        y0 = margin + (i // 4) * (tile + gutter)
        x0 = margin + (i % 4) * (tile + gutter)
        d.text((x0 + 4, y0 + tile - 4), f"{i + 1:02d}", font=small, fill=(110, 100, 90), anchor="ld")
    d.text(
        (size / 2, size + 4),
        "w(t) · t = 0 … 1 · StyleCPPN seed 3",
        font=small,
        fill=(90, 84, 78),
        anchor="ma",
    )
    return save_jpeg(img, out / "latent-herbarium.jpg", quality=90)


LICHEN = [(10, 24, 28), (20, 70, 70), (90, 140, 110), (220, 200, 150), (240, 120, 90), (120, 30, 50)]


@work("latent-lichen")
def make_latent_lichen(out: Path):
    """One style vector, one large canvas. Broad forms come from the modulated layers, the crust of
    small grains from StyleGAN-style noise inputs, lit as a relief; channel 2 draws pale contours."""
    g = StyleCPPN(11, freqs=(0.5, 1.0, 2.0, 4.0))
    w = g.mapping(rng_for("f11").normal(0, 1, g.z_dim))
    H, W = 1440, 1152
    o = g.synthesize(
        w,
        H,
        W,
        gain=3.5,
        zoom=1.2,
        noise=1.0,
        noise_rng=rng_for("latent-lichen/noise"),
        noise_sigma=2.5 * H / 1000,
    )
    col = gradient_palette(1 / (1 + np.exp(-o[..., 0])), LICHEN)
    diffuse, spec = shade(gaussian_blur(o[..., 0], 1.4) * 3 * H / 500)
    col = col * (0.6 + 0.5 * diffuse[..., None]) + 0.22 * spec[..., None]
    ink = np.clip(1 - np.abs(np.sin(o[..., 2] * 8)) / 0.1, 0, 1)[..., None] * 0.3
    col = col * (1 - ink) + ink * np.array([0.95, 0.9, 0.8])
    return save_jpeg(col * vignette(H, W, 0.25), out / "latent-lichen.jpg", quality=86)


# ---------------------------------------------------------------------------------------------
# StarGAN v2-like translation. StarGAN v2 keeps the structure of a picture and repaints it in the
# manner of a target domain: a style code (here drawn per domain) drives AdaIN - every hidden channel
# is normalised over the whole picture, then rescaled and shifted by amounts computed from the
# style. Our "generator" is two such layers applied per pixel to local features of the source
# (brightness, colour, band-passed detail, gradients, position), followed by a warp predicted by the
# same network and a brush pass (line integral convolution along the contours of the source).


def lake_at_dusk(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """The source picture: mountains, a low sun and their reflection in a lake (no photograph)."""
    yy, xx = np.mgrid[:h, :w] / np.array([h, w])[:, None, None]
    horizon = 0.62
    img = gradient_palette(yy / horizon, [(40, 60, 110), (120, 140, 180), (240, 200, 160), (250, 220, 190)])

    def glow(r2):  # the sun, as a Gaussian of squared radius r2
        return np.exp(-((xx - 0.68) ** 2 + (yy - 0.36) ** 2) / r2)[..., None]

    img = img + 0.6 * glow(0.0015) + 0.15 * glow(0.02)
    clouds = np.clip(fbm2d(rng, h, w, 5, 2) * 0.5, 0, 1)[..., None] * (yy < 0.45)[..., None] * 0.35
    img = img * (1 - clouds) + clouds * np.array([1, 0.92, 0.88])
    for base, amp, colour in [
        (0.47, 0.07, (96, 100, 140)),
        (0.53, 0.05, (62, 66, 100)),
        (0.585, 0.03, (34, 40, 60)),
    ]:
        ridge = base - amp * np.abs(fbm1d(rng, w))
        rock = gradient_palette((yy - ridge) / 0.2, [colour, tuple(int(c * 0.6) for c in colour)])
        img = np.where(((yy > ridge) & (yy < horizon))[..., None], rock, img)
    ripples = resize(rng.normal(0, 1, (h // 2, max(w // 24, 2))), w, h) * (yy - horizon) * 0.05
    reflection = bilinear(
        img, np.clip(2 * horizon - yy + ripples, 0, horizon - 0.002) * (h - 1), xx * (w - 1)
    )
    img = np.where((yy > horizon)[..., None], reflection * 0.75 + np.array([0.05, 0.08, 0.12]), img)
    shore = horizon + 0.25 + 0.04 * fbm1d(rng, w, 5, 2)
    grass = gradient_palette((yy - shore) / 0.2, [(40, 45, 30), (20, 22, 16)])
    return np.clip(np.where((yy > shore)[..., None], grass, img), 0, 1)


def pixel_features(img: np.ndarray) -> np.ndarray:
    """Ten standardised per-pixel features: Y, Cb, Cr, two band-passes, gradient, edge, position."""
    h, w = img.shape[:2]
    k = w / 640
    Y = luminance(img)
    b2, b8 = gaussian_blur(Y, 2 * k), gaussian_blur(Y, 8 * k)
    gy, gx = np.gradient(b2)
    gy, gx = gy * 20 * k, gx * 20 * k
    yy, xx = np.mgrid[:h, :w] / max(h, w)
    f = np.stack(
        [
            Y,
            (img[..., 2] - Y) * 0.56,
            (img[..., 0] - Y) * 0.71,
            b2 - Y,
            b8 - b2,
            gx,
            gy,
            np.hypot(gx, gy),
            yy - 0.4,
            xx - 0.5,
        ],
        -1,
    )
    return (f - f.mean((0, 1))) / (f.std((0, 1)) + 1e-6)


class AdaINTranslator:
    def __init__(self, seed: int, n_in: int = 10, width: int = 24, style_dim: int = 16):
        r = np.random.default_rng(seed)
        self.layers = [
            r.normal(0, 1 / np.sqrt(n_in), (n_in, width)),
            r.normal(0, 1 / np.sqrt(width), (width, width)),
        ]
        self.gamma = [r.normal(0, 1 / np.sqrt(style_dim), (style_dim, width)) for _ in range(2)]
        self.beta = [r.normal(0, 1 / np.sqrt(style_dim), (style_dim, width)) for _ in range(2)]
        self.head = r.normal(0, 1 / np.sqrt(width), (width, 3))  # tone + a 2-D warp
        self.style_net = r.normal(0, 1 / np.sqrt(style_dim), (style_dim, style_dim))
        self.style_dim = style_dim

    def style(self, domain: int) -> np.ndarray:
        """The style code of a domain (StarGAN v2 would also sample one per picture)."""
        z = np.random.default_rng(domain).normal(0, 1, self.style_dim)
        return np.tanh(z @ self.style_net) * 1.5

    def forward(self, f, s, act):
        a = f
        for weight, gamma, beta in zip(self.layers, self.gamma, self.beta, strict=True):
            hdn = a @ weight
            hdn = (hdn - hdn.mean((0, 1))) / (hdn.std((0, 1)) + 1e-5)  # instance norm
            a = act(hdn * (1 + s @ gamma) + s @ beta)  # AdaIN
        return a @ self.head

    def translate(self, img, s, act, palette, warp: float = 6.0, brush: int = 8):
        h, w = img.shape[:2]
        k = w / 640
        f = pixel_features(img)
        disp = gaussian_blur(self.forward(f, s, act)[..., 1:], 3 * k) * warp * k
        yy, xx = np.mgrid[:h, :w].astype(float)
        o = self.forward(bilinear(f, yy + disp[..., 0], xx + disp[..., 1]), s, act)
        rank = np.argsort(np.argsort(o[..., 0].ravel())).reshape(h, w) / (h * w)  # histogram-equalised
        gy, gx = np.gradient(gaussian_blur(luminance(img), 3 * k))
        mag = np.hypot(gx, gy) + 1e-6
        return line_integral_convolution(
            gx / mag, -gy / mag, gradient_palette(rank, palette), steps=int(brush * k), step=1.2
        )


def line_integral_convolution(vy, vx, src, steps: int = 8, step: float = 1.0):
    """Smear src along the unit vector field (vy, vx), forwards and backwards: brush strokes."""
    h, w = src.shape[:2]
    yy, xx = np.mgrid[:h, :w].astype(float)
    acc, n = src.copy(), 1
    for sign in (1, -1):
        y, x = yy.copy(), xx.copy()
        for _ in range(steps):
            dy, dx = bilinear(vy, y, x), bilinear(vx, y, x)
            y, x = y + sign * step * dy, x + sign * step * dx
            acc += bilinear(src, y, x)
            n += 1
    return acc / n


DOMAINS = {  # name: (domain seed, activation, palette)
    "ember": (100, np.sin, [(20, 18, 30), (60, 40, 70), (170, 60, 60), (240, 170, 90), (250, 240, 210)]),
    "ink": (101, np.tanh, [(240, 238, 230), (180, 190, 200), (90, 110, 140), (30, 40, 70), (10, 10, 20)]),
    "verdigris": (
        102,
        lambda x: np.sin(2 * x),
        [(10, 30, 30), (30, 90, 80), (160, 190, 120), (240, 230, 160), (250, 120, 100)],
    ),
}


@work("one-lake-three-domains")
def make_one_lake_three_domains(out: Path):
    """The source picture and its translations into three domains, on one sheet."""
    h, w, gap, margin = 480, 640, 16, 40
    source = lake_at_dusk(h, w, rng_for("lake-at-dusk"))
    net = AdaINTranslator(5)
    panels = [source] + [
        net.translate(source, net.style(seed), act, pal) for seed, act, pal in DOMAINS.values()
    ]
    H, W = 2 * h + gap + 2 * margin, 2 * w + gap + 2 * margin
    sheet = np.ones((H, W, 3)) * np.array([20, 20, 24]) / 255
    for i, p in enumerate(panels):
        y0, x0 = margin + (i // 2) * (h + gap), margin + (i % 2) * (w + gap)
        sheet[y0 : y0 + h, x0 : x0 + w] = p
    img = to_image(sheet)
    d = ImageDraw.Draw(img)
    small = font(14, bold=False)
    for i, name in enumerate(["source", *DOMAINS]):
        y0, x0 = margin + (i // 2) * (h + gap), margin + (i % 2) * (w + gap)
        d.text(
            (x0 + 10, y0 + h - 10),
            name,
            font=small,
            fill=(235, 230, 220),
            anchor="ld",
            stroke_width=2,
            stroke_fill=(20, 20, 24),
        )
    return save_jpeg(img, out / "one-lake-three-domains.jpg", quality=88)


@work("near-abstract")
def make_near_abstract(out: Path):
    """The lake translated into 'ember' and fed back into the network twice. Each time the style
    is nudged; the horizon survives, everything else turns to agate."""
    h, w = 1050, 1400
    net = AdaINTranslator(5)
    seed, act, _ = DOMAINS["ember"]
    palette = [(12, 14, 30), (40, 50, 90), (150, 70, 60), (230, 170, 90), (250, 240, 220)]
    cur = net.translate(lake_at_dusk(h, w, rng_for("lake-at-dusk")), net.style(seed), act, palette)
    for k in range(1, 3):
        s = net.style(seed) + 0.15 * k * net.style(200 + k)
        cur = 0.55 * cur + 0.45 * net.translate(cur, s, np.sin, palette, warp=8)
    lo, hi = np.percentile(cur, [1, 99.5])
    cur = (cur - lo) / (hi - lo)
    return save_jpeg(cur * vignette(h, w, 0.3), out / "near-abstract.jpg", quality=88)
