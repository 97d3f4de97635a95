"""Follow-ups (uppföljningar): which passages of later documents report on a promise.

Pure functions over the documents of one case (:class:`kb.cases.Case`), computed once when the
case changes (see :mod:`kb.tracestore`); the verdict as of a date is applied later
(:mod:`kb.trace`).

**Later documents.** A promise made in document D may be reported by a document E of its case
that comes after D in the timeline, is of the same municipality and, unless it shares D's case
number or names D by its date, of the same committee.

**Report units** of E: a recommendation or activity of its own (a table row, "1.1 Hembesök –
genomfört", "Rekommendation 2: ...") is one unit; other text is cut into sentences. Each unit
has its content words (Swedish stems, OCR-folded, a noun of action read as its verb:
"redovisning" = "redovisa"), its recommendation and activity, the times it names, and its
status (:mod:`ingest.status`; a row's "Status:" cell or a heading's "– försenat" first, and a
sentence going on about the same work: "Arbetet har skjutits upp och beräknas nu ...").

**Ranking**, for each promise and unit:

====================================================  =============
evidence                                              score
====================================================  =============
the promise's own words found in the unit, weighted   0 .. 1
by rarity in the case (``sim``)
the same recommendation or activity number            + ``PLACE``
the unit names a time near the promise's deadline     + ``WHEN``
the unit reports a status                             + ``STATUS``
====================================================  =============

A unit *reports* on the promise (counts for the verdict) when ``sim`` reaches ``REPORTS_ALONE``
with ``MIN_SHARED`` words, or ``REPORTS_PLACED`` under the same number, or ``REPORTS_WHEN``
with a time near the deadline. A promise to report ("... återrapporteras till nämnden i mars
2025", "Planen följs upp i februari 2025") is also reported by a follow-up document of the case
dated near its deadline. The best ``MAX_FOLLOW_UPS`` units (one per section) are kept, each with a
reason in Swedish: "samma rekommendation (2); gemensamma ord: rutin, klagomål; status: försenat".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from index.analysis import SWEDISH_STOPWORDS, stem
from ingest.dates import find_dates
from ingest.deadlines import find_deadlines
from ingest.folding import fold_diacritics, fold_vowels
from ingest.labels import starts_with_keyword
from ingest.model import Commitment, Deadline, Document, Section
from ingest.sentences import paragraph_sentences, paragraphs
from ingest.status import DONE, Reading, combine, continues, read_status
from ingest.tables import load_table
from kb.cases import Case, body, place

PLACE = 0.5
WHEN = 0.15
STATUS = 0.05
REPORTS_ALONE = 0.5
REPORTS_PLACED = 0.2
REPORTS_WHEN = 0.3
MIN_SHARED = 2
MIN_OWN = 2  # a promise of fewer words of its own borrows those of its sentence (or the one before)
MAX_FOLLOW_UPS = 3
# A promise is looked for in the next this-many documents of its case that may report on it. A
# case (an audit and its answers, a plan and its follow-ups) rarely holds ten documents; the
# horizon keeps a case grouped too widely (years of one committee's documents on one subject)
# from costing its size squared in every derive.
FOLLOW_UP_HORIZON = 24
UNIT_CHARS = 900  # a labelled section longer than this is read sentence by sentence
SHOWN_CHARS = 1500  # the text a follow-up shows around its unit
WINDOW_BEFORE = dt.timedelta(days=31)
WINDOW_AFTER = dt.timedelta(days=92)
SKIPPED_KINDS = frozenset({"proposal", "basis"})

# Words that carry a promise's form, not its object.
FORM_WORDS = frozenset(fold_diacritics(w) for w in (
    "kommer kommit ska skall planeras planerar planerad avser beräknas senast förvaltningen "
    "förvaltningens nämnden nämndens arbetet även också samt under innan inom enligt vidare "
    "ytterligare år första andra tredje fjärde halvåret kvartalet våren hösten sommaren vintern "
    "vecka början slutet mitten genomfört genomförd status klart klar pågår försenat "
    "tas ta fram upp hela samtliga alla gång gången gången ny nya nytt kommunen kommunens staden "
    "regionen gäller sker görs"
).split())
_MONTHS = frozenset(load_table("deadlines")["months"])
_PARTICIPLE = re.compile(r"(?<=\w{5})(?:at|ad)$")
_ACTION_NOUN = re.compile(r"(?<=\w{4})(?:ning|ering)$")
_WORD = re.compile(r"[^\W\d_]{2,}")
# A promise to report back: it is kept when a follow-up document comes near its deadline.
_REPORTING = re.compile(r"\b(?:aterrapport\w*|redovis\w*|rapporter\w*|lagesrapport\w*|foljs upp|folja upp|"
                        r"uppfoljning\w*|aterkomm\w*)\b")
_FOLLOW_UP_TYPES = ("uppfolj", "aterrapport", "lagesrapport", "redovisning")


@lru_cache(maxsize=1 << 17)
def key(word: str) -> str:
    """A word's comparison key: Swedish stem, a noun of action as its verb ("utbildning" =
    "utbilda"), folded so that OCR's vowel damage does not matter."""
    s = stem(word.lower())
    s = _ACTION_NOUN.sub("", s) if s.endswith("ning") else re.sub(r"(?<=\w{5})ering$", "er", s)
    s = _PARTICIPLE.sub("", s)
    if len(s) >= 7 and s.endswith("d"):
        s = s[:-1]  # "genomförd" = "genomför"
    return fold_vowels(s)


