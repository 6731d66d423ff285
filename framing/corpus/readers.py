"""Readers: every file, or row/line of a multi-document file, becomes exactly one raw document.

Formats: .txt (and any unknown suffix, after a binary check), .html/.htm, .jsonl/.ndjson, .json
(an array of objects), .csv, .tsv, each optionally gzip-compressed (.gz). JSONL and CSV are read
as streams, one line or row at a time, so a 100k-row file is never held in memory whole. Asked
for chunks (``read_spec(..., chunk=...)``), a UTF-8 or single-byte JSONL file comes out as
``Lines``: its raw lines, a few hundred at a time, parsed into documents by ``Lines.raws()``
wherever that is called (in the corpus stage: in the worker processes). Parsed here or there, a
line gives the same document.

Nothing here raises for bad input: an unreadable file or row becomes a ``Raw`` whose document is
already skipped with the reason (``doc.skip``), so that the ledger accounts for it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from framing.corpus.options import FieldMap
from framing.corpus.sources import SourceSpec
from framing.corpus import encoding as enc
from framing.corpus.dates import normalise_date
from framing.records import Document

AUTO = "auto"
FROM_FIELD = "field"
FIXED = "fixed"

SUFFIX_FORMATS = {
    ".txt": "txt", ".text": "txt", ".md": "txt",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv",
}
MULTI = ("jsonl", "json", "csv", "tsv")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Raw:
    """A document as read, before cleaning, with what the later steps need to know about it."""

    doc: Document
    id_hint: str  # stable id from the input (id field, or file stem [+ line/row number])
    mode: str  # FIXED, AUTO or FROM_FIELD: where the outlet comes from
    outlet_value: str = ""  # the row's outlet field (FROM_FIELD) or the fixed id
    single: bool = True  # one document per file (its first line may be the headline)


@dataclass
class RowSource:
    """What the documents of one multi-document file share (small, so that it travels with
    every chunk of its lines)."""

    shown: str  # the path as shown in sources
    stem: str  # file name without suffixes: fallback ids are "<stem>-<n>"
    mode: str
    fmt: str
    encoding: str
    fields: FieldMap
    outlet: str | None  # SourceSpec.outlet
    max_chars: int = 64 * 1024 * 1024  # a longer document text is skipped (corpus.max_document_mb)


@dataclass
class Lines:
    """Consecutive lines of a JSONL file as read (bytes, line ends kept), not yet parsed; line
    ``first`` is ``lines[0]``. ``raws()`` makes one ``Raw`` of every non-blank line, exactly as
    reading the file line by line does."""

    source: RowSource
    first: int
    lines: list[bytes]
    size: int  # bytes

    def raws(self) -> Iterator[Raw]:
        """One Raw document per non-blank line, parsed exactly as reading the file line by line
        would."""
        src = self.source
        utf8 = src.encoding in _UTF8
        for n, line in enumerate(self.lines, self.first):
            if line.strip():
                yield _row_doc(src, *_jsonl_row(n, line, src.encoding, utf8))


def file_format(path: Path, declared: str) -> tuple[str, bool]:
    """(format, gzipped) of a file: the declared format, else from its suffixes."""
    gz = path.suffix.lower() == ".gz"
    if declared != "auto":
        return declared, gz
    suffix = Path(path.stem).suffix.lower() if gz else path.suffix.lower()
    return SUFFIX_FORMATS.get(suffix, "txt"), gz


def read_spec(spec: SourceSpec, max_document_mb: float = 64,
              chunk: tuple[int, int] | None = None) -> Iterator[Raw | Lines]:
    """A ``Raw`` for every document of the source's files, in order. With ``chunk`` = (bytes,
    lines), the lines of UTF-8 and single-byte JSONL files come out unparsed instead, as ``Lines``
    of up to that many bytes and lines."""
    mode = AUTO if spec.outlet == AUTO else (FROM_FIELD if spec.outlet is None else FIXED)
    again = dict(spec.again)
    for path in spec.paths:
        fmt, gz = file_format(path, spec.format)
        shown = spec.display(path)
        if path in again:
            yield _skipped(spec, shown, path.stem, mode,
                           f"the same file as {spec.display(again[path])} (a link to it, or named twice): read once")
            continue
        try:
            if fmt in MULTI:
                yield from _read_multi(spec, path, shown, fmt, gz, mode, chunk, max_document_mb)
            else:
                yield _read_single(spec, path, shown, fmt, gz, mode, max_document_mb)
        except (OSError, EOFError, zlib.error) as exc:  # unreadable file (permissions, vanished, I/O error, bad gzip)
            yield _skipped(spec, shown, path.stem, mode, _unreadable(exc))


def _unreadable(exc: BaseException) -> str:
    if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
        return f"unreadable file: a damaged or truncated gzip stream ({exc})"
    return f"unreadable file: {getattr(exc, 'strerror', None) or exc}"


# ---- single-document files ----------------------------------------------------------------

def _read_single(spec, path: Path, shown: str, fmt: str, gz: bool, mode: str, max_mb: float) -> Raw:
    stem = Path(path.stem).stem if gz else path.stem
    size = path.stat().st_size
    if size == 0:
        return _skipped(spec, shown, stem, mode, "empty file")
    if size > max_mb * 1024 * 1024:
        return _skipped(
            spec, shown, stem, mode,
            f"file too large: {size / 1024 / 1024:.0f} MB for one document (limit corpus.max_document_mb = {max_mb:g}); "
            "split it into one file per article or convert it to JSONL",
        )
    data = _read_bytes(path, gz)
    try:
        text, encoding = enc.decode(data, spec.encoding)
    except enc.Undecodable as exc:
        return _skipped(spec, shown, stem, mode, str(exc))
    raw = Raw(Document(doc_id=stem, outlet=_outlet0(spec, mode), source=shown, text=text, encoding=encoding,
                       date=date_from_path(shown)), stem, mode, spec.outlet or "", True)
    if fmt == "html":
        from framing.corpus.html import extract

        page = extract(text)
        if page is None:
            raw.doc.text = ""
            raw.doc.skip("html without body: no main text found in the page")
        else:
            raw.doc.text, raw.doc.title, raw.doc.url = page.text, page.title, page.url
            raw.doc.date = page.date or raw.doc.date
    return raw


_PATH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_./](\d\d)[-_./](\d\d)(?!\d)")


def date_from_path(shown: str) -> str | None:
    """A date written in a file's name or folders (2024-03-02_x.txt, 2024/03/02/x.txt), ISO."""
    m = _PATH_DATE.search(shown)
    if not m:
        return None
    iso, _ = normalise_date("-".join(m.groups()))
    return iso


