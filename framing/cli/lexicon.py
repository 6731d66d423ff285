"""`framing lexicon ...`: check, test, review and import lexicons.

A typer sub-app mounted on the main app by :func:`register`. Heavy modules are imported inside the
commands so that `framing --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

lexicon_app = typer.Typer(
    help="Check, try out, review and import lexicons (frame terms, contested names, distancing markers).",
    no_args_is_help=True,
)


@lexicon_app.command("check")
def check(
    files: Optional[List[str]] = typer.Argument(
        None, help="Lexicon YAML files or shipped ids (default: every shipped lexicon)."),
    base_dir: Path = typer.Option(Path("."), "--base-dir", help="Folder relative paths are read from."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> None:
    """Validate and lint lexicons (default: the shipped ones).

    Reports invalid keys, forms in two entries, forms that normalise to the same string,
    unreachable entries, overlapping multiword terms and failing example phrases."""
    from framing.lexicon.lint import check_files

    findings = check_files(files or None, base_dir=base_dir)
    for f in findings:
        typer.echo(str(f))
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    typer.echo(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    if errors or (strict and warnings):
        raise typer.Exit(1)


@lexicon_app.command("test")
def test(
    text: Optional[str] = typer.Argument(None, help="Arabic text to match (or use --file)."),
    lexicons: List[str] = typer.Option(
        ["conflict", "naming", "attribution"], "--lexicon", "-l",
        help="Lexicon ids or YAML files (repeat the option)."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the text from this UTF-8 file."),
    base_dir: Path = typer.Option(Path("."), "--base-dir", help="Folder relative paths are read from."),
    no_ta_marbuta: bool = typer.Option(False, "--no-ta-marbuta", help="Do not fold ة into ه."),
) -> None:
    """Show what matches in a text: entry, rule, offsets, and what exclusions removed."""
    from framing.arabic import Normaliser, tokenize
    from framing.lexicon import LexiconError, Matcher, load_lexicons

    if file is not None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            typer.echo(f"{file}: cannot read as UTF-8 text: {exc}", err=True)
            raise typer.Exit(2) from exc
    if not text:
        typer.echo("give a text to match, or --file PATH", err=True)
        raise typer.Exit(2)
    try:
        lexs = load_lexicons(lexicons, base_dir=base_dir)
    except LexiconError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    normaliser = Normaliser(ta_marbuta=not no_ta_marbuta)
    matcher = Matcher(lexs, normaliser)
    matches, excluded = matcher.explain(tokenize(text, normaliser), text)
    if not matches:
        typer.echo("no matches")
    for m in matches:
        typer.echo(f"{m.start:>6}-{m.end:<6} {m.surface}\t{m.lexicon}.{m.category}.{m.entry}\t{m.rule}")
    for e in excluded:
        m = e.match
        why = (f"{e.level} rule {e.rule.label!r} ({e.phrase})" if e.rule is not None
               else f"{e.level} phrase {e.phrase!r}")
        typer.echo(f"{m.start:>6}-{m.end:<6} {m.surface}\t{m.lexicon}.{m.category}.{m.entry}\t"
                   f"EXCLUDED by {why}")
    typer.echo(f"{len(matches)} match{'es' if len(matches) != 1 else ''}, {len(excluded)} excluded")


@lexicon_app.command("review")
def review(
    config: Path = typer.Argument(..., help="The study config (YAML) whose corpus and lexicons to review."),
    entry: Optional[List[str]] = typer.Option(
        None, "--entry", "-e",
        help="Only this entry (id, category.id or lexicon.category.id; repeat the option)."),
    top: int = typer.Option(10, "--top", "-n", min=1, help="Contexts shown per side and entry."),
    excluded: bool = typer.Option(
        False, "--excluded", help="Also review the hits that exclusions and not_when rules removed."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Also write the table to this CSV file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No table on the terminal (with --csv)."),
) -> None:
    """Each entry's most frequent contexts in the study's corpus: the words right before and after
    its hits, with counts, shares and an example, to spot proper names and other senses."""
    from framing.config import ConfigError, load_config
    from framing.lexicon import LexiconError
    from framing.lexicon.review import collect, print_review, review_frame
    from framing.pipeline import study_matcher_and_documents

    try:
        cfg = load_config(config)
        matcher, docs = study_matcher_and_documents(cfg, quiet=quiet)
    except (ConfigError, LexiconError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    known = {x for lx in matcher.lexicons for c in lx.categories for e in c.entries
             for x in (e.id, f"{c.id}.{e.id}", f"{lx.id}.{c.id}.{e.id}")}
    unknown = [e for e in entry or [] if e not in known]
    if unknown:
        typer.echo(f"no entry {', '.join(map(repr, unknown))} in the study's lexicons"
                   f" ({', '.join(lx.id for lx in matcher.lexicons)})", err=True)
        raise typer.Exit(2)
    contexts = collect(((d.doc_id, d.text) for d in docs), matcher,
                       entries=set(entry) if entry else None, excluded=excluded)
    frame = review_frame(contexts, top=top)
    if not quiet:
        print_review(frame)
    if csv is not None:
        frame.to_csv(csv, index=False)
        typer.echo(f"wrote {csv}: {len(frame)} rows, {frame.groupby(['lexicon', 'category', 'entry']).ngroups}"
                   f" entries, {len(docs)} documents")


@lexicon_app.command("import")
def import_(
    source: Path = typer.Argument(..., help="A LIWC .dic file or a quanteda-style YAML dictionary."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the framing lexicon YAML."),
    fmt: str = typer.Option("auto", "--format", help="liwc, quanteda, or auto (from the suffix)."),
    lexicon_id: Optional[str] = typer.Option(None, "--id", help="Lexicon id (default: from the file name)."),
    kind: str = typer.Option("frames", "--kind", help="frames, naming or markers."),
    language: str = typer.Option("ar", "--language"),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Convert a LIWC or quanteda dictionary into a framing lexicon (entries without examples)."""
    from framing.lexicon.importers import ImportProblem, import_dictionary
    from framing.lexicon.loader import LexiconError

    if out.exists() and not force:
        typer.echo(f"{out} exists; use --force to overwrite it", err=True)
        raise typer.Exit(2)
    try:
        result = import_dictionary(source, fmt=fmt, lexicon_id=lexicon_id, kind=kind, language=language)
    except (ImportProblem, LexiconError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    out.write_text(result.yaml_text(), encoding="utf-8")
    n_cat = len(result.data["categories"])
    n_ent = sum(len(c["entries"]) for c in result.data["categories"])
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"wrote {out}: {n_cat} categories, {n_ent} entries; add example phrases, then run"
               f" `framing lexicon check {out}`")


def register(app: typer.Typer) -> None:
    """Mount ``lexicon_app`` on ``app`` as `framing lexicon`."""
    app.add_typer(lexicon_app, name="lexicon", help="Check, test and import lexicons.")
