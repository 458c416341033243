"""iterate-tui: decide what to try next in a machine-learning project."""

__version__ = "0.1.0"
