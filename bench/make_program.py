"""Write a large valid programme (default 2,000 talks in 20 rooms over 5 days) for benchmarks.

    python bench/make_program.py OUT_DIR [--talks 2000]
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write(out: Path, talks: int = 2000, rooms: int = 20) -> Path:
    (out / "media").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "program/media/recordings/opening.webm", out / "media/clip.webm")
    per_day = 20 * rooms  # 20 slots of 30 minutes a room a day
    days = -(-talks // per_day)
    lines = ["version: 1", "event:", "  id: big-fest", "  title: {en: Big fest, ru: Большой фестиваль}",
             "  timezone: Europe/Moscow", "  start: 2021-06-01", f"  end: 2021-06-{days:02d}", "rooms:"]
    lines += [f"  - {{slug: room-{r}, name: {{en: Room {r}, ru: Зал {r}}}}}" for r in range(rooms)]
    lines += ["speakers:"] + [f"  - {{slug: speaker-{s}, name: Speaker {s}, bio: {{en: Bio {s}, ru: Био {s}}}}}"
                              for s in range(talks // 2)]
    lines.append("talks:")
    for i in range(talks):
        day, rest = divmod(i, per_day)
        room, slot = divmod(rest, 20)
        hour, half = divmod(slot, 2)
        recording = "{file: media/clip.webm, duration: 20m}" if i % 2 else "{youtube: VdgYqOoqL1s, duration: 20m}"
        lines += [f"  - slug: talk-{i}",
                  f"    title: {{en: 'Talk {i}: generative art at scale', ru: 'Доклад {i}: генеративное искусство'}}",
                  f"    abstract: {{en: 'An abstract of talk {i}.', ru: 'Аннотация доклада {i}.'}}",
                  f"    speakers: [speaker-{i // 2}]", f"    room: room-{room}",
                  f"    start: 2021-06-{day + 1:02d} {8 + hour:02d}:{30 * half:02d}",
                  f"    recording: {recording}", "    qa_minutes: 5", "    tags: [StyleGAN2]"]
    path = out / "program.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--talks", type=int, default=2000)
    args = parser.parse_args()
    print(write(args.out, args.talks))
