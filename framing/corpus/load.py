"""The corpus stage end to end: read, clean, attribute, remove cross-document furniture, check
length and language, give stable ids, mark duplicates.

Every input (a file, or a row/line of a multi-document file) comes out as exactly one Document,
analysed or skipped with its reason, in input order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from framing.config import ConfigError, StudyConfig
from framing.corpus.attribute import SOURCE_LINE_WEIGHT, agency_mentions, decide, signature_scores
from framing.corpus.clean import Cleaned, arabic_share, clean_text
from framing.corpus.dedup import mark_duplicates
from framing.corpus.options import CorpusOptions
from framing.corpus.profiles import ProfileError, Rules, load_rules
from framing.corpus.readers import AUTO, FIXED, FROM_FIELD, Raw, read_spec
from framing.corpus.repeated import remove_repeated_lines
from framing.corpus.words import WordHasher, Words
from framing.records import Document

UNKNOWN = "unknown"  # outlet of an `outlet: auto` text that signs as no outlet


def rules_for(config: StudyConfig) -> Rules:
    try:
        return load_rules(tuple(str(config.resolve(p)) for p in config.corpus.profiles))
    except ProfileError as exc:
        raise ConfigError(exc.problems) from None


def iter_raw(config: StudyConfig) -> Iterator[Raw]:
    for spec in config.source_specs():
        yield from read_spec(spec, config.corpus.max_document_mb)


def read_sources(config: StudyConfig) -> Iterator[Document]:
    """Raw documents as read (text not yet cleaned); unreadable input comes out skipped."""
    for raw in iter_raw(config):
        yield raw.doc


def load_corpus(config: StudyConfig) -> list[Document]:
    """Read, clean and account for every input document of the config's sources."""
    return process(iter_raw(config), config)


def clean_documents(docs: Iterable[Document], config: StudyConfig) -> list[Document]:
    """Clean documents built elsewhere (``doc.outlet`` is a fixed id, or "auto" to infer it)."""
    raws = (Raw(d, d.doc_id, AUTO if d.outlet in ("", AUTO) else FIXED, d.outlet, "#" not in d.source) for d in docs)
    return process(raws, config)


BATCH_DOCS = 512  # cleaned documents whose words are analysed together (numpy)


def process(raws: Iterable[Raw], config: StudyConfig) -> list[Document]:
    opts = config.corpus
    rules = rules_for(config)
    resolver = OutletResolver(config, rules)
    docs, hints = [], []
    hasher = WordHasher()
    stats: dict[int, Words] = {}  # id(doc) -> words of the cleaned text
    pending: list[tuple[Raw, Cleaned]] = []

    def flush() -> None:
        for (raw, cleaned), words in zip(pending, hasher.analyse_many([r.doc.text for r, _ in pending])):
            stats[id(raw.doc)] = words
            _attribute(raw, cleaned, words, rules, resolver)
            words.hashes = None  # only the count and the shingles are needed from here on
        pending.clear()

    for raw in raws:
        cleaned = _clean_one(raw, rules, opts, resolver)
        docs.append(raw.doc)
        hints.append(raw.id_hint)
        if cleaned is not None:
            pending.append((raw, cleaned))
            if len(pending) >= BATCH_DOCS:
                flush()
    flush()
    if opts.clean:
        changed = remove_repeated_lines(docs, min_docs=opts.repeated_line_min_docs, share=opts.repeated_line_share,
                                        max_words=opts.repeated_line_max_words)
        for doc, words in zip(changed, hasher.analyse_many([d.text for d in changed])):
            stats[id(doc)] = words
    for doc in docs:
        if doc.analysed:
            _check_length(doc, opts, stats[id(doc)].n_arabic)
    assign_ids(docs, hints)
    mark_duplicates(docs, duplicates=opts.duplicates, shared_wire=opts.shared_wire,
                    threshold=opts.near_duplicate_threshold, num_perm=opts.num_perm,
                    shingles={k: w.shingles for k, w in stats.items()})
    if opts.analyse_titles:
        for doc in docs:
            if doc.analysed and doc.title.strip():
                doc.text = f"{doc.title.strip()}\n\n{doc.text}"
    return docs


def _clean_one(raw: Raw, rules: Rules, opts: CorpusOptions, resolver: "OutletResolver") -> Cleaned | None:
    """Outlet from the config or field, emptiness and language checks, cleaning. None when skipped."""
    doc = raw.doc
    if raw.mode == FIXED:
        doc.outlet = raw.outlet_value
    elif raw.mode == FROM_FIELD and raw.outlet_value:
        doc.outlet = resolver.from_field(raw.outlet_value)
    if not doc.analysed:
        return None
    if not doc.text.strip():
        doc.text = ""
        doc.skip("empty file" if raw.single else "empty text")
        return None
    share = arabic_share(doc.text)
    if share < opts.min_arabic_share:
        doc.skip(f"not Arabic: {share:.0%} of letters are Arabic (minimum {opts.min_arabic_share:.0%}, corpus.min_arabic_share)")
        return None
    cleaned = clean_text(doc.text, rules, take_title=raw.single and not doc.title and opts.title_from_first_line,
                         short_line_words=opts.short_line_words, furniture=opts.clean, title=doc.title)
    doc.text = cleaned.text
    doc.removed = cleaned.removed
    if cleaned.title:
        doc.title = cleaned.title
    return cleaned


