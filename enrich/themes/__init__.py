"""Themes: cluster unit embeddings into a hierarchy of named themes (reduce -> HDBSCAN -> outlier policy -> c-TF-IDF
noun-phrase labels), and keep theme ids stable across runs with the :class:`ThemeRegistry`.

Example:
    >>> from enrich.themes import Themer
    >>> themer = Themer(min_cluster_size=10)  # then themer.fit(unit_embeddings, unit_texts).themes_
"""

from enrich.themes.clusterers import Clusterer, HDBSCANClusterer
from enrich.themes.hierarchy import merge_themes
from enrich.themes.labeler import KeyphraseLabeler, Labeler, ThemeDescription
from enrich.themes.registry import ThemeRegistry, lineage
from enrich.themes.reducers import NullReducer, PCAReducer, Reducer, UMAPReducer
from enrich.themes.themer import UNTHEMED, Theme, Themer

__all__ = [
    "Themer",
    "Theme",
    "UNTHEMED",
    "Reducer",
    "PCAReducer",
    "UMAPReducer",
    "NullReducer",
    "Labeler",
    "KeyphraseLabeler",
    "ThemeDescription",
    "Clusterer",
    "HDBSCANClusterer",
    "merge_themes",
    "ThemeRegistry",
    "lineage",
]
