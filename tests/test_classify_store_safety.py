"""Saved models are untrusted input: a model file naming anything but the types framing writes is
refused before any of it is built, so a crafted file cannot run code."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.classify.options import TrainOptions
from framing.classify.store import ALLOWED_TYPES, ModelLoadError, load_model, save_model, schema_types
from framing.classify.train import train_model


def _train(tmp_path: Path, **kwargs) -> Path:
    rng = np.random.default_rng(0)
    words = ["الاحتلال", "القصف", "المدينة", "الهدنة", "الوزير", "بيان", "اليوم", "السلام"]
    rows = []
    for i in range(40):
        pos = i % 2 == 0
        text = " ".join(rng.choice(words, 6)) + (" الاحتلال" if pos else " السلام")
        rows.append({"text": text, "frame": int(pos)})
    r = train_model(pd.DataFrame(rows), "text", ["frame"], folds=3, seed=1, tune=False, baseline=False, **kwargs)
    return save_model(tmp_path / "m.skops", r.pipeline, {**r.metadata, "name": "m"})


def _rewrite_schema(path: Path, edit) -> None:
    """Rewrite the skops archive's schema.json through ``edit`` (as an attacker would)."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    schema = json.loads(members["schema.json"])
    edit(schema)
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _str_node(value: str) -> dict:
    return {"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True, "__id__": 1}


def _call_node(module: str, name: str, *args: str) -> dict:
    """A node that skops builds by calling ``module.name(*args)``."""
    return {"__class__": name, "__module__": module, "__loader__": "ConstructorFromReduceNode",
            "content": {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode",
                        "content": [_str_node(a) for a in args], "__id__": 2},
            "__id__": 3}


def _inject(schema: dict, node: dict) -> None:
    # the Pipeline's own attributes: a new one is built like any other
    schema["content"]["content"]["memory"] = node


@pytest.mark.parametrize("module,name", [("builtins", "exec"), ("builtins", "eval"), ("os", "system")])
def test_crafted_model_cannot_run_code(tmp_path, module, name):
    path = _train(tmp_path)
    marker = tmp_path / "pwned"
    code = f"open({str(marker)!r}, 'w').write('x')"
    if name == "system":
        code = f"touch {marker}"
    _rewrite_schema(path, lambda s: _inject(s, _call_node(module, name, code)))
    with pytest.raises(ModelLoadError) as err:
        load_model(path)
    assert not marker.exists(), "loading the crafted model ran code"
    message = str(err.value)
    assert str(path) in message and f"{module}.{name}" in message


def test_unknown_estimator_type_is_refused_by_name(tmp_path):
    path = _train(tmp_path)

    def swap(schema):
        schema["__class__"], schema["__module__"] = "Popen", "subprocess"

    _rewrite_schema(path, swap)
    with pytest.raises(ModelLoadError, match=r"subprocess\.Popen"):
        load_model(path)


def test_a_model_framing_writes_loads_and_predicts(tmp_path):
    path = _train(tmp_path)
    model = load_model(path)
    out = model.label_frame(["الاحتلال في المدينة", "السلام اليوم"])
    assert list(out.columns) == ["frame"] and len(out) == 2


def test_every_type_in_a_framing_model_is_on_the_allow_list(tmp_path):
    for kwargs in ({}, {"options": TrainOptions(class_weight=None, C=[1.0, 10.0], learning_curve=[])}):
        path = _train(tmp_path, **kwargs)
        with zipfile.ZipFile(path) as zf:
            found = schema_types(json.loads(zf.read("schema.json")))
        assert found, "the walk found no types at all"
        assert {t for _, t in found} <= ALLOWED_TYPES


def test_schema_that_is_not_json_is_refused(tmp_path):
    path = _train(tmp_path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["schema.json"] = b"{not json"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ModelLoadError, match="schema"):
        load_model(path)
