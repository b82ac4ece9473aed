"""How long `event-server check` takes to load and validate a large programme, with libyaml (what
the loader uses) and, side by side in the same run, with PyYAML's pure-Python parser (what it used
before).

    python bench/load_bench.py [--talks 2000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from make_program import write  # noqa: E402

from event_server.loader import (
    load_program,  # noqa: E402
    yamlpos,  # noqa: E402
)


def measure(path: Path, repeat: int) -> tuple[list[float], list[float], int]:
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        program = load_program(path)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)  # the machine is shared: CPU time is the steadier figure
    return times, cpu, len(program.talks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), args.talks)
        size = path.stat().st_size
        for name, loader in (("libyaml", yamlpos._LOADER), ("pure-Python parser", yaml.SafeLoader)):
            yamlpos._LOADER = loader
            times, cpu, talks = measure(path, args.repeat)
            assert talks == args.talks
            print(f"{name}: load {talks} talks ({size // 1024} KiB YAML): best {min(times):.3f} s, "
                  f"median {sorted(times)[len(times) // 2]:.3f} s wall; best {min(cpu):.3f} s CPU "
                  f"over {args.repeat} runs")


if __name__ == "__main__":
    main()
