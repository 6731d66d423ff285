"""Lines repeated across many documents of one outlet: sign-offs, contact boxes, share bars.

A short line (``corpus.repeated_line_max_words``) found in at least ``repeated_line_min_docs``
distinct documents of one outlet, and in at least ``repeated_line_share`` of them, is furniture.
Exact copies of a document count once, so duplicated articles do not erase themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from framing.records import Document


def remove_repeated_lines(docs: list[Document], *, min_docs: int = 5, share: float = 0.02, max_words: int = 20) -> list[Document]:
    """Remove repeated lines in place (into ``doc.removed``). Returns the documents changed."""
    counts: dict[str, Counter] = defaultdict(Counter)
    n_docs: Counter = Counter()
    seen_texts: set[tuple[str, int]] = set()
    for doc in docs:
        if not doc.analysed:
            continue
        n_docs[doc.outlet] += 1
        key = (doc.outlet, hash(doc.text))
        if key in seen_texts:
            continue
        seen_texts.add(key)
        counts[doc.outlet].update({ln for ln in doc.text.split("\n") if ln.count(" ") < max_words})
    hot: dict[str, set[str]] = {}
    for outlet, counter in counts.items():
        limit = max(min_docs, share * n_docs[outlet])
        lines = {ln for ln, c in counter.items() if c >= limit}
        if lines:
            hot[outlet] = lines
    changed: list[Document] = []
    if not hot:
        return changed
    for doc in docs:
        lines = hot.get(doc.outlet) if doc.analysed else None
        if not lines:
            continue
        parts = doc.text.split("\n")
        if lines.isdisjoint(parts):
            continue
        doc.removed.extend(p for p in parts if p in lines)
        doc.text = "\n".join(p for p in parts if p not in lines)
        changed.append(doc)
    return changed
