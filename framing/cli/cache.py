"""`framing cache info` and `framing cache prune`: what the cache folder holds, and removing what
no run will read again (the logic is :mod:`framing.cachedir`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from framing.cli.common import fail

ConfigArg = typer.Argument(None, help="study config (YAML): its cache folder, and the entries its next run reads",
                           show_default=False)
DirOpt = typer.Option(None, "--dir", "-d", help="the cache folder (default: the config's, beside its output folder)")


def _root_and_wanted(config: Optional[Path], folder: Optional[Path]) -> tuple[Path, dict | None]:
    """The cache folder and, with a config, the keys of the entries its next run reads."""
    if config is None and folder is None:
        fail("give a study config (its cache is the one beside its output folder) or --dir CACHE_FOLDER")
    wanted = None
    root = folder
    if config is not None:
        from framing.analyse.store import tokens_key
        from framing.arabic import Normaliser
        from framing.cache import cache_dir, corpus_key
        from framing.config import ConfigError, load_config

        try:
            cfg = load_config(config)
        except ConfigError as exc:
            fail(str(exc))
        norm = Normaliser(ta_marbuta=cfg.normalise.ta_marbuta, alef_maqsura=cfg.normalise.alef_maqsura)
        wanted = {"corpus": corpus_key(cfg, norm.version), "tokens": tokens_key(norm.version)}
        root = folder if folder is not None else cache_dir(cfg)
    if not root.is_dir():
        fail(f"there is no cache folder at {root}")
    return root, wanted


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _days(d: float | None) -> str:
    return "-" if d is None else (f"{d * 24:.1f} h" if d < 1 else f"{d:.1f} d")


def _table(title: str, rows: dict) -> None:
    typer.echo(f"{title:<26} {'entries':>8} {'size':>12} {'last used: newest':>18} {'oldest':>8}")
    for name, r in rows.items():
        typer.echo(f"  {name:<24} {r['entries']:>8} {_mb(r['bytes']):>12} {_days(r['newest_days']):>18} "
                   f"{_days(r['oldest_days']):>8}")


def info_command(
    config: Optional[Path] = ConfigArg,
    folder: Optional[Path] = DirOpt,
    as_json: bool = typer.Option(False, "--json", help="the figures as JSON (bytes; ages in days)"),
) -> None:
    """What the cache holds: size by kind of entry, when each kind was last used, and which entries
    the current code (and, given a config, that study's next run) would still read."""
    from framing import cachedir

    root, wanted = _root_and_wanted(config, folder)
    entries = cachedir.classify(cachedir.scan(root), wanted)
    s = cachedir.summary(entries)
    if as_json:
        import json

        typer.echo(json.dumps({"path": str(root), **s}, indent=2))
        return
    typer.echo(f"cache {root}: {s['entries']} files, {_mb(s['bytes'])}")
    _table("by kind", s["by_kind"])
    _table("by state", s["by_state"])
    removable = sum(r["bytes"] for k, r in s["by_state"].items() if k in cachedir.REMOVABLE)
    typer.echo(f"`framing cache prune` would free {_mb(removable)} (entries no run of this version reads)")


def prune_command(
    config: Optional[Path] = ConfigArg,
    folder: Optional[Path] = DirOpt,
    older_than: Optional[float] = typer.Option(None, "--older-than", min=0,
                                               help="also remove entries not used for this many days"),
    keep: Optional[int] = typer.Option(None, "--keep", min=0,
                                       help="also keep only the N most recently used entries of each kind"),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="list what would be removed; remove nothing"),
) -> None:
    """Remove the cache entries no run of the current code reads (made by older code, token shards
    no index names, earlier layouts, interrupted writes); with --older-than or --keep, also old or
    surplus ones. The entries a given config's next run reads are always kept."""
    from framing import cachedir

    root, wanted = _root_and_wanted(config, folder)
    lock = None
    if not dry_run:
        from framing.publish import CacheLock

        lock = CacheLock(root)
        if not lock.alone():
            lock.close()
            fail(f"a run is using the cache {root}; prune it when the run has finished")
    try:
        entries = cachedir.classify(cachedir.scan(root), wanted)
        chosen = cachedir.plan_prune(entries, older_than_days=older_than, keep=keep,
                                     protect_in_use=wanted is not None)
        for e in chosen:
            typer.echo(f"{'would remove' if dry_run else 'remove'} {e.path.relative_to(root)} "
                       f"({e.state}, {_mb(e.size)})")
        total = sum(e.size for e in chosen)
        if dry_run:
            typer.echo(f"{len(chosen)} files, {_mb(total)} would be freed (dry run: nothing removed)")
        else:
            freed = cachedir.remove(root, chosen)
            typer.echo(f"{len(chosen)} files removed, {_mb(freed)} freed")
    finally:
        if lock is not None:
            lock.close()


def register(app: typer.Typer) -> None:
    """Add the `cache` group (`cache info`, `cache prune`) to ``app``."""
    group = typer.Typer(help="What the cache folder holds, and pruning what no run reads again.",
                        no_args_is_help=True)
    group.command("info")(info_command)
    group.command("prune")(prune_command)
    app.add_typer(group, name="cache")
