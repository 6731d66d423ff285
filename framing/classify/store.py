"""Saved frame classifiers: skops files with our metadata, loaded only when versions match.

This is the only module that imports ``skops`` (lazily).

Format. ``model.skops`` is a skops zip archive of a plain scikit-learn Pipeline, plus one extra
member ``framing-metadata.json`` (format, package versions, training data sha256, labels, task,
normaliser settings, CV metrics). The same metadata is written beside it as ``model.json`` for
people to read.

Trust model. skops does not run arbitrary pickled code: on loading, every type in the archive is
checked, and we accept only types from scikit-learn, numpy and scipy (what our pipelines are made
of). A file naming any other type is refused, so a model file from a stranger cannot execute code
on load. Loading also refuses a model saved by another framing or scikit-learn minor version: the
message says which versions and what to do (retrain with ``framing train``, or install the version
named).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FORMAT = "framing-model/1"
METADATA_MEMBER = "framing-metadata.json"
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


class ModelLoadError(Exception):
    """A saved model that cannot or must not be loaded; the message says why and what to do."""


def _skops_io():
    import skops.io

    return skops.io


def skops_version() -> str:
    import skops

    return skops.__version__


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split("+")[0].split(".")[:2])


def save_model(path: str | Path, pipeline, metadata: dict) -> Path:
    """Write ``pipeline`` with ``metadata`` to ``path`` (.skops) and ``path`` with .json beside it."""
    path = Path(path)
    if path.suffix != ".skops":
        path = path.with_suffix(".skops")
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, **metadata}
    meta.setdefault("skops_version", skops_version())
    _skops_io().dump(pipeline, path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(METADATA_MEMBER, json.dumps(meta, ensure_ascii=False, indent=2, default=_json_default))
    path.with_suffix(".json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, default=_json_default) + "\n", encoding="utf-8"
    )
    return path


def _json_default(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


def read_metadata(path: str | Path) -> dict:
    """The metadata of a saved model, without loading the model."""
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(f"{path}: no such model file (train one with `framing train`)")
    try:
        with zipfile.ZipFile(path) as zf:
            if METADATA_MEMBER not in zf.namelist():
                raise ModelLoadError(f"{path}: not a framing model (no {METADATA_MEMBER}); train one with `framing train`")
            return json.loads(zf.read(METADATA_MEMBER).decode("utf-8"))
    except zipfile.BadZipFile:
        raise ModelLoadError(f"{path}: not a skops model file (not a zip archive)") from None


def check_versions(meta: dict, path: str | Path = "model") -> None:
    import sklearn

    from framing import __version__

    problems = []
    if meta.get("format") != FORMAT:
        problems.append(f"format {meta.get('format')!r}, this framing reads {FORMAT!r}")
    saved_fr = str(meta.get("framing_version", "?"))
    if _minor(saved_fr) != _minor(__version__):
        problems.append(f"saved by framing {saved_fr}, this is framing {__version__}")
    saved_sk = str(meta.get("sklearn_version", "?"))
    if _minor(saved_sk) != _minor(sklearn.__version__):
        problems.append(f"saved with scikit-learn {saved_sk}, this environment has scikit-learn {sklearn.__version__}")
    if problems:
        raise ModelLoadError(
            f"{path}: refusing to load a model from another version ({'; '.join(problems)}). "
            f"Retrain it here with `framing train` on its training data (sha256 "
            f"{str(meta.get('training_data', {}).get('sha256', '?'))[:12]}…), or install "
            f"framing=={saved_fr} and scikit-learn=={saved_sk} to use it as is."
        )


@dataclass
class SavedModel:
    """A loaded frame classifier: the scikit-learn pipeline and its metadata."""

    pipeline: object
    metadata: dict
    path: Path | None = None

    @property
    def task(self) -> str:
        return self.metadata["task"]

    @property
    def labels(self) -> list[str]:
        return list(self.metadata["labels"])

    @property
    def name(self) -> str:
        return self.metadata.get("name") or (self.path.stem if self.path else "model")

    def normalise(self, texts) -> list[str]:
        from framing.arabic import Normaliser
        from framing.classify.text import normalise_text

        n = self.metadata.get("normaliser", {})
        norm = Normaliser(ta_marbuta=n.get("ta_marbuta", True), alef_maqsura=n.get("alef_maqsura", True))
        return [normalise_text(t, norm) for t in texts]

    def label_frame(self, texts) -> pd.DataFrame:
        """0/1 per unit and label: the positive class of a binary model, every class of a
        multi-class model (one-hot), every label of a multi-label model."""
        X = np.asarray(self.normalise(texts), dtype=object)
        if len(X) == 0:
            return pd.DataFrame(columns=self.labels, dtype=int)
        pred = self.pipeline.predict(X)
        if self.task == "multilabel":
            return pd.DataFrame(np.asarray(pred, dtype=int), columns=self.labels)
        if self.task == "binary":
            positive = self.metadata["positive_label"]
            return pd.DataFrame({self.labels[0]: [int(str(p) == str(positive)) for p in pred]})
        return pd.DataFrame({lab: [int(str(p) == lab) for p in pred] for lab in self.labels})


def load_model(path: str | Path) -> SavedModel:
    """Load a model saved by ``save_model``; refuse other versions and untrusted types."""
    path = Path(path)
    meta = read_metadata(path)
    check_versions(meta, path)
    sio = _skops_io()
    untrusted = sio.get_untrusted_types(file=path)
    foreign = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if foreign:
        raise ModelLoadError(
            f"{path}: refusing to load: it contains types outside scikit-learn/numpy/scipy ({', '.join(foreign)}); "
            "framing models never do, so this file was not written by `framing train`."
        )
    pipeline = sio.load(path, trusted=untrusted)
    return SavedModel(pipeline, meta, path)
