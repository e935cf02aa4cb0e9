"""The Themer: clusters unit embeddings into themes (reduce -> HDBSCAN -> reassign outliers -> label).

Steps of :meth:`Themer.fit`:

1. Validate, L2-normalise, and sort the units by a stable content key (hash of text and embedding bytes), so that the
   same *set* of units in any order gives the same themes, ids, names and quotes.
2. Reduce (default UMAP to 5-d, see :mod:`enrich.themes.reducers`) and cluster with ``fast_hdbscan`` on the reduced
   vectors. HDBSCAN never sees the raw 384-d vectors.
3. Centroids are the L2-normalised means of each HDBSCAN cluster's members in the *embedding* space, so that new units
   can be assigned without the reducer (``transform`` is a matrix product, any batch size, no refit).
4. Outlier policy: each HDBSCAN noise point joins its nearest centroid if their cosine similarity is at least
   ``reassign_floor``; otherwise it stays ``-1`` (unthemed).
5. Themes are numbered ``0..k-1`` by descending size, ties by the smallest member key; then labelled.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from enrich._compat import require
from enrich.themes.labeler import KeyphraseLabeler, Labeler
from enrich.themes.reducers import Reducer, default_reducer

__all__ = ["Theme", "Themer", "UNTHEMED"]

UNTHEMED = -1
"""Label of a unit that is in no theme: HDBSCAN noise whose cosine to every centroid is below ``reassign_floor``."""

_TRANSFORM_CHUNK = 8192  # rows per matrix product in transform: bounds memory at ~chunk * k floats


@dataclass(eq=False)
class Theme:
    """One theme found by :class:`Themer`.

    Attributes:
        theme_id: Id in ``0..k-1``; 0 is the largest theme.
        label: Short readable name, e.g. ``"late fee / credit card"``.
        key_phrases: Key phrases, best first.
        size: Number of fitted units with this theme (after outlier reassignment).
        quote_indices: Indices into the ``fit`` input of the most representative units, best first.
        centroid: L2-normalised centroid in the embedding space, shape ``[d]`` float32 (d = 384 for MiniLM).
    """

    theme_id: int
    label: str
    key_phrases: list[str]
    size: int
    quote_indices: list[int]
    centroid: NDArray[np.float32] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the centroid as a list of floats)."""
        return {
            "theme_id": self.theme_id,
            "label": self.label,
            "key_phrases": list(self.key_phrases),
            "size": self.size,
            "quote_indices": list(self.quote_indices),
            "centroid": [float(x) for x in self.centroid],
        }


