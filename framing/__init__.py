"""framing: measure how Arabic news outlets frame the same events.

Notebook use::

    import framing
    result = framing.run("study.yaml")        # or a dict; paths relative to the working directory
    result.tables["outlet_scores"]            # pandas DataFrames, as in the data/ folder
"""

__version__ = "0.1.0"


def run(config, **kwargs):
    """Run a study (a config path, a dict or a StudyConfig) and return its RunResult.

    Keyword arguments: output, jobs, quiet (default True), write (default True), topics, classify.
    """
    from framing.pipeline import run as _run

    return _run(config, **kwargs)


__all__ = ["run", "__version__"]
