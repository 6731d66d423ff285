"""The bundled demo corpus: four fictional outlets, twelve fictional events, planted differences.

Everything in this folder is fiction written for the framing project (see README.md here).
``DEMO_CONFIG`` is the study config that ``framing demo`` runs; ``PLANTED`` lists the framing
differences planted on purpose, in the format documented at the top of that file.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
DEMO_CONFIG = DEMO_DIR / "demo.yaml"
PLANTED = DEMO_DIR / "planted.yaml"


def load_planted() -> dict:
    """The planted differences as a dict (see the comment at the top of planted.yaml)."""
    import yaml

    with open(PLANTED, encoding="utf-8") as fh:
        return yaml.safe_load(fh)
