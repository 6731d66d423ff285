"""Study configuration: a typed schema, paths resolved against the config file, every problem
collected and reported at once with its key path and line before any work starts.

A config names outlets and where their documents are. A source is a file, a directory or a glob,
either as a plain string or as a mapping with a format, a field mapping (for JSONL/CSV rows) and
an encoding. Multi-outlet files go under the top-level ``sources:`` key, where each row carries its
outlet in a field (``fields.outlet``), or ``outlet: auto`` infers the outlet from the text's own
signature (source lines, credits).
"""

from __future__ import annotations

import difflib
import glob
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from framing import safe_yaml
from framing.checks import input_problems
from framing.classify.options import ClassifyOptions
from framing.corpus.files import expand_pattern, first_paths
from framing.corpus.options import CorpusOptions, FieldMap
from framing.corpus.sources import Sources, SourceSpec
from framing.records import Outlet
from framing.report.options import ReportOptions
from framing.runtime import DEFAULT_SEED
from framing.stats.options import CompareOptions, StatsOptions
from framing.topics.options import TopicsOptions
from framing.wire.options import WireOptions

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class ConfigError(Exception):
    """All problems found in a config, each ``[file:line: ]key.path: message``."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f" in {self.source}" if self.source else ""
        head = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}{where}:"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceEntry(Strict):
    path: str = Field(description="file, directory or glob, relative to the config file")
    format: Literal["auto", "txt", "html", "jsonl", "json", "csv", "tsv"] = "auto"
    fields: FieldMap = Field(default_factory=FieldMap)
    encoding: str | None = Field(None, description="force an encoding instead of detecting it")
    outlet: str | None = Field(
        None,
        description="top-level sources only: a fixed outlet id, 'auto' to infer it from the text, "
        "or omitted to read it from fields.outlet",
    )


def _source_from_string(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


class OutletConfig(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str | None = None
    sources: list[SourceEntry] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list, description="self-names masked before classifier training")

    _coerce_sources = field_validator("sources", mode="before")(
        lambda v: [_source_from_string(s) for s in v] if isinstance(v, list) else v
    )

    @property
    def label(self) -> str:
        """The outlet's display name, else its id."""
        return self.name or self.id


class NormaliseOptions(Strict):
    ta_marbuta: bool = Field(True, description="fold ة into ه")
    alef_maqsura: bool = Field(True, description="fold ى into ي")


class LexiconOptions(Strict):
    morphology_db: str | None = Field(
        None, description="camel-tools morphology database for lemma matching (else $CAMELTOOLS_DATA, else off)"
    )


class RunOptions(Strict):
    jobs: int = Field(0, ge=0, description="worker processes; 0 means one per core")
    backend: Literal["local", "dask"] = "local"
    scheduler: str | None = Field(None, description="dask scheduler address, e.g. tcp://host:8786")
    cache: bool = True
    cache_dir: str | None = Field(None, description="default: .framing-cache beside the output folder")


