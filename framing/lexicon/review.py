"""`framing lexicon review`: the contexts each lexicon entry meets in a study's corpus.

For every hit of an entry, the word right before it and the word right after it (within the
clause: a line break or clause punctuation gives the boundary mark instead) are counted, grouped
by the word without its article and conjunction (الأموال, وأموال and أموال are one context). The
most frequent contexts of each entry, with their share of its hits and the first sentence each
was seen in, show a researcher in minutes where a form is a proper name (جيش التحرير الشعبي) or
another sense (تحرير الأسعار), and so which ``not_when`` rule the entry needs. Hits that an
exclusion or a context rule removed can be reviewed too (``excluded=True``), to check that a
rule removes what it should.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from framing.arabic import token_arrays

BOUNDARY = "·"  # the context word shown where the clause starts or ends next to the hit
_BREAK = frozenset("\n.!?؟؛;،,:")
REVIEW_COLUMNS = ["lexicon", "category", "entry", "status", "hits", "side", "context", "count", "share",
                  "doc_id", "example"]


@dataclass
class _Side:
    counts: Counter = field(default_factory=Counter)
    shown: dict = field(default_factory=dict)  # context key -> Counter of surfaces
    example: dict = field(default_factory=dict)  # context key -> (doc_id, snippet)


@dataclass
class _EntryContexts:
    hits: int = 0
    left: _Side = field(default_factory=_Side)
    right: _Side = field(default_factory=_Side)


def _key(norm: str) -> str:
    from framing.arabic.clitics import strip_article

    return strip_article(norm)


def snippet(text: str, start: int, end: int, width: int = 40) -> str:
    """The hit in ⟦ ⟧ with up to ``width`` characters either side, on one line."""
    left = text[max(0, start - width):start].rsplit("\n", 1)[-1]
    right = text[end:end + width].split("\n", 1)[0]
    return f"{'…' if start - len(left) > 0 else ''}{left}⟦{text[start:end]}⟧{right}…".strip()


def collect(docs: Iterable[tuple[str, str]], matcher, *, entries: set[str] | None = None,
            excluded: bool = False) -> dict:
    """Context counts per (lexicon, category, entry, status) over ``(doc_id, text)`` pairs;
    ``status`` is "counted", or for hits an exclusion removed (with ``excluded``) "excluded by"
    the not_when rule's id (or line) or "excluded by exclude" (an exclude phrase).
    ``entries`` keeps only those entry ids (or "category.entry", "lexicon.category.entry")."""
    out: dict[tuple, _EntryContexts] = {}
    normaliser = matcher.normaliser
    for doc_id, text in docs:
        surfaces, norms, starts, ends = token_arrays(text, normaliser)
        if not norms:
            continue
        hits, removed = matcher.explain_arrays(surfaces, norms, starts, ends, text)
        found = [(m, "counted") for m in hits]
        if excluded:
            found += [(x.match, f"excluded by {x.rule.label}" if x.rule is not None else "excluded by exclude")
                      for x in removed]
        if not found:
            continue
        index = {s: k for k, s in enumerate(starts)}
        end_index = {e: k for k, e in enumerate(ends)}
        for m, status in found:
            if entries is not None and not _wanted(m, entries):
                continue
            i, j = index.get(m.start), end_index.get(m.end)
            if i is None or j is None:
                continue
            ctx = out.setdefault((m.lexicon, m.category, m.entry, status), _EntryContexts())
            ctx.hits += 1
            shown = snippet(text, m.start, m.end)
            for side, k, gap in (
                    (ctx.left, i - 1, text[ends[i - 1]:starts[i]] if i > 0 else "\n"),
                    (ctx.right, j + 1, text[ends[j]:starts[j + 1]] if j + 1 < len(starts) else "\n")):
                if _BREAK.isdisjoint(gap):
                    key, surface = _key(norms[k]), surfaces[k]
                else:
                    key = surface = BOUNDARY
                side.counts[key] += 1
                side.shown.setdefault(key, Counter())[surface] += 1
                side.example.setdefault(key, (doc_id, shown))
    return out


def _wanted(m, entries: set[str]) -> bool:
    return bool({m.entry, f"{m.category}.{m.entry}", f"{m.lexicon}.{m.category}.{m.entry}"} & entries)


def review_frame(contexts: dict, top: int = 10):
    """Long-form table (columns REVIEW_COLUMNS): per entry and status, its ``top`` most frequent
    words before and after, each with its count, share of the entry's hits and first example.
    Entries are ordered by hits, most first; ties by name."""
    import pandas as pd

    rows = []
    for (lexicon, category, entry, status), ctx in sorted(
            contexts.items(), key=lambda kv: (-kv[1].hits, kv[0])):
        for name, side in (("before", ctx.left), ("after", ctx.right)):
            for key, count in sorted(side.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
                word = side.shown[key].most_common(1)[0][0]
                doc_id, example = side.example[key]
                rows.append((lexicon, category, entry, status, ctx.hits, name, word, count,
                             round(count / ctx.hits, 4), doc_id, example))
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def print_review(frame, console=None, width: int | None = None) -> None:
    """One rich table per entry: its words before and after, counts, shares and examples."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console(width=width)
    if frame.empty:
        console.print("no hits in this corpus")
        return
    for (lexicon, category, entry, status), rows in frame.groupby(
            ["lexicon", "category", "entry", "status"], sort=False):
        hits = int(rows["hits"].iloc[0])
        title = f"{lexicon}.{category}.{entry}: {hits} hit{'s' if hits != 1 else ''}" + (
            f" ({status})" if status != "counted" else "")
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        table.add_column("side")
        table.add_column("word")
        table.add_column("hits", justify="right")
        table.add_column("share", justify="right")
        table.add_column("example (first seen)", overflow="fold")
        for r in rows.itertuples(index=False):
            table.add_row(r.side, r.context, str(r.count), f"{r.share:.0%}", f"{r.example}  [{r.doc_id}]")
        console.print(table)
