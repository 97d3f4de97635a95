"""Promise tracing (spårning): what was promised, and what later documents of the case report.

For every commitment of a document, the passages (sections) of the *later* documents of its
case are ranked by:

1. **the same recommendation** (or plan activity) as the promise: +``REC_WEIGHT``;
2. **the promised object**: the share of the promise's content words (Swedish stems, folded so
   that OCR vowel damage does not matter, weighted by rarity within the case) found in the
   passage's best paragraph, from 0 to 1;
3. **the deadline's event**: +``WHEN_WEIGHT`` when the passage names the deadline's year.

Verdict: ``reported`` when the best passage shares enough of the promised object
(``REPORTED`` with the same recommendation, ``REPORTED_ALONE`` without); otherwise ``overdue``
when the deadline has ended before ``as_of`` (default today), else ``no_report``. ``evidence``
says in words why.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import asdict

from index.analysis import SWEDISH_STOPWORDS, stem
from ingest.commitments import split_sentences
from ingest.folding import fold_diacritics, fold_vowels
from ingest.model import Commitment, Document, Section
from ingest.tables import load_table
from kb.cases import Case, group_cases

REC_WEIGHT = 0.5
WHEN_WEIGHT = 0.1
REPORTED = 0.25  # object overlap needed with the same recommendation
REPORTED_ALONE = 0.5  # object overlap needed without it
MAX_FOLLOW_UPS = 5
MIN_PARAGRAPH_WORDS = 4
MIN_OBJECT_WORDS = 3  # a shorter promise ("Åtgärden återrapporteras ...") borrows the sentence before
MIN_SHARED = 2

# Words that carry the promise's form, not its object.
FORM_WORDS = frozenset(fold_diacritics(w) for w in (
    "kommer kommit ska skall planeras planerar planerad avser beräknas senast återrapporteras "
    "redovisas förvaltningen förvaltningens nämnden nämndens arbetet genomföra genomförs genomförd "
    "fortsätta fortsätter pågår även också samt under innan inom enligt vidare ytterligare år "
    "arbetsmarknads socialnämnden socialförvaltningen"
).split())
_MONTHS = frozenset(load_table("deadlines")["months"])


_PARTICIPLE = re.compile(r"(?<=\w{5})(?:at|ad)$")  # "uppdaterat", "planerad": endings Snowball keeps


def key(word: str) -> str:
    """A word's comparison key: Swedish stem, folded, every vowel the same (OCR-proof)."""
    return fold_vowels(_PARTICIPLE.sub("", stem(word.lower())))


def content_keys(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]{2,}", text.lower())
    return [key(w) for w in words
            if w not in SWEDISH_STOPWORDS and fold_diacritics(w) not in FORM_WORDS and fold_diacritics(w) not in _MONTHS]


def _paragraphs(text: str) -> list[str]:
    paras = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    merged: list[str] = []
    for p in paras:  # a short line (a heading kept in the text) joins the next paragraph
        if merged and len(merged[-1].split()) < MIN_PARAGRAPH_WORDS:
            merged[-1] = merged[-1] + "\n" + p
        else:
            merged.append(p)
    return merged or [text]


def _weights(passages: list[tuple[Document, Section]]) -> dict[str, float]:
    """Inverse document frequency of each key over the paragraphs of the later documents."""
    df: Counter[str] = Counter()
    n = 0
    for _doc, sec in passages:
        for p in _paragraphs(sec.text):
            df.update(set(content_keys(p)))
            n += 1
    return {k: math.log(1 + n / c) for k, c in df.items()} | {"": math.log(1 + n)}


def _overlap(promise: set[str], passage: str, idf: dict[str, float]) -> tuple[float, list[str]]:
    if not promise:
        return 0.0, []
    default = idf[""]
    total = sum(idf.get(k, default) for k in promise)
    best, shared_best = 0.0, []
    for p in _paragraphs(passage):
        shared = promise & set(content_keys(p))
        score = sum(idf.get(k, default) for k in shared) / total
        if score > best:
            best, shared_best = score, sorted(shared)
    return best, shared_best


def _same_place(c: Commitment, sec: Section) -> str | None:
    if c.activity and sec.activity and str(c.activity) == str(sec.activity):
        return f"aktivitet {c.activity}"
    if c.recommendation is not None and c.recommendation == sec.recommendation:
        return f"rekommendation {c.recommendation}"
    return None