class StudyConfig(Strict):
    title: str
    description: str = ""
    outlets: list[OutletConfig] = Field(default_factory=list)
    sources: list[SourceEntry] = Field(default_factory=list)
    lexicons: list[str] = Field(default_factory=lambda: ["conflict", "naming", "attribution"])
    output: str = "reports/study"
    seed: int = DEFAULT_SEED
    normalise: NormaliseOptions = Field(default_factory=NormaliseOptions)
    lexicon: LexiconOptions = Field(default_factory=LexiconOptions)
    corpus: CorpusOptions = Field(default_factory=CorpusOptions)
    stats: StatsOptions = Field(default_factory=StatsOptions)
    classify: ClassifyOptions = Field(default_factory=ClassifyOptions)
    topics: TopicsOptions = Field(default_factory=TopicsOptions)
    wire: WireOptions = Field(default_factory=WireOptions)
    report: ReportOptions = Field(default_factory=ReportOptions)
    compare: CompareOptions = Field(default_factory=CompareOptions)
    run: RunOptions = Field(default_factory=RunOptions)

    # set by load_config, not part of the YAML
    base_dir: Path = Field(default=Path("."), exclude=True)
    config_path: Path | None = Field(default=None, exclude=True)
    raw: dict = Field(default_factory=dict, exclude=True)
    _lexicons: tuple | None = PrivateAttr(None)  # (refs, base_dir, parsed lexicons), set by load_config

    _coerce_sources = field_validator("sources", mode="before")(
        lambda v: [_source_from_string(s) for s in v] if isinstance(v, list) else v
    )

    @field_validator("outlets", mode="after")
    @classmethod
    def _unique_ids(cls, outlets: list[OutletConfig]) -> list[OutletConfig]:
        ids = [o.id for o in outlets]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"outlet ids must be unique: {', '.join(dup)} repeated")
        return outlets

    @model_validator(mode="after")
    def _something_to_read(self) -> "StudyConfig":
        if not self.outlets and not self.sources:
            raise ValueError("no outlets and no sources: name at least one outlet with its sources")
        return self

    # ---- derived -------------------------------------------------------------------------
    def resolve(self, path: str) -> Path:
        """A path of the config resolved against the config file's folder (``~`` expanded; absolute
        paths kept)."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)

    @property
    def output_dir(self) -> Path:
        """The output folder, resolved."""
        return self.resolve(self.output)

    @property
    def outlet_names(self) -> dict[str, str]:
        """Outlet id -> display name, for the configured outlets."""
        return {o.id: o.label for o in self.outlets}

    @property
    def cache_dir(self) -> Path:
        """``run.cache_dir``, else ``.framing-cache`` beside the output folder."""
        return self.resolve(self.run.cache_dir) if self.run.cache_dir else self.output_dir.parent / ".framing-cache"

    def source_specs(self) -> list[SourceSpec]:
        """The sources, resolved to files: outlets' sources first, then top-level ones. The output
        folder and the cache are never input; a real file reached again (through a link, or by a
        second source) is listed with the path it was first reached by (``SourceSpec.again``), so
        that it is read once."""
        seen: dict[str, Path] = {}
        exclude = (self.output_dir, self.cache_dir)
        specs = []
        for i, outlet in enumerate(self.outlets):
            for j, src in enumerate(outlet.sources):
                specs.append(self._spec(src, f"outlets[{i}].sources[{j}]", outlet.id, exclude, seen))
        for j, src in enumerate(self.sources):
            specs.append(self._spec(src, f"sources[{j}]", src.outlet, exclude, seen))
        return specs

    def _spec(self, src: SourceEntry, key: str, outlet: str | None, exclude: tuple[Path, ...],
              seen: dict[str, Path]) -> SourceSpec:
        paths, again = first_paths(expand_pattern(self.base_dir, src.path, exclude), seen)
        return SourceSpec(key=key, pattern=src.path, paths=tuple(paths), format=src.format, fields=src.fields,
                          encoding=src.encoding, outlet=outlet, base_dir=self.base_dir, again=tuple(again.items()))

    # ---- what each stage reads ------------------------------------------------------------
    def outlet_records(self) -> tuple[Outlet, ...]:
        """The configured outlets as plain records (id, display name, aliases)."""
        return tuple(Outlet(o.id, o.name or "", tuple(o.aliases)) for o in self.outlets)

    def corpus_sources(self, jobs: int = 1) -> Sources:
        """The corpus stage's input: resolved sources, outlets, and the corpus options with the
        paths of extra cleaning profiles resolved against the config's folder."""
        options = self.corpus.model_copy(update={"profiles": [str(self.resolve(p)) for p in self.corpus.profiles]})
        return Sources(tuple(self.source_specs()), self.outlet_records(), options, jobs)

    def classify_options(self) -> ClassifyOptions:
        """The classifier options with the paths of saved models and human codes resolved."""
        update: dict[str, Any] = {"models": [str(self.resolve(m)) for m in self.classify.models]}
        if self.classify.codes:
            update["codes"] = str(self.resolve(self.classify.codes))
        return self.classify.model_copy(update=update)

    def parsed_lexicons(self) -> list:
        """The lexicons the config names, parsed (once: load_config already parsed them to check them)."""
        key = (tuple(self.lexicons), str(self.base_dir))
        if self._lexicons is None or self._lexicons[:2] != key:
            from framing.lexicon import load_lexicons

            self._lexicons = (*key, load_lexicons(self.lexicons, base_dir=self.base_dir))
        return self._lexicons[2]

    @property
    def sha256(self) -> str:
        """SHA-256 of the config as written (its raw mapping), recorded in manifest.json."""
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


