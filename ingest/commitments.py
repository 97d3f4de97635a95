"""Commitments (åtaganden): the clauses of a document that promise future action, and whose.

Pure functions over a :class:`~ingest.model.Document` whose sections, date, year, committee and
municipality are set. The vocabulary is data (``tables/commitments.toml``, ``tables/actors.toml``).
The rules, in order:

1. **Sentences** (:mod:`ingest.sentences`), then **clauses**: a sentence naming two deadlines
   ("Resultatet presenteras våren 2025, med ett första beslut planerat till maj 2025") is cut
   between them (at ", med", ", och", "och", ";" ...), so each action keeps its own deadline. A
   clause without a subject of its own continues the one before it.
2. **Cues.** A *strong* cue (kommer att, kommer + verb, planeras, avser att, återrapporteras,
   redovisas för nämnden ...) makes a promise. A *timed* cue (beräknas) promises only with a
   deadline. A *weak* cue (ska, skall) states a norm as often as a promise, so it counts only with
   a deadline or with one of our own organisations as its subject ("Förvaltningen ska se över").
   The **present tense with a time** counts too: a clause whose deadline has not ended at the
   document's date and that reports no past work ("Hembesöken startar v. 12 2024", "klar innan
   sommaren 2025", "Planen följs upp i februari 2025"); so does work said to go on (*pågår*,
   *fortsätter*) through a deadline still to come.
3. **Exclusions.** Statements of duty are not promises (a quoted law, the audit procedure, "X ska
   ansvara för", predictions of effect such as "kommer att leda till"), nor is a report of past
   work ("har genomförts", "startade i maj"; a done word in a clause of time or condition, "när
   avtalet är klart", reports nothing), nor a period of validity alone ("planen gäller för
   2024–2026"), nor the closing line ("Örebro den 21 maj 2024", the document's own date after a
   place).
4. **Whose promise** (:mod:`ingest.actors`). The authoring body, its förvaltning, units and staff
   make its own commitments; a clause without a named actor is the author's, unless it refers back
   ("Uppdraget ska slutredovisas i mars 2025") to another actor of the sentence before. Kept as
   context (``Document.plans_by_others``), with the actor named and a ``reason``:
   ``other_actor`` (the state, an agency, a landlord or supplier, another committee or
   municipality), ``reply_deadline`` (the reply a body is asked for), ``proposal`` (a member's
   yrkande, a reservation, an att-clause of someone else's proposal), ``motion`` (a motion's
   own text) and ``auditors`` (the auditors' own report, and their plan to follow it up).
5. **Status**: ``done`` for *har genomförts*, *är slutförd* ...; ``ongoing`` for *pågår*,
   *fortsätter*; else ``planned``.
6. **Deadline** of the clause (:func:`ingest.deadlines.find_deadlines`); its ``before_document``
   flag is kept only for planned commitments. In a table row, a schedule cell ("Tidplan: juni
   2025", "Klart senast: …") dates the row's action when that names no time of its own.

Sections of kind ``proposal`` and ``basis``, and sections headed Beslutsplanering, Beslutet
skickas till, Ansvariga or Bilagor (table ``[sections]``) hold no promises. A sentence repeated
(a summary repeating the body) is kept once, where the body puts it.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ingest import actors
from ingest.deadlines import Found, find_deadlines, preferred
from ingest.folding import fold_diacritics
from ingest.model import Commitment, Deadline, Document, Section
from ingest.sentences import paragraph_sentences, paragraphs, split_sentences
from ingest.tables import load_table

__all__ = ["commitment_status", "extract", "extract_commitments", "find_actor", "is_commitment",
           "split_sentences", "clauses"]

SKIPPED_KINDS = {"proposal", "basis"}
MAX_SUBJECT_WORDS = 5  # "I år ska nämnden", "Kommunstyrelsens förvaltning ska": the subject stands close
OTHER_ACTOR, REPLY_DEADLINE, PROPOSAL, MOTION, AUDITORS = (
    "other_actor", "reply_deadline", "proposal", "motion", "auditors")


def _words(phrases) -> re.Pattern:
    alt = "|".join(sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])")


def _any(patterns) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    t = load_table("commitments")
    not_after = "|".join(t["cues"]["kommer_not_before"])
    return {
        "strong": _words(t["cues"]["strong"]),
        "timed": _words(t["cues"]["timed"]),
        "kommer_verb": re.compile(rf"(?<![\w-])kommer\s+(?!(?:{not_after})\b)[a-z*]\w*"),
        "weak": _words(t["cues"]["weak"]),
        "done": _words(t["status"]["done"]),
        "ongoing": _words(t["status"]["ongoing"]),
        "duty": _words(t["exclude"]["duty"]),
        "subordinate": re.compile(rf"(?<![\w-])(?:{'|'.join(t['cues']['subordinators'])})(?![\w-])"
                                  rf"|(?:^|(?<=[,;:(])\s*)(?:{'|'.join(t['cues']['clause_initial_subordinators'])})(?![\w-])"),
        "past": _any(t["tense"]["past"]),
        "condition": _words(t["cues"]["condition_subordinators"]),
        "reply": _any(t["context"]["reply_deadline"]),
        "proposal": _any(t["context"]["proposal"]),
        "proposal_intro": _any(t["context"]["proposal_intro"]),
        "auditor_line": _any(t["authors"]["auditor_lines"]),
        "auditor_title": _any(t["authors"]["auditor_titles"]),
        "auditor_phrase": _any(t["authors"]["auditor_phrases"]),
        "auditor_body": _any(t["authors"]["auditor_bodies"]),
        "motion_title": _any(t["authors"]["motion_titles"]),
    }


# --- cues ------------------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;:(]")


def _main_clause_test(folded: str):
    """A test ``m -> bool``: True when the cue ``m`` is not inside a subordinate clause (a
    subordinator since the last comma). Breaks and subordinators are found once per clause, so a
    long sentence with many cues stays linear."""
    breaks = [b.start() for b in _CLAUSE_BREAK.finditer(folded)]
    subs = [(s.start(), s.end()) for s in _rx()["subordinate"].finditer(folded)]
    starts = [s for s, _ in subs]

    def main_clause(m: re.Match) -> bool:
        k = bisect_left(breaks, m.start())
        clause_start = breaks[k - 1] if k else -1
        j = bisect_right(starts, clause_start)
        return not (j < len(subs) and subs[j][1] <= m.start())

    return main_clause


def _cues(folded: str, keys) -> list[re.Match]:
    rx = _rx()
    main_clause = _main_clause_test(folded)
    found = [m for key in keys for m in rx[key].finditer(folded) if main_clause(m)]
    return sorted(found, key=lambda m: m.start())


def commitment_status(sentence: str) -> str:
    """``done``, ``ongoing`` or ``planned``; status words in a clause of time or condition ("när
    avtalet är klart") do not count."""
    folded = fold_diacritics(sentence)
    conditions = _conditions(folded)
    for status in ("done", "ongoing"):
        if any(not any(a <= m.start() < b for a, b in conditions) for m in _rx()[status].finditer(folded)):
            return status
    return "planned"


@lru_cache(maxsize=1)
def _not_past() -> frozenset[str]:
    return frozenset(load_table("commitments")["tense"]["not_past"])


_DETERMINER_BEFORE = re.compile(r"(?:^|\s)(?:den|det|de|en|ett|tidigare|nyligen|sa kallade)\s+$")


_WAS = re.compile(r"\bvar\b")  # "var" (was), read before folding: folded, "vår" (spring) is "var" too


def _conditions(folded: str) -> list[tuple[int, int]]:
    """Spans of subordinate clauses of time or condition ("när avtalet är klart"): from the
    subordinator to the next comma or the end."""
    spans = []
    for m in _rx()["condition"].finditer(folded):
        comma = folded.find(",", m.end())
        spans.append((m.start(), comma if comma >= 0 else len(folded)))
    return spans


def reports_past(clause: str) -> bool:
    """True when the clause reports work already done or begun ("har genomförts", "startade",
    "är genomförd"), outside a clause of time or condition ("... när avtalet är klart")."""
    folded = fold_diacritics(clause)
    conditions = _conditions(folded)

    def reported(m: re.Match) -> bool:
        return not any(a <= m.start() < b for a, b in conditions)

    if any(reported(m) for m in _rx()["done"].finditer(folded)) or any(
            reported(m) for m in _WAS.finditer(clause.lower())):
        return True
    for m in _rx()["past"].finditer(folded):
        if not reported(m):
            continue
        word = m.group(0).split()[-1]
        if word in _not_past() or _DETERMINER_BEFORE.search(folded[max(0, m.start() - 14):m.start()]):
            continue  # "den planerade kursen": a participle, not a preterite
        return True
    return False


def _enough_words(text: str, deadline_text: str) -> bool:
    """A real clause besides its deadline: enough words, one of them in lower case ("Hembesöken
    startar v. 12" is one; "Kulturnämnden 2024-04-02" is not)."""
    minimum = load_table("commitments")["sections"]["min_words_without_cue"]
    rest = text.replace(deadline_text, " ", 1) if deadline_text else text
    words = re.findall(r"[^\W\d_]{2,}", rest)
    return len(words) >= minimum and any(w[:1].islower() for w in words)


def is_commitment(clause: str, has_deadline: bool, future: bool = False, own_subject: bool = False,
                  deadline_text: str = "") -> bool:
    """Whether a clause promises action (rules 2 and 3 of the module docstring).

    ``future``: the clause's deadline has not ended at the document's date (present tense with a
    time); ``own_subject``: one of the author's organisations is its subject ("Förvaltningen ska");
    ``deadline_text``: the deadline's words, which do not count towards a real clause.
    """
    folded = fold_diacritics(clause)
    rx = _rx()
    if rx["duty"].search(folded):
        return False
    if _cues(folded, ("strong", "kommer_verb")):
        return not (reports_past(clause) and not has_deadline)
    if has_deadline and _cues(folded, ("timed",)):
        return True
    past = reports_past(clause)
    if weak := _cues(folded, ("weak",)):
        # "Förvaltningen ska se över ...": an organisation of ours right before "ska" (not "...
        # avstyrker förslaget att landstingen ska få ...")
        return has_deadline or (own_subject and len(folded[:weak[0].start()].split()) <= MAX_SUBJECT_WORDS)
    if future and not past and _enough_words(clause, deadline_text):
        return True
    return future and not past and commitment_status(clause) == "ongoing"


def find_actor(sentence: str) -> str | None:
    """The name of the organisation or role that is the subject of a sentence, if it names one."""
    return actors.find_actor(sentence).name


# --- clauses ---------------------------------------------------------------------------------

@dataclass
class Clause:
    """One action of a sentence, with the deadline of its own words (None: none named)."""

    text: str
    found: Found | None
    first: bool  # the sentence's first clause (later ones continue its subject)


_BOUNDARY = re.compile(r",\s*(?:och|med|samt|men|medan|vilket|varav|dar|sa att)\s+|;\s*|,\s+|\s+(?:och|samt|men)\s+"
                       r"|\s+med\s+begaran\s+")
_LEADING = re.compile(r"^(?:,|;|\s)*(?:och|samt|men|medan)\s+", re.IGNORECASE)


def clauses(sentence: str, doc_date: dt.date | None = None, doc_year: int | None = None) -> list[Clause]:
    """The sentence cut between its deadlines (rule 1); one clause when it names at most one."""
    found = find_deadlines(sentence, doc_date, doc_year)
    acting = [f for f in found if not f.period] or found
    if len(acting) < 2:
        return [Clause(sentence, preferred(found, doc_date), True)]
    folded = fold_diacritics(sentence)
    cuts = []
    for a, b in zip(acting, acting[1:], strict=False):
        gap = list(_BOUNDARY.finditer(folded, a.end, b.start))
        if gap:
            best = next((m for m in reversed(gap) if m.group(0).strip(" ,;")), gap[-1])
            cuts.append(best.start())
    if not cuts:
        return [Clause(sentence, preferred(found, doc_date), True)]
    out = []
    bounds = [0, *cuts, len(sentence)]
    for k, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        text = sentence[start:end]
        mine = [f for f in found if f.start >= start and f.end <= end]
        shifted = [Found(f.start - start, f.end - start, f.deadline, f.senast, f.period) for f in mine]
        text_clean = _LEADING.sub("", text.lstrip(" ,;")).strip()
        out.append(Clause(text_clean or text.strip(), preferred(shifted, doc_date), k == 0))
    return out


# --- whose ------------------------------------------------------------------------------------

def author_context(doc: Document) -> str | None:
    """``auditors`` or ``motion`` when the document's author cannot promise for a body."""
    t = load_table("commitments")["authors"]
    rx = _rx()
    doc_type = fold_diacritics(doc.doc_type or "")
    title = fold_diacritics(doc.title or "").strip()
    committee = fold_diacritics(doc.committee or "").strip()
    if doc_type in t["motion_doc_types"] or (doc_type in ("", "ovrigt") and rx["motion_title"].search(title)):
        return MOTION  # (a statement on a motion may carry the motion's title: its type decides)
    untyped = doc_type in ("", "ovrigt")  # a title is weak evidence: "Granskning av X" may head a reply
    if doc_type in t["auditor_doc_types"] or (untyped and rx["auditor_title"].search(title)) or (
            committee and rx["auditor_body"].search(committee)):
        return AUDITORS
    text = doc.text or "\n".join(s.text for s in doc.sections)
    if rx["auditor_phrase"].search(fold_diacritics(text)):
        return AUDITORS
    for line in text.splitlines():
        line = fold_diacritics(line).strip(" *_")
        if len(line.split()) <= 8 and rx["auditor_line"].search(line):
            return AUDITORS
    return None


def _proposal_section(section: Section) -> bool:
    heading = fold_diacritics(section.heading or "").strip(" :")
    return heading in load_table("commitments")["context"]["proposal_headings"]


def _skipped_section(section: Section) -> bool:
    """Meeting plans, addressees and signatures hold dates but no promises."""
    heading = fold_diacritics(section.heading or "").strip(" :")
    return section.kind in SKIPPED_KINDS or heading in load_table("commitments")["sections"]["skipped_headings"]


_ATT_ITEM = re.compile(r"^\s*(?:[-–•*·▪]|\d{1,2}[.)]|[a-z][)])?\s*att\s", re.IGNORECASE)
_PROPOSER = re.compile(r"^(.{2,80}?)\s+(?:yrkar|yrkade|reserverar)\b", re.IGNORECASE)


def _context_reason(clause: str, sentence: str, intro: str | None, actor: actors.Actor) -> tuple[str, str | None] | None:
    """Why a clause is someone else's (reason, actor name), or None when it is the author's."""
    rx = _rx()
    folded = fold_diacritics(sentence)
    if rx["reply"].search(fold_diacritics(clause)):
        return REPLY_DEADLINE, actor.name if actor.kind == actors.OTHER else None
    if rx["proposal"].search(folded):
        m = _PROPOSER.match(sentence.strip())
        return PROPOSAL, m.group(1).strip(" ,") if m else None
    if actor.kind == actors.OTHER and rx["proposal_intro"].search(folded):
        return PROPOSAL, actor.name  # "Motionärerna föreslår att ..."
    if intro is not None and _ATT_ITEM.match(sentence):
        intro_folded = fold_diacritics(intro)
        intro_actor = actors.find_actor(intro)
        if rx["proposal_intro"].search(intro_folded) and intro_actor.kind != actors.OWN or (
                rx["proposal"].search(intro_folded)):
            return PROPOSAL, intro_actor.name
    if actor.kind == actors.OTHER:
        return OTHER_ACTOR, actor.name
    return None


# --- the document -------------------------------------------------------------------------------

def _doc_date(doc: Document) -> dt.date | None:
    try:
        return dt.date.fromisoformat(doc.date) if doc.date else None
    except ValueError:
        return None


@dataclass
class _Found:
    section: Section
    clause: Clause
    sentence: str
    actor: actors.Actor
    reason: str | None


_PLACE_BEFORE_DATE = re.compile(r"^\s*([A-ZÅÄÖ][\w.-]+)(?:\s+[A-ZÅÄÖ][\w-]+)?,?\s*$")


def is_closing_line(clause: str, found: Found | None, date: dt.date | None) -> bool:
    """True when the clause opens with the document's closing line, a place and the document's
    own date ("Örebro den 21 maj 2024", the signatures run on after it): no promise."""
    if found is None or date is None or found.start == 0:
        return False
    deadline = found.deadline
    if not (deadline.start == deadline.end == date.isoformat()):
        return False
    m = _PLACE_BEFORE_DATE.match(clause[:found.start])
    not_places = load_table("commitments")["exclude"]["closing_not_places"]
    return m is not None and fold_diacritics(m.group(1)) not in not_places


MIN_ROW_ACTION_WORDS = 3  # "Instämmer delvis." is an answer, not an action to schedule


@lru_cache(maxsize=1)
def _row_cell_rx() -> re.Pattern:
    t = load_table("commitments")["exclude"]
    labels = sorted({*t["schedule_labels"], *t["row_other_labels"]}, key=len, reverse=True)
    return re.compile(rf"(?:^|(?<=\s))(?P<label>{'|'.join(re.escape(x) for x in labels)})\s*:\s*")


def row_cells(sentence: str) -> tuple[str, dict[str, str]]:
    """A sentence read as table cells "Label: value" (labels of ``[exclude]``): the text before
    the first such cell, and the cells by folded label ("Ansvarig: Eva Tidplan: juni 2025")."""
    folded = fold_diacritics(sentence)
    marks = list(_row_cell_rx().finditer(folded))
    cells: dict[str, str] = {}
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(sentence)
        cells.setdefault(m.group("label"), sentence[m.end():end].strip())
    return (sentence[:marks[0].start()].strip() if marks else sentence.strip()), cells


def _words_of(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{2,}", text))


def row_deadlines(sentences: list[str], date: dt.date | None, year: int | None) -> dict[int, Found]:
    """Deadlines that a table row's schedule cell gives to the action before it (see
    ``[exclude] schedule_labels``): sentence index -> the schedule's deadline."""
    schedule_labels = load_table("commitments")["exclude"]["schedule_labels"]
    out: dict[int, Found] = {}
    read = [row_cells(s) for s in sentences]
    for k, (before, cells) in enumerate(read):
        value = next((cells[x] for x in schedule_labels if x in cells), None)
        if value is None or before:
            continue  # no schedule, or one inside an action's own sentence (its deadline is there)
        found = preferred(find_deadlines(value, date, year), date)
        j = k - 1
        while j >= 0 and not read[j][0]:
            j -= 1  # cells only: "Ansvarig: Gatuchef"
        if found is None or j < 0:
            continue
        action = _CELL_LABEL.sub("", read[j][0])  # "Regionstyrelsens svar: Instämmer." -> "Instämmer."
        if not find_deadlines(sentences[j], date, year) and _words_of(action) >= MIN_ROW_ACTION_WORDS:
            end = len(sentences[j])
            out[j] = Found(end, end, found.deadline, found.senast, found.period)
    return out


_CELL_LABEL = re.compile(r"^[^\W\d_][\w ]{1,30}?:\s+")


def _future(deadline: Deadline | None, found: Found | None, date: dt.date | None, year: int | None) -> bool:
    if deadline is None or (found is not None and found.period):
        return False
    if date is not None:
        return deadline.end >= date.isoformat()
    return year is not None and int(deadline.end[:4]) >= year


def _section_items(section: Section, doc: Document, date, year, author: str | None) -> list[_Found]:
    found: list[_Found] = []
    proposal_section = _proposal_section(section)
    for para in paragraphs(section.text):
        previous: actors.Actor | None = None
        intro: str | None = None
        sentences = paragraph_sentences(para)
        scheduled = row_deadlines(sentences, date, year) if len(sentences) > 1 else {}
        for index, sentence in enumerate(sentences):
            if not _ATT_ITEM.match(sentence):
                intro = sentence
            sentence_actor: actors.Actor | None = None
            promised_before = False
            sentence_clauses = clauses(sentence, date, year)
            if index in scheduled and len(sentence_clauses) == 1:
                sentence_clauses = [Clause(sentence_clauses[0].text, scheduled[index], True)]
            for clause in sentence_clauses:
                deadline = clause.found.deadline if clause.found else None
                actor = actors.find_actor(clause.text, doc.committee, doc.municipality)
                if actor.kind is None and not clause.first and sentence_actor is not None:
                    actor = sentence_actor
                elif (actor.kind is None and previous is not None and previous.kind == actors.OTHER
                      and clause.first and actors.opens_with_anaphor(clause.text)):
                    actor = previous
                if clause.first:
                    sentence_actor = actor
                if is_closing_line(clause.text, clause.found, date):
                    continue
                future = _future(deadline, clause.found, date, year)
                promise = is_commitment(clause.text, deadline is not None, future,
                                        actor.kind == actors.OWN and not actor.role, deadline.text if deadline else "")
                if not promise and promised_before and not clause.first and deadline is not None:
                    promise = not reports_past(clause.text)  # "... under 2024 och utvärderas under 2025"
                promised_before = promise
                if not promise and future and actor.kind == actors.OTHER and re.search(r"\d{4}", deadline.text):
                    promise = True  # another actor's plan, in any tense: kept as context
                if not promise:
                    continue
                if author is not None:
                    reason, name = author, None
                elif proposal_section:
                    reason, name = PROPOSAL, None
                else:
                    why = _context_reason(clause.text, sentence, intro if intro is not sentence else None, actor)
                    reason, name = why if why else (None, None)
                if reason is not None:
                    actor = actors.Actor(actors.OTHER, name or actor.name)
                found.append(_Found(section, clause, sentence, actor, reason))
            previous = sentence_actor if sentence_actor is not None and sentence_actor.kind else previous
    return found


def extract(doc: Document) -> tuple[list[Commitment], list[Commitment]]:
    """The author's commitments and the plans of others kept as context, in reading order, with
    ids ``{doc.id}-c{n}`` and ``{doc.id}-x{n}``."""
    date = _doc_date(doc)
    year = date.year if date else doc.year
    author = author_context(doc)
    found: list[_Found] = []
    for section in doc.sections:
        if not _skipped_section(section):
            found.extend(_section_items(section, doc, date, year, author))
    body = {fold_diacritics(f.clause.text) for f in found if f.section.kind != "summary"}
    seen: set[str] = set()
    own: list[Commitment] = []
    others: list[Commitment] = []
    for f in found:
        key = fold_diacritics(f.clause.text)
        if (f.section.kind == "summary" and key in body) or key in seen:
            continue
        seen.add(key)
        deadline = f.clause.found.deadline if f.clause.found else None
        status = commitment_status(f.clause.text)
        if deadline is not None:
            deadline = Deadline(deadline.start, deadline.end, deadline.text,
                                deadline.flag if status == "planned" else None)
        target = others if f.reason else own
        target.append(Commitment(
            id=f"{doc.id}-{'x' if f.reason else 'c'}{len(target) + 1}",
            doc_id=doc.id,
            section=f.section.number,
            recommendation=f.section.recommendation,
            activity=f.section.activity,
            text=f.clause.text,
            actor=f.actor.name,
            status=status,
            deadline=deadline,
            sentence=f.sentence if f.sentence != f.clause.text else None,
            reason=f.reason,
        ))
    return own, others


def extract_commitments(doc: Document) -> list[Commitment]:
    """The author's own commitments (see :func:`extract`)."""
    return extract(doc)[0]
