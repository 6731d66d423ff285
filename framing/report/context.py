"""What every section builder shares: the run, the outlets in a stable order with their names and
colours, lexicon labels and glosses, the row budgets, and plain blocks for the templates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from framing.report.tables import TableView, table_view
from framing.result import RunResult

STAGE_OF_TABLE = {
    "headlines": "stats", "outlet_scores": "stats", "contrasts": "stats", "keyness": "stats",
    "naming_shares": "stats", "timeline": "stats", "voice_rates": "stats", "speakers": "stats",
    "topics": "topics", "topic_mix": "topics", "topic_frames": "topics", "topic_examples": "topics",
    "topic_stability": "topics",
    "outlet_cv": "classify", "outlet_confusion": "classify", "outlet_features": "classify",
    "outlet_mask": "classify", "outlet_sample": "classify", "outlet_curve": "classify", "model_shares": "classify",
    "agreement": "classify",
}

# words that mark a stage note as being about a given table (the others are left out of its message)
NOTE_WORDS = {
    "timeline": ("date", "time", "period"),
    "keyness": ("keyness", "term"),
    "contrasts": ("contrast", "significant", "compar"),
    "headlines": ("contrast", "significant", "headline"),
    "naming_shares": ("naming", "name"),
    "topic_stability": ("stabil", "seed"),
    "topic_examples": ("example",),
}


@dataclass
class Block:
    """One piece of a section: kind is h3, p, notes, table, figure, grid, details, kv, pre, list."""

    kind: str
    value: Any = None
    title: str = ""


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    empty: str = ""  # the honest sentence shown when there is nothing to draw
    facts: dict = field(default_factory=dict)  # section-specific values for its partial
    nav: str = ""  # its short name in the one-line navigation (default: render.NAV, else the title)


class Ctx:
    def __init__(self, result: RunResult, table_rows: int, kwic_rows: int) -> None:
        self.result = result
        self.config = result.config
        self.table_rows = table_rows
        self.kwic_rows = kwic_rows
        self.fdr = float(getattr(self.config.stats, "fdr", 0.05))
        self.seed = int(self.config.seed)
        from framing.datafiles import formats_of

        self.formats = formats_of(getattr(self.config, "report", None))
        self._figures: dict[str, Any] = {}
        self._figure_ids: set[str] = set()
        self._ids: set[str] = set()
        self.rendered: set[str] = set()  # tables some section showed (or linked from a chart)
        self.outlets = self._outlet_order()
        self.names = self._outlet_names()
        from framing.report.figures import colors  # colour table only; no plotly import

        self.colors = colors(self.outlets)
        lx = self.table("lexicon_entries")
        self.kind: dict[str, str] = {}
        self.cat_label: dict[tuple[str, str], str] = {}
        self.cat_label_ar: dict[tuple[str, str], str] = {}
        self.gloss: dict[tuple[str, str], str] = {}
        self.form: dict[tuple[str, str], str] = {}  # an Arabic written form of each entry, for display
        self.cat_desc: dict[tuple[str, str], str] = {}
        if lx is not None:
            for r in lx.to_dict("records"):
                lex, cat = str(r.get("lexicon", "")), str(r.get("category", ""))
                if r.get("kind"):
                    self.kind.setdefault(lex, str(r["kind"]))
                for store, column in ((self.cat_label, "category_label"), (self.cat_label_ar, "category_label_ar"),
                                      (self.cat_desc, "category_description")):
                    _keep_first(store, (lex, cat), r.get(column))
                entry = r.get("entry")
                if not isinstance(entry, str):
                    continue
                _keep_first(self.gloss, (lex, entry), r.get("gloss"))
                form = _first_form(r.get("forms"), r.get("sequences"), entry)
                if form:
                    self.form.setdefault((lex, entry), form)
        for lex in self.result.manifest.get("lexicons", []) or []:
            if isinstance(lex, dict) and lex.get("id") and lex.get("kind"):
                self.kind.setdefault(str(lex["id"]), str(lex["kind"]))

    # ---- tables -------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame | None:
        """The run's table of this name, or None."""
        df = self.result.tables.get(name)
        return df if isinstance(df, pd.DataFrame) else None

    def has(self, name: str) -> bool:
        """Whether the run has a non-empty table of this name."""
        df = self.table(name)
        return df is not None and not df.empty

    def csv(self, name: str) -> str | None:
        """The data file of a table (data/<name>.csv, .csv.gz for a compressed one, or .parquet
        when the run writes Parquet only) when the run has it, noting the table as shown."""
        self.rendered.add(name)
        return self.data_file(name) if self.table(name) is not None else None

    def data_file(self, name: str) -> str:
        """The path, relative to the page, of a table's file in the run's formats."""
        from framing.datafiles import data_file

        return f"data/{data_file(name, self.formats)}"

    def view(self, df: pd.DataFrame, name: str, caption: str, **kw) -> TableView:
        """A table ready to render (at most ``table_rows`` rows, a unique id), noting the table as
        shown."""
        kw.setdefault("max_rows", self.table_rows)
        if name:
            self.rendered.add(name)
        ident = self.unique_id(kw.pop("id", None) or f"t-{name}-" + hashlib.sha1(caption.encode()).hexdigest()[:8])
        kw.setdefault("data_file", self.data_file(name) if name else None)
        return table_view(df, id=ident, caption=caption, name=name, **kw)

    def unique_id(self, ident: str) -> str:
        """``ident``, or ``ident-2``, ``ident-3``... when a table of this render already took it."""
        out, n = ident, 1
        while out in self._ids:
            n += 1
            out = f"{ident}-{n}"
        self._ids.add(out)
        return out

    def begin_render(self, table_rows: int, kwic_rows: int) -> None:
        """Start a rendering with these row limits (figure ids are kept across renderings)."""
        self.table_rows, self.kwic_rows = table_rows, kwic_rows
        self._ids = set(self._figure_ids)

    def figure(self, key: str, build):
        """Figures are built once per report even when the page is re-rendered to fit its size."""
        if key not in self._figures:
            fig = build()
            base, n = fig.id, 1
            while fig.id in self._figure_ids:
                n += 1
                fig.id = fig.filename = f"{base}-{n}"
            self._figure_ids.add(fig.id)
            self._ids.add(fig.id)
            self._figures[key] = fig
        return self._figures[key]

    def summary_focus(self) -> tuple[list[tuple[str, str]], list[str]]:
        """The (lexicon, category) pairs and the outlets the summary speaks of, in its order: the
        declared comparison's sentences first, then the headlines. Charts open on these."""
        cats: list[tuple[str, str]] = []
        outlets: list[str] = []
        for name in ("compare_headlines", "headlines"):
            df = self.table(name)
            if df is None or df.empty or not {"lexicon", "category"} <= set(df.columns):
                continue
            for r in df.to_dict("records"):
                key = (str(r["lexicon"]), str(r["category"]))
                if key not in cats:
                    cats.append(key)
                for col in ("outlet", "outlet_a", "outlet_b"):
                    o = r.get(col)
                    if isinstance(o, str) and o in self.outlets and o not in outlets:
                        outlets.append(o)
        for members in self.compare_members().values():
            outlets += [o for o in members if o not in outlets]
        return cats, outlets

    def compare_members(self) -> dict[str, list[str]]:
        """The declared groups of outlets (``compare.groups``), empty without ``compare:``."""
        cmp = getattr(self.config, "compare", None)
        return {k: list(v) for k, v in (getattr(cmp, "groups", None) or {}).items()}

    # ---- notes ---------------------------------------------------------------------------
    def notes(self, stage: str) -> list[str]:
        """A stage's non-empty notes."""
        return [str(n) for n in self.result.notes.get(stage, []) if str(n).strip()]

    def why_missing(self, name: str, what: str) -> str:
        """An honest sentence on why a table is absent or empty."""
        stage = STAGE_OF_TABLE.get(name, "stats")
        df = self.table(name)
        notes = self.notes(stage)
        if stage == "topics" and "topics" not in self.result.notes and "topics" not in self._stages():
            return f"No {what}: topic modelling did not run (it runs when `topics.enabled` is true in the config)."
        if stage == "classify" and "classify" not in self.result.notes and "classify" not in self._stages():
            return (f"No {what}: the classifier stage did not run (it runs when `classify.outlet_classifier` "
                    "is true or `classify.models` names saved models).")
        head = f"No {what} in this run" + (" (the table is empty)." if df is not None else ".")
        words = NOTE_WORDS.get(name, ())
        relevant = [n for n in notes if any(w in n.lower() for w in words)]
        notes = relevant or notes
        if notes:
            return head + " The " + _stage_name(stage) + " stage noted: " + " ".join(notes)
        if stage not in self.result.notes and stage not in self._stages():
            return head + f" The {_stage_name(stage)} stage did not run or produced nothing."
        return head

    def _stages(self) -> dict:
        return self.result.manifest.get("stages", {}) or {}

    # ---- labels --------------------------------------------------------------------------
    def name(self, outlet: str) -> str:
        """An outlet's display name."""
        return self.names.get(outlet, outlet)

    def category(self, lexicon: str | None, category: str) -> str:
        """A category's label, looked up within its lexicon when given."""
        if lexicon is not None and (lexicon, category) in self.cat_label:
            return self.cat_label[(lexicon, category)]
        for (lex, cat), label in self.cat_label.items():
            if cat == category and lexicon is None:
                return label
        return str(category)

    def category_labels(self, lexicon: str | None = None) -> dict[str, str]:
        """Category id -> label, for one lexicon or all."""
        out: dict[str, str] = {}
        for (lex, cat), label in self.cat_label.items():
            if lexicon is None or lex == lexicon:
                out.setdefault(cat, label)
        return out

    def entry_label(self, lexicon: str, entry: str, gloss: bool = True) -> str:
        """An entry as a reader knows it: its Arabic form, then its gloss."""
        form = self.form.get((lexicon, entry), entry)
        g = self.gloss.get((lexicon, entry), "")
        return f"{form} · {g}" if gloss and g else form

    def lexicons_of_kind(self, kind: str) -> list[str]:
        """The lexicons of a kind (frames, naming, markers) that have scores in this run; lexicons
        of unknown kind count as frames."""
        scores = self.table("outlet_scores")
        present = list(dict.fromkeys(scores["lexicon"])) if scores is not None and "lexicon" in scores else []
        known = [lx for lx in present if lx in self.kind]
        if kind == "frames":  # lexicons of unknown kind count as frames
            return [lx for lx in present if self.kind.get(lx, "frames") == "frames"]
        return [lx for lx in known if self.kind[lx] == kind]

    # ---- outlets -------------------------------------------------------------------------
    def _outlet_order(self) -> list[str]:
        order = [o.id for o in self.config.outlets]
        docs = self.table("documents")
        if docs is not None and "outlet" in docs:
            seen = sorted({str(o) for o in docs["outlet"].dropna().unique()} - set(order))
            order += seen
        for name in ("outlet_scores", "matches"):
            df = self.table(name)
            if df is not None and "outlet" in df:
                order += sorted({str(o) for o in df["outlet"].dropna().unique()} - set(order))
        return order

    def _outlet_names(self) -> dict[str, str]:
        """Names from the config, else from any table that carries them (outlet_name next to
        outlet, outlet_a_name next to outlet_a, ...), else the outlet id."""
        names = {o: o for o in self.outlets}
        found: dict[str, str] = {}
        for df in self.result.tables.values():
            if not isinstance(df, pd.DataFrame) or df.empty:
                continue
            for id_col, name_col in (("outlet", "outlet_name"), ("outlet_a", "outlet_a_name"),
                                     ("outlet_b", "outlet_b_name"), ("versus", "versus_name")):
                if {id_col, name_col} <= set(df.columns):
                    pairs = df[[id_col, name_col]].dropna().drop_duplicates(id_col)
                    for o, n in pairs.itertuples(index=False):
                        if isinstance(n, str) and n.strip() and str(o) != "rest":
                            found.setdefault(str(o), n.strip())
        names.update(found)
        extra = self.result.manifest.get("outlet_names")
        if isinstance(extra, dict):
            names.update({str(k): str(v) for k, v in extra.items()})
        names.update(self.config.outlet_names)
        return names

    def ordered(self, df: pd.DataFrame, category: str = "category") -> pd.DataFrame:
        """``df`` with sort keys ``_o`` (outlet in report order) and ``_c`` (category in first-seen order)."""
        rank = {o: i for i, o in enumerate(self.outlets)}
        df = df.assign(_o=[rank.get(str(o), len(rank)) for o in df["outlet"]])
        if category in df.columns:
            first = {c: i for i, c in enumerate(dict.fromkeys(df[category]))}
            df = df.assign(_c=[first[c] for c in df[category]])
        return df

    def outlet_name_column(self, df: pd.DataFrame, column: str = "outlet") -> pd.DataFrame:
        """A copy of ``df`` with outlet ids in ``column`` replaced by display names ("rest" by "all
        other outlets")."""
        if column in df.columns:
            df = df.copy()
            df[column] = [self.name(str(o)) if o != "rest" else "all other outlets" for o in df[column]]
        return df


def _first_form(forms, sequences, entry: str) -> str:
    """The first Arabic form of a lexicon entry (``forms`` is space-separated; a sequence is
    written ``a|b c|d`` with ``/`` between alternatives), else the entry itself if it is Arabic."""
    from framing.report.tables import has_arabic

    if isinstance(forms, str) and forms.strip():
        return forms.split()[0]
    if isinstance(sequences, str) and sequences.strip():
        first = sequences.split("/")[0]
        return " ".join(part.split("|")[0] for part in first.split() if part != "_")
    return entry if has_arabic(entry) else ""


def _stage_name(stage: str) -> str:
    return {"stats": "statistics", "classify": "classifier", "topics": "topic"}.get(stage, stage)


def _keep_first(store: dict, key, value) -> None:
    """The first non-empty text seen for a key wins (a lexicon's rows repeat their category's labels)."""
    if isinstance(value, str) and value:
        store.setdefault(key, value)
