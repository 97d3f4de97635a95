"""One file in, one :class:`~ingest.model.Document` out: read, clean, repair, segment, describe.

Each stage is a pure function in its own module; this module only wires them together
and keeps IO (reading the file and its sidecar) at the edge.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ingest import clean, commitments, metadata, readers, repair, sections
from ingest.errors import IngestError
from ingest.fields import FIELDS, check_sidecar
from ingest.model import Document

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_MAX_BYTES = 1024 * 1024
# Fields a sidecar NAME.meta.json may override (real deployments take dates from the registry),
# each checked against its schema in ingest.fields.
OVERRIDABLE = frozenset(FIELDS)


def document_id(path: Path) -> str:
    """A stable, URL-safe id for a source file: a hash of its resolved path."""
    return hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ingest_file(path: Path, ocr: bool = False) -> Document:
    """Read ``path`` and build its Document. Raises IngestError with a clear reason."""
    path = Path(path)
    raw = readers.read(path, ocr=ocr)
    return build_document(path, raw)


def build_document(path: Path, raw) -> Document:
    blocks, furniture = clean.clean_pages_with_removed(raw.pages, headings=raw.headings)
    if not blocks:
        raise IngestError("no text found in the file", str(path))
    # Repair sees the whole document: its damage estimate needs every block (born-digital text
    # comes back untouched).
    for block, repaired in zip(blocks, repair.repair_blocks([b.text for b in blocks]), strict=True):
        block.raw, block.text = block.text, repaired
    secs = sections.segment_blocks(blocks)
    doc = Document(
        id=document_id(path),
        source=path.name,
        path=str(path.resolve()),
        sha256=raw.properties.get("sha256", ""),
        sections=secs,
        text="\n\n".join(b.text for b in blocks),
        raw_text="\n\n".join(b.raw for b in blocks),
        pages=max([p.number for p in raw.pages] + [b.page for b in blocks]),
        warnings=list(raw.warnings),
    )
    if doc.pages == 1:  # a page number means nothing in a one-page text: cite no page
        for sec in secs:
            sec.page = None
    # Running headers such as "Malmö stad" are dropped as furniture but still name the municipality.
    meta = metadata.extract_metadata(blocks, secs, {**raw.properties, "furniture": furniture})
    for key, value in meta.items():
        setattr(doc, key, value)
    apply_sidecar(doc, path)
    doc.commitments, doc.plans_by_others = commitments.extract(doc)
    return doc


def apply_sidecar(doc: Document, path: Path) -> None:
    """Let ``NAME.meta.json`` beside the file override extracted fields.

    Each field is checked against its schema (:mod:`ingest.fields`): a bad one is left out with a
    warning naming the sidecar and the field, the others still apply. A sidecar that cannot be
    read or is not a JSON object is left out whole, with a warning; the document goes in either way.
    Warnings name the sidecar by its file name only."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return
    try:
        if sidecar.stat().st_size > SIDECAR_MAX_BYTES:
            raise ValueError(f"larger than {SIDECAR_MAX_BYTES // 1024} KB")
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        doc.warnings.append(f"sidecar {sidecar.name} ignored: {exc.strerror or 'it cannot be read'}")
        return
    except (ValueError, RecursionError) as exc:  # RecursionError: brackets nested thousands deep
        doc.warnings.append(f"sidecar {sidecar.name} ignored: not valid JSON ({str(exc)[:120]})")
        return
    if not isinstance(data, dict):
        doc.warnings.append(f"sidecar {sidecar.name} ignored: not a JSON object")
        return
    fields, problems = check_sidecar(data)
    doc.warnings += [f"sidecar {sidecar.name}: {p}" for p in problems]
    for key, value in fields.items():
        setattr(doc, key, value)
        doc.evidence[key] = "sidecar"
    if fields.get("date") and "year" not in fields:
        doc.year = int(fields["date"][:4])
        if "date_inferred" not in fields:
            doc.date_inferred = False