# ---- loading -------------------------------------------------------------------------------

def load_config(source: str | Path | dict, base_dir: str | Path | None = None) -> StudyConfig:
    """Read, validate and resolve a study config. Raises ConfigError listing every problem."""
    if isinstance(source, dict):
        raw, lines, label = source, {}, "config"
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        config_path = None
    else:
        config_path = Path(source)
        label = str(config_path)
        if not config_path.is_file():
            raise ConfigError([f"no such config file: {config_path}"])
        text = _read_text(config_path)
        try:
            node = safe_yaml.compose(text, yaml.SafeLoader)  # aliases within a budget (safe_yaml.py)
            raw = safe_yaml.construct(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{config_path}:{mark.line + 1}" if mark else str(config_path)
            raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
        lines = _line_index(node)
        base = Path(base_dir) if base_dir is not None else config_path.resolve().parent
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([f"{label}: the config must be a mapping of keys (title, outlets, ...)"])

    problems: list[tuple[tuple, str]] = []
    config = None
    try:
        config = StudyConfig.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc))
    problems.extend(_missing_files(raw, base))
    problems.extend(input_problems(raw, base))
    problems.extend(_compare_problems(raw))
    lexicon_problems, lexicons = _lexicon_problems(raw, base)
    problems.extend(lexicon_problems)
    if config is not None:
        problems.extend(_profile_problems(config.corpus.profiles, base))
    if problems:
        raise ConfigError([_format(loc, msg, lines, config_path) for loc, msg in problems], label)
    config.base_dir = base
    config.config_path = config_path
    config.raw = raw
    config._lexicons = (tuple(config.lexicons), str(base), lexicons)
    return config


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text; save the config as UTF-8"]) from None


