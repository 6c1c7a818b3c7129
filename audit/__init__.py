"""letter-audit: audit batches of templated letters against their canonical template."""

__version__ = "0.1.0"
