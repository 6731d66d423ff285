"""Saved frame classifiers: skops files with our metadata, loaded only when versions match.

This is the only module that imports ``skops`` (lazily).

Format. ``model.skops`` is a skops zip archive of a plain scikit-learn Pipeline, plus one extra
member ``framing-metadata.json`` (format, package versions, training data sha256, labels, task,
normaliser settings, CV metrics). The same metadata is written beside it as ``model.json`` for
people to read.

Trust model. A model file is untrusted input: skops builds objects by calling the types and
functions its ``schema.json`` names, so a file naming a callable such as ``builtins.exec`` would run
code while it loads. Before skops sees the file, every node of the schema is read as plain JSON and
each (loader, type) pair must be on an explicit allow-list: the exact estimator, array and
container types that framing's own pipelines are made of (``ALLOWED_TYPES``, ``ALLOWED_LOADERS``).
Anything else — another type, a function, a reduce-style constructor — is refused with a message
naming the file and the type, and nothing in the file is imported or built. skops' own
untrusted-type inspection (``get_untrusted_types``) is then checked against the same allow-list,
and only those types are passed to ``skops.io.load`` as trusted. Loading also refuses a model saved
by another framing or scikit-learn minor version: the message says which versions and what to do
(retrain with ``framing train``, or install the version named).
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

# Every type a framing model may contain, by its full dotted name. A new estimator in
# ``framing.classify.models`` must be added here (tests/test_classify_store_safety.py checks that
# each pipeline framing trains is covered).
ALLOWED_TYPES = frozenset({
    # containers and scalars
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str", "builtins.int",
    "builtins.float", "builtins.bool", "builtins.NoneType", "builtins.slice",
    # arrays and their element types
    "numpy.ndarray", "numpy.dtype", "numpy.float32", "numpy.float64", "numpy.int32", "numpy.int64",
    "numpy.bool_", "numpy.object_", "numpy.str_",
    "scipy.sparse._csr.csr_matrix", "scipy.sparse._csr.csr_array",
    # estimators
    "sklearn.pipeline.Pipeline", "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression", "sklearn.svm._classes.LinearSVC",
    "sklearn.multiclass.OneVsRestClassifier", "sklearn.preprocessing._label.LabelBinarizer",
    # framing's own estimator (framing/classify/estimator.py): plain attributes only, built by
    # skops' ObjectNode without calling anything but ``__new__`` and ``__setstate__``
    "framing.classify.estimator.FrameClassifier",
})
# How skops may build them: never by calling a named function or constructor with arguments
# (FunctionNode, PartialNode, MethodNode, ConstructorFromReduceNode, ReduceNode ...).
ALLOWED_LOADERS = frozenset({
    "DictNode", "ListNode", "TupleNode", "JsonNode", "TypeNode", "NdArrayNode", "DTypeNode",
    "SparseMatrixNode", "ObjectNode", "SliceNode",
})


class ModelLoadError(Exception):
    """A saved model that cannot or must not be loaded; the message says why and what to do."""


def _skops_io():
    import skops.io

    return skops.io


def skops_version() -> str:
    """The installed skops version, recorded with a saved model."""
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
    _skops_io().dump(pipeline, path, compression=zipfile.ZIP_DEFLATED)
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
    """Raise ModelLoadError when a saved model's metadata was written by an incompatible framing,
    scikit-learn or file format version."""
    import sklearn

    from framing.version import __version__

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
        """The model's task: binary, multiclass or multilabel."""
        return self.metadata["task"]

    @property
    def labels(self) -> list[str]:
        """The labels the model predicts."""
        return list(self.metadata["labels"])

    @property
    def name(self) -> str:
        """The model's name: from its metadata, else its file name."""
        return self.metadata.get("name") or (self.path.stem if self.path else "model")

    def normalise(self, texts) -> list[str]:
        """Texts normalised as the model's training texts were (its recorded normaliser options)."""
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

    def probability_frame(self, texts) -> pd.DataFrame:
        """Probability per unit and label (columns as ``label_frame``): calibrated for models
        trained by this version; empty columns (NaN) for a model without probabilities."""
        X = np.asarray(self.normalise(texts), dtype=object)
        est = self.pipeline[-1]
        if len(X) == 0:
            return pd.DataFrame(columns=self.labels, dtype=float)
        if hasattr(est, "label_probabilities"):
            P = est.label_probabilities(X)
            if self.task == "multiclass":
                P = P / np.clip(P.sum(axis=1, keepdims=True), 1e-12, None)
            cols = self.labels if self.task != "multiclass" else [str(c) for c in est.classes_]
            return pd.DataFrame(P, columns=cols)[self.labels]
        if not hasattr(self.pipeline, "predict_proba"):
            return pd.DataFrame(np.nan, index=range(len(X)), columns=self.labels)
        P = np.asarray(self.pipeline.predict_proba(X))
        if self.task == "binary":
            classes = [str(c) for c in self.pipeline.classes_]
            return pd.DataFrame({self.labels[0]: P[:, classes.index(str(self.metadata["positive_label"]))]})
        if self.task == "multiclass":
            return pd.DataFrame(P, columns=[str(c) for c in self.pipeline.classes_])[self.labels]
        return pd.DataFrame(P, columns=self.labels)

    def set_cache_dir(self, cache_dir) -> None:
        """Where a model with sentence-embedding features caches the vectors of the texts it labels."""
        est = self.pipeline[-1]
        if hasattr(est, "cache_dir"):
            est.set_params(cache_dir=str(cache_dir) if cache_dir else None)


