"""Hostile and broken study configs: refused quickly with a message naming file, line and key;
the command line ends with exit code 2 and never a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from framing.config import ConfigError, load_config
from test_corpus_helpers import article

REPO = Path(__file__).resolve().parents[2]

BOMB = ("title: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"k{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10))
        + "outlets: *a9\n")


def _corpus(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir(exist_ok=True)
    (tmp_path / "c" / "a.txt").write_text(article(1), encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    _corpus(tmp_path)
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, text))
    return str(err.value)


GOOD = "title: t\noutlets:\n  - id: a\n    sources: [c]\n"


@pytest.mark.parametrize("text, expected", [
    (BOMB, "alias bomb"),
    ("title: &t [*t]\noutlets: []\n", "recursive"),
    ("title: t\nouts: " + "[" * 300 + "]" * 300 + "\n", "nested"),
    ("title: t\n\toutlets: x\n", "not valid YAML"),
    ("- a\n- b\n", "must be a mapping"),
    (GOOD + "output: !!python/object/apply:os.system ['echo hacked']\n", "not valid YAML"),
    (GOOD + "seed: !!python/name:builtins.eval\n", "not valid YAML"),
    ("title: t\noutlets:\n  - id: a\n    sources: [{path: c, encoding: klingon}]\n", "unknown encoding 'klingon'"),
    ("title: t\noutlets:\n  - id: a\n    sources: [{path: c, encoding: base64}]\n", "not a text encoding"),
    ("title: t\noutlets:\n  - id: a\n    sources: [c]\n  - id: b\n", "outlets[1].sources: this outlet has no sources"),
    (GOOD + "classify: {models: [missing.skops]}\n", "no such model file"),
    ("title: t\noutlets:\n  - id: 'a b'\n    sources: [c]\n", "outlets[0].id"),
    ("title: t\noutlets:\n  - id: a\n    sources: [nowhere/*.txt]\n", "no file matches"),
    (GOOD + "run: {jobs: -1}\n", "run.jobs"),
    (GOOD + "corpus: {max_document_mb: 0}\n", "corpus.max_document_mb"),
    (GOOD + "lexicons: [nosuch]\n", "lexicons"),
])
def test_a_broken_config_is_refused_with_a_message(tmp_path, text, expected):
    assert expected in _problems(tmp_path, text)


def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path):
    t0 = time.perf_counter()
    msg = _problems(tmp_path, BOMB)
    assert time.perf_counter() - t0 < 5
    assert "study.yaml:" in msg and "alias bomb" in msg


def test_a_python_tag_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    _problems(tmp_path, GOOD + f"output: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


def test_a_config_that_is_not_utf8_is_a_message(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_bytes("title: تجربة\n".encode("cp1256"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_a_pickle_listed_as_a_model_is_refused_before_the_run(tmp_path):
    import pickle

    (tmp_path / "m.skops").write_bytes(pickle.dumps({"x": 1}))
    assert "not a skops model file" in _problems(tmp_path, GOOD + "classify: {models: [m.skops]}\n")


def test_a_zip_without_framing_metadata_is_refused_before_the_run(tmp_path):
    with zipfile.ZipFile(tmp_path / "m.skops", "w") as zf:
        zf.writestr("schema.json", "{}")
    assert "not a framing model" in _problems(tmp_path, GOOD + "classify: {models: [m.skops]}\n")


def test_a_zip_with_broken_metadata_is_refused_before_the_run(tmp_path):
    from framing.classify.store import METADATA_MEMBER

    with zipfile.ZipFile(tmp_path / "m.skops", "w") as zf:
        zf.writestr(METADATA_MEMBER, b"\xff\xfe not json")
    assert "classify.models[0]" in _problems(tmp_path, GOOD + "classify: {models: [m.skops]}\n")


def test_a_config_with_top_level_sources_may_declare_outlets_without_their_own(tmp_path):
    _corpus(tmp_path)
    (tmp_path / "rows.jsonl").write_text('{"text": "x", "outlet": "a"}\n', encoding="utf-8")
    cfg = load_config(_write(tmp_path, "title: t\noutlets:\n  - id: a\n    name: A\nsources: [rows.jsonl]\n"))
    assert cfg.outlets[0].id == "a"


# ---- the command line ----------------------------------------------------------------------------

def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "framing", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", ["check", "run"])
def test_the_command_line_refuses_a_bomb_with_exit_2(tmp_path, command):
    path = _write(tmp_path, BOMB)
    done = _cli(command, str(path))
    assert done.returncode == 2
    assert "alias bomb" in done.stderr and "Traceback" not in done.stderr


def test_check_lists_encoding_model_and_empty_outlet_problems_together(tmp_path):
    (tmp_path / "evil.pkl").write_bytes(b"\x80\x04K\x01.")
    path = _write(tmp_path, "title: t\noutlets:\n  - id: a\n    sources: [{path: c, encoding: klingon}]\n  - id: b\n"
                            "classify: {models: [missing.skops, evil.pkl]}\n")
    done = _cli("check", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "4 problems" in done.stderr
    assert "study.yaml:4: outlets[0].sources[0].encoding" in done.stderr
    assert "classify.models[0]" in done.stderr and "classify.models[1]" in done.stderr
    assert "outlets[1].sources" in done.stderr


@pytest.mark.parametrize("content", ["text,label\n", "", "\x00\x01\x02"])
def test_train_on_an_empty_or_broken_file_is_a_message(tmp_path, content):
    data = tmp_path / "coded.csv"
    data.write_text(content, encoding="utf-8")
    done = _cli("train", str(data), "-o", str(tmp_path / "m.skops"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_a_fault_of_framing_is_one_line_and_a_log_file(tmp_path, monkeypatch):
    from framing import failures

    def broken(**kwargs):
        raise IndexError("list index out of range")

    with pytest.raises(SystemExit) as done:
        failures.run_app(broken)
    assert done.value.code == 1


def test_a_fault_message_points_to_a_log_with_the_traceback(capsys):
    from framing import failures

    def broken(**kwargs):
        raise IndexError("list index out of range")

    with pytest.raises(SystemExit):
        failures.run_app(broken)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "IndexError: list index out of range" in err
    log = Path(err.split("the traceback is in ")[1].split(",")[0])
    assert "Traceback" in log.read_text() and "broken" in log.read_text()
    log.unlink()


@pytest.mark.parametrize("exc, code", [
    (ConfigError(["x.yaml:1: title: required key is missing"]), 2),
    (MemoryError(), 1),
    (KeyboardInterrupt(), 130),
])
def test_how_the_program_ends_for_each_kind_of_failure(capsys, exc, code):
    from framing import failures

    def app(**kwargs):
        raise exc

    with pytest.raises(SystemExit) as done:
        failures.run_app(app)
    assert done.value.code == code
    assert "Traceback" not in capsys.readouterr().err


def test_a_program_that_ends_well_leaves_what_it_holds_out_of_the_last_collections():
    import gc

    from framing import failures

    assert gc.get_freeze_count() == 0
    try:
        with pytest.raises(SystemExit) as done:
            failures.run_app(lambda **kwargs: 0)
        assert done.value.code == 0
        assert gc.get_freeze_count() > 0  # the interpreter frees it on exit without scanning it again
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("args, says", [
    (("run", "--nope", "study.yaml"), "No such option: --nope"),
    (("cache", "info", "--config", "study.yaml"), "No such option: --config"),
    (("nosuchcommand",), "No such command"),
])
def test_a_mistyped_command_line_is_a_usage_error_not_a_fault(args, says):
    done = _cli(*args)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Usage: " in done.stderr
    assert "bug in framing" not in done.stderr and "Traceback" not in done.stderr
