"""A run's output folder is replaced whole or not at all: a run stopped or failing at any stage
leaves the previous report as it was; one run per folder at a time; a bad output path is a
message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from framing import pipeline
from framing.publish import OutputError, check_output, output_lock
from test_corpus_helpers import article

REPO = Path(__file__).resolve().parents[2]


def _study(tmp_path: Path, n: int = 6) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for i in range(n):
        (corpus / f"a{i}.txt").write_text("قوات الاحتلال دخلت المدينة.\n\n" + article(70 + i), encoding="utf-8")
    cfg = tmp_path / "study.yaml"
    cfg.write_text("title: t\noutlets:\n  - id: a\n    sources: ['corpus/a[0-2].txt']\n  - id: b\n"
                   "    sources: ['corpus/a[3-9].txt']\noutput: out\ntopics: {enabled: false}\n"
                   "classify: {outlet_classifier: false}\nrun: {jobs: 1}\n", encoding="utf-8")
    return cfg


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def previous(tmp_path):
    """A study with a finished report; its files as they are."""
    cfg = _study(tmp_path)
    pipeline.run(cfg, quiet=True)
    out = tmp_path / "out"
    assert (out / "index.html").is_file() and (out / "manifest.json").is_file()
    return cfg, out, _snapshot(out)


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".out.") and not p.name.endswith(".lock"))


@pytest.mark.parametrize("stage", [
    "framing.pipeline._corpus",
    "framing.analyse.analyse_documents",
    "framing.stats.stage.statistics",
    "framing.report.write_report",
    "framing.outputs.write_data",
    "framing.outputs.write_tables",
    "framing.publish.publish",
])
def test_a_run_failing_at_any_stage_leaves_the_previous_report_whole(previous, monkeypatch, stage):
    cfg, out, before = previous
    (cfg.parent / "corpus" / "a0.txt").write_text("قوات الاحتلال. " + article(99), encoding="utf-8")  # a new run would differ
    module, name = stage.rsplit(".", 1)

    def boom(*args, **kwargs):
        raise RuntimeError(f"stopped in {name}")

    monkeypatch.setattr(module + "." + name, boom)
    with pytest.raises(RuntimeError, match=f"stopped in {name}"):
        pipeline.run(cfg, quiet=True)
    assert _snapshot(out) == before
    assert _leftovers(out.parent) == []


def test_an_interrupt_while_the_data_files_are_written_leaves_the_previous_report(previous, monkeypatch):
    cfg, out, before = previous
    from framing import outputs

    real = outputs.write_data

    def half(result, folder, *rest):
        (Path(folder) / "data").mkdir(parents=True, exist_ok=True)
        (Path(folder) / "data" / "documents.csv").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "write_data", half)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(cfg, quiet=True)
    assert _snapshot(out) == before
    monkeypatch.setattr(outputs, "write_data", real)
    pipeline.run(cfg, quiet=True)
    assert _snapshot(out) == before or (out / "manifest.json").is_file()


def _kill_after(cfg: Path, delay: float, sig: int) -> int:
    proc = subprocess.Popen([sys.executable, "-m", "framing", "run", str(cfg), "-q"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(sig)
    proc.wait(timeout=120)
    return proc.returncode


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killing_a_run_at_any_moment_leaves_the_previous_report_whole(previous, sig):
    cfg, out, before = previous
    (cfg.parent / "corpus" / "a0.txt").write_text("قوات الاحتلال. " + article(98), encoding="utf-8")
    for delay in (0.3, 1.0, 2.0, 3.0, 4.5):
        _kill_after(cfg, delay, sig)
        # a report is always whole: the previous one, or a finished new one
        now = _snapshot(out)
        manifest = json.loads(now["manifest.json"])
        assert now == before or manifest["documents"]["input"] == 6
        assert {"index.html", "manifest.json", "data/documents.csv", "data/matches.csv"} <= set(now)
    done = subprocess.run([sys.executable, "-m", "framing", "run", str(cfg), "-q"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _leftovers(out.parent) == []


def test_a_sigint_ends_with_a_message_and_exit_130(previous):
    cfg, out, before = previous
    proc = subprocess.Popen([sys.executable, "-m", "framing", "run", str(cfg), "-q"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the run finished before the interrupt")
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    assert _snapshot(out) == before


def test_a_second_run_into_the_same_folder_is_refused_with_a_message(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputError, match="another framing run is writing"):
            with output_lock(out):
                pass
    with output_lock(out):  # free again
        pass


def test_two_runs_at_once_one_refused_one_whole(tmp_path):
    cfg = _study(tmp_path)
    cmd = [sys.executable, "-m", "framing", "run", str(cfg), "-q"]
    first = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    _, err1 = first.communicate(timeout=300)
    codes = sorted([first.returncode, second.returncode])
    errors = err1 + second.stderr
    assert "Traceback" not in errors
    if codes == [0, 2]:
        assert "another framing run is writing" in errors
    else:
        assert codes == [0, 0]  # the first had finished before the second started
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_runs_sharing_a_cache_never_fail_on_its_entries(tmp_path):
    cfg = _study(tmp_path, n=12)
    other = tmp_path / "other.yaml"
    other.write_text(cfg.read_text().replace("output: out", "output: out2"), encoding="utf-8")
    procs = []
    for k in range(3):
        (tmp_path / "corpus" / "a1.txt").write_text(article(200 + k), encoding="utf-8")
        for c in (cfg, other):
            procs.append(subprocess.Popen([sys.executable, "-m", "framing", "run", str(c), "-q"], cwd=REPO,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        time.sleep(0.7)
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode in (0, 2), err
        assert "Traceback" not in err and "cannot be read" not in err, err


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("x"), "is a file, not a folder"),
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")), "holds files that are not a framing report"),
    (lambda p: p.parent.joinpath("blocker").write_text("x"), None),
])
def test_an_output_path_that_cannot_take_a_report_is_a_message(tmp_path, make, message):
    out = tmp_path / "out"
    make(out)
    target = out if message else tmp_path / "blocker" / "out"
    with pytest.raises(OutputError) as err:
        check_output(target)
    assert (message or "is a file") in str(err.value)


def test_the_command_line_says_what_is_wrong_with_the_output_folder(tmp_path):
    cfg = _study(tmp_path)
    (tmp_path / "afile").write_text("x")
    done = subprocess.run([sys.executable, "-m", "framing", "run", str(cfg), "-q", "-o", str(tmp_path / "afile")],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 2
    assert "is a file, not a folder" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="the superuser may write anywhere")
def test_a_folder_that_cannot_be_written_is_a_message(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot be written"):
            check_output(locked / "out")
    finally:
        locked.chmod(0o700)