def schema_types(schema) -> set[tuple[str, str]]:
    """Every (loader, dotted type name) pair named anywhere in a skops ``schema.json`` tree,
    read as plain JSON: nothing is imported or built."""
    found: set[tuple[str, str]] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node or "__module__" in node or "__loader__" in node:
                found.add((str(node.get("__loader__")), f"{node.get('__module__')}.{node.get('__class__')}"))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _refuse_foreign_types(path: Path) -> None:
    """Raise ``ModelLoadError`` unless every node of the archive's schema is an allowed type built
    by an allowed loader."""
    try:
        with zipfile.ZipFile(path) as zf:
            schema = json.loads(zf.read("schema.json").decode("utf-8"))
    except KeyError:
        raise ModelLoadError(f"{path}: not a skops model file (no schema.json)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{path}: the model's schema.json cannot be read ({exc})") from None
    except zipfile.BadZipFile:
        raise ModelLoadError(f"{path}: not a skops model file (not a zip archive)") from None
    found = schema_types(schema)
    foreign = sorted({t for loader, t in found if t not in ALLOWED_TYPES}
                     | {f"{t} (built by {loader})" for loader, t in found if loader not in ALLOWED_LOADERS})
    if foreign:
        raise ModelLoadError(
            f"{path}: refusing to load: it names types that framing models never contain "
            f"({', '.join(foreign)}), so it was not written by `framing train`; nothing in it was loaded."
        )


def load_model(path: str | Path) -> SavedModel:
    """Load a model saved by ``save_model``. Refused, with a message naming the file and why: a
    model from another version, and any file naming a type outside ``ALLOWED_TYPES`` (checked on
    the raw schema before skops builds anything, then again with skops' own inspection)."""
    path = Path(path)
    meta = read_metadata(path)
    check_versions(meta, path)
    _refuse_foreign_types(path)
    sio = _skops_io()
    untrusted = sio.get_untrusted_types(file=path)
    foreign = [t for t in untrusted if t not in ALLOWED_TYPES]
    if foreign:  # pragma: no cover - the schema walk above refuses these first
        raise ModelLoadError(f"{path}: refusing to load: untrusted types {', '.join(foreign)}")
    pipeline = sio.load(path, trusted=list(untrusted))
    from sklearn.pipeline import Pipeline

    if not isinstance(pipeline, Pipeline):
        raise ModelLoadError(f"{path}: not a framing model (holds a {type(pipeline).__name__}, not a Pipeline)")
    return SavedModel(pipeline, meta, path)
