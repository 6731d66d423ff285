"""Main text of an HTML page, through trafilatura (the only module that imports it, lazily).

Navigation, footers, related-article boxes and comments are left out by trafilatura's
boilerplate detection; what it keeps still goes through the furniture rules of ``clean``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass


@dataclass
class Page:
    text: str
    title: str
    date: str | None
    url: str | None


def extract(html: str) -> Page | None:
    """The page's main text with its title, date and canonical URL, or None when the page has no
    main text (no body, or nothing but boilerplate)."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, favor_recall=True,
        )
    except Exception:  # noqa: BLE001 - trafilatura raises assorted lxml errors on broken markup
        return None
    if doc is None:
        return None
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    text = (get("text") or "").strip()
    if not text:
        return None
    title = (get("title") or "").strip()
    lines = text.split("\n")
    if title and lines and lines[0].strip() == title:  # the <h1> repeats the <title>
        text = "\n".join(lines[1:]).strip()
    date = get("date")
    return Page(text=text, title=title, date=str(date)[:10] if date else None, url=get("url") or None)
