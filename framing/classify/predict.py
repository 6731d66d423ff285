"""Label units with a saved frame classifier: ``framing predict`` and ``framing.predict``.

One row per unit: unit_id, doc_id, outlet, excerpt, labels (the predicted labels, ``;``-joined),
then per model label a 0/1 column and ``p_<label>``, its probability (calibrated for models from
``framing train``).

Inputs:
- a list of texts: each text is one unit (ids ``1``, ``2``, …);
- a file (.jsonl, .json, .csv, .tsv, .txt; also a folder or glob): read as a study source, with the
  same field mapping (``fields``: text, id, outlet, …), kept as read (no cleaning, no title put
  before the text, no document skipped for length or duplication), then cut into the model's unit (paragraph: the non-empty lines
  of a text; document: the whole text);
- a study config (.yaml/.yml): the study's own documents, read and cleaned as ``framing run`` does,
  cut into the model's unit. Units are the ones ``data/model_labels.csv`` of a study run has.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

EXCERPT = 160
CONFIG_SUFFIXES = (".yaml", ".yml")


class PredictError(ValueError):
    """Input that cannot be labelled; the message names the file or option."""


def excerpt(text: str, n: int = EXCERPT) -> str:
    """The text on one line, cut to ``n`` characters (an ellipsis marks the cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def label_units(model, units, *, excerpt_chars: int = EXCERPT) -> pd.DataFrame:
    """The prediction table of ``units`` (``text.Unit`` records) for a loaded ``SavedModel``."""
    texts = [u.text for u in units]
    labels = model.label_frame(texts)
    probs = model.probability_frame(texts)
    names = model.labels
    frame = pd.DataFrame({
        "model": model.name,
        "unit_id": [u.unit_id for u in units],
        "doc_id": [u.doc_id for u in units],
        "outlet": [u.outlet for u in units],
        "start": [u.start for u in units],
        "end": [u.end for u in units],
        "excerpt": [excerpt(t, excerpt_chars) for t in texts],
    })
    L = labels[names].to_numpy(dtype=int) if len(units) else np.zeros((0, len(names)), dtype=int)
    frame["labels"] = [";".join(n for n, v in zip(names, row) if v) for row in L]
    for j, name in enumerate(names):
        frame[name] = L[:, j]
    for name in names:
        frame[f"p_{name}"] = probs[name].to_numpy(dtype=float).round(4) if len(units) else []
    return frame


def read_units(source, unit: str, *, fields: dict | None = None, fmt: str = "auto"):
    """(units, notes) of a list of texts; a file or a study config is read by the caller
    (:func:`framing.predicting.read_units`, which reads the corpus as a study run does)."""
    from framing.classify.text import Unit

    texts = list(source)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise PredictError(f"texts: item {bad[0] + 1} is a {type(texts[bad[0]]).__name__}, not a string")
    return [Unit(str(i + 1), str(i + 1), "", 0, len(t), t) for i, t in enumerate(texts)], []


def units_of_documents(docs, unit: str):
    """(units, notes) of the documents read from a file or a study: the analysed documents cut
    into units, a note on those not labelled."""
    from framing.classify.text import split_units

    notes: list[str] = []
    skipped = [d for d in docs if d.status != "analysed"]
    if skipped:
        reasons = pd.Series([d.reason.split(":")[0] for d in skipped]).value_counts()
        notes.append(f"{len(skipped)} of {len(docs)} documents not labelled: "
                     + ", ".join(f"{r} ({c})" for r, c in reasons.items()))
    units = [u for d in docs if d.status == "analysed" for u in split_units(d, unit)]
    return units, notes
