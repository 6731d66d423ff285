"""The version of framing (kept in step with pyproject.toml), in a module that imports nothing,
so that any layer can record it."""

__version__ = "0.1.0"