def _read_bytes(path: Path, gz: bool) -> bytes:
    if gz:
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


# ---- multi-document files -----------------------------------------------------------------

def _open_binary(path: Path, gz: bool):
    return gzip.open(path, "rb") if gz else path.open("rb")


def _read_multi(spec, path: Path, shown: str, fmt: str, gz: bool, mode: str,
                chunk: tuple[int, int] | None = None, max_mb: float = 64) -> Iterator[Raw | Lines]:
    stem = Path(path.stem).stem if gz else path.stem
    with _open_binary(path, gz) as fh:
        try:
            # read() then seek back: peek() returns only what is buffered (a few KB), which would
            # cut the sample mid-character and look like a complete, undecodable file
            sample = fh.read(enc.SAMPLE)
            fh.seek(0)
        except (OSError, EOFError, zlib.error) as exc:
            yield _skipped(spec, shown, stem, mode, _unreadable(exc))
            return
        if not sample:
            yield _skipped(spec, shown, stem, mode, "empty file")
            return
        kind = None if spec.encoding else enc.binary_kind(sample)
        if kind:
            yield _skipped(spec, shown, stem, mode, f"binary file: {kind}")
            return
        try:
            encoding = spec.encoding or _detect_multi(sample, fmt)
            "".encode(encoding)
        except (enc.Undecodable, LookupError) as exc:
            msg = str(exc) if isinstance(exc, enc.Undecodable) else f"undecodable: unknown encoding '{spec.encoding}'"
            yield _skipped(spec, shown, stem, mode, msg)
            return
        src = RowSource(shown, stem, mode, fmt, encoding, spec.fields, spec.outlet, int(max_mb * 1024 * 1024))
        found = False  # a document or ledger row came out of the file
        try:
            if chunk and fmt == "jsonl" and (encoding in _UTF8 or _single_byte(encoding)):
                for lines in _jsonl_chunks(fh, src, *chunk):
                    found = found or any(line.strip() for line in lines.lines)
                    yield lines
            else:
                reader = {"jsonl": _jsonl_rows, "json": _json_rows, "csv": _csv_rows, "tsv": _csv_rows}[fmt]
                for n, row, problem in reader(fh, encoding, fmt):
                    found = True
                    yield _row_doc(src, n, row, problem)
        except (OSError, EOFError, zlib.error) as exc:
            # a truncated gzip stream: what was read is accounted for; the rest cannot be counted
            found = True
            yield _skipped(spec, f"{shown}#{_unit(fmt)}=end", f"{stem}-truncated", mode,
                           f"unreadable file: the stream breaks off ({exc}); the rows after this point are lost")
        except UnicodeError as exc:  # a UTF-16/32 stream cut in the middle of a character
            found = True
            yield _skipped(spec, f"{shown}#{_unit(fmt)}=end", f"{stem}-undecodable", mode,
                           f"undecodable: the file stops being valid {encoding} ({exc.reason}); the rows after "
                           "this point are lost")
        if not found:
            what = "a header and no rows" if fmt in ("csv", "tsv") else f"no {'objects' if fmt == 'json' else 'lines'} with content"
            yield _skipped(spec, shown, stem, mode, f"empty file: {what}")