def content_keys(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        f = fold_diacritics(w)
        if w in SWEDISH_STOPWORDS or f in FORM_WORDS or f in _MONTHS:
            continue
        out.append(key(w))
    return out


@dataclass
class Unit:
    """A passage of a later document that may report on a promise."""

    doc_id: str
    source: str
    date: str | None
    section: int
    heading: str
    recommendation: int | None
    activity: str | None
    text: str
    shown: str
    keys: frozenset[str]
    reading: Reading
    anchor: tuple = (None, None)  # the document's date and year, to read the times it names
    document: bool = False  # the document's opening: reports a promise to report back
    _periods: tuple[tuple[str, str], ...] | None = None

    @property
    def periods(self) -> tuple[tuple[str, str], ...]:
        """The times the unit names, as ISO ranges (read when first asked for)."""
        if self._periods is None:
            self._periods = _periods(self.text, *self.anchor)
        return self._periods


@dataclass
class _Doc:
    doc: Document
    units: list[Unit] = field(default_factory=list)


def _statement(section: Section) -> str:
    return section.heading.split(": ", 1)[1] if ": " in section.heading else ""


_STATUS_LINE = re.compile(r"^\s*status\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def _doc_date(doc: Document) -> dt.date | None:
    try:
        return dt.date.fromisoformat(doc.date) if doc.date else None
    except ValueError:
        return None


def _periods(text: str, date, year) -> tuple[tuple[str, str], ...]:
    return tuple((f.deadline.start, f.deadline.end) for f in find_deadlines(text, date, year))


_UNITS: OrderedDict[tuple[str, str], list[Unit]] = OrderedDict()
UNIT_CACHE = 4096  # documents whose units are kept between commits of one ingest


def report_units(doc: Document) -> list[Unit]:
    """The units of a document (see the module docstring), in reading order; kept for the
    documents last asked for (a case is traced again whenever one of its documents changes)."""
    cache_key = (doc.id, doc.sha256 or str(id(doc)))
    if cache_key in _UNITS:
        _UNITS.move_to_end(cache_key)
        return _UNITS[cache_key]
    units = _report_units(doc)
    if doc.sha256:
        _UNITS[cache_key] = units
        while len(_UNITS) > UNIT_CACHE:
            _UNITS.popitem(last=False)
    return units


def _report_units(doc: Document) -> list[Unit]:
    date = _doc_date(doc)
    year = date.year if date else doc.year
    skipped = set(load_table("commitments")["sections"]["skipped_headings"])
    units: list[Unit] = []
    opening = None
    for sec in doc.sections:
        if sec.kind in SKIPPED_KINDS or fold_diacritics(sec.heading or "").strip(" :") in skipped:
            continue
        text = sec.text.strip()
        labelled = sec.kind in ("recommendation", "activity") and len(text) <= UNIT_CHARS
        headed = None if labelled or len(text) > UNIT_CHARS else status_heading(sec.heading or "", date, year)
        if labelled or headed:
            whole = f"{headed[0] if headed else _statement(sec)}\n{text}".strip()
            if not whole:
                continue
            status_line = _STATUS_LINE.search(text)
            reading = headed[1] if headed else (
                read_status(status_line.group(1), date, year) if status_line else Reading(None))
            if reading.status is None or (reading.status != DONE and reading.new_deadline is None):
                reading = combine(reading, read_status(text, date, year)) if reading.status is None else reading
                if reading.new_deadline is None and reading.status == "delayed":
                    full = read_status(text, date, year)
                    reading = Reading(reading.status, reading.words, full.new_deadline)
            units.append(_unit(doc, sec, whole, f"{sec.heading}\n\n{text}".strip(), reading, date, year))
            continue
        for para in paragraphs(text):
            sentences = paragraph_sentences(para)
            if opening is None and len(_WORD.findall(para)) >= 8:
                opening = (sec, para)
            shown = _around(para, "")
            for k, sentence in enumerate(sentences):
                reading = read_status(sentence, date, year)
                if k + 1 < len(sentences) and continues(sentences[k + 1]):
                    reading = combine(reading, read_status(sentences[k + 1], date, year))
                units.append(_unit(doc, sec, sentence, _around(para, sentence) if len(para) > SHOWN_CHARS else shown,
                                   reading, date, year))
    if opening is not None:
        sec, para = opening
        u = _unit(doc, sec, para, _around(para, ""), Reading(None), date, year)
        u.document = True
        units.append(u)
    return units


_STATUS_HEADING = re.compile(r"^(?P<title>\S.{2,120}?)\s+[-–—]\s+(?P<status>[^\W\d_][\w ]{2,40})$")


def status_heading(heading: str, date=None, year=None) -> tuple[str, Reading] | None:
    """A heading that names a piece of work and its status without a number ("Analys av
    responstider per kommun – försenad"): its title and the status, or None."""
    m = _STATUS_HEADING.match(" ".join(heading.split()))
    if not m:
        return None
    reading = read_status(m.group("status"), date, year)
    return (m.group("title"), reading) if reading.status is not None else None


def _around(paragraph: str, sentence: str) -> str:
    """At most ``SHOWN_CHARS`` of a paragraph, around the sentence."""
    if len(paragraph) <= SHOWN_CHARS:
        return paragraph
    at = paragraph.find(sentence) if sentence else 0
    start = max(0, at - SHOWN_CHARS // 3)
    return paragraph[start:start + SHOWN_CHARS]


def _unit(doc: Document, sec: Section, text: str, shown: str, reading: Reading, date, year) -> Unit:
    return Unit(doc_id=doc.id, source=doc.source, date=doc.date or (str(doc.year) if doc.year else None),
                section=sec.number, heading=sec.heading, recommendation=sec.recommendation,
                activity=sec.activity, text=text, shown=shown, keys=frozenset(content_keys(text)),
                reading=reading, anchor=(date, year))


# --- promises -----------------------------------------------------------------------------------

def promise_keys(c: Commitment, doc: Document) -> tuple[frozenset[str], frozenset[str] | None]:
    """The promised object: the words of the clause without its deadline; and, when that says
    too little (fewer than ``MIN_OWN`` words: "redovisas för nämnden i september", "Åtgärden
    återrapporteras i januari"), the same widened by its sentence, else by the sentence before
    (else None)."""
    text = c.text.replace(c.deadline.text, " ") if c.deadline else c.text
    own = frozenset(content_keys(text))
    if len(own) >= MIN_OWN:
        return own, None
    wider = set(own)
    if c.sentence:
        wider |= set(content_keys(c.sentence.replace(c.text, " ")))
    if len(wider) < MIN_OWN:
        section = next((s for s in doc.sections if s.number == c.section), None)
        sentences = [s for p in paragraphs(section.text) for s in paragraph_sentences(p)] if section else []
        whole = c.sentence or c.text
        if whole in sentences and sentences.index(whole) > 0:
            wider |= set(content_keys(sentences[sentences.index(whole) - 1]))
    return own, (frozenset(wider) if wider != own else None)


UNSEEN = ""  # the weight key of a word no later unit has: as rare as can be


def _weights(units: list[Unit]) -> dict[str, float]:
    """Each word's rarity over the units of the later documents (inverse document frequency)."""
    df: Counter[str] = Counter()
    for u in units:
        df.update(u.keys)
    n = max(1, len(units))
    return {k: math.log(1 + n / c) for k, c in df.items()} | {UNSEEN: math.log(1 + n)}


def _near(deadline: Deadline | None, periods) -> bool:
    if deadline is None or not periods:
        return False
    lo = (dt.date.fromisoformat(deadline.start) - WINDOW_BEFORE).isoformat()
    hi = (dt.date.fromisoformat(deadline.end) + WINDOW_AFTER).isoformat()
    return any(start <= hi and end >= lo for start, end in periods)


def _place(c: Commitment, u: Unit) -> str | None:
    if c.activity and u.activity and str(c.activity) == str(u.activity):
        return f"samma aktivitet ({c.activity})"
    if c.recommendation is not None and c.recommendation == u.recommendation:
        return f"samma rekommendation ({c.recommendation})"
    return None


def _readable(keys: set[str], *texts: str) -> list[str]:
    out, seen = [], set()
    for text in texts:
        for w in _WORD.findall(text):
            k = key(w)
            if k in keys and k not in seen:
                seen.add(k)
                out.append(w.lower())
    return out


def _reporting_promise(c: Commitment) -> bool:
    return bool(c.deadline) and bool(_REPORTING.search(fold_diacritics(c.text)))


_FOLLOW_UP_WORDS = ("Uppföljning", "Uppföljande", "Återrapportering", "Lägesrapport", "Redovisning",
                     "Delredovisning", "Statusrapport")


def _report_document(doc: Document) -> bool:
    """A follow-up or report by its type, or by a word of its title ("Uppföljning av
    handlingsplan ...", read OCR-proof)."""
    if any(t in fold_diacritics(doc.doc_type or "") for t in _FOLLOW_UP_TYPES):
        return True
    words = (doc.title or "").split()[:12]
    return any(starts_with_keyword(w, _FOLLOW_UP_WORDS) for w in words)


def _sim(keys: frozenset[str], u: Unit, idf: dict[str, float]) -> tuple[float, frozenset[str]]:
    total = sum(idf.get(k, idf[UNSEEN]) for k in keys)
    shared = keys & u.keys
    return (sum(idf[k] for k in shared) / total if total else 0.0), shared


def _score(c: Commitment, keys, u: Unit, idf: dict[str, float], report_doc: bool):
    own, wider = keys
    sim, shared = _sim(own, u, idf)
    sim *= min(1.0, len(own) / MIN_OWN)  # a one-word promise's own match counts half
    if wider is not None:
        wide_sim, wide_shared = _sim(wider, u, idf)
        if wide_sim > sim:
            sim, shared = wide_sim, wide_shared
    where = _place(c, u)
    when = sim > 0 and _near(c.deadline, u.periods)
    has_status = u.reading.status is not None
    if u.document:
        # a follow-up document near the deadline of a promise to report back
        if not (report_doc and _reporting_promise(c) and u.date and c.deadline and _near(c.deadline, ((u.date, u.date),))):
            return None
        return {"score": 0.5 + sim, "sim": sim, "shared": shared, "place": None, "when": True, "reports": True}
    if not shared and not where:
        return None
    score = sim + (PLACE if where else 0.0) + (WHEN if when else 0.0) + (STATUS if has_status and sim > 0 else 0.0)
    enough = len(shared) >= MIN_SHARED or (where is not None and len(shared) >= 1)
    reports = enough and (sim >= REPORTS_ALONE or (where is not None and sim >= REPORTS_PLACED)
                          or (when and sim >= REPORTS_WHEN))
    return {"score": score, "sim": sim, "shared": shared, "place": where, "when": when, "reports": reports}


def _why(c: Commitment, u: Unit, s: dict) -> str:
    parts = []
    if u.document:
        parts.append(f"en uppföljning daterad {u.date}, nära tidpunkten {c.deadline.end if c.deadline else ''}".strip())
    if s["place"]:
        parts.append(s["place"])
    words = _readable(set(s["shared"]), c.text, u.text)
    if words:
        parts.append("gemensamma ord: " + ", ".join(words[:8]))
    if s["when"] and not u.document:
        parts.append("nämner en tidpunkt nära åtagandets")
    if u.reading.status:
        parts.append(f"status: {u.reading.words.lower()}")
    return "; ".join(parts)


def rank(c: Commitment, doc: Document, later: list[_Doc], idf: dict[str, float],
         postings: dict[str, list[Unit]], by_place: dict[tuple, list[Unit]],
         report_docs: set[str]) -> list[dict]:
    """The follow-ups of one promise, best first (at most ``MAX_FOLLOW_UPS``, one per section);
    ``report_docs``: the ids of the ``later`` documents that are follow-ups or reports."""
    keys = promise_keys(c, doc)
    candidates: dict[int, Unit] = {}
    for k in keys[0] | (keys[1] or frozenset()):
        for u in postings.get(k, ()):
            candidates[id(u)] = u
    for place_key in (("a", str(c.activity)) if c.activity else None,
                      ("r", c.recommendation) if c.recommendation is not None else None):
        for u in by_place.get(place_key, ()) if place_key else ():
            candidates[id(u)] = u
    for d in later:
        for u in d.units:
            if u.document:
                candidates[id(u)] = u
    ranked = []
    for u in candidates.values():
        s = _score(c, keys, u, idf, u.doc_id in report_docs)
        if s is not None:
            ranked.append((u, s))
    ranked.sort(key=lambda us: (-us[1]["reports"], -us[1]["score"], us[0].date or "", us[0].section))
    out, seen = [], set()
    for u, s in ranked:
        where = (u.doc_id, u.section)
        if where in seen:
            continue
        seen.add(where)
        new = u.reading.new_deadline
        out.append({
            "doc_id": u.doc_id, "source": u.source, "date": u.date, "section": u.section,
            "heading": u.heading, "text": u.shown, "sentence": u.text if not u.document else None,
            "score": round(s["score"], 4), "reports": bool(s["reports"]),
            "status": u.reading.status, "new_deadline": asdict(new) if new else None,
            "why": _why(c, u, s),
        })
        if len(out) >= MAX_FOLLOW_UPS:
            break
    return out


def follows(d: Document, e: Document) -> bool:
    """May ``e`` (later in the case) report on promises of ``d``? Same municipality, and the same
    committee unless it shares a case number or names ``d`` by its date."""
    if place(d.municipality) and place(e.municipality) and place(d.municipality) != place(e.municipality):
        return False
    if not body(d.committee) or not body(e.committee) or body(d.committee) == body(e.committee):
        return True
    numbers = lambda x: {re.sub(r"[\W_]+", "", fold_diacritics(c)) for c in x.case_numbers or [] if isinstance(c, str)}  # noqa: E731
    return bool(numbers(d) & numbers(e)) or bool(d.date and d.date in _named_dates(e.id, e.sha256, e.text or ""))


@lru_cache(maxsize=4096)
def _named_dates(_doc_id: str, _sha256: str, text: str) -> frozenset[str]:
    return frozenset(x.iso for x in find_dates(text))


def commitment_row(c: Commitment, doc: Document) -> dict:
    """A commitment with what the pages show of its document (and the heading of its section)."""
    row = asdict(c)
    heading = next((s.heading for s in doc.sections if s.number == c.section), None)
    row.update(source=doc.source, title=doc.title, committee=doc.committee, municipality=doc.municipality,
               date=doc.date, year=doc.year, doc_type=doc.doc_type, section_heading=heading or None)
    return row


def document_summary(d: Document) -> dict:
    return {"doc_id": d.id, "source": d.source, "date": d.date, "year": d.year, "doc_type": d.doc_type,
            "title": d.title, "committee": d.committee, "municipality": d.municipality}


def trace_record(case: Case) -> dict:
    """Everything tracing needs of one case, as of no particular date (JSON-ready): its
    documents, each promise with its ranked follow-ups, and the plans of others kept as context."""
    docs = [_Doc(d, report_units(d)) for d in case.documents]
    commitments, context = [], []
    for i, d in enumerate(docs):
        later = [e for e in docs[i + 1:] if follows(d.doc, e.doc)][:FOLLOW_UP_HORIZON]
        units = [u for e in later for u in e.units]
        idf = _weights(units)
        postings: dict[str, list[Unit]] = defaultdict(list)
        by_place: dict[tuple, list[Unit]] = defaultdict(list)
        for u in units:
            for k in u.keys:
                postings[k].append(u)
            if u.activity:
                by_place[("a", str(u.activity))].append(u)
            if u.recommendation is not None:
                by_place[("r", u.recommendation)].append(u)
        report_docs = {e.doc.id for e in later if _report_document(e.doc)}
        for c in d.doc.commitments:
            row = commitment_row(c, d.doc)
            row["follow_ups"] = rank(c, d.doc, later, idf, postings, by_place, report_docs) if later else []
            commitments.append(row)
        context.extend(commitment_row(c, d.doc) for c in d.doc.plans_by_others)
    return {
        "id": case.id,
        "subject": case.subject,
        "documents": [document_summary(d) for d in case.documents],
        "members": [[d.id, d.sha256] for d in case.documents],
        "commitments": commitments,
        "context": context,
    }
