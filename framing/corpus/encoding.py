"""Bytes to text: BOMs, UTF-8 first, then charset-normalizer (cp1256, ISO-8859-6, UTF-16, ...).

The encoding used is returned with the text so that it is recorded per document
(``documents.csv``: ``encoding``). Binary files (images, PDFs, archives, executables) are recognised
before any decoding is attempted, so they are reported as binary rather than as "undecodable".
"""

from __future__ import annotations

import codecs

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx/odt are ZIP archives too)"),
    (b"\x1f\x8b", "a gzip archive without a .gz name"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "an SQLite database"),
)

# bytes that never occur in text: C0 controls other than \t \n \f \r and ESC
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
SAMPLE = 65536


class Undecodable(Exception):
    """Input that cannot be turned into text; the message is the ledger reason."""


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` announces, or None."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when ``data`` reads as Arabic or Latin text in UTF-16 without a BOM
    (Arabic in UTF-16 is full of 0x06 bytes, which would otherwise look like control bytes)."""
    head = data[:8192]
    head = head[: len(head) - len(head) % 2]
    if len(head) < 8:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        text = head.decode(name, errors="replace")
        ok = sum(1 for c in text if "\u0600" <= c <= "\u06ff" or " " <= c <= "~" or c in "\n\r\t\xa0")
        if ok >= 0.95 * len(text):
            return name
    return None


def binary_kind(data: bytes) -> str | None:
    """Why ``data`` (a file's first bytes) is binary, or None when it may be text."""
    for magic, what in MAGIC:
        if data.startswith(magic):
            return what
    if bom_encoding(data):
        return None
    head = data[:8192]
    if not head:
        return None
    if (b"\x00" in head or b"\x06" in head) and utf16_without_bom(head):
        return None
    if b"\x00" in head:
        # UTF-16/32 without a BOM has NULs in a regular pattern; charset-normalizer gets a chance
        # unless the NULs are scattered like in binary data.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if min(even, odd) > 1 + 0.01 * len(head) / 2:
            return "binary data (NUL bytes)"
    controls = sum(head.count(bytes([b])) for b in _CONTROL if b != 0)
    if controls > 0.1 * len(head):
        return "binary data (control bytes)"
    return None


def detect(sample: bytes, *, complete: bool) -> str:
    """The encoding of ``sample``; ``complete`` says whether it is the whole input (else a
    multi-byte character may be cut at its end). Raises Undecodable."""
    bom = bom_encoding(sample)
    if bom:
        return bom
    if b"\x00" in sample[:8192]:  # NULs are valid UTF-8 but no text file has them: UTF-16?
        utf16 = utf16_without_bom(sample)
        if utf16:
            return utf16
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(sample) - 3 and exc.reason.startswith("unexpected end"):
            return "utf-8"
    utf16 = utf16_without_bom(sample)
    if utf16:
        return utf16
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise Undecodable("undecodable: no text encoding fits these bytes (save the file as UTF-8)")
    return _canonical(best.encoding)


def decode(data: bytes, forced: str | None = None) -> tuple[str, str]:
    """Text and encoding name of a whole file's bytes. Raises Undecodable with a ledger reason."""
    if forced:
        try:
            return data.decode(forced), forced
        except LookupError:
            raise Undecodable(f"undecodable: unknown encoding '{forced}' in the config") from None
        except UnicodeDecodeError as exc:
            raise Undecodable(f"undecodable as {forced} (the configured encoding) at byte {exc.start}") from None
    kind = binary_kind(data)
    if kind:
        raise Undecodable(f"binary file: {kind}")
    enc = detect(data, complete=True)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise Undecodable(f"undecodable: not valid {enc} at byte {exc.start}") from None
    return text, enc


def decode_line(data: bytes) -> tuple[str, str]:
    """Text and encoding of one line or row of a multi-document file that is not valid in the
    encoding of the file: UTF-8, else what fits the line alone. Raises Undecodable."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if binary_kind(data):
        raise Undecodable("and holds binary data")
    try:
        name = detect(data, complete=True)
        return data.decode(name), name
    except (Undecodable, UnicodeDecodeError, LookupError):
        raise Undecodable("nor text in any other encoding") from None


def _canonical(name: str) -> str:
    name = name.lower().replace("_", "-")
    return {"utf-8": "utf-8", "iso8859-6": "iso-8859-6", "windows-1256": "cp1256"}.get(name, name)
