"""Property-based tests: random bytes, encodings and structures thrown at the readers, the config
loader and the lexicon loader. Whatever comes in: no exception but the loaders' own refusals,
every input accounted for (a document, analysed or skipped with a reason, per file, line or row),
and what is read never larger than what came in.

The default profile runs a modest number of examples, derandomised so that every run tries the
same ones; ``HYPOTHESIS_PROFILE=thorough`` runs 2,000 per test.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.config import ConfigError, load_config
from tests.corpus_of_config import load_corpus, read_sources
from framing.lexicon import LexiconError
from framing.lexicon.loader import parse_lexicon

settings.register_profile("default", max_examples=150, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=2000, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ARABIC = "قالت الحكومة إن قوات الاحتلال دخلت المدينة صباح اليوم وسط اشتباكات"
ENCODINGS = ["utf-8", "utf-8-sig", "cp1256", "iso-8859-6", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "utf-32"]

texts = st.one_of(st.text(max_size=300), st.sampled_from([ARABIC, ARABIC * 20, "", " \n", "ـــ" * 40]),
                  st.text(alphabet="\u0600\u0640\u064b\u064f\u0650\u200d\u200f \n.،", max_size=200))


@st.composite
def encoded_text(draw) -> bytes:
    text = draw(texts)
    codec = draw(st.sampled_from(ENCODINGS))
    return text.encode(codec, errors="replace")


@st.composite
def jsonl_bytes(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["row", "raw", "junk", "blank"]))
        if kind == "row":
            row = draw(st.dictionaries(st.sampled_from(["text", "title", "id", "date", "outlet", "x"]),
                                       st.one_of(texts, st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
                                       max_size=5))
            codec = draw(st.sampled_from(ENCODINGS[:4]))
            lines.append(json.dumps(row, ensure_ascii=draw(st.booleans())).encode(codec, errors="replace"))
        elif kind == "raw":
            lines.append(draw(encoded_text()))
        elif kind == "junk":
            lines.append(draw(st.binary(max_size=80)))
        else:
            lines.append(b"")
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n", b"\r\n"]))


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.sampled_from([b"id,text\n", b"text\n", b"\xef\xbb\xbftext,title\n", b"", b'"text\n']))
    rows = [draw(st.one_of(encoded_text(), st.binary(max_size=60),
                           st.builds(lambda t: b'1,"' + t.encode() + b'"', texts)))
            for _ in range(draw(st.integers(0, 6)))]
    return header + b"\n".join(rows)


@st.composite
def any_file(draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".txt", ".jsonl", ".csv", ".tsv", ".json", ".html", ".md", ".xyz"]))
    body = draw({".jsonl": jsonl_bytes(), ".csv": csv_bytes(), ".tsv": csv_bytes()}.get(
        suffix, st.one_of(encoded_text(), st.binary(max_size=400))))
    packing = draw(st.sampled_from(["plain", "plain", "gzip", "truncated", "damaged"]))
    if packing == "plain":
        return "doc" + suffix, body
    z = bytearray(gzip.compress(body))
    if packing == "truncated":
        z = z[: draw(st.integers(0, len(z)))]
    elif packing == "damaged" and len(z) > 20:
        at = draw(st.integers(10, len(z) - 1))
        z[at] ^= 0xFF
    return "doc" + suffix + ".gz", bytes(z)


def _config(folder: Path, name: str, **corpus):
    raw = {"title": "p", "lexicons": [], "outlets": [{"id": "x", "sources": [name]}],
           "corpus": {"min_words": 0, **corpus}, "run": {"jobs": 1}}
    return load_config(raw, base_dir=folder)


@given(any_file())
def test_readers_account_for_every_input_and_read_no_more_than_it(case):
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / name).write_bytes(data)
        docs = list(read_sources(_config(folder, name)))
    assert docs, "every file is at least one document or ledger row"
    for doc in docs:
        assert doc.analysed or doc.reason, doc
        assert doc.source.startswith(name)
    if name.endswith((".txt", ".md", ".html", ".xyz", ".txt.gz", ".md.gz", ".html.gz", ".xyz.gz")):
        assert len(docs) == 1
    if name == "doc.jsonl" and len(docs) > 1:  # one per line with content (UTF-8 lines: up to one per b"\n")
        numbers = [d.source.split("#line=")[1] for d in docs]
        assert len(set(numbers)) == len(numbers)
        assert all(n == "end" or 1 <= int(n) <= data.count(b"\n") + 1 for n in numbers)
    plain = gzip.decompress(data) if name.endswith(".gz") and _whole_gzip(data) else data
    assert sum(len(d.text) for d in docs) <= max(len(plain), 1) * 2


def _whole_gzip(data: bytes) -> bool:
    try:
        gzip.decompress(data)
        return True
    except Exception:  # noqa: BLE001
        return False


@given(any_file())
@settings(max_examples=max(20, settings.default.max_examples // 5))
def test_the_corpus_stage_cleans_whatever_the_readers_give(case):
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / name).write_bytes(data)
        docs = load_corpus(_config(folder, name, min_arabic_share=0))
    assert docs and all(d.analysed or d.reason for d in docs)


# ---- config and lexicon loaders ------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
structures = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["title", "outlets", "sources", "id", "path", "encoding", "lexicons", "output",
                                     "seed", "corpus", "run", "classify", "models", "fields", "categories",
                                     "entries", "forms", "kind", "version", "language", "description", "x"]),
                    inner, max_size=5)), max_leaves=20)

yaml_texts = st.one_of(
    st.text(max_size=400),
    structures.map(lambda s: yaml.safe_dump(s, allow_unicode=True)),
    st.builds(lambda a, n: f"a: &a {a}\n" + "".join(f"b{i}: &b{i} [" + ",".join(["*a" if i == 0 else f"*b{i - 1}"] * n)
                                                    + "]\n" for i in range(6)), texts.map(json.dumps), st.integers(1, 12)),
    st.sampled_from(["title: !!python/object/apply:os.system ['true']\n", "[" * 500, "{a: *b}", "&a [*a]", "---\n---\n"]),
)


@given(yaml_texts)
def test_the_config_loader_answers_with_a_config_or_a_config_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "study.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass") if _encodable(text) else path.write_bytes(b"\xff")
        try:
            load_config(path)
        except ConfigError as exc:
            assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


@given(yaml_texts)
def test_the_lexicon_loader_answers_with_a_lexicon_or_a_lexicon_error(text):
    try:
        parse_lexicon(text, name="t.yaml")
    except LexiconError as exc:
        assert exc.problems and all(p.startswith("t.yaml:") for p in exc.problems)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def test_the_codecs_listed_are_known():
    for name in ENCODINGS:
        codecs.lookup(name)
