"""Dimensionality reducers that run before HDBSCAN.

HDBSCAN is never run on raw 384-d sentence embeddings: in that many dimensions distances concentrate, about half the
points become noise and the run time grows ~n^2.3. A reducer maps the L2-normalised embeddings to a few dimensions
first. Any object with ``fit_transform(X)`` and ``transform(X)`` satisfies :class:`Reducer`; pass it to
``Themer(reducer=...)``.

Choosing the default (measured, not assumed). Issue 4's sample: 4,000 CFPB complaint narratives stratified over the
8 products (``enrich.themes.evaluation.cfpb_sample``, first 1,000 characters), all-MiniLM-L6-v2, full ``Themer``
(reduce -> fast_hdbscan -> nearest-centroid outlier policy at cosine 0.45 -> hierarchy), ``min_cluster_size=None``
(25 here), on this project's shared 2-vCPU machine (fit seconds are noisy, numba already compiled). ARI/NMI are of the
top level against the product, unthemed counted as one extra class:

=======================  =========  ==========  ========  =======  =======  ========
reducer                  HDBSCAN    fine / top  unthemed  top ARI  top NMI  fine NMI
=======================  =========  ==========  ========  =======  =======  ========
PCA(10)                  eom 20/20  3 / 3       4.0%      0.353    0.331    0.331
PCA(50)                  eom 20/20  0 / 0       100%      0.000    0.000    0.000
UMAP(5, nn=15)           eom 20/20  2 / 2       7.3%      0.093    0.112    0.112
UMAP(5, nn=15)           eom 40/10  19 / 5      2.1%      0.374    0.362    0.368
UMAP(5, nn=15)           leaf 15/15 44 / 9      1.1%      0.402    0.363    0.348
UMAP(5, nn=15)           leaf 25/10 35 / 6      1.2%      0.393    0.357    0.343
UMAP(5, nn=15), 8 top    leaf 25/10 35 / 8      1.2%      0.416    0.404    0.343
UMAP(5, nn=50)           leaf 15/15 33 / 8      1.3%      0.394    0.371    0.353
=======================  =========  ==========  ========  =======  =======  ========

PCA leaves HDBSCAN no dense regions (3 themes at best, none in 50 dims): its ARI only reflects the largest product.
UMAP to 5 dimensions with 15 neighbours gives 20-45 coherent fine themes that the hierarchy merges into
product-like groups; more neighbours (50) or dimensions (10) did not help and cost more. With UMAP, HDBSCAN's
"eom" selection is unstable here (at 20/20 it kept 2 giant clusters), while "leaf" selection gives fine themes at
every size tried, so the default is ``UMAPReducer(n_components=5, n_neighbors=15, min_dist=0.0, metric="cosine")``
with ``HDBSCANClusterer(..., cluster_selection_method="leaf")``. UMAP costs ~10-40 s per 4,000 units on this
machine (~72 s per 100k unloaded); ``Themer(max_fit_units=20_000)`` clusters a sample and assigns the rest.
``PCAReducer`` stays for quick runs and tests on well-separated data.

Speed. Below 4,096 rows umap-learn computes all pairwise distances through a per-pair Python callable: profiling
a 4,000-unit fit showed 38 of its 52 s there. ``UMAPReducer`` therefore builds the neighbour graph itself, exactly,
by blocked matrix products (< 1 s at 4,000 rows; up to ``exact_knn_max`` = 30,000 rows, above which UMAP's own
approximate search runs), and optimises the layout for 200 epochs instead of umap-learn's 500 below 10,000 rows.
On the same sample the UMAP step went from ~7 s to ~3 s with the exact graph (epochs 500 -> 200) and the themes
kept their quality (HDBSCAN fine NMI 0.282 -> 0.297, clusters 35 -> 32); the exact graph is also deterministic.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from enrich._compat import require

__all__ = ["Reducer", "PCAReducer", "UMAPReducer", "NullReducer", "default_reducer", "exact_cosine_knn"]


@runtime_checkable
class Reducer(Protocol):
    """What ``Themer`` needs from a reducer: learn a projection once, apply it to any batch."""

    def fit_transform(self, X: NDArray[np.floating]) -> NDArray[np.floating]:
        """Learn the projection on ``X`` (shape ``[n, d]``) and return ``X`` projected (shape ``[n, m]``)."""
        ...

    def transform(self, X: NDArray[np.floating]) -> NDArray[np.floating]:
        """Project new rows (shape ``[n, d]``) with the learned projection (shape ``[n, m]``)."""
        ...


def _as_matrix(X: NDArray[np.floating]) -> NDArray[np.float32]:
    matrix = np.asarray(X, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D array of shape [n_samples, n_features]; got shape {matrix.shape}")
    return matrix


def exact_cosine_knn(
    X: NDArray[np.floating], k: int, block: int = 1024
) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
    """Exact k nearest neighbours by cosine distance, each row's own index first, ties broken by lower index.

    Blocked matrix products: memory ``block * n`` floats, time ``n^2 d``, deterministic for a given row order.

    Args:
        X: Rows, shape ``[n, d]`` (normalised here).
        k: Neighbours per row including itself, ``1 <= k <= n``.
        block: Rows per matrix product.

    Returns:
        (indices ``[n, k]`` int32, cosine distances ``[n, k]`` float32 in ``[0, 2]``), nearest first.

    Example:
        >>> import numpy as np
        >>> indices, distances = exact_cosine_knn(np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype="float32"), 2)
        >>> indices.tolist()
        [[0, 1], [1, 0], [2, 1]]
    """
    matrix = _as_matrix(X)
    matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    n = len(matrix)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        distance = 1.0 - matrix[rows] @ matrix.T
        distance[np.arange(len(rows)), rows] = -1.0  # itself first, even among exact duplicates
        nearest = np.argpartition(distance, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (len(rows), 1))
        nearest_distance = np.take_along_axis(distance, nearest, axis=1)
        ranking = np.lexsort((nearest, nearest_distance), axis=1)
        indices[rows] = np.take_along_axis(nearest, ranking, axis=1)
        distances[rows] = np.clip(np.take_along_axis(nearest_distance, ranking, axis=1), 0.0, 2.0)
    return indices, distances


class PCAReducer:
    """Principal component analysis to a few dimensions (fast, linear, deterministic).

    Args:
        n_components: Output dimensions. Capped at fit time to ``min(n_samples, n_features)``.
        random_state: Seed for the randomised SVD solver.

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).normal(size=(50, 384)).astype("float32")
        >>> PCAReducer(n_components=10).fit_transform(X).shape
        (50, 10)
    """

    def __init__(self, n_components: int = 10, random_state: int | None = 42) -> None:
        self.n_components = n_components
        self.random_state = random_state

    def fit_transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Fit the projection on ``X`` ``[n, d]``; return ``[n, min(n_components, n, d)]`` float32."""
        from sklearn.decomposition import PCA

        matrix = _as_matrix(X)
        n_components = max(1, min(self.n_components, matrix.shape[0], matrix.shape[1]))
        self.pca_ = PCA(n_components=n_components, random_state=self.random_state)
        return np.ascontiguousarray(self.pca_.fit_transform(matrix), dtype=np.float32)

    def transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Project ``X`` ``[n, d]`` with the fitted components; returns ``[n, n_components_]`` float32."""
        if not hasattr(self, "pca_"):
            raise ValueError("PCAReducer is not fitted yet; call fit_transform(X) first")
        return np.ascontiguousarray(self.pca_.transform(_as_matrix(X)), dtype=np.float32)


class UMAPReducer:
    """UMAP manifold embedding to a few dimensions (slower, non-linear; separates topics much better than PCA).

    ``umap-learn`` is imported only when fitting (install ``enrich[themes]``). With a fixed ``random_state`` UMAP runs
    single-threaded so that the result is reproducible; its first call also pays numba compilation (~10-30 s).

    Args:
        n_components: Output dimensions.
        n_neighbors: Size of the local neighbourhood (capped at ``n_samples - 1``); larger favours global structure.
        min_dist: Minimum distance between embedded points; 0.0 packs clusters tightly, which suits HDBSCAN.
        metric: Distance in the input space; ``"cosine"`` for sentence embeddings.
        random_state: Seed; ``None`` allows parallel, non-reproducible runs.
        n_epochs: Layout optimisation epochs (UMAP's own default is 500 below 10,000 rows, 200 above).
        exact_knn_max: Up to this many rows (cosine metric), the neighbour graph is computed exactly by blocked
            matrix products instead of UMAP's own search: deterministic, and ~10x faster than UMAP's pairwise
            path below 4,096 rows. The fitted UMAP then has no search index, so :meth:`transform` of new rows is
            unavailable (``Themer`` never needs it: it assigns new units by centroid).

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).normal(size=(100, 384)).astype("float32")
        >>> UMAPReducer(n_components=5).fit_transform(X).shape  # doctest: +SKIP
        (100, 5)
    """

    def __init__(
        self,
        n_components: int = 5,
        n_neighbors: int = 15,
        min_dist: float = 0.0,
        metric: Literal["cosine", "euclidean"] | str = "cosine",
        random_state: int | None = 42,
        n_epochs: int | None = 200,
        exact_knn_max: int = 30_000,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state
        self.n_epochs = n_epochs
        self.exact_knn_max = exact_knn_max

    def fit_transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Fit UMAP on ``X`` ``[n, d]``; return ``[n, n_components]`` float32.

        Raises:
            ValueError: If ``X`` has fewer than 3 rows (UMAP needs a neighbour graph).
        """
        umap = require("umap")
        matrix = _as_matrix(X)
        n_samples = matrix.shape[0]
        if n_samples < 3:
            raise ValueError(f"UMAPReducer needs at least 3 rows; got {n_samples}. Use PCAReducer or NullReducer.")
        options: dict[str, Any] = {}
        if self.random_state is not None:
            options["n_jobs"] = 1  # a seeded UMAP is single-threaded anyway; saying so silences its warning
        if n_samples < self.n_components + 2:
            options["init"] = "random"  # the spectral layout needs more points than output dimensions
        n_neighbors = max(2, min(self.n_neighbors, n_samples - 1))
        if self.metric == "cosine" and n_samples <= self.exact_knn_max:
            options["precomputed_knn"] = (*exact_cosine_knn(matrix, n_neighbors), None)
        self.umap_ = umap.UMAP(
            n_components=self.n_components,
            n_neighbors=n_neighbors,
            min_dist=self.min_dist,
            metric=self.metric,
            random_state=self.random_state,
            n_epochs=self.n_epochs,
            **options,
        )
        with warnings.catch_warnings():  # "no search index": expected with an exact graph, see exact_knn_max
            warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
            return np.ascontiguousarray(self.umap_.fit_transform(matrix), dtype=np.float32)

    def transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Embed new rows ``[n, d]`` into the fitted space; returns ``[n, n_components]`` float32."""
        if not hasattr(self, "umap_"):
            raise ValueError("UMAPReducer is not fitted yet; call fit_transform(X) first")
        try:
            return np.ascontiguousarray(self.umap_.transform(_as_matrix(X)), dtype=np.float32)
        except NotImplementedError as error:
            raise ValueError("this UMAPReducer was fitted on an exact neighbour graph, which keeps no search index; "
                             "pass exact_knn_max=0 to keep one for transform") from error


class NullReducer:
    """Identity: cluster on the input vectors as they are (for inputs that are already low-dimensional).

    Example:
        >>> import numpy as np
        >>> NullReducer().fit_transform(np.ones((3, 2))).shape
        (3, 2)
    """

    def fit_transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Return ``X`` ``[n, d]`` as float32, unchanged."""
        return _as_matrix(X).copy()

    def transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Return ``X`` ``[n, d]`` as float32, unchanged."""
        return _as_matrix(X).copy()


def default_reducer() -> Reducer:
    """The reducer ``Themer`` uses when given ``reducer=None`` (see the measurements in this module's docstring)."""
    return UMAPReducer()
