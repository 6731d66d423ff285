"""Lines repeated across many documents of one outlet: sign-offs, contact boxes, share bars.

A short line (``corpus.repeated_line_max_words``) found in at least ``repeated_line_min_docs``
distinct documents of one outlet, and in at least ``repeated_line_share`` of them, is furniture.
Exact copies of a document count once, so duplicated articles do not erase themselves.

``RepeatedLines`` counts documents as they come (``add``, batch by batch while later batches are
still being cleaned) and removes the repeated lines once all are counted (``remove``).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from framing.records import Document


class RepeatedLines:
    def __init__(self, *, min_docs: int = 5, share: float = 0.02, max_words: int = 20) -> None:
        self.min_docs, self.share, self.max_words = min_docs, share, max_words
        self.counts: dict[str, Counter] = defaultdict(Counter)  # outlet -> line -> documents
        self.n_docs: Counter = Counter()  # outlet -> analysed documents
        self.seen_texts: set[tuple[str, int]] = set()

    def add(self, docs: list[Document]) -> None:
        """Count the short lines of the analysed documents among ``docs``."""
        for doc in docs:
            if not doc.analysed:
                continue
            self.n_docs[doc.outlet] += 1
            key = (doc.outlet, hash(doc.text))
            if key in self.seen_texts:
                continue
            self.seen_texts.add(key)
            self.counts[doc.outlet].update({ln for ln in doc.text.split("\n") if ln.count(" ") < self.max_words})

    def remove(self, docs: list[Document]) -> list[Document]:
        """Remove the repeated lines from ``docs`` (all the documents counted) in place, into
        ``doc.removed``. Returns the documents changed."""
        hot: dict[str, set[str]] = {}
        for outlet, counter in self.counts.items():
            limit = max(self.min_docs, self.share * self.n_docs[outlet])
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
