"""Label texts, a file or a study's units with a saved frame classifier: ``framing predict`` and
``framing.predict`` (see :mod:`framing.classify.predict` for the inputs and the table). A file is
read as a study source and a study config as ``framing run`` reads it, so this sits above the study
config, beside the pipeline; the labelling itself is the classifier stage's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from framing.classify.predict import CONFIG_SUFFIXES, EXCERPT, PredictError, label_units, units_of_documents
from framing.classify.predict import read_units as read_text_units


def _file_config(path: Path, fields: dict | None, fmt: str):
    from framing.config import load_config

    source = {"path": str(path.resolve()) if path.exists() else str(path), "format": fmt}
    if fields:
        source["fields"] = fields
    raw = {"title": "predict", "sources": [source], "output": str(Path.cwd() / "predict"),
           "corpus": {"min_words": 0, "min_arabic_share": 0.0, "duplicates": "keep", "shared_wire": "keep",
                      "clean": False, "analyse_titles": False},
           "run": {"jobs": 1, "cache": False}}
    return load_config(raw, base_dir=Path.cwd())


def read_units(source, unit: str, *, fields: dict | None = None, fmt: str = "auto"):
    """(units, notes) of a list of texts, a file or a study config (see :mod:`framing.classify.predict`)."""
    if not isinstance(source, (str, Path)):
        return read_text_units(source, unit)
    from framing.config import ConfigError, load_config
    from framing.corpus.load import load_corpus
    from framing.runtime import effective_jobs

    path = Path(source)
    try:
        if path.suffix.lower() in CONFIG_SUFFIXES:
            if fields:
                raise PredictError(f"{path}: field mappings come from the study config's sources, not --field")
            config = load_config(path)
        else:
            config = _file_config(path, fields, fmt)
        docs = load_corpus(config.corpus_sources(effective_jobs(config.run.jobs)))
    except ConfigError as exc:
        raise PredictError(str(exc)) from None
    return units_of_documents(docs, unit)


def predict(model, texts_or_path, *, unit: str | None = None, fields: dict | None = None, fmt: str = "auto",
            cache_dir=None, excerpt_chars: int = EXCERPT) -> pd.DataFrame:
    """Label texts, a file or a study's units with a saved model (a path or a loaded model).

    Returns one row per unit (see the module docstring); notes about documents not labelled are in
    ``frame.attrs["notes"]``."""
    from framing.classify.store import load_model

    saved = load_model(model) if isinstance(model, (str, Path)) else model
    unit = unit or (saved.metadata.get("unit") if saved.metadata.get("unit") in ("paragraph", "document") else "paragraph")
    if unit not in ("paragraph", "document"):
        raise PredictError(f"unit must be paragraph or document, not {unit!r}")
    units, notes = read_units(texts_or_path, unit, fields=fields, fmt=fmt)
    if cache_dir is not None:
        saved.set_cache_dir(cache_dir)
    frame = label_units(saved, units, excerpt_chars=excerpt_chars)
    frame.attrs["notes"] = notes
    frame.attrs["unit"] = unit
    return frame
