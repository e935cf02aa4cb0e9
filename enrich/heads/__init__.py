"""Trained heads over the shared embedding: weights in ``models/<task>/``, code here."""

from enrich.heads.linear import LinearHead

__all__ = ["LinearHead"]
