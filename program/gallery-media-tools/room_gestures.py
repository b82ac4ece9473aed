"""Room "Gesture flows": a conditional GLOW-like flow, and an algorithmic sound piece."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from toolkit import (
    AUDIO_MAX_BYTES,
    ffmpeg,
    font,
    gaussian_blur,
    gradient_palette,
    rng_for,
    save_jpeg,
    to_image,
    vignette,
    work,
)

# Room "Gesture flows": GLOW, a normalising flow, and a sound to move to.
#
# GLOW builds an invertible map from a Gaussian to the data out of three bricks repeated: actnorm
# (a per-channel scale and shift), an invertible 1x1 convolution (here: a random rotation of the
# channels) and an affine coupling layer (half of the channels are scaled and shifted by amounts a
# small network computes from the other half - and, in a conditional flow such as the speech-to-
# gesture models, from the speech). Sampling with a lower "temperature" gives calmer motion.


def utterance(rng: np.random.Generator, seconds: float = 6.0, fps: int = 100):
    """A sentence without words: a syllable envelope and a falling pitch, in three phrases."""
    n = int(seconds * fps)
    t = np.arange(n) / fps
    env, pitch = np.zeros(n), np.zeros(n)
    for a, b in [(0.3, 2.0), (2.4, 3.9), (4.3, 5.7)]:
        k = a
        while k < b:
            dur = rng.uniform(0.12, 0.3)
            amp = rng.uniform(0.4, 1.0) * (1.3 if rng.random() < 0.2 else 1)  # some syllables stressed
            env += amp * np.exp(-(((t - k - dur / 2) / (dur / 3)) ** 2))
            k += dur + rng.uniform(0.0, 0.08)
        m = (t >= a) & (t < b)
        pitch[m] = 1 - 0.6 * (t[m] - a) / (b - a) + 0.2 * np.sin(2 * np.pi * (t[m] - a) * 1.3)
    return t, np.clip(env, 0, 1.5), pitch


class ConditionalGlow:
    def __init__(self, seed: int, dim: int = 4, cond: int = 5, hidden: int = 32, steps: int = 8):
        r = np.random.default_rng(seed)
        self.half = dim // 2
        self.steps = []
        for _ in range(steps):
            rotation, _ = np.linalg.qr(r.normal(0, 1, (dim, dim)))
            n_in = self.half + cond
            self.steps.append(
                dict(
                    log_scale=r.normal(0, 0.1, dim),
                    shift=r.normal(0, 0.1, dim),
                    rotation=rotation,
                    w1=r.normal(0, 1 / np.sqrt(n_in), (n_in, hidden)),
                    b1=r.normal(0, 0.3, hidden),
                    w2=r.normal(0, 1.2 / np.sqrt(hidden), (hidden, 2 * (dim - self.half))),
                )
            )

    def forward(self, z: np.ndarray, cond: np.ndarray | None = None) -> np.ndarray:
        """Gaussian sample(s) z (..., dim) to data space; cond (..., cond) is the speech."""
        x = z
        for s in self.steps:
            x = x * np.exp(s["log_scale"]) + s["shift"]  # actnorm
            x = x @ s["rotation"]  # invertible 1x1 convolution
            xa, xb = x[..., : self.half], x[..., self.half :]
            inp = (
                xa
                if cond is None
                else np.concatenate([xa, np.broadcast_to(cond, xa.shape[:-1] + cond.shape[-1:])], -1)
            )
            out = np.tanh(inp @ s["w1"] + s["b1"]) @ s["w2"]
            k = xb.shape[-1]
            x = np.concatenate([xa, xb * np.exp(np.tanh(out[..., :k]) * 0.8) + out[..., k:]], -1)  # coupling
        return x


def speech_features(t, env, pitch):
    phase = np.cumsum(env) / 20
    return np.stack(
        [env, pitch, np.gradient(env) * 20, np.sin(2 * np.pi * phase), np.cos(2 * np.pi * phase)], -1
    )


GESTURE_COLOURS = [(255, 120, 80), (255, 200, 110), (120, 230, 210), (110, 160, 255), (210, 140, 255)]


@work("five-takes")
def make_five_takes(out: Path):
    """One sentence, five gestures. The same speech drives a conditional flow five times, from five
    latent sequences at temperature 0.5; each take is one colour, thicker where the voice is loud."""
    t, env, pitch = utterance(rng_for("utterance"))
    cond = speech_features(t, env, pitch)
    flow = ConditionalGlow(4)
    takes = []
    for k in range(5):
        z = np.random.default_rng(k).normal(0, 1, (len(t), 1, 4))
        z = gaussian_blur(z, 25)[:, 0, :]  # smooth in time, as an autoregressive prior would
        z = z / z.std() * 0.5  # temperature
        takes.append(gaussian_blur(flow.forward(z, cond)[:, None, :], 4)[:, 0, :])
    every = np.concatenate(takes)
    mu, sd = every.mean(0), every.std(0)
    W, H, S = 1200, 1500, 2
    acc = np.zeros((H, W, 3))
    cx, cy = W / 2, H * 0.56
    for k, x in enumerate(takes):
        x = 2.4 * np.tanh((x - mu) / sd / 2.4)  # soften the rare wild swing
        for side, (ix, iy) in zip((-1, 1), [(0, 1), (2, 3)], strict=True):  # left hand, right hand
            pts = list(zip((cx + side * 170 + x[:, ix] * 120) * S, (cy + x[:, iy] * 140) * S, strict=True))
            layer = Image.new("L", (W * S, H * S), 0)
            d = ImageDraw.Draw(layer)
            for j in range(len(pts) - 1):
                d.line(
                    [pts[j], pts[j + 1]],
                    fill=int(60 + 150 * min(env[j], 1)),
                    width=max(1, int(1 + 4 * env[j]) * S),
                )
            a = np.asarray(layer.resize((W, H), Image.LANCZOS)) / 255
            acc += a[..., None] * np.array(GESTURE_COLOURS[k]) / 255 * 0.7
    img = 1 - np.exp(-acc * 1.5) + gaussian_blur(acc, 10) * 0.35
    img += np.array([10, 10, 18]) / 255 * vignette(H, W, 0.5)
    pic = to_image(img)
    d = ImageDraw.Draw(pic)
    # the speaker, drawn faintly: head and shoulders; and the sentence as a strip of sound below
    dim = (66, 68, 88)
    top = cy - 560
    d.ellipse([cx - 58, top, cx + 58, top + 140], outline=dim, width=2)
    for side in (-1, 1):
        d.line(
            [
                (cx + side * 20, top + 138),
                (cx + side * 24, top + 180),
                (cx + side * 180, top + 205),
                (cx + side * 215, top + 250),
            ],
            fill=dim,
            width=2,
            joint="curve",
        )
    base, x0, x1 = H - 110, 160, W - 160
    xs = np.linspace(x0, x1, len(t))
    for j in range(0, len(t), 2):
        a = 26 * env[j] * (0.6 + 0.4 * np.sin(j * 1.7) ** 2)
        d.line([(xs[j], base - a), (xs[j], base + a)], fill=(120, 120, 140), width=2)
    d.text(
        (W / 2, H - 60),
        "6 s of speech  ·  5 samples  ·  T = 0.5",
        font=font(15, bold=False),
        fill=(110, 110, 130),
        anchor="ma",
    )
    return save_jpeg(pic, out / "five-takes.jpg", quality=88)


FOLD_SEED = 4  # chosen by eye from seeds 1..7


@work("folded-gaussian")
def make_folded_gaussian(out: Path):
    """An unconditional 2-D GLOW (8 steps, seeded) seen whole. The square grid of the latent plane
    pushed through the flow, the density of 400 000 samples as a wash, and in red the images of the
    circles |z| = 1 and |z| = 2 - where samples at temperature 1 and 2 would land."""
    flow = ConditionalGlow(FOLD_SEED, dim=2, cond=0)
    size, S, margin = 1400, 2, 90
    u = np.linspace(-2.6, 2.6, 600)
    lines = [
        flow.forward(np.stack(p, 1))
        for v in np.linspace(-2.6, 2.6, 27)
        for p in ((u, np.full_like(u, v)), (np.full_like(u, v), u))
    ]
    pts = np.concatenate(lines)
    lo, hi = pts.min(0), pts.max(0)
    scale = (size - 2 * margin) / (hi - lo).max()
    offset = (size - (hi - lo) * scale) / 2

    def to_px(p):
        return (p - lo) * scale + offset

    samples = to_px(flow.forward(rng_for("folded-gaussian").normal(0, 1, (400_000, 2))))
    ok = (samples >= 0).all(1) & (samples < size).all(1)
    hist = np.zeros((size, size))
    np.add.at(hist, (samples[ok, 1].astype(int), samples[ok, 0].astype(int)), 1)
    dens = gaussian_blur(hist, 4)
    dens = np.clip(dens / np.percentile(dens, 99.7), 0, 1) ** 0.6
    wash = gradient_palette(
        dens, [(244, 238, 226), (232, 204, 176), (204, 124, 104), (122, 62, 82), (40, 30, 60)]
    )
    wash *= vignette(size, size, 0.12)
    big = to_image(wash).resize((size * S, size * S), Image.BICUBIC)
    d = ImageDraw.Draw(big)
    for line in lines:
        d.line([tuple(p) for p in to_px(line) * S], fill=(36, 36, 56), width=S)
    th = np.linspace(0, 2 * np.pi, 800)
    for r in (1, 2):
        ring = to_px(flow.forward(np.stack([np.cos(th) * r, np.sin(th) * r], 1))) * S
        d.line([tuple(p) for p in ring], fill=(206, 62, 40), width=3 * S)
    img = big.resize((size, size), Image.LANCZOS)
    return save_jpeg(img, out / "folded-gaussian.jpg", quality=90)


SR = 48_000  # audio sample rate


def fm_bell(freq: float, dur: float, rng: np.random.Generator) -> np.ndarray:
    """A frequency-modulation bell (carrier : modulator = 1 : 3.5, index decaying with the sound)."""
    t = np.arange(int(dur * SR)) / SR
    index = 3.0 * np.exp(-t * 3.5)
    mod = np.sin(2 * np.pi * freq * 3.5 * t) * index
    env = np.exp(-t * (1.6 + freq / 900)) * np.clip(t / 0.004, 0, 1)
    return np.sin(2 * np.pi * freq * t + mod + rng.random() * 6.28) * env


FORMANTS = {  # vowel: (F1, F2, F3) in Hz - a, o, u, e, i
    "a": (730, 1090, 2440),
    "o": (570, 840, 2410),
    "u": (300, 870, 2240),
    "e": (530, 1840, 2480),
    "i": (270, 2290, 3010),
}


def voice(
    env: np.ndarray, pitch: np.ndarray, fps: int, rng: np.random.Generator, base_hz: float = 146.8
) -> np.ndarray:
    """Additive formant synthesis: 40 harmonics of a gliding pitch, weighted by the formants of a
    vowel that changes with every syllable - a voice speaking no language."""
    n = int(len(env) / fps * SR)
    tt = np.arange(n) / SR
    frames = np.arange(len(env)) / fps
    e = np.interp(tt, frames, env)
    f0 = base_hz * (0.85 + 0.3 * np.interp(tt, frames, pitch))
    vowels = list(FORMANTS.values())
    syllable = np.floor(np.cumsum(env) / 12).astype(int)  # a new vowel every so much voice
    choice = rng.integers(0, len(vowels), syllable.max() + 2)
    fm = np.array([vowels[c] for c in choice])[syllable]  # (frames, 3)
    fm = np.stack(
        [
            np.interp(tt, frames, gaussian_blur(fm[:, i, None, None].astype(float), 3)[:, 0, 0])
            for i in range(3)
        ],
        -1,
    )
    phase = 2 * np.pi * np.cumsum(f0) / SR
    out = np.zeros(n)
    for k in range(1, 41):
        hk = k * f0
        amp = sum(np.exp(-(((hk - fm[:, i]) / (80 + 40 * i)) ** 2)) / (i + 1) for i in range(3)) + 0.02
        out += np.sin(k * phase) * amp / k**0.5
    breath = gaussian_blur(rng.normal(0, 1, (n, 1, 1)), 0.7)[:, 0, 0]
    return (out / 6 + 0.15 * breath * (out / 6)) * e


class TinyRNNSequencer:
    """A melody from a recurrent network with fixed random weights: the hidden state carries the
    phrase, the output picks the next note of a D minor pentatonic scale (or a rest)."""

    SCALE = [146.83, 174.61, 196.00, 220.00, 261.63, 293.66, 349.23, 392.00, 440.00, 523.25]  # D F G A C ...

    def __init__(self, seed: int, hidden: int = 24):
        r = np.random.default_rng(seed)
        n = len(self.SCALE) + 1  # + rest
        self.W = r.normal(0, 1.3 / np.sqrt(hidden), (hidden, hidden))
        self.U = r.normal(0, 1.0, (n, hidden))
        self.V = r.normal(0, 1.0, (hidden, n))
        self.V[:, -1] += 0.35  # rests are welcome
        self.h = np.zeros(hidden)
        self.rng = r

    def next(self, previous: int, temperature: float = 0.7) -> int:
        self.h = np.tanh(self.h @ self.W + self.U[previous])
        logits = self.h @ self.V / temperature
        p = np.exp(logits - logits.max())
        return int(self.rng.choice(len(p), p=p / p.sum()))


def reverb(x: np.ndarray, seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Convolution with a burst of exponentially decaying, darkening noise."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    ir = rng.normal(0, 1, n) * np.exp(-t * 6.9 / seconds)
    ir = gaussian_blur(ir[:, None, None], 1.5)[:, 0, 0]
    ir[0] = 0
    size = len(x) + n
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(ir / np.sqrt((ir**2).sum()), size), size)
    return y[: len(x)]


@work("utterance")
def make_utterance(out: Path):
    """A 32 s stereo piece. A D drone, FM bells sequenced by a tiny random RNN, and in the middle the
    wordless voice of the 'five-takes' sentence, said twice; all in a synthetic room."""
    rng = rng_for("utterance/audio")
    dur = 32.0
    n = int(dur * SR)
    t = np.arange(n) / SR
    L, R = np.zeros(n), np.zeros(n)
    # drone: D and A, slightly detuned, breathing
    fade = np.clip(t / 4, 0, 1) * np.clip((dur - t) / 4, 0, 1)
    for f, a in [(73.42, 0.08), (73.72, 0.07), (110.0, 0.06), (146.83, 0.04), (220.0, 0.015)]:
        lfo = 0.75 + 0.25 * np.sin(2 * np.pi * t / (7 + f % 3) + f)
        L += a * np.sin(2 * np.pi * f * t) * lfo * fade
        R += a * np.sin(2 * np.pi * f * 1.0007 * t + 1) * lfo * fade
    # bells: eighth notes at 84 bpm from 4 s to 28 s
    seq, note = TinyRNNSequencer(7), len(TinyRNNSequencer.SCALE)
    step = 60 / 84 / 2
    for k in range(int(24 / step)):
        note = seq.next(note)
        if note == len(TinyRNNSequencer.SCALE):
            continue
        start = int((4 + k * step) * SR)
        b = fm_bell(TinyRNNSequencer.SCALE[note] * 2, 2.5, rng)[: n - start]
        pan = 0.5 + 0.35 * np.sin(k * 0.9)
        gain = 0.35 * (0.7 + 0.3 * rng.random())
        L[start : start + len(b)] += b * gain * (1 - pan)
        R[start : start + len(b)] += b * gain * pan
    # the voice: the sentence of "five-takes", at 10 s and at 17 s
    tt, env, pitch = utterance(rng_for("utterance"))
    v = voice(env, pitch, 100, rng)
    for start_s, pan in [(10.0, 0.4), (17.0, 0.6)]:
        s = int(start_s * SR)
        L[s : s + len(v)] += v * 0.7 * (1 - pan)
        R[s : s + len(v)] += v * 0.7 * pan
    wet_l, wet_r = reverb(L, 3.0, rng), reverb(R, 3.0, rng)
    mix = np.stack([0.7 * L + 0.6 * wet_l, 0.7 * R + 0.6 * wet_r], -1)
    mix *= 0.89 / np.abs(mix).max()
    wav = out / "utterance.wav"
    with wave.open(str(wav), "wb") as f:
        f.setnchannels(2)
        f.setsampwidth(2)
        f.setframerate(SR)
        f.writeframes((mix * 32767).astype("<i2").tobytes())
    path = out / "utterance.ogg"
    try:
        for kbps in (56, 48, 40, 32):
            subprocess.run(
                [
                    ffmpeg(),
                    "-v",
                    "error",
                    "-y",
                    "-i",
                    str(wav),
                    "-c:a",
                    "libopus",
                    "-b:a",
                    f"{kbps}k",
                    "-vbr",
                    "constrained",
                    "-metadata",
                    "title=Utterance",
                    "-metadata",
                    "artist=event_server generators",
                    "-metadata",
                    "date=2020",
                    "-fflags",
                    "+bitexact",
                    "-flags:a",
                    "+bitexact",
                    str(path),
                ],
                check=True,
            )
            if path.stat().st_size <= AUDIO_MAX_BYTES:
                return path
        raise SystemExit(f"{path.name}: over {AUDIO_MAX_BYTES} bytes")
    finally:
        wav.unlink()
