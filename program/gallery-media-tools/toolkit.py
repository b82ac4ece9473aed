"""Shared tools of make_gallery.py: the registry of works, float-image helpers, noise, fonts, and
writers that keep every file inside the gallery's size budget."""

from __future__ import annotations

import hashlib
import io
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFont

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "media" / "gallery"

IMAGE_MAX_BYTES = 400_000
AUDIO_MAX_BYTES = 300_000
VIDEO_MAX_BYTES = 500_000

WORKS: dict[str, callable] = {}


def work(slug):
    """Register a generator under the slug of the work it makes."""

    def register(fn):
        WORKS[slug] = fn
        return fn

    return register


# ---------------------------------------------------------------------------------------------
# Small image toolkit: float arrays in [0, 1], shape (h, w) or (h, w, 3).


def rng_for(name: str) -> np.random.Generator:
    """A generator seeded from a name, so every work has its own stable randomness."""
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little"))


def to_image(a: np.ndarray) -> Image.Image:
    return Image.fromarray(to_array_u8(a))


def to_array_u8(a: np.ndarray) -> np.ndarray:
    return (np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8)


def resize(a: np.ndarray, w: int, h: int, resample=Image.BICUBIC) -> np.ndarray:
    """Resize a float array channel by channel (Pillow's 'F' mode keeps full precision)."""
    if a.ndim == 2:
        return np.asarray(Image.fromarray(a.astype(np.float32), "F").resize((w, h), resample))
    return np.stack([resize(a[..., c], w, h, resample) for c in range(a.shape[-1])], -1)


def gaussian_blur(a: np.ndarray, sigma: float, wrap: bool = False) -> np.ndarray:
    """Gaussian blur through the FFT; edges are mirrored unless wrap=True."""
    if sigma <= 0:
        return a
    h, w = a.shape[:2]
    p = 0 if wrap else int(3 * sigma) + 1
    pad = [(p, p), (p, p)] + [(0, 0)] * (a.ndim - 2)
    b = np.pad(a, pad, mode="reflect") if p else a
    fy = np.fft.fftfreq(b.shape[0])[:, None]
    fx = np.fft.rfftfreq(b.shape[1])[None, :]
    g = np.exp(-2 * (math.pi * sigma) ** 2 * (fx**2 + fy**2))
    if b.ndim == 3:
        g = g[..., None]
    out = np.fft.irfft2(np.fft.rfft2(b, axes=(0, 1)) * g, s=b.shape[:2], axes=(0, 1))
    return out[p : p + h, p : p + w] if p else out