def _words_for(keys: list[str], text: str) -> list[str]:
    """Readable words of ``text`` behind the shared keys, for the evidence line."""
    out, seen = [], set()
    for w in re.findall(r"[^\W\d_]{2,}", text):
        k = key(w)
        if k in keys and k not in seen:
            seen.add(k)
            out.append(w.lower())
    return out


def promise_keys(c: Commitment, doc: Document | None = None) -> tuple[set[str], set[str] | None]:
    """Keys of the promised object: the sentence without its deadline phrase and without its
    recommendation's own words; and, when that says too little ("Åtgärden återrapporteras i
    januari"), the same widened by the sentence before it (else None)."""
    text = c.text.replace(c.deadline.text, " ") if c.deadline else c.text
    keys = set(content_keys(text))
    if doc is not None:  # the recommendation's own words are shared by every passage under it
        statement = next((r.get("text") or "" for r in doc.recommendations or []
                          if str(r.get("number")) == str(c.recommendation)), "")
        keys = (keys - set(content_keys(statement))) or keys
    if len(keys) >= MIN_OBJECT_WORDS or doc is None:
        return keys, None
    section = next((s for s in doc.sections if s.number == c.section), None)
    sentences = split_sentences(section.text) if section else []
    if c.text in sentences and sentences.index(c.text) > 0:
        return keys, keys | set(content_keys(sentences[sentences.index(c.text) - 1]))
    return keys, None


def _object_overlap(own: set[str], wider: set[str] | None, passage: str, idf) -> tuple[float, list[str]]:
    """Overlap of the promise with a passage; a short promise's own overlap counts in proportion
    to its length, its widened form counts in full."""
    sim, shared = _overlap(own, passage, idf)
    sim *= min(1.0, len(own) / MIN_OBJECT_WORDS)
    if wider:
        wide_sim, wide_shared = _overlap(wider, passage, idf)
        if wide_sim > sim:
            return wide_sim, wide_shared
    return sim, shared


def rank_follow_ups(c: Commitment, later: list[tuple[Document, Section]], idf: dict[str, float],
                    doc: Document | None = None) -> list[dict]:
    """Passages of later documents that may report on ``c`` (made in ``doc``), best first."""
    own, wider = promise_keys(c, doc)
    year = c.deadline.end[:4] if c.deadline else None
    ranked = []
    for doc, sec in later:
        sim, shared = _object_overlap(own, wider, sec.text, idf)
        place = _same_place(c, sec)
        when = bool(year and year in sec.text)
        if sim == 0 and not place:
            continue
        score = sim + (REC_WEIGHT if place else 0.0) + (WHEN_WEIGHT if when and sim > 0 else 0.0)
        words = _words_for(shared, c.text + " " + sec.text)
        ranked.append({
            "doc_id": doc.id, "source": doc.source, "heading": sec.heading, "text": sec.text,
            "score": round(score, 4), "section": sec.number,
            "why": explain_match(place, words, year if when and sim > 0 else None),
            "_sim": sim, "_place": place, "_shared": words,
        })
    ranked.sort(key=lambda r: (-r["score"], r["section"]))
    return ranked[:MAX_FOLLOW_UPS]


def explain_match(place: str | None, shared: list[str], year: str | None = None) -> str:
    """Why a passage may report on a promise, in Swedish for auditors:
    "samma rekommendation (2); gemensamma ord: rutin, klagomål; nämner 2024"."""
    why = []
    if place:
        kind, _, number = place.partition(" ")
        why.append(f"samma {kind} ({number})")
    if shared:
        why.append("gemensamma ord: " + ", ".join(shared[:8]))
    if year:
        why.append(f"nämner {year}")
    return "; ".join(why)


def verdict_for(c: Commitment, ups: list[dict], as_of: dt.date) -> tuple[str, str]:
    """The verdict and a one-line explanation of it (in Swedish: it is shown to staff as is)."""
    best = ups[0] if ups else None
    enough = REPORTED if best and best["_place"] else REPORTED_ALONE
    if best and best["_sim"] >= enough and len(best["_shared"]) >= MIN_SHARED:
        why = [f"samma {best['_place']}"] if best["_place"] else []
        if best["_shared"]:
            why.append("gemensamma ord: " + ", ".join(best["_shared"][:8]))
        why.append(f"poäng {best['score']:.2f}")
        return "reported", f"{best['source']} § {best['heading'] or best['section']}: " + "; ".join(why)
    near = f" (närmast: {best['source']}, poäng {best['score']:.2f})" if best else ""
    if c.deadline and dt.date.fromisoformat(c.deadline.end) < as_of:
        return "overdue", (f"tidpunkten {c.deadline.end} har passerat per {as_of.isoformat()} och inget "
                           f"senare dokument rapporterar om åtagandet{near}")
    if not best:
        return "no_report", "inget senare dokument i ärendet"
    return "no_report", f"inget senare avsnitt delar tillräckligt av åtagandet{near}"


