"""classify stage: outlet attribution, saved frame classifiers applied to the corpus, weak
supervision from lexicon hits, agreement between lexicon, model and human codes.

The pipeline calls ``attribution(inputs, options, runtime)`` (the outlet classifier: no lexicon
hit needed) and ``compute(inputs, options, runtime)`` (models, codes, weak supervision); both
return a StageOutput, see ``framing/classify/stage.py`` for the tables. ``framing annotate`` and
``framing train`` live in ``framing/cli/classify.py``.
"""

__all__ = ["attribution", "compute"]


def __getattr__(name: str):
    # loaded on first use: framing.config imports framing.classify.options, which should not pull
    # in scikit-learn
    if name in __all__:
        from framing.classify import stage

        return getattr(stage, name)
    raise AttributeError(f"module 'framing.classify' has no attribute {name!r}")