def _detect_multi(sample: bytes, fmt: str) -> str:
    """The encoding of a multi-document file from its first bytes. Where none fits them all (lines
    saved in different encodings), UTF-8: each line that is not UTF-8 is then decoded on its own."""
    try:
        return enc.detect(sample, complete=len(sample) < enc.SAMPLE)
    except enc.Undecodable:
        if fmt in ("jsonl", "csv", "tsv") and not enc.utf16_without_bom(sample):
            return "utf-8"
        raise


def _unit(fmt: str) -> str:
    return "line" if fmt == "jsonl" else "row"


_UTF8 = ("utf-8", "utf-8-sig", "ascii")


def _jsonl_rows(fh, encoding: str, fmt: str):
    """(line number, object or None, problem) for every non-blank line."""
    utf8 = encoding in _UTF8
    lines = fh if (utf8 or _single_byte(encoding)) else io.TextIOWrapper(fh, encoding=encoding, errors="surrogateescape")
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield _jsonl_row(n, line, encoding, utf8)


def _jsonl_chunks(fh, src: RowSource, max_bytes: int, max_lines: int) -> Iterator[Lines]:
    """The lines of a binary JSONL stream in ``Lines`` chunks. Where the stream breaks off, the
    lines read whole before the break come out first, then the error is raised again."""
    lines: list[bytes] = []
    size, first = 0, 1
    try:
        for line in fh:
            lines.append(line)
            size += len(line)
            if size >= max_bytes or len(lines) >= max_lines:
                yield Lines(src, first, lines, size)
                first += len(lines)
                lines, size = [], 0
    except (OSError, EOFError):
        if lines:
            yield Lines(src, first, lines, size)
        raise
    if lines:
        yield Lines(src, first, lines, size)


