"""Plain records for lexicons: a lexicon has categories, a category has entries.

Strings are kept as written in the YAML file (not normalised): the matcher normalises them with
the study's normaliser, so one lexicon serves every normalisation setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("frames", "naming", "markers")

# Inflection families: suffixes appended to a form's stem (before normalisation). An entry or a
# form says which families apply, e.g. ``inflect: adj`` on انفصالي gives انفصالية, انفصاليون,
# انفصاليين, انفصاليان, انفصاليتين, انفصاليات, انفصاليو...
INFLECTIONS: dict[str, tuple[str, ...]] = {
    "acc": ("ا",),  # indefinite accusative: احتلالا، عدوانا
    "fem": ("ة",),  # feminine singular: محتلة، انفصالية
    "m_pl": ("ون", "ين", "و", "ي"),  # sound masculine plural, with construct forms (مسلحو، مسلحي)
    "f_pl": ("ات",),  # sound feminine plural: انفصاليات، اعتداءات
    "dual": ("ان", "ين", "تان", "تين"),  # masculine and feminine dual
}
INFLECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "none": (),
    "adj": ("acc", "fem", "m_pl", "f_pl", "dual"),  # adjectives, nisba and participles
    "noun": ("acc", "f_pl", "dual"),  # masdar and other nouns with a sound feminine plural
    "masc": ("acc", "m_pl", "dual"),
}


def inflection_suffixes(names: tuple[str, ...]) -> tuple[str, ...]:
    """The suffixes of the named inflection families (aliases expanded), each once, in order."""
    out: list[str] = []
    for name in names:
        for fam in INFLECTION_ALIASES.get(name, (name,)):
            for suffix in INFLECTIONS[fam]:
                if suffix not in out:
                    out.append(suffix)
    return tuple(out)


@dataclass(frozen=True)
class Form:
    """One written form: a word (clitics allowed in text) and the inflection families it takes.

    A form ending in ``*`` is a prefix (LIWC and quanteda style): it matches every word stem that
    starts with it.
    """

    word: str
    inflect: tuple[str, ...] = ()
    line: int = 0

    @property
    def is_prefix(self) -> bool:
        """Whether the form is a prefix form (written with a trailing ``*``)."""
        return self.word.endswith("*")

    def words(self) -> tuple[str, ...]:
        """The written word and its generated inflections (un-normalised)."""
        if self.is_prefix:
            return (self.word,)
        return (self.word,) + tuple(self.word + s for s in inflection_suffixes(self.inflect))


@dataclass(frozen=True)
class ContextRule:
    """Context in which a form is another sense (a name, an idiom), so that it does not count.

    A hit is removed when one of the ``left`` words stands within ``window`` words before it, one
    of the ``right`` words within ``window`` words after it (never across a line break or the
    punctuation . ! ? ؟ ؛ ; ، , :), or when one of the multiword ``names`` covers it. Words are
    written like the words of a multiword term (``a|b`` alternatives, ``x*`` prefixes) and are
    matched with their clitics. ``unless`` (left and right words, a window) lifts the rule where
    they stand around the hit (المقاومة الشعبية is a Yemeni formation's name, unless السورية
    follows). ``positive`` examples are phrases in which the rule removes the entry's hit;
    ``negative`` ones are phrases in which the entry still counts.
    """

    id: str = ""
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    window: int = 1
    note: str = ""
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    line: int = 0
    unless: "ContextRule | None" = None  # left/right words that keep the form's sense after all

    @property
    def label(self) -> str:
        """How the rule is named in messages: its id, else its line."""
        return self.id or f"not_when (line {self.line})"


@dataclass(frozen=True)
class Distancing:
    """A marker that puts the words next to it in someone else's mouth (ما وصفته الإرهاب,
    ما يسمى بـ, الإرهاب المزعوم): frame and naming hits that start within ``right`` words after the
    marker (or end within ``left`` words before it), in the same clause, are marked distanced."""

    left: int = 0
    right: int = 0


@dataclass(frozen=True)
class Entry:
    id: str
    gloss: str
    forms: tuple[Form, ...] = ()
    sequences: tuple[str, ...] = ()  # space-separated words, each may be "a|b" alternatives
    lemmas: tuple[str, ...] = ()  # camel-tools lemmas for the optional morphology path
    exclude: tuple[str, ...] = ()
    note: str = ""
    sources: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    proper: bool = False  # a name: proclitics only (لرويترز), no pronoun suffix (*رويترزه)
    line: int = 0
    not_when: tuple[ContextRule, ...] = ()
    distances: Distancing | None = None  # markers only


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    label_ar: str
    description: str
    entries: tuple[Entry, ...]
    exclude: tuple[str, ...] = ()
    line: int = 0
    not_when: tuple[ContextRule, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    cite: str
    url: str = ""


@dataclass(frozen=True)
class Lexicon:
    id: str
    version: str
    kind: str
    language: str
    description: str
    sources: tuple[Source, ...]
    categories: tuple[Category, ...]
    exclude: tuple[str, ...] = ()
    not_when: tuple[ContextRule, ...] = ()
    path: Path | None = None
    sha256: str = ""
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key path -> line

    def category(self, category_id: str) -> Category:
        """The category with this id; KeyError when there is none."""
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(f"lexicon {self.id!r} has no category {category_id!r}")

    @property
    def label(self) -> str:
        """The lexicon's id and version, e.g. ``conflict v1.0``."""
        return f"{self.id} v{self.version}"
