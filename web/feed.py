"""Bevaka sökningen: an Atom feed (RFC 4287) of the documents that match a search, newest first.

A feed reader polls ``/api/v1/search.atom?…`` (the search's own parameters) and shows each
document it has not seen. So every entry's ``id`` is stable: a UUID derived from the document's
id (``urn:uuid:…``), the same on every request and after a reindex (a document's id comes from
its file path). An entry's ``updated`` is the document's own date (its year's first day when only
the year is known); the feed's ``updated`` is the last change of the index, so it moves when new
documents arrive.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from web.labels import swedish_date

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
_NAMESPACE = uuid.UUID("6f1c0d1e-3f0a-4c55-9b8e-6b62a4d2c9a1")  # kb's own: ids derive from it

ET.register_namespace("", ATOM)


def entry_id(doc_id: str) -> str:
    """The stable Atom id of a document."""
    return uuid.uuid5(_NAMESPACE, f"dokument:{doc_id}").urn


def feed_id(args: dict) -> str:
    """The stable Atom id of a search: the same parameters (in any order) give the same id."""
    canonical = "&".join(f"{k}={args[k]}" for k in sorted(args))
    return uuid.uuid5(_NAMESPACE, f"sökning:{canonical}").urn


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_time(doc: dict, fallback: datetime) -> datetime:
    """When a document was written: its date, else 1 January of its year, else ``fallback``."""
    when = doc.get("date") or ""
    try:
        if len(when) == 10:
            return datetime.fromisoformat(when).replace(tzinfo=UTC)
    except ValueError:
        pass
    if doc.get("year"):
        return datetime(int(doc["year"]), 1, 1, tzinfo=UTC)
    return fallback


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _title(query: str, chips: list[dict]) -> str:
    parts = [f"”{query}”"] if query else []
    parts += [f"{c['title'].lower()} {c['label']}" for c in chips if c.get("source") == "parameter"]
    return "kb: " + (", ".join(parts) if parts else "alla dokument")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def search_feed(result: dict, args: dict, *, self_url: str, html_url: str,
                document_url: Callable[[dict], str], changed: datetime | None) -> bytes:
    """The Atom document for a search ``result`` (documents newest first, from ``kb.search``
    sorted by date) made with the query-string ``args``; ``changed`` is the index's last change
    (None where the engine keeps no such time: then the newest entry's)."""
    if changed is None:
        changed = max((document_time(d, EPOCH) for d in result.get("documents") or []), default=EPOCH)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "sv"})
    _sub(feed, "id", feed_id(args))
    _sub(feed, "title", _title(result.get("query") or "", result.get("active_filters") or []))
    _sub(feed, "subtitle", "Nya dokument som matchar sökningen, senaste först.")
    _sub(feed, "updated", rfc3339(changed))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=html_url)
    author = _sub(feed, "author")
    _sub(author, "name", "kb ärendesök")
    _sub(feed, "generator", "kb")
    for doc in result.get("documents") or []:
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(doc["doc_id"]))
        _sub(entry, "title", doc.get("title") or doc.get("source") or doc["doc_id"])
        moment = rfc3339(document_time(doc, changed))
        _sub(entry, "updated", moment)
        _sub(entry, "published", moment)
        _sub(entry, "link", rel="alternate", type="text/html", href=document_url(doc))
        if doc.get("doc_type"):
            _sub(entry, "category", term=doc["doc_type"], label=doc["doc_type"])
        _sub(entry, "summary", _summary(doc), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _summary(doc: dict) -> str:
    """HTML: what the document is, and its best matching sections with the words marked."""
    facts = " · ".join(str(x) for x in (doc.get("doc_type"), swedish_date(doc.get("date")) or doc.get("year"),
                                        doc.get("committee"), doc.get("municipality")) if x)
    parts = [f"<p>{_escape(facts)}</p>"] if facts else []
    for hit in doc.get("section_hits") or []:
        heading = _escape(hit.get("heading") or "")
        parts.append(f"<p><strong>{heading}</strong><br>{hit.get('snippet') or ''}</p>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
