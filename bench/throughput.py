"""Throughput of each pipeline stage on the sample corpora, and peak memory. Prints figures; asserts nothing.

Run: .venv/bin/python bench/throughput.py [--repeat N]

The encoder is timed cold (no embedding cache) so the figure is the real cost floor (repeated texts are encoded
once); every other stage is timed on the same units. Themes are timed on all units of the sample and include
numba's first-use compilation of UMAP and HDBSCAN in a fresh process.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from enrich.components.batch import Batch  # noqa: E402
from enrich.config import load_config  # noqa: E402
from enrich.pipeline import Pipeline  # noqa: E402
from enrich.runner import read_inputs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pipeline", default="pipelines/default.toml")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the corpus N times (distinct texts per copy)")
    args = parser.parse_args()

    config = load_config(args.pipeline)
    feedback, _, _, _ = read_inputs(config)
    if args.repeat > 1:
        feedback = [
            record.model_copy(update={"feedback_id": f"{record.feedback_id}~{copy}",
                                      "text": record.text if copy == 0 else f"{record.text} ({copy})"})
            for copy in range(args.repeat) for record in feedback
        ]
    pipeline = Pipeline(config, cache=None)
    batch = Batch(feedback=feedback)
    timings: list[tuple[str, float, int]] = []
    distinct = 0
    for name, component in pipeline.components:
        if name == "encode.v1":
            _ = pipeline.encoder._model  # load outside the timed region; loading is reported separately below
        started = time.perf_counter()
        component.set_annotations(batch, component.predict(batch))
        timings.append((name, time.perf_counter() - started, len(batch.units)))
        if name == "encode.v1":
            distinct = component.last_encoded
    started = time.perf_counter()
    themer = pipeline.themer().fit(batch.embeddings, [unit.text for unit in batch.units])
    timings.append((f"themes ({config.themes.reducer} + HDBSCAN)", time.perf_counter() - started, len(batch.units)))

    n_units = len(batch.units)
    total = sum(seconds for _, seconds, _ in timings)
    print(f"feedback {len(feedback)}  units {n_units} ({distinct} distinct texts encoded)  themes {len(themer.themes_)}  "
          f"unthemed {(themer.labels_ < 0).mean():.1%}  threads {os.cpu_count()}")
    print(f"{'stage':34} {'seconds':>8} {'units/s':>9} {'share':>6}")
    for name, seconds, units in timings:
        print(f"{name:34} {seconds:8.2f} {units / max(seconds, 1e-9):9.0f} {seconds / total:6.1%}")
    print(f"{'total':34} {total:8.2f} {n_units / total:9.0f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
