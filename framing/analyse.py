"""Per-document analysis: tokenise, match the lexicons, count terms for keyness.

This is the hot loop of a run (millions of words), so it works on one document at a time and
keeps only what later stages need: the token count, the matches with their sentence, and a
Counter of normalised terms with the article and conjunction clitics split off.

Speed: tokens stay parallel lists (:func:`framing.arabic.token_arrays`) instead of one Token
object per word, the matcher works on those lists (``Matcher.match_arrays``), and the keyness term
of each distinct normalised word is computed once per process, so that the per-token work is a few
C-level list and dict operations.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from itertools import filterfalse

from framing.arabic import Normaliser, sentence_spans, token_arrays, tokenize
from framing.records import Match

# Prefixes split off for keyness terms: conjunction + preposition + article, or the fused لل.
# Only article-bearing prefixes are split: without a lexicon, "و" or "ب" at the start of a word is
# as often part of the stem (وزير, بيان) as a clitic.
_ARTICLE_PREFIXES = tuple(
    sorted(
        {c + p + "ال" for c in ("", "و", "ف") for p in ("", "ب", "ك")} | {c + "لل" for c in ("", "و", "ف")},
        key=len,
        reverse=True,
    )
)
MIN_TERM = 2
_NO_TERM = ""  # in the term cache: the word is not a keyness term


def keyness_term(norm: str) -> str:
    """The term a normalised token counts as in keyness: article-bearing proclitics split off."""
    for prefix in _ARTICLE_PREFIXES:
        if norm.startswith(prefix) and len(norm) - len(prefix) >= 3:
            return norm[len(prefix):]
    return norm


def _term_of(norm: str) -> str:
    if not norm.isalpha():  # numbers and mixed tokens are not keyness terms
        return _NO_TERM
    term = keyness_term(norm)
    return term if len(term) >= MIN_TERM else _NO_TERM


@dataclass
class DocAnalysis:
    doc_id: str
    n_tokens: int
    matches: list[Match] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # sentence of each match, same order
    terms: Counter = field(default_factory=Counter)


class DocumentAnalyser:
    """Callable over (doc_id, text): picklable, so it can run in worker processes. Its caches
    (normalised words, keyness terms, the matcher's per-word lookups) are per process and are not
    pickled."""

    def __init__(self, normaliser: Normaliser, matcher) -> None:
        self.normaliser = normaliser
        self.matcher = matcher
        self._term_cache: dict[str, str] = {}
        self._arrays = hasattr(matcher, "match_arrays")

    def __call__(self, doc_id: str, text: str) -> DocAnalysis:
        if self._arrays:
            surfaces, norms, starts, ends = token_arrays(text, self.normaliser)
            matches = self.matcher.match_arrays(surfaces, norms, starts, ends, text)
        else:  # a matcher without the list interface
            tokens = tokenize(text, self.normaliser)
            norms = [t.norm for t in tokens]
            matches = self.matcher.match(tokens, text)
        return DocAnalysis(doc_id, len(norms), matches, _sentences_of(text, matches), self.terms(norms))

    def terms(self, norms: list[str]) -> Counter:
        """Keyness terms of a document's normalised tokens, in order of first occurrence (the same
        order whatever this process has seen before, so that every backend gives the same data)."""
        cache = self._term_cache
        for n in set(filterfalse(cache.__contains__, norms)):  # words this process has not seen yet
            cache[n] = _term_of(n)
        terms = Counter(map(cache.__getitem__, norms))  # counted by term: الحرب, والحرب count حرب
        if _NO_TERM in terms:
            del terms[_NO_TERM]
        return terms

    # ---- chunks: what worker processes send back --------------------------------------------
    # Sending a Counter of strings per document back to the parent costs more than computing it
    # (every string is pickled once per document). A chunk is sent as one vocabulary of its
    # keyness terms and per document arrays of ids and counts; the parent rebuilds the
    # DocAnalysis objects. With ``keep_tokens`` (a token store is filling), each document's
    # normalised words also travel, joined by line breaks (one string, which no word contains),
    # with their offsets as bytes of C ints.

    keep_tokens = False

    def run_chunk(self, items, local: bool = False):
        """Analyse a chunk: packed for the parent (in a worker), or DocAnalysis objects
        (``local``, in the parent itself: token arrays go to ``self.sink``)."""
        terms_ids = _Ids()
        term_id = terms_ids.__getitem__
        keep = self.keep_tokens or (local and self.sink is not None)
        out = []
        for doc_id, text in items:
            surfaces, norms, starts, ends = token_arrays(text, self.normaliser)
            if self._arrays:
                matches = self.matcher.match_arrays(surfaces, norms, starts, ends, text)
            else:  # pragma: no cover - a matcher without the list interface
                matches = self.matcher.match(tokenize(text, self.normaliser), text)
            counts = self.terms(norms)
            sentences = _sentences_of(text, matches)
            tokens = ("\n".join(norms), array("i", starts).tobytes(), array("i", ends).tobytes()) if keep else None
            if local:
                out.append(DocAnalysis(doc_id, len(norms), matches, sentences, counts))
                if tokens is not None and self.sink is not None:
                    self.sink(doc_id, *tokens, counts)
            else:
                out.append((doc_id, len(norms), matches, sentences, tokens,
                            array("i", map(term_id, counts)).tobytes(), array("i", counts.values()).tobytes()))
        return out if local else PackedChunk(list(terms_ids), out)

    def unpack(self, chunk) -> list[DocAnalysis]:
        """DocAnalysis objects of a chunk (in the parent); token arrays go to ``self.sink``."""
        if not isinstance(chunk, PackedChunk):
            return chunk
        out = []
        term_of = chunk.terms.__getitem__
        sink = self.sink
        for doc_id, n, matches, sentences, tokens, term_ids, counts in chunk.docs:
            terms = Counter(dict(zip(map(term_of, _ints(term_ids)), _ints(counts))))
            out.append(DocAnalysis(doc_id, n, matches, sentences, terms))
            if sink is not None and tokens is not None:
                sink(doc_id, *tokens, terms)
        return out

    sink = None  # in the parent: called with each document's token arrays (the token cache)

    def from_tokens(self, doc_id: str, text: str, norms: list[str], starts: list[int], ends: list[int],
                    terms: Counter) -> DocAnalysis:
        """A document's analysis from its cached tokens and terms: only the matching is redone."""
        if self._arrays:
            matches = self.matcher.match_arrays(_Surfaces(text, starts, ends), norms, starts, ends, text)
        else:  # pragma: no cover
            from framing.records import Token

            matches = self.matcher.match([Token(text[a:b], n, a, b) for n, a, b in zip(norms, starts, ends)], text)
        return DocAnalysis(doc_id, len(norms), matches, _sentences_of(text, matches), terms)

    def __getstate__(self):
        return {"normaliser": self.normaliser, "matcher": self.matcher, "_term_cache": {},
                "_arrays": self._arrays, "keep_tokens": self.keep_tokens}


