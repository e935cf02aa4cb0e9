"""Components on tiny hand-written inputs with the real models (encoder and spaCy load once per session)."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from enrich.components import registry
from enrich.components.batch import Batch
from enrich.components.effort import EffortScorer
from enrich.components.encode import EncodeStep
from enrich.components.language import LanguageFlagger, detect_language
from enrich.components.pain_points import PainPointExtractor, normalise_chunk
from enrich.components.segment import MAX_UNIT_CHARS, Segmenter
from enrich.components.sentiment import SentimentScorer
from enrich.encoder import EMBEDDING_DIM, text_hash
from enrich.schema import Feedback, Turn, Unit

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "my", "your", "our", "their"}


def review(text: str, feedback_id: str = "r1") -> Feedback:
    return Feedback(feedback_id=feedback_id, channel="review", customer_id="C1", created_at=T0, text=text)


def chat(turns: list[tuple[str, str]], feedback_id: str = "c1") -> Feedback:
    customer_text = "\n".join(text for speaker, text in turns if speaker == "customer")
    return Feedback(
        feedback_id=feedback_id, channel="chat", customer_id="C1", created_at=T0, text=customer_text,
        turns=tuple(Turn(speaker=speaker, text=text) for speaker, text in turns),
    )


class MemoryCache:
    """An in-memory EmbeddingCache."""

    def __init__(self) -> None:
        self.vectors: dict[tuple[str, str], np.ndarray] = {}

    def cached_embeddings(self, text_hashes: list[str], model_hash: str) -> dict[str, np.ndarray]:
        return {h: self.vectors[(h, model_hash)] for h in text_hashes if (h, model_hash) in self.vectors}

    def cache_embeddings(self, items: dict[str, np.ndarray], model_hash: str) -> None:
        self.vectors.update({(h, model_hash): np.asarray(v) for h, v in items.items()})


@pytest.fixture(scope="module")
def steps(encoder):
    """Every default step, built once for the module, sharing the session encoder."""
    return [Segmenter(), LanguageFlagger(), EncodeStep(encoder), SentimentScorer(), EffortScorer(),
            PainPointExtractor()]


def run_steps(steps, feedback: list[Feedback]) -> Batch:
    batch = Batch(feedback=feedback)
    for step in steps:
        step.set_annotations(batch, step.predict(batch))
    return batch


def run_on_units(steps, units: list[Unit]) -> Batch:
    """Every step after segmentation, on hand-made units."""
    batch = Batch(feedback=[], units=units)
    for step in steps[1:]:
        step.set_annotations(batch, step.predict(batch))
    return batch


def annotations_of(batch: Batch, text: str) -> dict:
    row = next(i for i, unit in enumerate(batch.units) if unit.text == text)
    return {name: column[row] for name, column in batch.annotations.items()}


# -- registry -----------------------------------------------------------------------------------------------


def test_components_registry_declares_reads_and_writes():
    assert set(registry.available()) >= {"segment.v1", "language.v1", "encode.v1", "sentiment.v1", "effort.v1",
                                         "pain_points.v1"}
    sentiment = registry.get("sentiment.v1")
    assert sentiment.assigns == ("sentiment",)
    assert set(sentiment.requires) == {"units", "embeddings"}


# -- segmentation -------------------------------------------------------------------------------------------


def test_components_segment_splits_reviews_into_sentences(steps):
    batch = Batch(feedback=[review("The app is great. Delivery was two days late! Will I order again?")])
    steps[0].set_annotations(batch, steps[0].predict(batch))

    assert [unit.text for unit in batch.units] == [
        "The app is great.", "Delivery was two days late!", "Will I order again?"]
    assert [unit.index for unit in batch.units] == [0, 1, 2]
    assert {unit.feedback_key for unit in batch.units} == {"review:r1"}


def test_components_segment_chats_into_customer_turns_only(steps):
    conversation = chat([
        ("customer", "My parcel never arrived. It has been two weeks."),
        ("agent", "I am so sorry, let me check that for you."),
        ("system", "Chat transferred to billing."),
        ("customer", "Thanks, that was quick."),
    ])
    batch = Batch(feedback=[conversation])
    steps[0].set_annotations(batch, steps[0].predict(batch))

    # One unit per customer turn, even when the turn has several sentences.
    assert [unit.text for unit in batch.units] == [
        "My parcel never arrived. It has been two weeks.", "Thanks, that was quick."]
    assert all(unit.speaker == "customer" for unit in batch.units)
    assert not any("sorry" in unit.text or "transferred" in unit.text for unit in batch.units)


def test_components_segment_blank_text_gives_no_units(steps):
    feedback = [review("", "blank"), review("  \n\t ", "spaces"),
                chat([("agent", "Hello?"), ("system", "Customer left.")], "agent-only"),
                review("Fine.", "fine")]
    batch = Batch(feedback=feedback)
    steps[0].set_annotations(batch, steps[0].predict(batch))

    assert [(unit.feedback_key, unit.text) for unit in batch.units] == [("review:fine", "Fine.")]


def test_components_segment_cuts_run_on_text_into_bounded_units(steps):
    run_on = " ".join(["word"] * 700)  # 3,499 characters, no sentence boundary
    batch = Batch(feedback=[review(run_on)])
    steps[0].set_annotations(batch, steps[0].predict(batch))

    assert len(batch.units) >= 4
    assert all(0 < len(unit.text) <= MAX_UNIT_CHARS for unit in batch.units)
    assert "".join(unit.text for unit in batch.units).replace(" ", "") == run_on.replace(" ", "")


def test_components_segment_resets_earlier_annotations(steps):
    batch = Batch(feedback=[review("Fine.")], annotations={"sentiment_label": ["positive", "negative"]})
    steps[0].set_annotations(batch, steps[0].predict(batch))

    assert batch.annotations == {}
    assert batch.embeddings is None


# -- language -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, language",
    [
        ("El producto es muy malo y no funciona para nada.", "es"),
        ("Das Produkt ist sehr schlecht und ich bin nicht zufrieden.", "de"),
        ("Le produit est très mauvais et je ne suis pas content.", "fr"),
        ("The delivery was late and the box was damaged.", "en"),
        ("ok", "en"),
        ("Brilliant!", "en"),
    ],
)
def test_components_language_flags_non_english(text: str, language: str):
    assert detect_language(text) == language

    batch = Batch(feedback=[], units=[Unit("review:r1", 0, text)])
    flagger = LanguageFlagger()
    flagger.set_annotations(batch, flagger.predict(batch))
    assert batch.annotations["language"] == [language]


def test_components_language_keeps_english_that_shares_words_with_other_languages():
    # English sentences from the sample corpora. "as", "a", "e" and "no" are also Portuguese/Spanish function words;
    # flagging these as foreign silently drops their sentiment and effort.
    english = [
        "Since they switched couriers everything takes twice as long.",
        "Bought a second one as a gift.",
        "Great e-reader, lovely screen.",
        "No delivery, no update, no email, just a date that quietly changed.",
        "No real complaints, nothing amazing either.",
        "Fantastic service as always: charged twice, delivered never.",
    ]

    flagged = {text: detect_language(text) for text in english if detect_language(text) != "en"}

    assert flagged == {}


def test_components_non_english_and_agent_units_are_not_scored(steps):
    units = [
        Unit("review:r1", 0, "El envío llegó tarde y la caja estaba rota por todos lados."),
        Unit("chat:c1", 0, "I am so sorry, I will refund you right now.", speaker="agent"),
        Unit("review:r2", 0, "The checkout page crashed twice and I gave up."),
    ]
    batch = run_on_units(steps, units)

    assert batch.annotations["language"] == ["es", "en", "en"]
    for row in (0, 1):
        assert batch.annotations["sentiment_label"][row] is None
        assert batch.annotations["sentiment_score"][row] is None
        assert batch.annotations["sentiment_probs"][row] is None
        assert batch.annotations["effort_score"][row] is None
        assert batch.annotations["pain_points"][row] == []
    assert batch.annotations["sentiment_label"][2] == "negative"


# -- sentiment ----------------------------------------------------------------------------------------------

POSITIVE = ["I love this app, it is wonderful and fast.", "Fantastic service, the driver was really friendly."]
NEGATIVE = ["This is the worst service ever, terrible and broken.", "My order arrived damaged and nobody replied."]


def test_components_sentiment_labels_and_score_sign(steps):
    batch = run_on_units(steps, [Unit("review:r1", i, text) for i, text in enumerate(POSITIVE + NEGATIVE)])

    labels, scores = batch.annotations["sentiment_label"], batch.annotations["sentiment_score"]
    assert labels == ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE)
    assert all(score > 0.3 for score in scores[: len(POSITIVE)])
    assert all(score < -0.3 for score in scores[len(POSITIVE):])


def test_components_sentiment_scores_and_probabilities_are_well_formed(steps):
    texts = POSITIVE + NEGATIVE + ["ok", "The parcel came on Tuesday.", "Meh."]
    batch = run_on_units(steps, [Unit("review:r1", i, text) for i, text in enumerate(texts)])

    for label, score, probs in zip(batch.annotations["sentiment_label"], batch.annotations["sentiment_score"],
                                   batch.annotations["sentiment_probs"]):
        assert -1.0 <= score <= 1.0
        assert set(probs) == {"negative", "neutral", "positive"}
        assert all(0.0 <= p <= 1.0 for p in probs.values())
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-3)
        assert label == max(probs, key=probs.get)
        assert score == pytest.approx(probs["positive"] - probs["negative"], abs=1e-3)


def test_components_sentiment_predict_does_not_touch_the_batch(steps):
    batch = run_on_units(steps[:3], [Unit("review:r1", 0, "Love it.")])  # language + encode only
    before = dict(batch.annotations)

    predictions = SentimentScorer().predict(batch)

    assert predictions.labels == ["positive"]
    assert batch.annotations == before


# -- effort -------------------------------------------------------------------------------------------------


def test_components_effort_scores_effortful_and_leaves_opinions_null(steps):
    effortful = "I called five times and was on hold for two hours."
    opinion = "The colour is lovely."
    batch = run_on_units(steps, [Unit("review:r1", 0, effortful), Unit("review:r2", 0, opinion)])

    effort = batch.annotations["effort_score"]
    assert effort[0] is not None and effort[0] <= -2
    assert -5 <= effort[0] <= 5
    assert effort[1] is None


def test_components_effort_scores_are_rounded_to_one_decimal(steps):
    # predict_effort promises "float in [-5, 5] rounded to 0.1"; the value lands in the store and in JSON exports.
    texts = ["I called five times and was on hold for two hours.", "But checkout keeps failing.",
             "I had to send my documents three times before anyone read them."]
    batch = run_on_units(steps, [Unit("review:r1", i, text) for i, text in enumerate(texts)])

    scored = [value for value in batch.annotations["effort_score"] if value is not None]
    assert scored
    for value in scored:
        assert value == round(value, 1), f"effort {value!r} is not rounded to 0.1"


# -- pain points --------------------------------------------------------------------------------------------


def test_components_pain_points_from_negative_units_normalised(steps):
    text = "The checkout page crashed and the promo code was rejected."
    batch = run_on_units(steps, [Unit("review:r1", 0, text)])

    assert batch.annotations["sentiment_label"] == ["negative"]
    pain_points = batch.annotations["pain_points"][0]
    assert any("checkout" in point for point in pain_points)
    assert any("promo code" in point for point in pain_points)
    for point in pain_points:
        assert point == point.lower()
        assert not set(point.split()) & DETERMINERS, point


def test_components_pain_points_only_on_negative_units(steps):
    texts = ["The checkout page is brilliant and the promo code worked.", "The checkout page crashed again."]
    batch = run_on_units(steps, [Unit("review:r1", i, text) for i, text in enumerate(texts)])

    assert batch.annotations["sentiment_label"] == ["positive", "negative"]
    assert batch.annotations["pain_points"][0] == []
    assert batch.annotations["pain_points"][1]


def test_components_pain_points_without_sentiment_gives_empty_lists():
    batch = Batch(feedback=[], units=[Unit("review:r1", 0, "The checkout page crashed.")])

    assert PainPointExtractor().predict(batch) == [[]]


@pytest.mark.parametrize(
    "lemmas, pos, expected",
    [
        (["the", "checkout", "page"], ["DET", "NOUN", "NOUN"], "checkout page"),
        (["my", "Promo", "Code"], ["PRON", "PROPN", "PROPN"], "promo code"),
        (["two", "hour"], ["NUM", "NOUN"], None),
        (["it"], ["PRON"], None),
        (["the", "experience"], ["DET", "NOUN"], None),
    ],
)
def test_components_pain_point_normalisation(lemmas, pos, expected):
    assert normalise_chunk(lemmas, pos) == expected


# -- encode -------------------------------------------------------------------------------------------------


def _unit_batch(texts: list[str]) -> Batch:
    return Batch(feedback=[], units=[Unit("review:r1", i, text) for i, text in enumerate(texts)])


def test_components_encode_caches_and_deduplicates(encoder):
    cache = MemoryCache()
    texts = ["Checkout failed twice.", "Love the new app.", "Checkout failed twice."]

    first_step = EncodeStep(encoder, cache)
    first = first_step.predict(_unit_batch(texts))
    assert first_step.last_encoded == 2  # the duplicate is encoded once
    assert first.shape == (3, EMBEDDING_DIM) and first.dtype == np.float32
    assert np.array_equal(first[0], first[2])
    assert len(cache.vectors) == 2
    assert (text_hash("Love the new app."), encoder.weights_hash) in cache.vectors

    second_step = EncodeStep(encoder, cache)
    second = second_step.predict(_unit_batch(texts))
    assert second_step.last_encoded == 0
    assert np.array_equal(first, second)

    # A batch mixing known and new texts encodes only the new one.
    second_step.predict(_unit_batch(["Love the new app.", "Delivery was late."]))
    assert second_step.last_encoded == 1


def test_components_encode_vectors_are_unit_length_and_match_the_encoder(encoder):
    texts = ["Checkout failed twice.", "Love the new app."]
    vectors = EncodeStep(encoder).predict(_unit_batch(texts))

    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(vectors, encoder.encode(texts), atol=1e-4)


def test_components_encoder_bf16_stays_within_cosine_1e4_of_fp32_and_says_so(encoder):
    from enrich.encoder import Encoder
    from enrich.errors import ModelError

    texts = ["Checkout failed twice.", "Love the new app.", "Support fixed it in two minutes, brilliant!"]
    bf16 = Encoder(precision="bf16")
    vectors = bf16.encode(texts)
    assert vectors.dtype == np.float32
    assert ((vectors * encoder.encode(texts)).sum(axis=1) > 0.9999).all()
    assert bf16.model_ref == encoder.model_ref + "+bf16"
    with pytest.raises(ModelError, match="unknown encoder precision 'fp16'; valid: fp32, bf16"):
        Encoder(precision="fp16")


def test_components_encode_empty_batch_gives_empty_matrix(encoder):
    step = EncodeStep(encoder, MemoryCache())
    vectors = step.predict(_unit_batch([]))

    assert vectors.shape == (0, EMBEDDING_DIM)
    assert step.last_encoded == 0


def test_components_blank_feedback_flows_through_every_step(steps):
    batch = run_steps(steps, [review("   ", "blank")])

    assert batch.units == []
    assert batch.embeddings is not None and batch.embeddings.shape == (0, EMBEDDING_DIM)
    assert batch.annotations["sentiment_label"] == []
    assert batch.annotations["pain_points"] == []


def test_components_language_short_units_take_their_feedback_language():
    units = [
        Unit("review:de", 0, "Die App stürzt beim Bezahlen ständig ab und mir wurde der Betrag doppelt abgebucht."),
        Unit("review:de", 1, "Sehr ärgerlich."),
        Unit("review:fr", 0, "Toujours pas remboursé après un mois. Le service client ne répond plus."),
        Unit("review:fr", 1, "Je déconseille."),
        Unit("review:mixed", 0, "El pedido llegó con una semana de retraso y la caja estaba rota."),
        Unit("review:mixed", 1, "The support team was useless."),  # its own English evidence keeps it English
        Unit("review:en", 0, "Sehr gut."),  # an English feedback gives no context; two words cannot vote alone
    ]

    assert LanguageFlagger().predict(Batch(feedback=[], units=units)) == ["de", "de", "fr", "fr", "es", "en", "en"]


def test_components_effort_and_actionability_reuse_the_sentiment_steps_probabilities(steps, monkeypatch):
    from enrich.components.actionability import ActionabilityClassifier

    feedback = [review("Checkout failed three times. I gave up.")]
    expected = run_steps(steps, feedback)
    classifier = ActionabilityClassifier()
    expected_label = classifier.predict(expected)

    def fail(*args, **kwargs):
        raise AssertionError("the sentiment model ran twice on the same units")

    effort = steps[4]
    monkeypatch.setattr(effort.sentiment, "predict_proba", fail)
    monkeypatch.setattr(classifier.sentiment, "predict_proba", fail)
    batch = Batch(feedback=feedback)
    for step in steps[:4]:
        step.set_annotations(batch, step.predict(batch))
    # sentiment.v1 ran with its own model object; effort and actionability must read its probabilities
    assert effort.predict(batch) == expected.annotations["effort_score"]
    assert classifier.predict(batch) == expected_label
