"""What is in a cache folder, and what can go: the logic of ``framing cache info`` and
``framing cache prune`` (the command line is :mod:`framing.cli.cache`).

Every entry file (:mod:`framing.cache`) starts with a header naming the modules it was made by and
their code revision then, and the entries it refers to (a token index names its token shards).
From the headers alone, each file gets one state:

* ``in use``: made by the current code, and (with a study config) one the config's next run reads:
  its corpus entry, its token index and the shards that index names, the voice, matches table, stage,
  texts, outlet_terms and wire_edits entries made from that corpus, and the latest hits kept with the tokens;
  without a config, every entry of the current code counts as in use;
* ``other inputs`` (with a config only): made by the current code for another corpus, normaliser or
  config — a run of another study, or of this one before its inputs changed;
* ``old code``: made by code that has changed since; no run of this version reads it again;
* ``unreferenced``: a token shard no index of the current code names;
* ``old format``: a file of an earlier cache layout, or one whose header cannot be read;
* ``temporary``: left by a write that was interrupted;
* ``other``: the cache's lock and the embedding store, which pruning leaves alone.

Pruning removes the entries no run of the current code reads (old code, unreferenced, old format,
temporary) and, on request, entries not used for some days or beyond the newest few of each kind;
an entry the given config uses is always kept. It deletes only when no run uses the cache (the
caller checks the cache's lock).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from framing.cache import FORMAT, MAGIC, SUFFIX, code_revision

IN_USE, OTHER_INPUTS, OLD_CODE, UNREFERENCED, OLD_FORMAT, TEMPORARY, OTHER = (
    "in use", "other inputs", "old code", "unreferenced", "old format", "temporary", "other")
STATES = (IN_USE, OTHER_INPUTS, OLD_CODE, UNREFERENCED, OLD_FORMAT, TEMPORARY, OTHER)
REMOVABLE = (OLD_CODE, UNREFERENCED, OLD_FORMAT, TEMPORARY)  # what every prune removes
_REFERENCED = "token_shard"  # the kind of entry that lives only as long as an index names it
_INDEX = "tokens"


@dataclass
class Entry:
    """One file of the cache folder: where it is, its kind (its top-level folder), key, size in
    bytes, when it was last used (written or read), its header (None when unreadable) and state."""

    path: Path
    kind: str
    key: str
    size: int
    used: float
    header: dict | None = None
    state: str = OTHER
    group: str = field(default="")  # kind, or kind:stage name for stage entries

    def age_days(self, now: float) -> float:
        """Days since the entry was last used."""
        return max(0.0, now - self.used) / 86400


def _header(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            if fh.readline() != MAGIC:
                return None
            header = json.loads(fh.readline())
    except (OSError, ValueError):
        return None
    return header if isinstance(header, dict) and header.get("format") == FORMAT else None


def scan(root: Path) -> list[Entry]:
    """Every file under the cache folder ``root``, with its header read (values are not opened)."""
    root = Path(root)
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        st = path.stat()
        kind = rel.parts[0] if len(rel.parts) > 1 else OTHER
        entry = Entry(path, kind, path.name.split(".")[0], st.st_size, st.st_mtime, group=kind)
        if path.name.startswith(".tmp-"):
            entry.state = TEMPORARY
        elif kind == OTHER:
            entry.state = OTHER
        elif path.name.endswith(SUFFIX):
            entry.header = _header(path)
            entry.state = OLD_FORMAT if entry.header is None else IN_USE
            if entry.header and entry.header.get("stage"):
                entry.group = f"{kind}:{entry.header['stage']}"
        else:
            entry.state = OLD_FORMAT
        entries.append(entry)
    return entries


def _current(header: dict) -> bool:
    code = header.get("code") or []
    try:
        return header.get("revision") == (code_revision(*code) if code else None)
    except ImportError:  # a module that no longer exists
        return False


def classify(entries: list[Entry], wanted: dict[str, str] | None = None) -> list[Entry]:
    """Set each entry's state (see the module docstring). ``wanted``: with a study config, the
    keys its next run reads: ``{"corpus": key, "tokens": key}``."""
    for e in entries:
        if e.header is not None:
            e.state = IN_USE if _current(e.header) else OLD_CODE
    for e in entries:
        if e.state != IN_USE or wanted is None or e.kind == _REFERENCED:
            continue
        if e.kind in ("corpus", _INDEX):
            mine = e.key == wanted.get(e.kind)
        elif e.kind in ("stage", "voices", "matches", "texts", "outlet_terms", "wire_edits"):
            mine = e.header.get("corpus") == wanted.get("corpus")
        else:
            mine = True
        e.state = IN_USE if mine else OTHER_INPUTS
    _mark_unreferenced(entries)
    return entries


def _mark_unreferenced(entries: list[Entry], gone: Iterable[Entry] = ()) -> None:
    """Shards named by no live index (in use or of other inputs, and not ``gone``) become unreferenced;
    a shard of a config's index takes its index's state."""
    gone_paths = {e.path for e in gone}
    state_of_shard: dict[str, str] = {}
    for e in entries:
        if e.kind == _INDEX and e.state in (IN_USE, OTHER_INPUTS) and e.path not in gone_paths:
            for ref in e.header.get("refs", []):
                if state_of_shard.get(ref) != IN_USE:
                    state_of_shard[ref] = e.state
    for e in entries:
        if e.kind == _REFERENCED and e.state in (IN_USE, OTHER_INPUTS):
            e.state = state_of_shard.get(e.key, UNREFERENCED)


def plan_prune(entries: list[Entry], *, older_than_days: float | None = None, keep: int | None = None,
               protect_in_use: bool = False, now: float | None = None) -> list[Entry]:
    """The entries a prune removes: those no run of the current code reads, those not used for
    ``older_than_days`` days, those beyond the ``keep`` most recently used of each kind (of each
    stage for stage entries), and the token shards only removed indexes named. Entries in use by
    a config (state ``in use`` after :func:`classify` with ``wanted``) are kept when
    ``protect_in_use``; otherwise ``older_than_days`` and ``keep`` apply to every entry."""
    now = time.time() if now is None else now
    chosen = [e for e in entries if e.state in REMOVABLE]

    def optional(e: Entry) -> bool:
        return e.state == OTHER_INPUTS or (e.state == IN_USE and not protect_in_use)

    live = [e for e in entries if optional(e) and e.kind != _REFERENCED]
    if older_than_days is not None:
        chosen += [e for e in live if e.age_days(now) > older_than_days]
    if keep is not None:
        groups: dict[str, list[Entry]] = {}
        for e in live:
            groups.setdefault(e.group, []).append(e)
        for members in groups.values():
            members.sort(key=lambda e: (-e.used, e.key))
            chosen += members[keep:]
    chosen_paths = {e.path for e in chosen}
    before = {e.path: e.state for e in entries}
    _mark_unreferenced(entries, chosen)
    chosen += [e for e in entries if e.kind == _REFERENCED and e.state == UNREFERENCED
               and before[e.path] != UNREFERENCED and e.path not in chosen_paths]
    for e in entries:  # the states stay those of the cache as it is
        e.state = before[e.path]
    seen: set[Path] = set()
    return [e for e in chosen if not (e.path in seen or seen.add(e.path))]


def remove(root: Path, entries: list[Entry]) -> int:
    """Delete ``entries`` (and the folders they leave empty); returns the bytes freed."""
    freed = 0
    for e in entries:
        try:
            e.path.unlink()
            freed += e.size
        except FileNotFoundError:
            pass
    for folder in sorted((p for p in Path(root).rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            pass
    return freed


def summary(entries: list[Entry], now: float | None = None) -> dict:
    """Counts, bytes and last-use ages (days) by kind of entry and by state, for ``cache info``."""
    now = time.time() if now is None else now
    by_kind: dict[str, dict] = {}
    by_state: dict[str, dict] = {}
    for e in entries:
        for table, name in ((by_kind, e.group), (by_state, e.state)):
            row = table.setdefault(name, {"entries": 0, "bytes": 0, "newest_days": None, "oldest_days": None})
            row["entries"] += 1
            row["bytes"] += e.size
            age = e.age_days(now)
            row["newest_days"] = age if row["newest_days"] is None else min(row["newest_days"], age)
            row["oldest_days"] = age if row["oldest_days"] is None else max(row["oldest_days"], age)
    order = {s: i for i, s in enumerate(STATES)}
    return {"entries": len(entries), "bytes": sum(e.size for e in entries),
            "by_kind": dict(sorted(by_kind.items())),
            "by_state": dict(sorted(by_state.items(), key=lambda kv: order[kv[0]]))}
