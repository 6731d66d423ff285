"""framing: measure how Arabic news outlets frame the same events."""

__version__ = "0.1.0"
