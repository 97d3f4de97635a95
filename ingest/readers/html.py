"""HTML pages saved from a municipality's website: the main text only.

BeautifulSoup with the standard library's ``html.parser`` (no C build). The page's
furniture is removed first: navigation, header, footer, aside, scripts, styles, forms,
cookie/consent banners, skip links and hidden elements. The main text is then taken
from ``<main>`` (or ``role="main"``), else the longest ``<article>``, else ``<body>``.
Block elements (paragraphs, list items, headings, table rows) become paragraphs of
their own (a list item keeps its mark, "• " or "2. ", so that segmentation sees a list); ``<h1>``-``<h6>`` texts also go to ``RawDocument.headings``. The page's
``<title>``, author and publication date are weak metadata.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.model import Page, RawDocument
from ingest.readers.pdf import pdf_date
from ingest.readers.text import normalise

# Elements that are never main text.
DROP_TAGS = (
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "button",
    "iframe", "svg", "template", "select", "input", "textarea", "dialog", "menu",
)
# ARIA roles of page furniture.
DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"})
# id/class words of page furniture (cookie banners, breadcrumbs, share buttons...).
DROP_MARKERS = re.compile(
    r"(?:^|[-_\s])(cookie|cookies|consent|gdpr|breadcrumbs?|skip-?link|share|social|sidebar|"
    r"site-?header|site-?footer|navbar|menu)(?:$|[-_\s])",
    re.IGNORECASE,
)
# Elements whose text forms a paragraph of its own.
BLOCK_TAGS = frozenset({
    "p", "li", "dt", "dd", "blockquote", "pre", "address", "figcaption", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "main", "td", "th", "tr",
    "table", "ul", "ol", "dl", "figure", "body", "br", "hr",
})
# Containers never dropped by the id/class rule (a body class may mention cookies).
KEEP_TAGS = frozenset({"html", "body", "main", "article"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# <meta> names that give weak metadata.
META_AUTHOR = ("author", "dc.creator", "dcterms.creator")
META_DATE = ("dcterms.created", "dc.date", "dcterms.issued", "article:published_time", "date", "pubdate")
META_TITLE = ("og:title", "dc.title", "dcterms.title")


def read_html(path: Path, data: bytes, ocr: bool = False) -> RawDocument:
    """The page's main text as one Page, its headings and its weak metadata."""
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "html.parser")
    except Exception as exc:
        raise IngestError(f"unreadable HTML: {exc}", str(path)) from None
    props = html_properties(soup)
    remove_furniture(soup)
    root = main_element(soup)
    paragraphs, headings = html_blocks(root)
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise IngestError("contains no text (the HTML page has no main text)", str(path))
    encoding = getattr(soup, "original_encoding", None) or "utf-8"
    return RawDocument(pages=[Page(1, text)], properties=props, headings=headings, encoding=encoding)


def remove_furniture(soup) -> None:
    """Drop navigation, banners, scripts and hidden elements in place."""
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if getattr(tag, "decomposed", False) or tag.name in KEEP_TAGS:
            continue
        attrs = tag.attrs or {}
        role = str(attrs.get("role", "")).lower()
        marker = " ".join([str(attrs.get("id", "")), *_classes(attrs)])
        hidden = "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
        if role in DROP_ROLES or hidden or (marker.strip() and DROP_MARKERS.search(marker)):
            tag.decompose()


def main_element(soup):
    """<main> or role=main, else the longest <article>, else <body>, else the whole page."""
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        return main
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text(" ", strip=True)))
    return soup.body or soup


def html_blocks(root) -> tuple[list[str], list[str]]:
    """Paragraph texts in document order, and the heading texts among them."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    skipped = (Comment, Declaration, Doctype, ProcessingInstruction)
    paragraphs: list[str] = []
    headings: list[str] = []
    current: list[str] = []

    def flush(is_heading: bool = False) -> None:
        text = " ".join(normalise("".join(current)).split())
        current.clear()
        if text:
            paragraphs.append(text)
            if is_heading:
                headings.append(text)

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, skipped):
                    current.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in HEADING_TAGS:
                flush()
                current.append(child.get_text(" "))
                flush(is_heading=True)
            elif name == "li":
                flush()
                current.append(_list_marker(child))  # a list item keeps its mark: "• " or "2. "
                walk(child)
                flush()
            elif name == "tr":
                flush()
                cells = [" ".join(c.get_text(" ").split()) for c in child.find_all(["td", "th"])]
                current.append(" | ".join(cells))
                flush()
            elif name in BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return paragraphs, headings


def _list_marker(li) -> str:
    """"• " for an item of a bullet list, "N. " for the N-th item of a numbered one."""
    parent = li.parent
    if parent is not None and getattr(parent, "name", "") == "ol":
        items = [c for c in parent.find_all("li", recursive=False)]
        try:
            start = int(parent.get("start", 1))
        except (TypeError, ValueError):
            start = 1
        return f"{start + items.index(li)}. "
    return "• "


def html_properties(soup) -> dict[str, Any]:
    """<title>/og:title, author and publication date from <meta>: weak evidence."""
    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key and value and key not in metas:
            metas[key] = value
    props: dict[str, Any] = {}
    title = next((metas[k] for k in META_TITLE if k in metas), None)
    if not title and soup.title and soup.title.string:
        title = soup.title.string
    if title and title.strip():
        props["title"] = " ".join(normalise(title).split())
    author = next((metas[k] for k in META_AUTHOR if k in metas), None)
    if author:
        props["author"] = " ".join(normalise(author).split())
    for key in META_DATE:
        created = _iso_date(metas.get(key))
        if created:
            props["created"] = created
            break
    if "created" not in props:
        time_tag = soup.find("time", attrs={"datetime": True})
        created = _iso_date(time_tag.get("datetime") if time_tag else None)
        if created:
            props["created"] = created
    return props


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    match = _ISO.search(value)
    if match:
        return pdf_date("".join(match.groups()))
    return None


def _classes(attrs: dict) -> list[str]:
    value = attrs.get("class", [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
