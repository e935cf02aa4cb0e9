"""The Themer: clusters unit embeddings into a two-level hierarchy of named themes.

Steps of :meth:`Themer.fit`:

1. Validate, L2-normalise, and sort the units by a stable content key (hash of text and embedding bytes), so that the
   same *set* of units in any order gives the same themes, ids, names and quotes. Above ``max_fit_units`` units, the
   first ``max_fit_units`` in that key order (a pseudo-random sample, itself order-independent) are clustered and the
   rest are only assigned (step 4): fitting memory and time stay bounded, assignment streams.
2. Reduce (default UMAP to 5-d, chosen by measurement, see :mod:`enrich.themes.reducers`) and cluster the reduced
   vectors (default :class:`~enrich.themes.clusterers.HDBSCANClusterer`). HDBSCAN never sees raw 384-d vectors.
3. Centroids are the L2-normalised means of each cluster's members in the *embedding* space, so that new units can be
   assigned without the reducer (a matrix product, any batch size, no refit).
4. **Outlier policy.** Every unit, HDBSCAN member or noise, gets its nearest centroid by cosine if that similarity is
   at least ``reassign_floor``, else ``-1`` (unthemed). Centroids are then recomputed from these members and the
   assignment repeated once, so ``labels_`` *is* nearest-centroid assignment to the final ``centroids_``:
   :meth:`transform` on the fitted units reproduces ``labels_`` exactly, and a unit is unthemed only when no
   theme is similar enough, never because of where HDBSCAN drew a density boundary.
5. Fine themes are numbered ``0..k-1`` by descending size (ties by the smallest member key) and merged into
   ``n_top_themes`` (default: 5-15, cut at the largest gap) top-level themes by complete linkage over their mean
   positions in the reduced space (embedding centroids when nothing was reduced; :mod:`enrich.themes.hierarchy`).
6. Both levels are labelled by the labeller (key phrases, a short name, 3 quotes).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from enrich.themes.clusterers import Clusterer, HDBSCANClusterer
from enrich.themes.hierarchy import merge_themes
from enrich.themes.labeler import KeyphraseLabeler, Labeler
from enrich.themes.reducers import Reducer, default_reducer

__all__ = ["Theme", "Themer", "UNTHEMED"]

UNTHEMED = -1
"""Label of a unit in no theme: its cosine similarity to every theme centroid is below ``reassign_floor``."""

_TRANSFORM_CHUNK = 8192  # rows per matrix product: bounds memory at ~chunk * k floats


@dataclass(eq=False)
class Theme:
    """One theme found by :class:`Themer`.

    Attributes:
        theme_id: Id in ``0..k-1`` within its level; 0 is the largest theme.
        label: Short readable name, e.g. ``"late fee / credit card"``.
        key_phrases: Key phrases (noun phrases where a tagger is available), best first.
        size: Number of fitted units with this theme.
        quote_indices: Indices into the ``fit`` input of the most representative units, best first.
        centroid: L2-normalised centroid in the embedding space, shape ``[d]`` float32 (d = 384 for MiniLM).
        level: ``"fine"`` or ``"top"``.
        parent_id: Id of the top-level theme a fine theme belongs to (``None`` on the top level).
        children: Fine theme ids of a top-level theme (empty on the fine level).
    """

    theme_id: int
    label: str
    key_phrases: list[str]
    size: int
    quote_indices: list[int]
    centroid: NDArray[np.float32] = field(repr=False)
    level: Literal["fine", "top"] = "fine"
    parent_id: int | None = None
    children: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the centroid as a list of floats)."""
        return {
            "theme_id": self.theme_id, "label": self.label, "key_phrases": list(self.key_phrases),
            "size": self.size, "quote_indices": list(self.quote_indices),
            "centroid": [float(x) for x in self.centroid], "level": self.level, "parent_id": self.parent_id,
            "children": list(self.children),
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


def nearest_theme(vectors: NDArray[np.float32], centroids: NDArray[np.float32], floor: float) -> NDArray[np.int64]:
    """Nearest centroid by cosine per row, ``-1`` below ``floor``; both inputs L2-normalised. Streams in chunks."""
    out = np.full(len(vectors), UNTHEMED, dtype=np.int64)
    if len(centroids) == 0:
        return out
    for start in range(0, len(vectors), _TRANSFORM_CHUNK):
        similarity = vectors[start : start + _TRANSFORM_CHUNK] @ centroids.T
        best = similarity.argmax(axis=1)
        best_similarity = similarity[np.arange(len(best)), best]
        out[start : start + len(best)] = np.where(best_similarity >= floor, best, UNTHEMED)
    return out


def _lift(labels: NDArray[np.int64], parents: NDArray[np.int64]) -> NDArray[np.int64]:
    """Fine theme ids -> their top-level ids (``-1`` stays ``-1``)."""
    if len(parents) == 0:
        return np.full(len(labels), UNTHEMED, dtype=np.int64)
    return np.where(labels >= 0, parents[np.maximum(labels, 0)], UNTHEMED).astype(np.int64)


def _reduced_positions(reduced: NDArray[np.floating], vectors: NDArray[np.float32], labels: NDArray[np.int64],
                       centroids: NDArray[np.float32]) -> NDArray[np.float64]:
    """Mean reduced coordinates of each theme's fitted members (a theme with none: its nearest fitted unit's)."""
    positions = np.empty((len(centroids), reduced.shape[1]), dtype=np.float64)
    for theme in range(len(centroids)):
        members = labels == theme
        if members.any():
            positions[theme] = reduced[members].mean(axis=0)
        else:
            positions[theme] = reduced[int(np.argmax(vectors @ centroids[theme]))]
    return positions


def _centroids_of(vectors: NDArray[np.float32], labels: NDArray[np.int64], k: int) -> NDArray[np.float32]:
    sums = np.zeros((k, vectors.shape[1]), dtype=np.float64)
    themed = labels >= 0
    np.add.at(sums, labels[themed], vectors[themed])
    return _normalise(sums)


class Themer(BaseEstimator):  # type: ignore[misc]
    """Finds a hierarchy of themes in unit embeddings and assigns units to them.

    Follows the scikit-learn contract: ``__init__`` only stores its arguments, ``fit`` validates and learns, learned
    state ends in ``_``. Deterministic for a fixed set of units, whatever their order (seeds in ``provenance_``).

    Args:
        reducer: Object with ``fit_transform``/``transform`` (:class:`~enrich.themes.reducers.Reducer`);
            ``None`` uses ``UMAPReducer(random_state=random_state)``.
        clusterer: Object with ``fit_predict`` (:class:`~enrich.themes.clusterers.Clusterer`); ``None`` uses
            ``HDBSCANClusterer(min_cluster_size, min_samples, "leaf")``: fine "leaf" clusters, which the hierarchy
            then merges; on CFPB, "eom" collapsed to 2 clusters at some sizes (see :mod:`enrich.themes.reducers`).
        labeler: Object with ``describe(...)`` (:class:`~enrich.themes.labeler.Labeler`); ``None`` uses
            ``KeyphraseLabeler()``.
        min_cluster_size: Smallest group of units HDBSCAN calls a theme (>= 2); ``None`` scales with the corpus:
            ``max(10, n_fit // 160)`` (25 for 4,000 units).
        min_samples: HDBSCAN's density smoothing; ``None`` means ``min(min_cluster_size, 10)``.
        reassign_floor: Cosine similarity in [-1, 1]; a unit belongs to its nearest theme at or above it, else it is
            unthemed (``-1``). :meth:`transform` uses the same rule.
        n_top_themes: Number of top-level themes; ``None`` picks 5-15 at the dendrogram's largest gap.
        max_fit_units: Cluster at most this many units (a content-keyed sample); the rest are assigned. ``None``
            clusters every unit.
        random_state: Seed given to the default reducer.
        n_key_phrases: Key phrases kept per theme.

    Attributes:
        labels_: Fine theme id per fitted unit, shape ``[n]`` int64; ``-1`` = unthemed.
        themes_: One fine :class:`Theme` per id ``0..k-1``, largest first.
        centroids_: Fine centroids, shape ``[k, d]`` float32, L2-normalised, in the embedding space.
        parents_: Top-level id of each fine theme, shape ``[k]`` int64.
        top_labels_: Top-level theme id per fitted unit, shape ``[n]``; ``-1`` = unthemed.
        top_themes_: One top-level :class:`Theme` per id ``0..g-1``.
        top_centroids_: Top-level centroids, shape ``[g, d]``.
        reducer_: The fitted reducer, or ``None`` when the input was too small to cluster.
        clusterer_: The clusterer used, or ``None`` likewise.
        n_features_in_: ``d``, the embedding width seen in ``fit``.
        provenance_: Seeds and settings that determine the result (JSON-ready dict).

    Tiny inputs: with ``n < 2 * min_cluster_size`` there is no room for two themes, so if ``n >= min_cluster_size``
    the units form one candidate theme (units below ``reassign_floor`` to its centroid are unthemed), otherwise no
    theme at all. HDBSCAN finding no cluster also leaves every unit unthemed.

    Example:
        >>> import numpy as np
        >>> from enrich.themes import PCAReducer, Themer
        >>> rng = np.random.default_rng(0)
        >>> directions = np.eye(384, dtype="float32")[:2] * 4
        >>> X = np.concatenate([d + rng.normal(scale=0.1, size=(30, 384)) for d in directions]).astype("float32")
        >>> fees = ["charged a late fee again", "another late fee this month", "late fee after paying on time"]
        >>> crashes = ["the mobile app keeps crashing", "app crashed at login", "app crashes when I pay"]
        >>> themer = Themer(reducer=PCAReducer(), min_cluster_size=10).fit(X, fees * 10 + crashes * 10)
        >>> sorted((theme.size, theme.key_phrases[0]) for theme in themer.themes_)
        [(30, 'app'), (30, 'late fee')]
        >>> bool((themer.transform(X) == themer.labels_).all())
        True
    """

    def __init__(
        self,
        reducer: Reducer | None = None,
        clusterer: Clusterer | None = None,
        labeler: Labeler | None = None,
        min_cluster_size: int | None = 10,
        min_samples: int | None = None,
        reassign_floor: float = 0.45,
        n_top_themes: int | None = None,
        max_fit_units: int | None = 20_000,
        random_state: int | None = 42,
        n_key_phrases: int = 5,
    ) -> None:
        self.reducer = reducer
        self.clusterer = clusterer
        self.labeler = labeler
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.reassign_floor = reassign_floor
        self.n_top_themes = n_top_themes
        self.max_fit_units = max_fit_units
        self.random_state = random_state
        self.n_key_phrases = n_key_phrases

    # ---- validation ----------------------------------------------------------------------------------------------
    def _check_params(self) -> None:
        def positive_int(value: Any, low: int) -> bool:
            return isinstance(value, (int, np.integer)) and value >= low

        if self.min_cluster_size is not None and not positive_int(self.min_cluster_size, 2):
            raise ValueError(f"min_cluster_size must be None or an int >= 2; got {self.min_cluster_size!r}")
        if self.min_samples is not None and not positive_int(self.min_samples, 1):
            raise ValueError(f"min_samples must be None or an int >= 1; got {self.min_samples!r}")
        if not -1.0 <= float(self.reassign_floor) <= 1.0:
            raise ValueError(
                f"reassign_floor is a cosine similarity and must lie in [-1, 1]; got {self.reassign_floor!r}"
            )
        if self.n_top_themes is not None and not positive_int(self.n_top_themes, 1):
            raise ValueError(f"n_top_themes must be None or an int >= 1; got {self.n_top_themes!r}")
        if self.max_fit_units is not None and not positive_int(self.max_fit_units, 2):
            raise ValueError(f"max_fit_units must be None or an int >= 2; got {self.max_fit_units!r}")
        if not positive_int(self.n_key_phrases, 0):
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
            ``self``, with the learned attributes set.

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
        vectors = normalised[order]
        n_fit = n_units if self.max_fit_units is None else min(n_units, int(self.max_fit_units))
        min_cluster_size = int(self.min_cluster_size or max(10, n_fit // 160))

        self.reducer_, self.clusterer_ = None, None
        reduced = None
        if n_fit < 2 * min_cluster_size:
            centroids = self._fit_tiny(vectors[:n_fit], min_cluster_size)
        else:
            self.reducer_ = copy.deepcopy(self.reducer) if self.reducer is not None else self._default_reducer()
            reduced = self.reducer_.fit_transform(vectors[:n_fit])
            self.clusterer_ = (copy.deepcopy(self.clusterer) if self.clusterer is not None else HDBSCANClusterer(
                min_cluster_size, self.min_samples or min(min_cluster_size, 10), cluster_selection_method="leaf"))
            cluster_ids = np.asarray(self.clusterer_.fit_predict(np.ascontiguousarray(reduced)), dtype=np.int64)
            centroids = self._centroids_from_clusters(vectors[:n_fit], cluster_ids)
        sorted_labels, centroids = self._settle(vectors, centroids)

        self.centroids_ = centroids
        self.labels_ = np.empty(n_units, dtype=np.int64)
        self.labels_[order] = sorted_labels
        sizes = np.bincount(sorted_labels[sorted_labels >= 0], minlength=len(centroids))
        if reduced is None:
            self.parents_ = merge_themes(centroids, self.n_top_themes, sizes=sizes)
        else:
            positions = _reduced_positions(reduced, vectors[:n_fit], sorted_labels[:n_fit], centroids)
            self.parents_ = merge_themes(positions, self.n_top_themes, sizes=sizes, metric="euclidean")
        sorted_top = _lift(sorted_labels, self.parents_)
        n_top = int(self.parents_.max()) + 1 if len(self.parents_) else 0
        self.top_centroids_ = _centroids_of(vectors, sorted_top, n_top)
        self.top_labels_ = np.empty(n_units, dtype=np.int64)
        self.top_labels_[order] = sorted_top

        # labels and quotes come from the clustered sample: bounded cost on large corpora
        fit_texts = [texts[i] for i in order[:n_fit]]
        labeler = self.labeler if self.labeler is not None else KeyphraseLabeler()
        self.themes_ = self._describe(labeler, fit_texts, vectors[:n_fit], sorted_labels[:n_fit], centroids, order,
                                      "fine")
        self.top_themes_ = self._describe(labeler, fit_texts, vectors[:n_fit], sorted_top[:n_fit],
                                          self.top_centroids_, order, "top")
        for theme in self.themes_:
            theme.size = int(sizes[theme.theme_id])
            theme.parent_id = int(self.parents_[theme.theme_id])
        for top in self.top_themes_:
            top.children = [int(i) for i in np.flatnonzero(self.parents_ == top.theme_id)]
            top.size = int((sorted_top == top.theme_id).sum())
        self.provenance_ = {
            "random_state": self.random_state, "reassign_floor": float(self.reassign_floor),
            "min_cluster_size": min_cluster_size, "min_samples": self.min_samples, "n_fit_units": n_fit,
            "n_units": n_units, "reducer": repr(self.reducer_), "clusterer": repr(self.clusterer_),
            "n_themes": len(self.themes_), "n_top_themes": len(self.top_themes_),
        }
        return self

    def _default_reducer(self) -> Reducer:
        reducer = default_reducer()
        if hasattr(reducer, "random_state"):
            reducer.random_state = self.random_state
        return reducer

    def _fit_tiny(self, vectors: NDArray[np.float32], min_cluster_size: int) -> NDArray[np.float32]:
        """Fewer than 2 * min_cluster_size units: one candidate theme if there are min_cluster_size, else none."""
        if len(vectors) < min_cluster_size:
            return np.zeros((0, vectors.shape[1]), dtype=np.float32)
        return _normalise(vectors.mean(axis=0, keepdims=True))

    @staticmethod
    def _centroids_from_clusters(vectors: NDArray[np.float32], cluster_ids: NDArray[np.int64]) -> NDArray[np.float32]:
        clusters = np.unique(cluster_ids[cluster_ids >= 0])
        if clusters.size == 0:
            return np.zeros((0, vectors.shape[1]), dtype=np.float32)
        dense = np.where(cluster_ids >= 0, np.searchsorted(clusters, np.maximum(cluster_ids, 0)), UNTHEMED)
        return _centroids_of(vectors, dense.astype(np.int64), len(clusters))

    def _settle(
        self, vectors: NDArray[np.float32], centroids: NDArray[np.float32]
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The outlier policy: nearest centroid above the floor, centroids recomputed once, then final assignment.

        Themes left with no unit are dropped; ids are renumbered by descending size (ties by the smallest member
        position in the stable order). The returned labels are ``nearest_theme(vectors, centroids)`` exactly.
        """
        floor = float(self.reassign_floor)
        labels = nearest_theme(vectors, centroids, floor)
        centroids = _centroids_of(vectors, labels, len(centroids))
        for _ in range(len(centroids) + 1):  # dropping an empty theme can empty no other; this ends fast
            labels = nearest_theme(vectors, centroids, floor)
            sizes = np.bincount(labels[labels >= 0], minlength=len(centroids))
            if (sizes > 0).all():
                break
            centroids = centroids[sizes > 0]
        first = np.array([np.argmax(labels == c) for c in range(len(centroids))], dtype=np.int64)
        ranking = np.lexsort((first, -sizes)) if len(centroids) else np.zeros(0, dtype=np.int64)
        new_id = np.empty(len(centroids), dtype=np.int64)
        new_id[ranking] = np.arange(len(ranking))
        labels = np.where(labels >= 0, new_id[np.maximum(labels, 0)] if len(centroids) else 0, UNTHEMED)
        return labels.astype(np.int64), np.ascontiguousarray(centroids[ranking], dtype=np.float32)

    def _describe(self, labeler: Labeler, texts: list[str], vectors: NDArray[np.float32],
                  labels: NDArray[np.int64], centroids: NDArray[np.float32], order: NDArray[np.intp],
                  level: Literal["fine", "top"]) -> list[Theme]:
        descriptions = labeler.describe(texts, vectors, labels, centroids, self.n_key_phrases)
        return [
            Theme(theme_id=theme_id, label=d.label, key_phrases=list(d.key_phrases), size=0,
                  quote_indices=[int(order[i]) for i in d.quote_indices], centroid=centroids[theme_id], level=level)
            for theme_id, d in enumerate(descriptions)
        ]

    # ---- assignment ----------------------------------------------------------------------------------------------
    def transform(self, embeddings: NDArray[np.floating], level: Literal["fine", "top"] = "fine") -> NDArray[np.int64]:
        """Assign units to the fitted themes: nearest fine centroid by cosine, ``-1`` below ``reassign_floor``.

        Works on any batch size without refitting (the reducer is not used), so it suits streaming new feedback;
        on the fitted units it reproduces ``labels_`` (and ``top_labels_`` with ``level="top"``).

        Args:
            embeddings: Shape ``[m, d]`` with the ``d`` seen in ``fit``.
            level: ``"fine"`` for ``themes_`` ids, ``"top"`` for the parent ``top_themes_`` ids.

        Returns:
            Theme id per unit, shape ``[m]`` int64; ``-1`` = unthemed. A zero vector is unthemed.

        Raises:
            sklearn.exceptions.NotFittedError: If called before ``fit``.
            ValueError: On a wrong width, non-finite values or an unknown level.
        """
        if not hasattr(self, "centroids_"):
            raise NotFittedError("this Themer is not fitted yet; call fit(embeddings, texts) first")
        if level not in ("fine", "top"):
            raise ValueError(f"level must be 'fine' or 'top'; got {level!r}")
        matrix = self._check_embeddings(embeddings, self.n_features_in_)
        labels = nearest_theme(_normalise(matrix), self.centroids_, float(self.reassign_floor))
        labels[np.linalg.norm(matrix, axis=1) == 0] = UNTHEMED
        return _lift(labels, self.parents_) if level == "top" else labels

    def fit_transform(self, embeddings: NDArray[np.floating], texts: Sequence[str]) -> NDArray[np.int64]:
        """Fit, then return ``labels_`` (equal to ``transform`` of the same embeddings)."""
        return self.fit(embeddings, texts).labels_.copy()
