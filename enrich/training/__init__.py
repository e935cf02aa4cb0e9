"""Reproducible training and evaluation of the heads: ``enrich train TASK`` and ``enrich eval``."""
