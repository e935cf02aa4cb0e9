"""The transformers backend: a local Hugging Face classifier, built here by the test (tiny BERT, random weights,
its own WordPiece vocabulary), plugged into a pipeline as its sentiment model by config."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from enrich.errors import ModelError
from enrich.pipeline import load
from enrich.transformers_backend import TransformersSentiment

TEXTS = ["The app crashed twice today.", "Support fixed it in two minutes, brilliant!", "It is fine, I guess."]


def _tiny_classifier(directory: Path, id2label: dict[int, str]) -> Path:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    words = sorted({w.strip(".,!").lower() for text in TEXTS for w in text.split()})
    directory.mkdir(parents=True)
    (directory / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(directory / "vocab.txt"))
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=64, num_labels=len(id2label),
                                     id2label=id2label, label2id={v: k for k, v in id2label.items()})
    transformers.BertForSequenceClassification(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def classifier_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_classifier(tmp_path_factory.mktemp("hf") / "tiny-sentiment", {0: "NEG", 1: "NEU", 2: "POS"})


def test_transformers_backend_probabilities_are_the_models_own(classifier_dir: Path) -> None:
    import torch
    import transformers

    model = TransformersSentiment(classifier_dir, batch_size=2)
    got = model.predict_proba(None, TEXTS)
    reference = transformers.AutoModelForSequenceClassification.from_pretrained(classifier_dir).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(classifier_dir)
    with torch.inference_mode():
        logits = reference(**tokenizer(TEXTS, padding=True, return_tensors="pt")).logits
    np.testing.assert_allclose(got, torch.softmax(logits, -1).numpy(), atol=1e-5)
    assert model.model_ref.startswith("transformers:tiny-sentiment@")


def test_transformers_backend_maps_two_class_and_custom_labels(tmp_path: Path) -> None:
    directory = _tiny_classifier(tmp_path / "two", {0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ModelError, match=r"label 'LABEL_0'.*labels = \{ LABEL_0 = \"negative\""):
        TransformersSentiment(directory)
    model = TransformersSentiment(directory, {"LABEL_0": "negative", "LABEL_1": "positive"})
    probabilities = model.predict_proba(None, TEXTS)
    assert (probabilities[:, 1] == 0).all() and np.allclose(probabilities.sum(axis=1), 1)
    with pytest.raises(ModelError, match="no negative or no positive"):
        TransformersSentiment(directory, {"LABEL_0": "neutral", "LABEL_1": "positive"})
    with pytest.raises(ModelError, match="no model.safetensors"):
        TransformersSentiment(tmp_path)


def test_transformers_backend_runs_in_a_pipeline_by_config(classifier_dir: Path) -> None:
    steps = ["segment.v1", "language.v1", "encode.v1", "sentiment.v1", "effort.v1"]
    plugged = load({"pipeline": {"name": "plugged"}, "steps": steps,
                    "sentiment": {"model_path": str(classifier_dir)}})
    default = load({"pipeline": {"name": "default"}, "steps": steps}, encoder=plugged.encoder)
    frame = pd.DataFrame({"text": TEXTS})
    out, base = plugged.enrich(frame), default.enrich(frame)
    expected = TransformersSentiment(classifier_dir).predict_proba(None, TEXTS)
    assert out["sentiment_label"].tolist() == [["negative", "neutral", "positive"][i] for i in expected.argmax(1)]
    np.testing.assert_allclose(out["sentiment_score"], expected[:, 2] - expected[:, 0], atol=1e-4)
    assert plugged.model_refs["sentiment"].startswith("transformers:tiny-sentiment@")
    # effort keeps reading enrich's own sentiment head, whose probabilities it was trained on
    pd.testing.assert_series_equal(out["effort_score"], base["effort_score"])
