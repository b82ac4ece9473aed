"""Room "Growing patterns": Neural Cellular Automata and reaction-diffusion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from toolkit import (
    VIDEO_MAX_BYTES,
    encode_webm,
    font,
    gaussian_blur,
    gradient_palette,
    grain,
    resize,
    rng_for,
    save_jpeg,
    save_png,
    shade,
    to_array_u8,
    to_image,
    vignette,
    work,
)

# Room "Growing patterns": a neural cellular automaton, and reaction-diffusion.
#
# The NCA follows the recipe of "Growing Neural Cellular Automata" (Mordvintsev et al., Distill
# 2020): every cell holds a state vector, perceives its neighbourhood through fixed filters, and a
# small two-layer network shared by all cells proposes an update; cells update at random moments and
# a cell with no living neighbour is cleared. Here the network is not trained: its weights are drawn
# from a seeded normal distribution and the seeds were chosen by looking (an untrained NCA is a
# lottery: most seeds die out or fill the dish with noise; a few grow organisms).


def _roll(a, dy, dx):
    return np.roll(np.roll(a, dy, 0), dx, 1)


def _binomial(a):
    """3x3 binomial blur on a torus: the cheapest near-isotropic smoothing."""
    a = (_roll(a, 0, 1) + 2 * a + _roll(a, 0, -1)) / 4
    return (_roll(a, 1, 0) + 2 * a + _roll(a, -1, 0)) / 4


def _binomial_n(a, n):
    for _ in range(n):
        a = _binomial(a)
    return a


class NeuralCA:
    """A 12-channel NCA; channel 0 is 'alive-ness', the other 11 are hidden."""

    def __init__(
        self,
        seed: int,
        size: int,
        channels: int = 12,
        hidden: int = 48,
        gain: float = 2.5,
        dt: float = 0.3,
        fire_rate: float = 0.6,
    ):
        self.rng = np.random.default_rng(seed)
        c, h = channels, hidden
        n_in = 4 * c  # perception: blur, two band-pass rings, gradient magnitude
        self.w1 = self.rng.normal(0, gain / np.sqrt(n_in), (n_in, h))
        self.b1 = self.rng.normal(0, 0.3, h)
        self.w2 = self.rng.normal(0, 1 / np.sqrt(h), (h, c))
        self.dt, self.fire_rate, self.size = dt, fire_rate, size
        yy, xx = np.mgrid[:size, :size]
        self.state = np.zeros((size, size, c))
        self.state[np.hypot(yy - size / 2, xx - size / 2) < 3] = 0.8  # the seed: one small disc

    def perceive(self, s):
        b1 = _binomial(s)
        b2 = _binomial_n(b1, 3)
        b3 = _binomial_n(b2, 6)
        gx = (_roll(b1, 0, -1) - _roll(b1, 0, 1)) / 2
        gy = (_roll(b1, -1, 0) - _roll(b1, 1, 0)) / 2
        return np.concatenate([b1, b2 - b1, b3 - b2, np.sqrt(gx**2 + gy**2 + 1e-6)], -1)

    def fire_mask(self):
        """Which cells update this step: random, but in soft patches rather than salt-and-pepper."""
        if self.fire_rate >= 1:
            return 1.0
        n = self.size // 8 + 2
        coarse = self.rng.random((n, n)).astype(np.float32)
        smooth = np.asarray(Image.fromarray(coarse, "F").resize((self.size, self.size), Image.BICUBIC))
        return (smooth < self.fire_rate)[..., None]

    def step(self):
        s = self.state
        hidden = np.tanh(self.perceive(s) @ self.w1 + self.b1)
        ds = np.tanh(hidden @ self.w2) - 0.5 * s  # the leak keeps every channel bounded
        s = s + self.dt * ds * self.fire_mask()
        alive = _binomial_n(s[..., 0], 2) > 0.05
        self.state = s * alive[..., None]


def render_nca(state: np.ndarray, size: int, palette, basis=None, background=(8, 8, 12)):
    """Colour an NCA state. The main direction of the 11 hidden channels (over the living cells) is
    rank-equalised and runs through the palette, the second one sets the light, and the first hidden
    channel is read as a relief and lit from the upper left. Returns the image and the colour basis,
    so that the frames of a film can share the basis of its last frame."""
    s = resize(state, size, size)
    alive = np.clip(s[..., 0] * 2, 0, 1)
    hidden = s[..., 1:]
    if basis is None:
        pts = hidden[alive > 0.5]
        mean = pts.mean(0)
        _, _, vt = np.linalg.svd(pts - mean, full_matrices=False)
        proj = (pts - mean) @ vt[:2].T
        basis = (mean, vt[:2], np.sort(proj[:, 0]), np.percentile(np.abs(proj[:, 1]), 98) + 1e-6)
    mean, vt, ranks, scale = basis
    p = (hidden - mean) @ vt.T
    t = gaussian_blur(np.searchsorted(ranks, p[..., 0]) / len(ranks), 1.0)
    col = gradient_palette(t, palette)
    col *= (0.8 + 0.25 * np.tanh(p[..., 1] / scale))[..., None]
    diffuse, spec = shade(gaussian_blur(hidden[..., 0], 1.0) * size / 110)
    col = col * (0.5 + 0.65 * diffuse[..., None]) + 0.3 * spec[..., None]
    bg = np.asarray(background, float) / 255 * vignette(size, size, 0.6)
    a = alive[..., None]
    return col * a + bg * (1 - a), basis


NCA_BLOOM_SEED = 3  # picked by eye from seeds 0..35 of this exact network shape
NCA_BLOOM_STEPS = 600
_bloom_final = None


def grow_bloom(on_step=None):
    """Grow the bloom from one seed cell; on_step(t, state) is called after every step."""
    global _bloom_final
    if on_step is None and _bloom_final is not None:
        return _bloom_final
    ca = NeuralCA(NCA_BLOOM_SEED, size=320)
    for t in range(NCA_BLOOM_STEPS):
        ca.step()
        if on_step:
            on_step(t, ca.state)
    _bloom_final = ca.state
    return ca.state


BLOOM_PALETTE = [(12, 30, 60), (30, 90, 140), (90, 170, 190), (230, 220, 190), (220, 120, 70), (120, 40, 40)]
FILM_PALETTE = [
    (30, 20, 50),
    (90, 40, 110),
    (200, 80, 120),
    (245, 160, 110),
    (250, 230, 180),
    (120, 200, 190),
]


@work("nca-bloom")
def make_nca_bloom(out: Path):
    """An untrained NCA grown from one seed cell for 600 stochastic steps. A colony with a membrane."""
    img, _ = render_nca(grow_bloom(), 1200, BLOOM_PALETTE)
    img += grain(rng_for("nca-bloom"), 1200, 1200, 0.012)
    return save_jpeg(img, out / "nca-bloom.jpg")


class CarpetCA(NeuralCA):
    """The same kind of network with a sharper eye and no dice: each cell also sees its own state
    and the difference from its 3x3 neighbours, every cell updates at every step, and life spreads
    through the 3x3 neighbourhood. On a square grid this yields four-fold, woven symmetry."""

    def __init__(
        self, seed: int, size: int, channels: int = 12, hidden: int = 48, gain: float = 3.0, dt: float = 0.25
    ):
        self.rng = np.random.default_rng(seed)
        c, h = channels, hidden
        n_in = 5 * c
        self.w1 = self.rng.normal(0, gain / np.sqrt(n_in), (n_in, h))
        self.b1 = self.rng.normal(0, 0.3, h)
        self.w2 = self.rng.normal(0, 1 / np.sqrt(h), (h, c))
        self.dt, self.size = dt, size
        self.state = np.zeros((size, size, c))
        self.state[size // 2 - 1 : size // 2 + 2, size // 2 - 1 : size // 2 + 2] = 0.8

    def perceive(self, s):
        b1 = _binomial(s)
        b2 = _binomial_n(b1, 3)
        b3 = _binomial_n(b2, 5)
        gx = (_roll(b1, 0, -1) - _roll(b1, 0, 1)) / 2
        gy = (_roll(b1, -1, 0) - _roll(b1, 1, 0)) / 2
        return np.concatenate([s, b1 - s, b2 - b1, b3 - b2, np.sqrt(gx**2 + gy**2 + 1e-6)], -1)

    @staticmethod
    def _maxpool(a):
        return np.max([_roll(a, dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)

    def step(self):
        s = self.state
        before = self._maxpool(s[..., 0]) > 0.1
        hidden = np.tanh(self.perceive(s) @ self.w1 + self.b1)
        s = s + self.dt * (np.tanh(hidden @ self.w2) - 0.5 * s)
        alive = (self._maxpool(s[..., 0]) > 0.1) & before
        self.state = s * alive[..., None]


KILIM = [(38, 30, 52), (122, 34, 40), (176, 62, 44), (214, 150, 62), (236, 220, 186), (58, 84, 112)]


@work("nca-carpet")
def make_nca_carpet(out: Path):
    """A rug woven by an NCA. 300 synchronous steps on a 160x160 torus, so the growing square meets
    itself at the edges; the hidden state is quantised into six dyed-wool colours."""
    ca = CarpetCA(18, size=160)
    for _ in range(300):
        ca.step()
    hidden = ca.state[..., 1:].reshape(-1, ca.state.shape[-1] - 1)
    mean = hidden.mean(0)
    _, _, vt = np.linalg.svd(hidden - mean, full_matrices=False)
    p = ((hidden - mean) @ vt[:2].T).reshape(160, 160, 2)
    # six colours: three quantile bands of the first component, split by the sign of the second
    band = np.digitize(p[..., 0], np.quantile(p[..., 0], [1 / 3, 2 / 3]))
    idx = band * 2 + (p[..., 1] > np.median(p[..., 1]))
    order = [0, 5, 1, 2, 3, 4]
    cells = np.asarray(KILIM, float)[np.take(order, idx)] / 255
    # weave: each cell becomes an 8x8 knot with a little shading, then a fringe-less border
    knot = 8
    rug = np.kron(cells, np.ones((knot, knot, 1)))
    yy, xx = np.mgrid[:knot, :knot] / (knot - 1)
    relief = 0.88 + 0.12 * np.sin(np.pi * xx) * np.sin(np.pi * yy) ** 0.5
    rug *= np.tile(relief, (160, 160))[..., None]
    border = 40
    size = rug.shape[0] + 2 * border
    canvas = np.ones((size, size, 3)) * np.array(KILIM[0]) / 255
    canvas[12:-12, 12:-12] = np.array(KILIM[4]) / 255
    canvas[20:-20, 20:-20] = np.array(KILIM[1]) / 255
    canvas[28:-28, 28:-28] = np.array(KILIM[0]) / 255
    canvas[border:-border, border:-border] = rug
    return save_png(canvas, out / "nca-carpet.png", colors=48)


def gray_scott(F: np.ndarray, k: np.ndarray, steps: int, rng: np.random.Generator, spots: int = 60):
    """Gray-Scott reaction-diffusion, U + 2V -> 3V, with a feed rate F and kill rate k that may vary
    from place to place; the borders are closed (no flux)."""
    h, w = F.shape
    U = np.ones((h, w))
    V = np.zeros((h, w))
    yy, xx = np.mgrid[:h, :w]
    for _ in range(spots):
        cy, cx, r = rng.integers(0, h), rng.integers(0, w), rng.integers(3, 9)
        disc = np.hypot(yy - cy, xx - cx) < r
        U[disc], V[disc] = 0.5, 0.25
    V += rng.random((h, w)) * 0.02

    def laplacian(a):
        p = np.pad(a, 1, mode="edge")
        return p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * a

    for _ in range(steps):
        uvv = U * V * V
        U += 0.2097 * laplacian(U) - uvv + F * (1 - U)
        V += 0.105 * laplacian(V) + uvv - (F + k) * V
    return V


@work("turing-atlas")
def make_turing_atlas(out: Path):
    """An atlas of Gray-Scott patterns. The feed rate grows left to right and the kill rate follows
    the ridge where patterns live, so spots, mitosis, worms and labyrinths share one plate."""
    sw, sh = 480, 320
    yy, xx = np.mgrid[:sh, :sw]
    F = 0.014 + 0.048 * xx / sw
    ridge = np.interp(F, [0.014, 0.03, 0.046, 0.062], [0.047, 0.057, 0.0635, 0.0638])
    k = ridge + 0.005 * (yy / sh - 0.5)
    V = gray_scott(F, k, 15000, rng_for("turing-atlas"))
    W, H, margin = 1500, 1000, 70
    pw, ph = W - 2 * margin, H - 2 * margin - 30
    v = resize(V, pw, ph)
    v = (v - v.min()) / (np.ptp(v) + 1e-9)
    ink = gradient_palette(v, [(242, 235, 220), (196, 210, 214), (70, 128, 150), (24, 54, 96), (16, 22, 48)])
    diffuse, spec = shade(gaussian_blur(v, 1.2) * 9)
    plate = ink * (0.72 + 0.33 * diffuse[..., None]) + 0.18 * spec[..., None] * (v[..., None] > 0.3)
    paper = np.ones((H, W, 3)) * np.array([242, 236, 224]) / 255
    paper[margin : margin + ph, margin : margin + pw] = plate
    paper *= vignette(H, W, 0.12)
    paper += grain(rng_for("turing-atlas/grain"), H, W, 0.01)
    img = to_image(paper)
    d = ImageDraw.Draw(img)
    small = font(15, bold=False)
    y = margin + ph + 14
    d.text((margin, y), "feed F = 0.014", font=small, fill=(60, 60, 70))
    d.text((W - margin, y), "F = 0.062", font=small, fill=(60, 60, 70), anchor="ra")
    d.text(
        (W / 2, y),
        "Gray–Scott  ·  Du = 0.21  Dv = 0.105  ·  15 000 steps",
        font=small,
        fill=(60, 60, 70),
        anchor="ma",
    )
    d.line([(margin, margin - 12), (margin + pw, margin - 12)], fill=(90, 90, 100), width=1)
    for i in range(9):
        x = margin + i * pw / 8
        d.line([(x, margin - 17), (x, margin - 12)], fill=(90, 90, 100), width=1)
    return save_jpeg(img, out / "turing-atlas.jpg", quality=90)


@work("nca-growth")
def make_nca_growth(out: Path):
    """The bloom again, filmed. 8.5 s at 25 fps, one frame every 3 steps, the camera pulling back as
    the colony grows. The colours use the basis of the last frame so they do not flicker."""
    size, fps, every = 640, 25, 3
    _, basis = render_nca(grow_bloom(), 320, FILM_PALETTE)
    frames = []

    def film(t, state):
        if t % every:
            return
        k = t / NCA_BLOOM_STEPS
        half = int(160 * (0.22 + 0.78 * (1 - (1 - k) ** 1.6)))  # pull back, fast then slow
        crop = state[160 - half : 160 + half, 160 - half : 160 + half]
        img, _ = render_nca(crop, size, FILM_PALETTE, basis)
        frames.append(to_array_u8(img))

    grow_bloom(on_step=film)
    frames += [frames[-1]] * 12  # hold the last frame for half a second
    path = out / "nca-growth.webm"
    for crf in (40, 44, 48, 52):
        encode_webm(frames, size, fps, path, crf)
        if path.stat().st_size <= VIDEO_MAX_BYTES:
            return path
    raise SystemExit(f"{path.name}: over {VIDEO_MAX_BYTES} bytes")
