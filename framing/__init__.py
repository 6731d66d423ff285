"""framing: measure how Arabic news outlets frame the same events.

Notebook use::

    import framing
    result = framing.run("study.yaml")        # or a dict; paths relative to the working directory
    result.tables["outlet_scores"]            # pandas DataFrames, as in the data/ folder
    labels = framing.predict("model.skops", "paragraphs.jsonl")   # one row per unit
"""

from framing.version import __version__


def run(config, **kwargs):
    """Run a study (a config path, a dict or a StudyConfig) and return its RunResult.

    Keyword arguments: output, jobs, quiet (default True), write (default True), topics, classify.
    """
    from framing.pipeline import run as _run

    return _run(config, **kwargs)


def predict(model, texts_or_path, **kwargs):
    """Label units with a saved frame classifier (a .skops path or a loaded model).

    ``texts_or_path``: a list of texts (one unit each), a .jsonl/.csv/.txt file read like a study
    source, or a study config (its paragraphs). Returns a DataFrame, one row per unit: unit_id,
    doc_id, outlet, excerpt, labels, then a 0/1 column and ``p_<label>`` per label. Keyword
    arguments: unit, fields (a study source's field mapping), fmt, cache_dir.
    """
    from framing.predicting import predict as _predict

    return _predict(model, texts_or_path, **kwargs)


__all__ = ["run", "predict", "__version__"]