def _normalise(X: NDArray[np.floating]) -> NDArray[np.float32]:
    matrix = np.asarray(X, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _stable_order(X: NDArray[np.float32], texts: Sequence[str]) -> NDArray[np.intp]:
    """Permutation that sorts units by (text hash, embedding hash): independent of input order."""
    text_keys = np.array([hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest() for t in texts], dtype="S8")
    rounded = np.round(X, 5)
    vector_keys = np.array([hashlib.blake2b(row.tobytes(), digest_size=8).digest() for row in rounded], dtype="S8")
    return np.lexsort((vector_keys, text_keys))


class Themer(BaseEstimator):  # type: ignore[misc]
    """Finds themes in unit embeddings and assigns units to them.

    Follows the scikit-learn contract: ``__init__`` only stores its arguments, ``fit`` validates and learns, learned
    state ends in ``_``. Deterministic for a fixed set of units, whatever their order.

    Args:
        reducer: Object with ``fit_transform``/``transform`` (:class:`~enrich.themes.reducers.Reducer`);
            ``None`` uses :func:`~enrich.themes.reducers.default_reducer` (``UMAPReducer()``).
        min_cluster_size: Smallest group of units HDBSCAN calls a theme (>= 2).
        min_samples: HDBSCAN's density smoothing; ``None`` means ``min_cluster_size``. Lower finds more, smaller
            themes and less noise.
        reassign_floor: Cosine similarity in [-1, 1]; an HDBSCAN noise unit joins its nearest theme at or above it,
            and :meth:`transform` uses the same floor.
        labeler: Object with ``describe(...)`` (:class:`~enrich.themes.labeler.Labeler`); ``None`` uses
            ``KeyphraseLabeler()``.
        random_state: Seed given to the default reducer.
        n_key_phrases: Key phrases kept per theme.

    Attributes:
        labels_: Theme id per fitted unit, shape ``[n]`` int64; ``-1`` = unthemed (HDBSCAN noise below the
            similarity floor to every centroid).
        themes_: One :class:`Theme` per id ``0..k-1``, largest first.
        centroids_: Theme centroids, shape ``[k, d]`` float32, L2-normalised, in the embedding space.
        reducer_: The fitted reducer, or ``None`` when the input was too small to cluster (see below).
        n_features_in_: ``d``, the embedding width seen in ``fit``.

    Tiny inputs are handled on purpose rather than clustered: with ``n < 2 * min_cluster_size`` units there is no
    room for two themes, so if ``n >= min_cluster_size`` the units form one candidate theme (centroid = normalised
    mean; units below ``reassign_floor`` to it are unthemed) and otherwise every unit is unthemed, with no themes.
    ``n = 0`` gives empty results. HDBSCAN finding no cluster at all also leaves every unit unthemed.

    Example:
        >>> import numpy as np
        >>> from enrich.themes import PCAReducer, Themer
        >>> rng = np.random.default_rng(0)
        >>> directions = np.eye(384, dtype="float32")[:2] * 4
        >>> X = np.concatenate([d + rng.normal(scale=0.1, size=(30, 384)) for d in directions]).astype("float32")
        >>> fees = ["charged a late fee again", "another late fee this month", "late fee after paying on time"]
        >>> crashes = ["the mobile app keeps crashing", "app crashed at login", "app crashes when I pay"]
        >>> texts = fees * 10 + crashes * 10
        >>> themer = Themer(reducer=PCAReducer(), min_cluster_size=10).fit(X, texts)
        >>> sorted((theme.size, theme.key_phrases[0]) for theme in themer.themes_)
        [(30, 'app'), (30, 'late fee')]
        >>> themer.transform(X[:2]).tolist() == themer.labels_[:2].tolist()
        True
    """

    def __init__(
        self,
        reducer: Reducer | None = None,
        min_cluster_size: int = 10,
        min_samples: int | None = None,
        reassign_floor: float = 0.45,
        labeler: Labeler | None = None,
        random_state: int | None = 42,
        n_key_phrases: int = 5,
    ) -> None:
        self.reducer = reducer
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.reassign_floor = reassign_floor
        self.labeler = labeler
        self.random_state = random_state
        self.n_key_phrases = n_key_phrases

    # ---- validation ----------------------------------------------------------------------------------------------
    def _check_params(self) -> None:
        if not isinstance(self.min_cluster_size, (int, np.integer)) or self.min_cluster_size < 2:
            raise ValueError(f"min_cluster_size must be an int >= 2; got {self.min_cluster_size!r}")
        if self.min_samples is not None and (
            not isinstance(self.min_samples, (int, np.integer)) or self.min_samples < 1
        ):
            raise ValueError(f"min_samples must be None or an int >= 1; got {self.min_samples!r}")
        if not -1.0 <= float(self.reassign_floor) <= 1.0:
            raise ValueError(
                f"reassign_floor is a cosine similarity and must lie in [-1, 1]; got {self.reassign_floor!r}"
            )
        if not isinstance(self.n_key_phrases, (int, np.integer)) or self.n_key_phrases < 0:
            raise ValueError(f"n_key_phrases must be an int >= 0; got {self.n_key_phrases!r}")

    @staticmethod
    def _check_embeddings(embeddings: NDArray[np.floating], n_features: int | None = None) -> NDArray[np.float32]:
        matrix = np.asarray(embeddings, dtype=np.float32)
        if matrix.ndim == 1 and matrix.size == 0:
            matrix = matrix.reshape(0, n_features or 0)
        if matrix.ndim != 2:
            raise ValueError(f"embeddings must be a 2-D array [n_units, n_dims]; got shape {matrix.shape}")
        if n_features is not None and matrix.shape[1] != n_features and matrix.shape[0] > 0:
            raise ValueError(f"embeddings have {matrix.shape[1]} dims but the Themer was fitted on {n_features}")
        if not np.isfinite(matrix).all():
            bad = int((~np.isfinite(matrix)).any(axis=1).sum())
            raise ValueError(f"embeddings contain NaN or infinite values in {bad} row(s); drop or re-encode them")
        return matrix

    # ---- fitting -------------------------------------------------------------------------------------------------
    def fit(self, embeddings: NDArray[np.floating], texts: Sequence[str]) -> Themer:
        """Learn themes from unit embeddings and their texts.

        Args:
            embeddings: Unit embeddings, shape ``[n, d]`` (float32, d = 384 for MiniLM); normalised internally.
            texts: The unit texts, length ``n``, same order (used for labels and quotes only).

        Returns:
            ``self``, with ``labels_``, ``themes_``, ``centroids_`` and ``reducer_`` set.

        Raises:
            ValueError: On a parameter out of range, a non-2-D or non-finite ``embeddings``, or a length mismatch.
        """
        self._check_params()
        matrix = self._check_embeddings(embeddings)
        texts = ["" if t is None else str(t) for t in texts]
        if len(texts) != matrix.shape[0]:
            raise ValueError(f"got {matrix.shape[0]} embeddings but {len(texts)} texts; pass one text per embedding")
        n_units, n_features = matrix.shape
        self.n_features_in_ = n_features
        normalised = _normalise(matrix)
        order = _stable_order(normalised, texts)
        sorted_vectors = normalised[order]
        sorted_texts = [texts[i] for i in order]

        if n_units < 2 * self.min_cluster_size:
            self.reducer_ = None
            sorted_labels, centroids = self._fit_tiny(sorted_vectors)
        else:
            # a copy, so the reducer passed in stays as given (scikit-learn's clone-on-fit contract)
            self.reducer_ = copy.deepcopy(self.reducer) if self.reducer is not None else self._default_reducer()
            reduced = self.reducer_.fit_transform(sorted_vectors)
            cluster_ids = self._cluster(np.ascontiguousarray(reduced, dtype=np.float32))
            sorted_labels, centroids = self._assign(sorted_vectors, cluster_ids)

        labeler = self.labeler if self.labeler is not None else KeyphraseLabeler()
        descriptions = labeler.describe(sorted_texts, sorted_vectors, sorted_labels, centroids, self.n_key_phrases)
        self.labels_ = np.empty(n_units, dtype=np.int64)
        self.labels_[order] = sorted_labels
        self.centroids_ = centroids
        self.themes_ = [
            Theme(
                theme_id=theme_id,
                label=description.label,
                key_phrases=list(description.key_phrases),
                size=int((sorted_labels == theme_id).sum()),
                quote_indices=[int(order[i]) for i in description.quote_indices],
                centroid=centroids[theme_id],
            )
            for theme_id, description in enumerate(descriptions)
        ]
        return self

    def _default_reducer(self) -> Reducer:
        reducer = default_reducer()
        if hasattr(reducer, "random_state"):
            reducer.random_state = self.random_state
        return reducer

    def _fit_tiny(self, vectors: NDArray[np.float32]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Fewer than 2 * min_cluster_size units: one candidate theme if there are min_cluster_size, else none."""
        labels = np.full(len(vectors), UNTHEMED, dtype=np.int64)
        if len(vectors) < self.min_cluster_size:
            return labels, np.zeros((0, vectors.shape[1]), dtype=np.float32)
        centroid = _normalise(vectors.mean(axis=0, keepdims=True))
        inside = (vectors @ centroid[0]) >= self.reassign_floor
        if not inside.any():
            return labels, np.zeros((0, vectors.shape[1]), dtype=np.float32)
        labels[inside] = 0
        return labels, centroid

    def _cluster(self, reduced: NDArray[np.float32]) -> NDArray[np.int64]:
        fast_hdbscan = require("fast_hdbscan")
        min_samples = self.min_samples if self.min_samples is not None else self.min_cluster_size
        clusterer = fast_hdbscan.HDBSCAN(
            min_cluster_size=int(self.min_cluster_size),
            min_samples=int(min(min_samples, len(reduced) - 1)),
            reproducible=True,
        )
        return np.asarray(clusterer.fit(reduced).labels_, dtype=np.int64)

    def _assign(
        self, vectors: NDArray[np.float32], cluster_ids: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Centroids from HDBSCAN members, noise reassigned above the floor, ids renumbered by size."""
        clusters = np.unique(cluster_ids[cluster_ids >= 0])
        if clusters.size == 0:
            return np.full(len(vectors), UNTHEMED, dtype=np.int64), np.zeros((0, vectors.shape[1]), dtype=np.float32)
        centroids = _normalise(np.stack([vectors[cluster_ids == c].mean(axis=0) for c in clusters]))
        dense = np.searchsorted(clusters, np.maximum(cluster_ids, clusters[0]))
        labels = np.where(cluster_ids >= 0, dense, UNTHEMED).astype(np.int64)
        noise = np.flatnonzero(labels == UNTHEMED)
        if noise.size:
            labels[noise] = self._nearest(vectors[noise], centroids)
        # ids by descending size, ties by the smallest member position in the stable order
        sizes = np.bincount(labels[labels >= 0], minlength=len(clusters))
        first_member = np.array(
            [np.flatnonzero(labels == c)[0] if sizes[c] else len(labels) for c in range(len(clusters))]
        )
        ranking = np.lexsort((first_member, -sizes))
        ranking = ranking[sizes[ranking] > 0]
        new_id = np.full(len(clusters), UNTHEMED, dtype=np.int64)
        new_id[ranking] = np.arange(len(ranking))
        labels = np.where(labels >= 0, new_id[np.maximum(labels, 0)], UNTHEMED)
        return labels.astype(np.int64), np.ascontiguousarray(centroids[ranking])

    def _nearest(self, vectors: NDArray[np.float32], centroids: NDArray[np.float32]) -> NDArray[np.int64]:
        """Nearest centroid by cosine, or -1 below ``reassign_floor``; ``vectors`` must be L2-normalised."""
        out = np.full(len(vectors), UNTHEMED, dtype=np.int64)
        if len(centroids) == 0:
            return out
        for start in range(0, len(vectors), _TRANSFORM_CHUNK):
            similarity = vectors[start : start + _TRANSFORM_CHUNK] @ centroids.T
            best = similarity.argmax(axis=1)
            best_similarity = similarity[np.arange(len(best)), best]
            out[start : start + len(best)] = np.where(best_similarity >= self.reassign_floor, best, UNTHEMED)
        return out

    # ---- assignment ----------------------------------------------------------------------------------------------
    def transform(self, embeddings: NDArray[np.floating]) -> NDArray[np.int64]:
        """Assign units to the fitted themes: nearest centroid by cosine, ``-1`` below ``reassign_floor``.

        Works on any batch size without refitting (the reducer is not used), so it suits streaming new feedback.

        Args:
            embeddings: Shape ``[m, d]`` with the ``d`` seen in ``fit``.

        Returns:
            Theme id per unit, shape ``[m]`` int64; ``-1`` = unthemed. A zero vector is unthemed.

        Raises:
            sklearn.exceptions.NotFittedError: If called before ``fit``.
            ValueError: On a wrong width or non-finite values.
        """
        if not hasattr(self, "centroids_"):
            raise NotFittedError("this Themer is not fitted yet; call fit(embeddings, texts) first")
        matrix = self._check_embeddings(embeddings, self.n_features_in_)
        labels = self._nearest(_normalise(matrix), self.centroids_)
        labels[np.linalg.norm(matrix, axis=1) == 0] = UNTHEMED
        return labels

    def fit_transform(self, embeddings: NDArray[np.floating], texts: Sequence[str]) -> NDArray[np.int64]:
        """Fit, then return ``labels_`` (which keep HDBSCAN members that ``transform`` might place elsewhere)."""
        return self.fit(embeddings, texts).labels_.copy()
