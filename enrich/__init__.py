"""enrich: turn customer feedback into experiential data on customer profiles."""

__version__ = "0.1.0"
