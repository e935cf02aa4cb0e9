"""Themes: cluster unit embeddings into named themes (reduce -> HDBSCAN -> outlier policy -> c-TF-IDF labels).

Example:
    >>> from enrich.themes import Themer
    >>> themer = Themer(min_cluster_size=10)  # then themer.fit(unit_embeddings, unit_texts).themes_
"""

from enrich.themes.labeler import KeyphraseLabeler, Labeler, ThemeDescription
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
]