def _attribute(raw: Raw, cleaned: Cleaned, words: Words, rules: Rules, resolver: "OutletResolver") -> None:
    """Source line, inferred outlet, agencies, wire flag, and the outlet of `outlet: auto` texts."""
    doc = raw.doc
    # attribution
    scores = signature_scores(cleaned.sign_lines, rules)
    credit = None
    for c in cleaned.credits:
        for o in c.outlets:
            scores[o] += SOURCE_LINE_WEIGHT
        if credit is None or c.outlets or not credit.outlets:
            credit = c  # the last credit, preferring one that names an outlet
    inferred, note = decide(scores)
    if note:
        doc.warnings.append(note)
    doc.outlet_inferred = inferred
    credited = []
    if credit is not None:
        doc.source_line = credit.line
    for c in cleaned.credits:
        credited += c.agencies
    body = agency_mentions(doc.text, rules, words.hashes)
    byline = [a for line in cleaned.credit_lines for a in agency_mentions(line, rules)]
    signed_agency = rules.agency_outlets.get(inferred, "")
    if signed_agency and raw.mode != AUTO and resolver.profile_of(doc.outlet) != inferred:
        credited.insert(0, signed_agency)  # another outlet's copy of an agency's text: wire copy
        byline.append(signed_agency)
    doc.wire_agencies = list(dict.fromkeys(credited + byline + body))
    agency_credit = any(c.agencies and not c.outlets for c in cleaned.credits) or bool(byline)
    doc.is_wire = agency_credit or (not inferred and bool(doc.wire_agencies))
    # the outlet
    if raw.mode == AUTO:
        doc.outlet = resolver.from_profile(inferred) if inferred else UNKNOWN
        if not inferred:
            doc.warnings.append("outlet: auto found no outlet signature (source line, credit) in the text")
    elif inferred and not signed_agency and resolver.from_profile(inferred) != doc.outlet and not _same(doc.outlet, inferred, resolver):
        evidence = f"source line '{credit.line}'" if credit is not None and inferred in credit.outlets else "its signature"
        doc.warnings.append(
            f"outlet '{doc.outlet}' is configured for {doc.source}, but the text signs as '{inferred}' ({evidence})"
        )


def _same(outlet: str, profile_id: str, resolver: "OutletResolver") -> bool:
    return resolver.profile_of(outlet) == profile_id


def _check_length(doc: Document, opts: CorpusOptions, n: int) -> None:
    if not doc.text.strip():
        if doc.title and not doc.removed:
            doc.skip(f"too short: no text under the title (minimum {opts.min_words} Arabic words, corpus.min_words)")
        else:
            doc.skip("empty after cleaning: every line was page furniture (see removed)")
        return
    if n < opts.min_words:
        doc.skip(f"too short: {n} Arabic words (minimum {opts.min_words}, corpus.min_words)")


class OutletResolver:
    """Outlet ids for field values and inferred profiles, matched to the config's outlets."""

    def __init__(self, config: StudyConfig, rules: Rules) -> None:
        self.rules = rules
        self.config_ids = {o.id for o in config.outlets}
        self.by_name: dict[str, str] = {}
        self.profile_to_config: dict[str, str] = {}
        self.config_to_profile: dict[str, str] = {}
        for o in config.outlets:
            for name in [o.id, o.name, *o.aliases]:
                if name:
                    self.by_name.setdefault(name.strip().lower(), o.id)
                    pid = rules.outlet_for_name(name)
                    if pid:
                        self.profile_to_config.setdefault(pid, o.id)
                        self.config_to_profile.setdefault(o.id, pid)
        self._cache: dict[str, str] = {}

    def from_profile(self, pid: str) -> str:
        return self.profile_to_config.get(pid, pid)

    def profile_of(self, outlet: str) -> str:
        return self.config_to_profile.get(outlet) or self.rules.outlet_for_name(outlet) or outlet

    def from_field(self, value: str) -> str:
        hit = self._cache.get(value)
        if hit is None:
            hit = self._cache[value] = self._resolve(value)
        return hit

    def _resolve(self, value: str) -> str:
        v = value.strip()
        if v in self.config_ids:
            return v
        if v.lower() in self.by_name:
            return self.by_name[v.lower()]
        pid = self.rules.outlet_for_name(v)
        if pid:
            return self.from_profile(pid)
        return slug(v)


def slug(value: str) -> str:
    """A readable outlet id: ASCII lower case with dashes, or the words joined by dashes."""
    ascii_slug = re.sub(r"[^a-z0-9._-]+", "-", value.lower()).strip("-.")
    if ascii_slug and value.isascii():
        return ascii_slug
    return re.sub(r"[^\w.-]+", "-", value.strip()).strip("-") or UNKNOWN


_ID_UNSAFE = re.compile(r"[^\w.-]+")


def assign_ids(docs: list[Document], hints: list[str]) -> None:
    """doc_id = "<outlet>-<id from the input>" (the id alone when it already starts with the outlet
    id), made unique in input order with -2, -3, ..."""
    used: set[str] = set()
    next_n: dict[str, int] = {}
    for doc, hint in zip(docs, hints):
        outlet = doc.outlet or UNKNOWN
        hint = _ID_UNSAFE.sub("_", hint).strip("_") or "doc"
        # an input id that already names the outlet ("almanara-01") is not prefixed twice
        base = hint if hint.lower().startswith((outlet.lower() + "-", outlet.lower() + "_")) else f"{outlet}-{hint}"
        cand, n = base, next_n.get(base, 1)
        if cand in used:
            n = max(n, 1)
            while cand in used:
                n += 1
                cand = f"{base}-{n}"
        next_n[base] = n
        used.add(cand)
        doc.doc_id = cand
