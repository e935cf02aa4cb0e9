"""The coarse level of themes: fine themes merged by centroid similarity.

Average-linkage agglomerative clustering over the fine centroids (cosine distance; scipy, deterministic). The cut:
``n_top`` groups when asked for; otherwise the dendrogram is cut where merging would join groups whose centroids are
less similar than ``merge_similarity``, and the count is then clamped to ``[min_top, max_top]`` (5-15 by default) so
that the top level stays a readable overview. A top group's centroid is the normalised mean of its units.

Example:
    >>> import numpy as np
    >>> c = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype="float32")
    >>> merge_themes(c, n_top=2).tolist()
    [0, 0, 1, 1]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["merge_themes"]


def merge_themes(
    centroids: NDArray[np.floating],
    n_top: int | None = None,
    merge_similarity: float = 0.7,
    min_top: int = 5,
    max_top: int = 15,
    sizes: NDArray[np.integer] | None = None,
) -> NDArray[np.int64]:
    """Parent group of each fine theme.

    Args:
        centroids: Fine centroids, shape ``[k, d]``, L2-normalised.
        n_top: Groups wanted; ``None`` cuts at ``merge_similarity`` and clamps to ``[min_top, max_top]``.
        merge_similarity: Cosine similarity below which groups are not merged (when ``n_top`` is ``None``).
        min_top: Fewest groups in the automatic cut.
        max_top: Most groups in the automatic cut.
        sizes: Units per fine theme, shape ``[k]``; groups are numbered by total size, largest first (by the
            smallest member id when ``None`` or tied).

    Returns:
        Group id per fine theme, shape ``[k]`` int64, ids ``0..g-1`` with ``g <= k``.
    """
    centroids = np.asarray(centroids, dtype=np.float64)
    k = len(centroids)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if k == 1:
        return np.zeros(1, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    distances = np.clip(pdist(centroids, metric="cosine"), 0.0, 2.0)
    tree = linkage(distances, method="average")
    if n_top is not None:
        groups = fcluster(tree, t=max(1, min(int(n_top), k)), criterion="maxclust")
    else:
        groups = fcluster(tree, t=1.0 - merge_similarity, criterion="distance")
        n_groups = len(np.unique(groups))
        low, high = min(min_top, k), min(max_top, k)
        if not low <= n_groups <= high:
            groups = fcluster(tree, t=int(np.clip(n_groups, low, high)), criterion="maxclust")
    weights = np.ones(k) if sizes is None else np.asarray(sizes, dtype=np.float64)
    unique = np.unique(groups)
    totals = np.array([weights[groups == g].sum() for g in unique])
    first = np.array([np.flatnonzero(groups == g)[0] for g in unique])
    rank = np.lexsort((first, -totals))  # by size desc, then by smallest member
    new_id = {int(unique[r]): i for i, r in enumerate(rank)}
    return np.array([new_id[int(g)] for g in groups], dtype=np.int64)
