"""Domain errors. Each subclasses a built-in so callers can catch broadly; messages say what was
received, what was expected, and the valid options."""


class EnrichError(Exception):
    """Base class for every error enrich raises on purpose."""


class ConfigError(EnrichError, ValueError):
    """A pipeline config is invalid: unknown key, bad value, unmet component requirement."""


class InputError(EnrichError, ValueError):
    """An input file cannot be read at all (missing, unknown format, missing required column)."""


class ModelError(EnrichError, RuntimeError):
    """A model or head cannot be loaded (missing weights, hash mismatch, missing optional dependency)."""


class StoreError(EnrichError, RuntimeError):
    """The profile store rejected a write (undeclared trait, bad URL)."""