def bilinear(a: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Sample a (h, w[, c]) array at fractional coordinates, clamped to the edges."""
    h, w = a.shape[:2]
    x = np.clip(x, 0, w - 1.001)
    y = np.clip(y, 0, h - 1.001)
    x0 = x.astype(int)
    y0 = y.astype(int)
    fx = x - x0
    fy = y - y0
    if a.ndim == 3:
        fx = fx[..., None]
        fy = fy[..., None]
    top = a[y0, x0] * (1 - fx) + a[y0, x0 + 1] * fx
    bot = a[y0 + 1, x0] * (1 - fx) + a[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bot * fy


def gradient_palette(t: np.ndarray, stops) -> np.ndarray:
    """Map t in [0, 1] through evenly spaced colour stops given as 0..255 RGB triples."""
    stops = np.asarray(stops, float) / 255
    xs = np.linspace(0, 1, len(stops))
    t = np.clip(t, 0, 1)
    return np.stack([np.interp(t, xs, stops[:, c]) for c in range(3)], -1)


def shade(height: np.ndarray, light=(-0.55, -0.65, 0.55), shine: float = 40) -> tuple[np.ndarray, np.ndarray]:
    """Lambert and specular terms for a height field lit from the upper left."""
    gy, gx = np.gradient(height)
    n = np.stack([-gx, -gy, np.ones_like(gx)], -1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    L = np.asarray(light, float)
    L /= np.linalg.norm(L)
    half = L + np.array([0, 0, 1.0])
    half /= np.linalg.norm(half)
    return np.clip(n @ L, 0, 1), np.clip(n @ half, 0, 1) ** shine


def vignette(h: int, w: int, strength: float = 0.35) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    r = np.hypot((yy - h / 2) / h, (xx - w / 2) / w) * 1.4
    return (1 - strength * r**2)[..., None]


def grain(rng: np.random.Generator, h: int, w: int, amount: float = 0.025) -> np.ndarray:
    return (rng.normal(0, amount, (h, w)))[..., None]


def font(size: int, bold: bool = True, condensed: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu (Cyrillic-capable, packaged as fonts-dejavu-core on Debian/Ubuntu)."""
    name = "DejaVuSans" + ("Condensed" if condensed else "") + ("-Bold" if bold else "") + ".ttf"
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/Library/Fonts"):
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    sys.exit(f"make_gallery: font {name} not found; install fonts-dejavu-core (apt) or dejavu-fonts")


# ---------------------------------------------------------------------------------------------
# Writing files, each checked against the gallery's size budget.


def save_jpeg(a, path: Path, quality: int = 88, exif: bytes | None = None) -> Path:
    img = a if isinstance(a, Image.Image) else to_image(a)
    for q in range(quality, 40, -4):
        buf = io.BytesIO()
        extra = {"exif": exif} if exif else {}
        img.save(buf, "JPEG", quality=q, optimize=True, progressive=True, subsampling="4:2:0", **extra)
        if buf.tell() <= IMAGE_MAX_BYTES:
            path.write_bytes(buf.getvalue())
            return path
    raise SystemExit(f"{path.name}: cannot fit {IMAGE_MAX_BYTES} bytes even at low JPEG quality")


def save_png(a, path: Path, colors: int | None = None) -> Path:
    img = a if isinstance(a, Image.Image) else to_image(a)
    if colors:
        img = img.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(path, "PNG", optimize=True)
    if path.stat().st_size > IMAGE_MAX_BYTES:
        raise SystemExit(f"{path.name}: {path.stat().st_size} bytes, over the {IMAGE_MAX_BYTES} budget")
    return path


def ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if not exe:
        sys.exit("make_gallery: ffmpeg is needed for the video and audio works (apt install ffmpeg)")
    return exe


# ---------------------------------------------------------------------------------------------
# Film.


def encode_webm(frames, size: int, fps: int, path: Path, crf: int = 40) -> Path:
    """Pipe RGB frames (an iterable of uint8 arrays) to ffmpeg's VP9 encoder."""
    cmd = [
        ffmpeg(),
        "-v",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{size}x{size}",
        "-r",
        str(fps),
        "-i",
        "-",
        "-c:v",
        "libvpx-vp9",
        "-b:v",
        "0",
        "-crf",
        str(crf),
        "-pix_fmt",
        "yuv420p",
        "-row-mt",
        "1",
        "-threads",
        "2",
        "-an",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        str(path),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for frame in frames:
        proc.stdin.write(np.ascontiguousarray(frame).tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit(f"ffmpeg failed on {path.name}")
    return path


# ---------------------------------------------------------------------------------------------
# Noise and colour.


def fbm1d(rng, n: int, octaves: int = 6, base: int = 3) -> np.ndarray:
    x = np.linspace(0, 1, n)
    out = np.zeros(n)
    for o in range(octaves):
        f = base * 2**o
        knots = rng.normal(0, 1, int(f) + 3)
        out += np.interp(x * f + rng.random(), np.arange(len(knots)), knots) / 1.9**o
    return out


def fbm2d(rng, h: int, w: int, octaves: int = 5, base: int = 3) -> np.ndarray:
    out = np.zeros((h, w))
    for o in range(octaves):
        f = base * 2**o
        out += resize(rng.normal(0, 1, (int(f * h / w) + 3, int(f) + 3)), w, h) / 1.8**o
    return out


def luminance(img):
    return img @ np.array([0.299, 0.587, 0.114])