def commitment_row(c: Commitment, doc: Document) -> dict:
    """The `kb commitments` shape of one commitment."""
    row = asdict(c)
    row["source"] = doc.source
    return row


def _passages(docs: list[Document]) -> list[tuple[Document, Section]]:
    return [(d, s) for d in docs for s in d.sections if s.text.strip() and s.kind not in ("proposal", "basis")]


def trace_case(case: Case, *, doc: str | None = None, as_of: dt.date) -> dict:
    documents = case.documents
    commitments = []
    for i, d in enumerate(documents):
        if doc and d.id != doc:
            continue
        later = _passages(documents[i + 1:])
        idf = _weights(later)
        for c in d.commitments:
            ups = rank_follow_ups(c, later, idf, d)
            verdict, evidence = verdict_for(c, ups, as_of)
            row = commitment_row(c, d)
            row["follow_ups"] = [{k: v for k, v in u.items() if not k.startswith("_")} for u in ups]
            row["verdict"] = verdict
            row["evidence"] = evidence
            commitments.append(row)
    return {
        "id": case.id,
        "subject": case.subject,
        "documents": [{"doc_id": d.id, "source": d.source, "date": d.date, "year": d.year, "doc_type": d.doc_type}
                      for d in documents],
        "commitments": commitments,
    }


def trace(docs: list[Document], *, doc: str | None = None, as_of: dt.date | None = None) -> dict:
    """``{cases: [...]}``: every case (or the one holding ``doc``) with its traced commitments."""
    as_of = as_of or dt.date.today()
    cases = [c for c in group_cases(docs) if not doc or any(d.id == doc for d in c.documents)]
    return {"cases": [trace_case(c, doc=doc, as_of=as_of) for c in cases]}


def list_commitments(docs: list[Document], *, doc: str | None = None, status: str | None = None,
                     due_before: dt.date | None = None) -> list[dict]:
    """Commitments as rows, filtered by document, status and deadline end (before ``due_before``)."""
    rows = []
    for d in docs:
        if doc and d.id != doc:
            continue
        for c in d.commitments:
            if status and c.status != status:
                continue
            if due_before and not (c.deadline and dt.date.fromisoformat(c.deadline.end) < due_before):
                continue
            rows.append(commitment_row(c, d))
    return rows


def case_matrix(case: Case, docs: list[Document] | None = None) -> dict:
    """The Spårning grid: recommendations (or plan activities) as rows, documents as columns.

    ``cells[row][doc_id]`` is what that document says under that recommendation.
    """
    by_id = {d.id: d for d in docs or []}
    documents = [by_id.get(d.id, d) for d in case.documents]
    use_activities = not any(s.recommendation is not None for d in documents for s in d.sections)
    rows: dict[str, str] = {}
    cells: dict[str, dict[str, str]] = {}
    for d in documents:
        labels = d.activities if use_activities else d.recommendations
        for r in labels or []:
            rows.setdefault(str(r.get("number")), r.get("text") or "")
        for s in d.sections:
            row = s.activity if use_activities else s.recommendation
            if row is None or not s.text.strip():
                continue
            rows.setdefault(str(row), "")
            cell = cells.setdefault(str(row), {})
            cell[d.id] = (cell.get(d.id, "") + "\n\n" + s.text).strip()
    order = sorted(rows, key=lambda n: [int(x) if x.isdigit() else x for x in re.split(r"[.:]", n)])
    return {
        "kind": "activity" if use_activities else "recommendation",
        "recommendations": [{"number": n, "text": rows[n]} for n in order],
        "documents": [{"doc_id": d.id, "source": d.source, "date": d.date, "year": d.year, "doc_type": d.doc_type}
                      for d in documents],
        "cells": {n: cells.get(n, {}) for n in order},
    }
