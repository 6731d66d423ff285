"""Concordance (KWIC) lines for the report: a balanced sample of lexicon hits with the hit located
inside its sentence.

The sample takes hits round-robin across (outlet, lexicon, category) so that every combination a
reader can filter on is represented; data/matches.csv keeps every hit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CONTEXT = 80  # characters of context kept on each side of the hit


@dataclass
class KwicLine:
    doc_id: str
    outlet: str
    outlet_name: str
    lexicon: str
    category: str
    category_label: str
    entry: str
    entry_form: str  # the entry as written in Arabic (lexicon entries may be ids such as "ihtilal")
    left: str
    hit: str
    right: str
    located: bool  # False when the hit could not be found in its sentence (then ``left`` is the sentence)
    title: str = ""  # the document's title, shown on hover
    start: int = -1  # offset of the hit in the cleaned document text
    model_labels: str = ""  # labels saved classifiers gave the hit's unit, "model:label|…" (data/model_labels.csv)


def sample_matches(matches: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """At most ``n`` rows, spread evenly over (outlet, lexicon, category), seeded."""
    if len(matches) <= n:
        return matches
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(len(matches))  # positions; only the chosen rows are taken at the end
    group = matches.groupby(["outlet", "lexicon", "category"], sort=False).ngroup().to_numpy()[shuffled]
    rank = pd.Series(group).groupby(group, sort=False).cumcount().to_numpy()  # each row's place in its group
    order = np.lexsort((np.arange(len(shuffled)), rank))
    return matches.iloc[shuffled[order[:n]]]


def locate(sentence: str, surface: str, start: int, end: int, text: str | None) -> tuple[int, int] | None:
    """Offsets of the hit relative to ``sentence``: from the document text and the match offsets
    when the text is known, else by finding ``surface`` in the sentence."""
    if text and sentence and 0 <= start < end <= len(text):
        s0 = text.find(sentence, max(0, end - len(sentence)))
        if 0 <= s0 <= start and end <= s0 + len(sentence):
            return start - s0, end - s0
    if sentence and surface:
        i = sentence.find(surface)
        if i >= 0:
            return i, i + len(surface)
    return None


def _trim_left(s: str) -> str:
    if len(s) <= CONTEXT:
        return s
    cut = s[-CONTEXT:]
    sp = cut.find(" ")
    return "… " + (cut[sp + 1:] if 0 <= sp < 30 else cut)


def _trim_right(s: str) -> str:
    if len(s) <= CONTEXT:
        return s
    cut = s[:CONTEXT]
    sp = cut.rfind(" ")
    return (cut[:sp] if sp > CONTEXT - 30 else cut) + " …"


def kwic_lines(
    matches: pd.DataFrame, texts: dict[str, str], n: int, seed: int,
    names: dict[str, str], category_labels: dict[tuple[str, str], str],
    forms: dict[tuple[str, str], str] | None = None, titles: dict[str, str] | None = None,
) -> list[KwicLine]:
    """Up to ``n`` hits (a seeded sample) as concordance lines: left context, hit, right context,
    with outlet names, category labels and the document's title."""
    forms = forms or {}
    titles = titles or {}
    rows = sample_matches(matches, n, seed)
    rows = rows.sort_values(["outlet", "lexicon", "category", "doc_id", "start"], kind="mergesort")
    out = []
    for r in rows.itertuples(index=False):
        sentence = str(r.sentence) if isinstance(r.sentence, str) else ""
        surface = str(r.surface) if isinstance(r.surface, str) else ""
        span = locate(sentence, surface, int(r.start), int(r.end), texts.get(r.doc_id))
        if span:
            a, b = span
            left, hit, right = sentence[:a], sentence[a:b], sentence[b:]
        else:
            left, hit, right = sentence, "", ""
        out.append(KwicLine(
            doc_id=str(r.doc_id), outlet=str(r.outlet), outlet_name=names.get(r.outlet, str(r.outlet)),
            lexicon=str(r.lexicon), category=str(r.category),
            category_label=category_labels.get((r.lexicon, r.category), str(r.category)),
            entry=str(r.entry), entry_form=forms.get((r.lexicon, r.entry), str(r.entry)),
            left=_trim_left(left), hit=hit, right=_trim_right(right), located=span is not None,
            title=titles.get(r.doc_id, ""), start=int(r.start),
        ))
    return out


def attach_model_labels(lines: list[KwicLine], model_labels: pd.DataFrame) -> list[tuple[str, str]]:
    """Give each line the labels saved classifiers assigned the unit its hit falls in (the units
    of data/model_labels.csv, by document and offsets). Returns the (value, label) choices of the
    explorer's filter: one per model label that occurs."""
    from bisect import bisect_right

    need = {"model", "doc_id", "start", "end", "labels"}
    if model_labels is None or model_labels.empty or not need <= set(model_labels.columns):
        return []
    spans: dict[tuple[str, str], tuple[list[int], list[int], list[str]]] = {}
    ml = model_labels.sort_values(["model", "doc_id", "start"], kind="mergesort")
    for (model, doc), g in ml.groupby(["model", "doc_id"], sort=False):
        spans[(str(model), str(doc))] = (g["start"].astype(int).tolist(), g["end"].astype(int).tolist(),
                                         g["labels"].fillna("").astype(str).tolist())
    models = list(dict.fromkeys(ml["model"].astype(str)))
    seen: dict[str, str] = {}
    for ln in lines:
        found = []
        for model in models:
            sp = spans.get((model, ln.doc_id))
            if not sp or ln.start < 0:
                continue
            i = bisect_right(sp[0], ln.start) - 1
            if i >= 0 and ln.start < sp[1][i]:
                for lab in filter(None, sp[2][i].split(";")):
                    key = f"{model}:{lab}"
                    found.append(key)
                    seen[key] = f"{lab} ({model})"
        ln.model_labels = "|".join(found)
    return sorted(seen.items(), key=lambda t: t[1])
