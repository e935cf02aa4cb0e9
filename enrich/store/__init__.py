"""The profile store: SQLAlchemy Core tables, declared ``cx.*`` traits, and :class:`ProfileStore`."""

from enrich.store.profile_store import ProfileStore
from enrich.store.traits import TRAITS, TraitSpec, compute_traits, declare_trait

__all__ = ["TRAITS", "ProfileStore", "TraitSpec", "compute_traits", "declare_trait"]
