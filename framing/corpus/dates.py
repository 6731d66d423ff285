"""Dates as scraped (ISO, with a time, day-first with slashes, Arabic-Indic digits, Arabic or
English month names) to ISO 8601 ``YYYY-MM-DD``; anything else is left out with a warning."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
MONTHS = {
    # Arabic (Egyptian/Gulf and Levantine names), English
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|\s)")
_NAMED = re.compile(r"(\d{1,2})\s*(?:/\s*)?([^\d\s,/]+(?:\s+(?:الأول|الثاني))?)\s*,?\s*(?:/\s*[^\d\s,/]+\s*)?(\d{4})")
_NAMED_MDY = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


@lru_cache(maxsize=4096)  # a corpus repeats its dates: one per day, or a few formats of it
def normalise_date(value: str | None) -> tuple[str | None, str]:
    """(ISO date or None, warning or "")."""
    if not value:
        return None, ""
    v = value.strip().translate(_DIGITS)
    for rx, order in ((_ISO, "ymd"), (_DMY, "dmy")):
        m = rx.match(v)
        if m:
            parts = dict(zip(order, map(int, m.groups())))
            return _make(parts["y"], parts["m"], parts["d"], value)
    m = _NAMED.search(v)
    if m and m.group(2).lower() in MONTHS:
        return _make(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)), value)
    m = _NAMED_MDY.search(v)
    if m and m.group(1).lower() in MONTHS:
        return _make(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)), value)
    return None, f"date '{value}' not understood: left empty (write it as YYYY-MM-DD)"


def _make(y: int, m: int, d: int, raw: str) -> tuple[str | None, str]:
    try:
        return date(y, m, d).isoformat(), ""
    except ValueError:
        return None, f"date '{raw}' is not a calendar date: left empty"
