"""Voice against our hand-labelled hits (tests/data/voice_gold.csv, guide in voice_guide.md).

Each labelled hit is found again in its article in ../shared (seeds: the file's text; SaudiNewsNet
and ArMPro: title, blank line, text, as the corpus stage analyses them) at the stored offsets, and
framing.voice decides its voice in the whole text. Accuracy is printed per split and per class;
the thresholds are asserted on the whole set: ≥ 0.90 overall, ≥ 0.85 for every class with at
least 20 examples. Splits: ``dev`` (labelled first, the rules written against it), ``holdout``
(labelled after the rules were first frozen), ``holdout2`` (labelled after a second freeze).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from framing.voice import VOICES, hit_voices, title_end

pytestmark = pytest.mark.external

GOLD = Path(__file__).resolve().parents[1] / "data" / "voice_gold.csv"
OVERALL, PER_CLASS, MIN_CLASS = 0.90, 0.85, 20


def _rows() -> list[dict]:
    with GOLD.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _texts(shared: Path, rows: list[dict]) -> dict[tuple[str, str], tuple[str, str]]:
    """(source, doc) -> (analysed text, title) for every labelled document."""
    corpora = shared / "corpora"
    out: dict[tuple[str, str], tuple[str, str]] = {}
    want = {r["doc"] for r in rows if r["source"] == "saudinewsnet"}
    with gzip.open(corpora / "saudinewsnet" / "all.jsonl.gz", "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if str(n) in want:
                d = json.loads(line)
                out[("saudinewsnet", str(n))] = ((d.get("title") or "") + "\n\n" + d["text"], d.get("title") or "")
    with (corpora / "armpro_dev" / "paragraphs.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            d = json.loads(line)
            out[("armpro_dev", str(n))] = ((d.get("title") or "") + "\n\n" + d["text"], d.get("title") or "")
    for path in (corpora / "seeds").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        out[("seeds", path.name)] = (text, text.split("\n", 1)[0])
    return out


@pytest.fixture(scope="module")
def decided(shared_dir: Path) -> list[tuple[dict, str, bool]]:
    rows = _rows()
    texts = _texts(shared_dir, rows)
    out = []
    for r in rows:
        text, title = texts[(r["source"], r["doc"])]
        a, z = int(r["start"]), int(r["end"])
        assert text[a:z] == r["term"], f"voice_gold.csv id {r['id']}: the term is not at its offsets"
        v = hit_voices(text, [(a, z)], title_end(text, title))[0]
        out.append((r, v.voice, v.in_title))
    return out


def _table(decided, split: str | None = None) -> tuple[float, dict[str, tuple[int, int]], str]:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, voice, _ in decided:
        if split is None or r["split"] == split:
            per[r["voice"]][0] += 1
            per[r["voice"]][1] += voice == r["voice"]
    n = sum(t for t, _ in per.values())
    ok = sum(c for _, c in per.values())
    lines = [f"{split or 'all'}: {ok}/{n} = {ok / n:.3f}"] + [
        f"  {v:10} {per[v][1]:4d}/{per[v][0]:<4d} {per[v][1] / per[v][0]:.3f}" for v in VOICES if per[v][0]]
    return ok / n, {v: (t, c) for v, (t, c) in per.items()}, "\n".join(lines)


def test_the_labelled_set_is_large_and_stratified() -> None:
    rows = _rows()
    assert len(rows) >= 300
    counts = Counter(r["voice"] for r in rows)
    assert all(counts[v] >= 20 for v in VOICES), counts
    assert len({r["source"] for r in rows}) == 3
    assert sum(r["in_title"] == "1" for r in rows) >= 30
    assert all(len(r["window"].split()) <= 42 for r in rows)  # short windows only (licence)


def test_voice_accuracy_on_the_labelled_set(decided) -> None:
    reports = [_table(decided, split)[2] for split in ("dev", "holdout", "holdout2")]
    overall, per, report = _table(decided)
    print("\n" + "\n".join(reports + [report]))
    assert overall >= OVERALL, report
    for v, (total, correct) in per.items():
        if total >= MIN_CLASS:
            assert correct / total >= PER_CLASS, report


def test_in_title_matches_the_labels(decided) -> None:
    wrong = [r["id"] for r, _, in_title in decided if in_title != (r["in_title"] == "1")]
    assert not wrong, wrong
