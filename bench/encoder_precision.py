"""Encoder fp32 vs bf16 autocast on the sample corpora's units: speed, vector agreement, and how often the sentiment
and effort heads (trained on fp32 vectors) change their answer. Prints figures; asserts nothing.

Run: .venv/bin/python bench/encoder_precision.py

Every unit text of the sample corpora (segmented as the default pipeline does) is encoded with no cache, once per
precision, on the CPUs this process may use; a warm-up batch runs first. bf16 is fast only on a CPU with AVX-512 BF16
or AMX (the flags are printed); elsewhere PyTorch emulates it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from enrich.components.batch import Batch  # noqa: E402
from enrich.components.sentiment import SentimentModel  # noqa: E402
from enrich.config import load_config  # noqa: E402
from enrich.encoder import Encoder  # noqa: E402
from enrich.heads.effort import EffortBuckets, effort_inputs, predict_effort  # noqa: E402
from enrich.heads.linear import LinearHead  # noqa: E402
from enrich.paths import models_dir  # noqa: E402
from enrich.pipeline import Pipeline  # noqa: E402
from enrich.runner import read_inputs  # noqa: E402
from enrich.training.effort import effort_bucket  # noqa: E402


def main() -> None:
    config = load_config("pipelines/default.toml")
    feedback, _, _, _ = read_inputs(config)
    segmenter = dict(Pipeline(config).components)["segment.v1"]
    batch = Batch(feedback=feedback)
    segmenter.set_annotations(batch, segmenter.predict(batch))
    texts = sorted({unit.text for unit in batch.units if unit.speaker == "customer" and unit.text.strip()})
    flags = sorted({flag for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")
                    for flag in line.split() if flag in ("avx512_bf16", "amx_bf16", "amx_tile")})
    print(f"{len(texts)} distinct customer unit texts; CPU bf16 flags: {', '.join(flags) or 'none'}")
    vectors, seconds = {}, {}
    for precision in ("fp32", "bf16"):
        encoder = Encoder(precision=precision)
        encoder.encode(texts[:64])  # warm-up: model load, first-call allocations
        start = time.perf_counter()
        vectors[precision] = encoder.encode(texts)
        seconds[precision] = time.perf_counter() - start
        print(f"{precision}: {seconds[precision]:.2f} s, {len(texts) / seconds[precision]:.0f} texts/s")
    cosine = (vectors["fp32"] * vectors["bf16"]).sum(axis=1)
    print(f"bf16 speed-up x{seconds['fp32'] / seconds['bf16']:.2f}; cosine to fp32: min {cosine.min():.5f}, "
          f"mean {cosine.mean():.6f}")
    sentiment = SentimentModel.load()
    bucket = EffortBuckets.load(models_dir() / "effort", "presence")
    score = LinearHead.load(models_dir() / "effort", "score")
    labels, buckets = {}, {}
    for precision, matrix in vectors.items():
        labels[precision] = sentiment.predict_proba(matrix, texts).argmax(axis=1)
        efforts = predict_effort(bucket, score, effort_inputs(matrix, texts, sentiment), texts)
        buckets[precision] = effort_bucket(efforts)
    print(f"sentiment label changed on {np.mean(labels['fp32'] != labels['bf16']):.2%} of units; "
          f"effort bucket on {np.mean(buckets['fp32'] != buckets['bf16']):.2%}")


if __name__ == "__main__":
    main()