def _jsonl_row(n: int, line: bytes | str, encoding: str, utf8: bool) -> tuple[int, dict | None, str]:
    """(n, object or None, problem) of line ``n`` of a JSONL file (not blank): bytes as read from a
    UTF-8 or single-byte file, or text decoded from another encoding. A line that is not valid in
    the file's encoding is decoded on its own (a file whose lines were saved in different
    encodings); the encoding used is then recorded with the document."""
    used = None
    try:
        if not utf8 and isinstance(line, bytes):
            used = _utf8_line(line)
            line = line.decode(used or encoding)
        elif n == 1 and isinstance(line, bytes) and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        obj = json.loads(line)
    except UnicodeDecodeError as exc:
        try:
            text, used = enc.decode_line(line)
            obj = json.loads(text)
        except enc.Undecodable as why:
            return n, None, f"undecodable: line {n} is not valid {encoding} (byte {exc.start}), {why}"
        except ValueError as exc2:
            return n, None, f"parse error at line {n}: {exc2.args[0] if exc2.args else exc2}"
    except ValueError as exc:
        return n, None, f"parse error at line {n}: {exc.args[0] if exc.args else exc}"
    if not isinstance(obj, dict):
        return n, None, f"parse error at line {n}: a JSON {type(obj).__name__}, not an object with fields"
    # a surrogate can only come from a \u escape or from bytes ED A0-BF decoded with
    # surrogatepass (json.loads on bytes): without either, the row's text need not be searched
    if used:
        obj[_ENCODING] = used
    elif utf8 and b"\\u" not in line and b"\xed" not in line:
        obj[_NO_SURROGATES] = True
    return n, obj, ""


def _utf8_line(line: bytes) -> str | None:
    """"utf-8" for a line of a single-byte file that is UTF-8 text with non-ASCII characters (a
    line saved in another encoding than the file's first lines), else None."""
    if line.isascii():
        return None
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _single_byte(encoding: str) -> bool:
    try:
        return len("\n".encode(encoding)) == 1 and encoding not in ("utf-7",)
    except LookupError:
        return False


