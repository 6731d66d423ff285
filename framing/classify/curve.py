"""How many documents per outlet the outlet classifier needs: a learning curve.

Every outlet's documents are put in a seeded random order. The last ``holdout`` of each outlet (at
most a fifth of it) are held out; the classifier is fitted on the first ``start`` documents of each
outlet's remaining ones, then twice as many, and so on, each fit scored on the same held-out
documents. The curve stops at the first doubling whose held-out accuracy gain is at most
``tolerance``; the size before it is chosen (the doubling did not pay). If every doubling pays, the
curve stops when no outlet has more documents (every document is used), at ``max_size``
documents per outlet, or before a doubling whose documents would hold more than ``budget`` hashed
feature entries (the memory of the classifier grows with them, not with the corpus). Documents are
hashed (``hashing.hashed_text``) as the curve reaches them, so a curve that stops early never
analyses the rest of the corpus.

Documents are screened as the curve reaches them (``neardup.py``), held-out ones first: a
near-duplicate of a document already taken is left out, so that no story is both trained on and
scored.

The outlet classifier's cross-validation then runs on the first ``size`` documents of each outlet
in the same seeded order: the sample is nested in every larger one, and the same seed gives the
same sample, curve and choice. Since a size is chosen when the step after it does not pay, the work
the chosen size will need (``beside``: its model's features, the folds of its cross-validation)
can start on a second core while that step is fitted, and be dropped if the step pays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score

from framing import background
from framing.classify.models import fit_lean
from framing.classify.neardup import NearDuplicateScreen
from framing.memory import release

CURVE_COLUMNS = ["docs_per_outlet", "n_train", "n_heldout", "accuracy", "macro_f1", "gain", "seconds", "chosen"]


@dataclass
class HashedDocs:
    """Documents hashed so far: one CSR matrix (rows in hashing order) and the blocks that name its
    columns."""

    hash_fn: object  # texts -> HashedText
    texts: list
    rows: dict[int, int] = field(default_factory=dict)  # document index -> row
    blocks: list = field(default_factory=list)  # (HashedText, document indices)
    parts: list = field(default_factory=list)  # matrices, stacked on demand
    seconds: float = 0.0

    def add(self, indices) -> None:
        """Hash the documents of ``indices`` not hashed yet."""
        new = [int(i) for i in indices if int(i) not in self.rows]
        if not new:
            return
        t0 = time.perf_counter()
        block = self.hash_fn([self.texts[i] for i in new])
        for i in new:
            self.rows[i] = len(self.rows)
        self.blocks.append((block, new))
        self.parts.append(block.matrix)
        if len(self.parts) > 1:
            self.parts = [sp.vstack(self.parts, format="csr")]
        release()  # hashing's intermediate arrays would otherwise stay with the process through the fits
        self.seconds += time.perf_counter() - t0

    def entries_per_document(self) -> float:
        """Mean stored (non-zero) hashed counts per document hashed so far."""
        return self.parts[0].nnz / max(1, len(self.rows))

    def matrix(self, indices) -> sp.csr_matrix:
        """The hashed counts of ``indices`` (all hashed already), in that order."""
        return self.parts[0][[self.rows[int(i)] for i in indices]]

    def naming(self, indices) -> tuple[list, list[int]]:
        """(HashedText, rows) blocks covering ``indices``, one per block, for ``hashed_top_features``,
        and the document indices in the order those blocks list them."""
        where = {}
        for b, (_, docs) in enumerate(self.blocks):
            for r, i in enumerate(docs):
                where[i] = (b, r)
        rows: dict[int, list[int]] = {}
        order: dict[int, list[int]] = {}
        for i in indices:
            b, r = where[int(i)]
            rows.setdefault(b, []).append(r)
            order.setdefault(b, []).append(int(i))
        blocks = sorted(rows)
        return [(self.blocks[b][0], rows[b]) for b in blocks], [i for b in blocks for i in order[b]]


@dataclass
class Curve:
    """The learning curve's result: the chosen documents per outlet (None: every document), why,
    the curve as a table, and the model fitted at the chosen size with the documents it saw."""

    size: int | None
    reason: str
    table: pd.DataFrame
    model: object = None
    train: list = field(default_factory=list)  # document indices the chosen model was fitted on
    kept: dict = field(default_factory=dict)  # outlet -> documents screened and kept, in the sample's order
    skipped: dict = field(default_factory=dict)  # near-duplicate skipped -> the kept document it repeats
    heldout: list = field(default_factory=list)  # documents every step is scored on
    screen_seconds: float = 0.0  # spent looking for near-duplicates
    # for the chosen size: (size, answers of ``learning_curve``'s ``beside`` work, seconds spent on them
    # once the step after it was done)
    beside: tuple | None = None


def _sparse(model):
    """``model`` with its linear coefficients kept sparse (``sparsify``), while the next step fits: a
    class's weights are zero on every hashed column its training documents lack, most of them, and
    the dense matrix (classes × hashed columns, float64) is the largest thing a fitted model holds.
    Its predictions are the same: only zero terms leave the sums."""
    last = model[-1] if hasattr(model, "steps") else model
    if hasattr(last, "sparsify"):
        last.sparsify()
    return model


def seeded_order(indices, outlets, seed: int) -> dict[str, list[int]]:
    """Each outlet's document indices in a seeded random order (outlets in sorted order, so the
    same seed gives the same order whatever order the documents came in)."""
    by_outlet: dict[str, list[int]] = {}
    for i in indices:
        by_outlet.setdefault(outlets[i], []).append(int(i))
    rng = np.random.default_rng(seed)
    return {o: [int(j) for j in rng.permutation(sorted(by_outlet[o]))] for o in sorted(by_outlet)}


def learning_curve(order: dict[str, list[int]], outlets, docs: HashedDocs, pipe, *, start: int, tolerance: float,
                   holdout: int, max_size: int | None, screen: NearDuplicateScreen | None = None,
                   budget: int | None = None, beside=None, jobs: int = 1) -> Curve:
    """Grow the documents per outlet from ``start``, doubling, until held-out accuracy gains at most
    ``tolerance`` (see the module text). ``screen`` skips near-duplicates of documents taken before
    (held-out ones first); ``budget`` (hashed feature entries) stops the curve before a step whose
    documents would hold more. ``beside(sample, model, train)``: the work that will be wanted if
    the size just fitted is chosen (a list of calls, or None for none), given its sample (document
    indices) and the model fitted at that size with the documents it saw; with ``jobs`` >= 2 it is
    started in forked workers while the next step finds out (``background.share_beside``), and its answers for
    the chosen size are kept in ``Curve.beside``."""
    screen = screen or NearDuplicateScreen(docs.texts, None)
    cut = {o: max(1, min(holdout, len(v) // 5)) for o, v in order.items()}
    held = {o: screen.screen(v[len(v) - cut[o]:]) for o, v in order.items()}
    pool = {o: v[: len(v) - cut[o]] for o, v in order.items()}
    taken: dict[str, list[int]] = {o: [] for o in pool}
    pos = {o: 0 for o in pool}

    def fill(size: int) -> bool:
        """Screen each outlet's pool in order until ``size`` are taken; whether every pool is used up."""
        for o, v in pool.items():
            while len(taken[o]) < size and pos[o] < len(v):
                batch = v[pos[o]: pos[o] + size - len(taken[o])]
                pos[o] += len(batch)
                taken[o].extend(screen.screen(batch))
        return all(pos[o] >= len(v) for o, v in pool.items())

    test = sorted(j for v in held.values() for j in v)
    y_test = np.asarray([outlets[i] for i in test], dtype=object)

    def step(size: int) -> tuple:
        """Fit and score ``size`` documents per outlet: (model, train, accuracy, macro-F1, every pool used)."""
        exhausted = fill(size)
        train = sorted(j for v in taken.values() for j in v[:size])
        docs.add(train + test)
        y_train = np.asarray([outlets[i] for i in train], dtype=object)
        model = fit_lean(clone(pipe), lambda: docs.matrix(train), y_train)
        pred = model.predict(docs.matrix(test))
        return (model, train, float(accuracy_score(y_test, pred)),
                float(f1_score(y_test, pred, average="macro", zero_division=0)), exhausted)

    rows: list[tuple] = []
    best_model, best_train = None, []
    kept_beside = None
    size, prev_acc = max(1, start), None
    while True:
        t0 = time.perf_counter()
        if prev_acc is not None and budget is not None:  # checked before any document of the step is read
            entries = docs.entries_per_document() * (sum(min(size, len(v)) for v in pool.values()) + len(test))
            if entries > budget:
                chosen, reason = size // 2, (f"doubling to {size} documents per outlet would hold about "
                                             f"{entries:,.0f} hashed feature entries, over the budget of {budget:,} "
                                             "(outlet_feature_budget)")
                rows[-1][-1] = True
                break
        parts = None
        if prev_acc is not None and beside is not None and jobs > 1:
            sample = sorted(j for o in pool for j in (taken[o] + held[o])[: size // 2])
            parts = beside(sample, best_model, best_train)
        if parts:
            last, ended = prev_acc, []

            def lead() -> tuple:
                done = step(size)
                ended.append(time.perf_counter())
                return done

            release()  # freed pages would be inherited, and copied for the worker as this process reuses them
            (model, train, acc, f1, exhausted), answers = background.share_beside(
                lead, parts, wanted=lambda done: done[2] - last <= tolerance, jobs=jobs,
                name="the work of the chosen sample")
            kept_beside = (size // 2, answers, time.perf_counter() - ended[0]) if answers is not None else None
        else:
            model, train, acc, f1, exhausted = step(size)
        gain = np.nan if prev_acc is None else acc - prev_acc
        rows.append([size, len(train), len(test), acc, f1, gain, round(time.perf_counter() - t0, 3), False])
        if prev_acc is not None and gain <= tolerance:
            chosen, reason = size // 2, (f"doubling to {size} documents per outlet gained {gain:+.3f} held-out "
                                         f"accuracy, not more than the tolerance {tolerance:g}")
            rows[-2][-1] = True
            break
        best_model, best_train, prev_acc = _sparse(model), train, acc
        if exhausted:
            chosen, reason = None, (f"held-out accuracy still gained more than {tolerance:g} at {size} documents per "
                                    "outlet, where no outlet has more: every document is used")
            rows[-1][-1] = True
            break
        if max_size is not None and size * 2 > max_size:
            chosen, reason = size, (f"held-out accuracy still gained more than {tolerance:g} at {size} documents "
                                    f"per outlet; the curve stops below the maximum of {max_size}")
            rows[-1][-1] = True
            break
        size *= 2
    table = pd.DataFrame(rows, columns=CURVE_COLUMNS)
    kept = {o: taken[o] + held[o] for o in pool}
    return Curve(chosen, reason, table, best_model, best_train, kept, dict(screen.skipped), test, screen.seconds,
                 kept_beside if kept_beside is not None and kept_beside[0] == chosen else None)
