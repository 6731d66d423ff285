"""Optional lemma matching through a camel-tools morphology database.

The only module that imports ``camel_tools.morphology``, and only when a database is given:
importing it loads camel-tools' data catalogue, which camel-tools downloads when it is missing.
Without network that download fails, so when the catalogue is absent and the database is given
as a file, an empty catalogue is provided for the import (nothing is fetched, nothing is written
outside a temporary folder).

Usage::

    analyzer = load_analyzer("/path/to/morphology.db")   # or find_database() from CAMELTOOLS_DATA
    matcher = Matcher(lexicons, normaliser, analyzer=analyzer)

Entries list ``lemmas`` (e.g. ``lemmas: [احتل, احتلال]``); a token whose analyses include one of
them matches with rule ``lemma``, in addition to the entry's forms.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

DEFAULT_DB = "calima-msa-r13"


class MorphologyUnavailable(RuntimeError):
    pass


def find_database(db: str | Path | None = None) -> Path | None:
    """A morphology database file: ``db`` as a path, or as a database name under
    ``$CAMELTOOLS_DATA/data/morphology_db/``; without ``db``, the default database there if
    ``CAMELTOOLS_DATA`` is set and holds it. None when there is none."""
    data = os.environ.get("CAMELTOOLS_DATA")
    if db is not None:
        path = Path(db).expanduser()
        if path.is_file():
            return path
        if data:
            named = Path(data).expanduser() / "data" / "morphology_db" / str(db) / "morphology.db"
            if named.is_file():
                return named
        raise MorphologyUnavailable(
            f"{db}: no such morphology database file"
            + (f" (nor a database named so under {data}/data/morphology_db)" if data else ""))
    if data:
        path = Path(data).expanduser() / "data" / "morphology_db" / DEFAULT_DB / "morphology.db"
        if path.is_file():
            return path
    return None


def _catalogue_path() -> Path:
    data = os.environ.get("CAMELTOOLS_DATA")
    base = Path(data).expanduser().absolute() if data else Path.home() / ".camel_tools"
    return base / "catalogue.json"


def _import_morphology():
    """Import camel_tools.morphology without letting it download a catalogue."""
    if "camel_tools.morphology.database" in sys.modules or _catalogue_path().is_file():
        from camel_tools.morphology.analyzer import Analyzer
        from camel_tools.morphology.database import MorphologyDB

        return MorphologyDB, Analyzer
    saved = os.environ.get("CAMELTOOLS_DATA")
    empty = Path(tempfile.mkdtemp(prefix="framing-camel-"))
    (empty / "catalogue.json").write_text(json.dumps({
        "version": "0", "packages": {},
        "components": {"MorphologyDB": {"default": None, "datasets": {}}},
    }), encoding="utf-8")
    os.environ["CAMELTOOLS_DATA"] = str(empty)
    try:
        from camel_tools.morphology.analyzer import Analyzer
        from camel_tools.morphology.database import MorphologyDB
    finally:
        if saved is None:
            os.environ.pop("CAMELTOOLS_DATA", None)
        else:
            os.environ["CAMELTOOLS_DATA"] = saved
    return MorphologyDB, Analyzer


def load_analyzer(db: str | Path | None = None, backoff: str = "NONE"):
    """A camel-tools Analyzer over the given (or found) database; None when no database is
    given and none is found."""
    path = find_database(db)
    if path is None:
        return None
    try:
        MorphologyDB, Analyzer = _import_morphology()
        return Analyzer(MorphologyDB(str(path), "a"), backoff)
    except MorphologyUnavailable:
        raise
    except Exception as exc:  # camel-tools raises several kinds on a bad file
        raise MorphologyUnavailable(f"{path}: cannot load as a camel-tools morphology database:"
                                    f" {exc}") from exc