def _line_index(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """Map every key path of a YAML document to its 1-based line."""
    out: dict[tuple, int] = {}
    if node is None:
        return out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[path + (k,)] = key.start_mark.line + 1
            out.update({p: ln for p, ln in _line_index(value, path + (k,)).items() if p != path + (k,)})
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.update(_line_index(item, path + (i,)))
    return out


def _loc_str(loc: tuple) -> str:
    s = ""
    for part in loc:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s or "(top level)"


def _format(loc: tuple, msg: str, lines: dict, config_path: Path | None) -> str:
    line = None
    probe = tuple(loc)
    while probe and line is None:
        line = lines.get(probe)
        probe = probe[:-1]
    where = f"{config_path}:{line}: " if config_path and line else (f"{config_path}: " if config_path else "")
    return f"{where}{_loc_str(loc)}: {msg}"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    model: Any = StudyConfig
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        nxt = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nxt is None:
            return None
        model = nxt
    return model


def _pydantic_problems(exc: ValidationError) -> list[tuple[tuple, str]]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            parent = _model_at(loc[:-1])
            known = [k for k in (parent.model_fields if parent else {}) if k not in ("base_dir", "config_path", "raw")]
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else (f" (known keys: {', '.join(known)})" if known else "")
            msg = f"unknown key{hint}"
        elif kind == "missing":
            msg = "required key is missing"
        elif kind == "value_error":
            msg = str(err["msg"]).removeprefix("Value error, ")
        else:
            msg = f"{err['msg']} (got {err.get('input')!r})" if "input" in err and not isinstance(err["input"], (dict, list)) else err["msg"]
        out.append((loc, msg))
    return out


def _missing_files(raw: dict, base: Path) -> list[tuple[tuple, str]]:
    """Check every source path on the raw dict, so that file problems are reported together with
    schema problems."""
    out = []

    def check(src: Any, loc: tuple) -> None:
        path = src if isinstance(src, str) else (src.get("path") if isinstance(src, dict) else None)
        if not isinstance(path, str):
            return
        if not expand_pattern(base, path):
            full = Path(path) if Path(path).is_absolute() else base / path
            what = "no file matches" if glob.has_magic(path) else ("empty directory" if _is_dir(full) else "no such file")
            out.append((loc, f"{what} '{path}' (paths are relative to {base})"))

    outlets = raw.get("outlets")
    if isinstance(outlets, list):
        for i, o in enumerate(outlets):
            if isinstance(o, dict) and isinstance(o.get("sources"), list):
                for j, s in enumerate(o["sources"]):
                    check(s, ("outlets", i, "sources", j))
    if isinstance(raw.get("sources"), list):
        for j, s in enumerate(raw["sources"]):
            check(s, ("sources", j))
    report = raw.get("report")
    planted = report.get("planted") if isinstance(report, dict) else None
    if isinstance(planted, str) and not (Path(planted) if Path(planted).is_absolute() else base / planted).is_file():
        out.append((("report", "planted"), f"no such file '{planted}' (paths are relative to {base})"))
    return out


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long, a NUL byte
        return False


def _compare_problems(raw: dict) -> list[tuple[tuple, str]]:
    """Outlet ids in ``compare:`` that the config does not name (checked when the config lists its
    outlets; ids read from multi-outlet files are checked when the corpus is read), outlets in two
    groups, and pairs of an outlet with itself."""
    cmp = raw.get("compare")
    if not isinstance(cmp, dict):
        return []
    outlets = raw.get("outlets") if isinstance(raw.get("outlets"), list) else []
    known = [o.get("id") for o in outlets if isinstance(o, dict)]
    check = bool(known) and not raw.get("sources")
    out = []

    def one(value: Any, loc: tuple) -> None:
        if check and isinstance(value, str) and value not in known:
            close = difflib.get_close_matches(value, [k for k in known if isinstance(k, str)], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (outlets: {', '.join(map(str, known))})"
            out.append((loc, f"unknown outlet '{value}'{hint}"))

    groups = cmp.get("groups")
    seen: dict[str, str] = {}
    if isinstance(groups, dict):
        for name, members in groups.items():
            if isinstance(members, list):
                for i, m in enumerate(members):
                    one(m, ("compare", "groups", name, i))
                    if isinstance(m, str) and m in seen and seen[m] != name:
                        out.append((("compare", "groups", name, i), f"outlet '{m}' is already in group '{seen[m]}'"))
                    if isinstance(m, str):
                        seen.setdefault(m, name)
    pairs = cmp.get("pairs")
    if isinstance(pairs, list):
        for i, pair in enumerate(pairs):
            if isinstance(pair, list):
                for j, m in enumerate(pair):
                    one(m, ("compare", "pairs", i, j))
                if len(pair) == 2 and pair[0] == pair[1]:
                    out.append((("compare", "pairs", i), f"compares '{pair[0]}' with itself"))
    return out


def _profile_problems(profiles: list[str], base: Path) -> list[tuple[tuple, str]]:
    """Read the extra cleaning profiles now, so that a broken one is reported before any work."""
    if not profiles:
        return []
    from framing.corpus.profiles import ProfileError, load_rules

    paths = [Path(p).expanduser() for p in profiles]
    try:
        load_rules(tuple(str(p if p.is_absolute() else base / p) for p in paths))
    except ProfileError as exc:
        return [(("corpus", "profiles"), problem.removeprefix("corpus.profiles: ")) for problem in exc.problems]
    return []


def _lexicon_problems(raw: dict, base: Path) -> tuple[list[tuple[tuple, str]], list]:
    """Load every named lexicon now, so that a broken lexicon is reported before any work; the
    parsed lexicons come back too, for the run."""
    from framing.lexicon import LexiconError, load_lexicons

    refs = raw.get("lexicons", StudyConfig.model_fields["lexicons"].default_factory())
    if not isinstance(refs, list):
        return [], []  # the schema check reports it
    try:
        return [], load_lexicons([r for r in refs if isinstance(r, str)], base_dir=base)
    except LexiconError as whole:
        out = []
        for i, ref in enumerate(refs):  # each problem under the key of the lexicon it is in
            if not isinstance(ref, str):
                continue
            try:
                load_lexicons([ref], base_dir=base)
            except LexiconError as exc:
                out.extend((("lexicons", i), problem) for problem in exc.problems)
        if not out:  # a problem between lexicons (the same id twice)
            out = [(("lexicons",), problem) for problem in whole.problems]
        return out, []
