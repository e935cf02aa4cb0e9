"""Enrichment wall time of the sample corpora in this process vs on Ray (local mode). Prints figures; asserts nothing.

Run: .venv/bin/python bench/backends.py [--actors 2] [--chunk-size 128]

Both backends enrich the same feedback in the same chunks with no embedding cache (every unit is encoded), themes
and profiles left out. The Ray figure includes starting Ray and each actor loading the models (one load per
actor); the in-process figure includes loading the models once.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from enrich.chunks import enriched_chunks  # noqa: E402
from enrich.config import load_config  # noqa: E402
from enrich.pipeline import Pipeline  # noqa: E402
from enrich.runner import read_inputs  # noqa: E402


def timed(config, feedback) -> tuple[float, int]:
    start = time.perf_counter()
    units = sum(len(chunk.units) for chunk in enriched_chunks(Pipeline(config), feedback, {}))
    return time.perf_counter() - start, units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pipeline", default="pipelines/default.toml")
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=128)
    args = parser.parse_args()
    config = load_config(args.pipeline).model_copy(update={"chunk_size": args.chunk_size})
    feedback, _, _, _ = read_inputs(config)
    on_ray = config.model_copy(update={"backend": config.backend.model_copy(update={"kind": "ray",
                                                                                  "actors": args.actors})})
    print(f"{len(feedback)} feedback, chunks of {args.chunk_size}, {os.cpu_count()} CPUs")
    for name, settings in (("in-process", config), (f"ray, {args.actors} actors x 1 CPU", on_ray)):
        seconds, units = timed(settings, feedback)
        print(f"{name:<26} {seconds:6.1f} s  {units / seconds:6.0f} units/s")


if __name__ == "__main__":
    main()