@dataclass
class PackedChunk:
    terms: list[str]  # keyness terms of the chunk, by id
    # per document: doc_id, n_tokens, matches, sentences, tokens (norms joined by line breaks,
    # starts, ends) or None, term ids, term counts (the arrays as bytes of C ints)
    docs: list[tuple]


class _Ids(dict):
    """str -> 0, 1, 2, ... in order of first use."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


def _ints(data: bytes) -> array:
    a = array("i")
    a.frombytes(data)
    return a


class _Surfaces:
    """Surface forms of cached tokens, cut from the text only where the matcher asks."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int], ends: list[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]


def _sentences_of(text: str, matches: list[Match]) -> list[str]:
    """The sentence around each match, in the matches' order."""
    if not matches:
        return []
    spans = sentence_spans(text)
    out = []
    i = 0
    for m in sorted(range(len(matches)), key=lambda k: matches[k].start):
        while i + 1 < len(spans) and spans[i][1] <= matches[m].start:
            i += 1
        out.append((m, text[spans[i][0]:spans[i][1]] if spans else ""))
    out.sort()
    return [s for _, s in out]


def analyse_documents(analyser: DocumentAnalyser, items: list[tuple[str, str]], *, store=None, jobs: int = 0,
                      backend: str = "local", scheduler: str | None = None, progress=None) -> list[DocAnalysis]:
    """Analyse (doc_id, text) items, results in input order. With a token store
    (:class:`framing.cache.TokenStore`), documents it holds are only re-matched, in this process;
    the others go through :func:`framing.parallel.map_documents` and are added to the store."""
    from framing.parallel import map_documents

    options = {"jobs": jobs, "backend": backend, "scheduler": scheduler, "progress": progress}
    if store is None:
        return map_documents(analyser, items, **options)
    hashes = [store.expect(doc_id, text) for doc_id, text in items]
    fresh = [k for k, h in enumerate(hashes) if not store.has(h)]
    results: list = [None] * len(items)
    analyser.sink, analyser.keep_tokens = store.add, True
    try:
        for k, res in zip(fresh, map_documents(analyser, [items[k] for k in fresh], **options)):
            results[k] = res
    finally:
        analyser.sink, analyser.keep_tokens = None, False
    done = 0
    for k, h in enumerate(hashes):
        if results[k] is None:
            doc_id, text = items[k]
            results[k] = analyser.from_tokens(doc_id, text, *store.lookup(h))
            done += 1
            if progress is not None and done % 200 == 0:
                progress(200)
    if progress is not None and done % 200:
        progress(done % 200)
    return results
