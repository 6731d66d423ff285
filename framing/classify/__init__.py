"""classify stage: outlet attribution, saved frame classifiers applied to the corpus, weak
supervision from lexicon hits, agreement between lexicon, model and human codes.

The pipeline calls ``compute(docs, matches, config, normaliser, seed) -> StageOutput``; see
``framing/classify/stage.py`` for the tables it returns. ``framing annotate`` and ``framing train``
live in ``framing/cli/classify.py``.
"""

__all__ = ["compute"]


def __getattr__(name: str):
    # loaded on first use: framing.config imports framing.classify.options, and `framing --help`
    # mounts framing.classify.cli, neither of which should pull in scikit-learn
    if name == "compute":
        from framing.classify.stage import compute

        return compute
    raise AttributeError(f"module 'framing.classify' has no attribute {name!r}")