def _json_rows(fh, encoding: str, fmt: str):
    """A .json file: an array of objects, or an object holding one (held in memory: use JSONL for
    large corpora)."""
    data = fh.read()
    try:
        obj = json.loads(data.decode(encoding))
    except (UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"parse error at line {line}" if line else "parse error"
        yield 1, None, f"{where}: {exc.args[0] if exc.args else exc} (the whole file could not be read)"
        return
    if isinstance(obj, dict):
        lists = [v for v in obj.values() if isinstance(v, list)]
        obj = lists[0] if len(lists) == 1 else [obj]
    if not isinstance(obj, list):
        yield 1, None, "parse error: the JSON file holds neither an object nor a list of objects"
        return
    for n, item in enumerate(obj, 1):
        if isinstance(item, dict):
            yield n, item, ""
        else:
            yield n, None, f"parse error at item {n}: a JSON {type(item).__name__}, not an object with fields"


def _csv_rows(fh, encoding: str, fmt: str):
    text = io.TextIOWrapper(fh, encoding=encoding, errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter="\t" if fmt == "tsv" else ",")
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield 1, None, f"parse error at row 0 (the header): {exc}"
        return
    header = [h.lstrip("\ufeff").strip() for h in header]
    n = 0
    while True:
        n += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield n, None, f"parse error at row {n} (file line {reader.line_num}): {exc}"
            continue
        if not any(v.strip() for v in values):
            n -= 1
            continue
        if len(values) > len(header):
            yield n, None, f"parse error at row {n} (file line {reader.line_num}): {len(values)} values for {len(header)} columns"
            continue
        row = dict(zip(header, values))
        row["\0columns"] = header
        yield n, row, ""


def _row_doc(src: RowSource, n: int, row: dict | None, problem: str) -> Raw:
    """The raw document of row or line ``n`` of a multi-document file (skipped with ``problem``
    when it could not be read)."""
    mode, fmt, encoding = src.mode, src.fmt, src.encoding
    unit = _unit(fmt)
    source = f"{src.shown}#{unit}={n}"
    fallback_id = f"{src.stem}-{n}"
    doc = Document(doc_id=fallback_id, outlet=src.outlet if mode == FIXED else "", source=source, text="",
                   encoding=encoding)
    raw = Raw(doc, fallback_id, mode, src.outlet or "", False)
    if problem:
        doc.skip(problem)
        return raw
    f = src.fields
    columns = row.pop("\0columns", None)
    plain = row.pop(_NO_SURROGATES, False)
    doc.encoding = row.pop(_ENCODING, encoding)
    if not plain and any(isinstance(v, str) and _SURROGATE.search(v) for v in row.values()):
        # CSV rows are decoded with surrogateescape: a row in another encoding than the file's
        redecoded = _redecode(row, encoding)
        if redecoded is None:
            doc.skip(f"undecodable: {unit} {n} is not valid {encoding}, nor text in any other encoding")
            return raw
        row, doc.encoding = redecoded
        plain = True
    if f.id and _value(row.get(f.id)):
        raw.id_hint = _value(row.get(f.id))
    text = row.get(f.text)
    if f.text not in row:
        have = ", ".join(columns if columns is not None else list(row)[:12])
        what = "column" if fmt in ("csv", "tsv") else "field"
        doc.skip(f"missing {what} '{f.text}' (has: {have}); map the text with fields.text")
        return raw
    if isinstance(text, (dict, list)):
        doc.skip(f"field '{f.text}' holds a JSON {type(text).__name__}, not text")
        return raw
    doc.text = _value(text, strip=False)
    if len(doc.text) > src.max_chars:
        mb = len(doc.text) / 1024 / 1024
        doc.text = ""
        doc.skip(f"document too large: {mb:.0f} MB of text in this {unit} (limit corpus.max_document_mb = "
                 f"{src.max_chars / 1024 / 1024:g}); split it into several documents")
        return raw
    doc.title = _value(row.get(f.title)) if f.title else ""
    if f.date:
        doc.date, problem = normalise_date(_value(row.get(f.date)))
        if problem:
            doc.warnings.append(problem)
    doc.url = _value(row.get(f.url)) or None if f.url else None
    if f.outlet_name:
        doc.outlet_name = _value(row.get(f.outlet_name))
    if mode == FROM_FIELD:
        raw.outlet_value = _value(row.get(f.outlet)) if f.outlet else ""
        if not raw.outlet_value and f.outlet and f.outlet_name:
            raw.outlet_value = _value(row.get(f.outlet_name))
        if not raw.outlet_value:
            doc.skip(f"missing outlet: no '{f.outlet}' value in this {unit} (map it with fields.outlet, or give the source an outlet)")
    return raw


_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_SURROGATES = "\0no surrogates"  # marks a row whose values cannot hold a surrogate
_ENCODING = "\0encoding"  # a row decoded on its own: its encoding


def _redecode(row: dict, encoding: str) -> tuple[dict, str] | None:
    """The row's values decoded again from their bytes, all in the encoding that fits them (or
    None): a CSV row saved in another encoding than the file's first rows."""
    try:
        data = {k: v.encode(encoding, "surrogateescape") for k, v in row.items() if isinstance(v, str)}
        text, used = enc.decode_line(b"\n".join(data.values()))
        return {**row, **{k: b.decode(used) for k, b in data.items()}}, used
    except (UnicodeError, LookupError, enc.Undecodable):
        return None


def _value(v, strip: bool = True) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return ""
    s = v if isinstance(v, str) else str(v)
    return s.strip() if strip else s


def _outlet0(spec: SourceSpec, mode: str) -> str:
    return spec.outlet if mode == FIXED else ""


def _skipped(spec, source: str, stem: str, mode: str, reason: str) -> Raw:
    doc = Document(doc_id=stem, outlet=_outlet0(spec, mode), source=source, text="")
    doc.skip(reason)
    return Raw(doc, stem, mode, spec.outlet or "", True)
