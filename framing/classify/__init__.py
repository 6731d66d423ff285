"""classify stage: outlet attribution, saved frame classifiers applied to the corpus, weak
supervision from lexicon hits, agreement between lexicon, model and human codes.

The pipeline calls ``compute(docs, matches, config, normaliser, seed) -> StageOutput``; see
``framing/classify/stage.py`` for the tables it returns. ``framing annotate`` and ``framing train``
live in ``framing/classify/cli.py``.
"""

from framing.classify.stage import compute

__all__ = ["compute"]
