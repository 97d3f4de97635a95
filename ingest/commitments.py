"""Commitments (åtaganden): the sentences of a document that promise future action.

Pure functions over a :class:`~ingest.model.Document` whose sections, date and year are set.
The vocabulary is data in ``ingest/tables/commitments.toml``. The rules, in order:

1. **Sentences.** Each section's text is cut into paragraphs, list items (``-``, ``•``, ``1.``,
   ``a)``) and sentences. A full stop after an abbreviation (t.ex., bl.a., s.k., ca.) or
   before a lower-case word does not end a sentence; hard line wraps are undone.
2. **Cues.** A *strong* cue (kommer att, kommer + verb, planeras, planerar, avser att,
   beräknas, återrapporteras, redovisas för nämnden ...) makes a commitment. A *weak* cue
   (ska, skall) states a norm as often as a promise, so it counts only with a deadline phrase
   ("ska vara genomförd den 31 maj 2024") or with one of our own actors as its subject
   ("Förvaltningen ska se över ..."). A sentence without a future cue counts when its deadline
   lies wholly after the document's date (the present tense is used for plans: "Redogörelsen
   uppdateras under första halvåret 2025"), or when it names a deadline and says the work goes
   on (*pågår*, *fortsätter*) or is done (*har genomförts*).
3. **Exclusions.** Statements of duty are not promises: a quoted law, regulation or general
   advice ("Enligt socialtjänstlagen ska socialnämnden ..."), the audit procedure ("Nämnden ska
   yttra sig ..."), "X ska ansvara för", predictions of effect ("kommer att leda till"), and
   sentences whose subject is another body (Regeringen, Socialstyrelsen, myndigheten ...).
4. **Status**: ``done`` for *har genomförts*, *är slutförd*, *slutfördes* ...; ``ongoing`` for
   *pågår*, *fortsätter*; else ``planned``.
5. **Actor**: the sentence's subject when it names an organisation or a role ("Förvaltningen",
   "Resursteam heder", "Socialsekreterare inom social jour"), found before the verb or, after a
   fronted adverbial ("Innan sommaren 2024 kommer Resursteam heder lansera"), right after it.
6. **Deadline** from :func:`ingest.deadlines.parse_deadline`; its ``before_document`` flag is
   kept only for planned commitments (a report of past work may well be dated earlier).

Sections of kind ``proposal`` and ``basis``, and sections headed Beslutsplanering, Beslutet
skickas till, Ansvariga or Bilagor (table ``[sections]``) hold no promises; a sentence without a
future cue must have at least five words besides numbers to count (not "Nämnden 2024-03-21"). A summary sentence repeated in the
body is kept once, where the body puts it (with its recommendation).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from ingest.deadlines import parse_deadline
from ingest.folding import fold_diacritics
from ingest.model import Commitment, Document, Section
from ingest.tables import load_table

SKIPPED_KINDS = {"proposal", "basis"}



def _words(phrases) -> re.Pattern:
    alt = "|".join(sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])")


@lru_cache(maxsize=1)
def _rx() -> dict[str, re.Pattern]:
    t = load_table("commitments")
    not_after = "|".join(t["cues"]["kommer_not_before"])
    return {
        "strong": _words(t["cues"]["strong"]),
        "kommer_verb": re.compile(rf"(?<![\w-])kommer\s+(?!(?:{not_after})\b)[a-z*]\w*"),
        "weak": _words(t["cues"]["weak"]),
        "done": _words(t["status"]["done"]),
        "ongoing": _words(t["status"]["ongoing"]),
        "duty": _words(t["exclude"]["duty"]),
        "external": re.compile(rf"^(?:{'|'.join(t['exclude']['external_actors'])})\b"),
        "org": re.compile(rf"(?:{'|'.join(t['actors']['org_suffixes'])})$"),
        "list_item": re.compile(t["sentences"]["list_item"]),
        "subordinate": re.compile(rf"(?<![\w-])(?:{'|'.join(t['cues']['subordinators'])})(?![\w-])"),
    }


# --- sentences ---------------------------------------------------------------------------------

# From the start of a run of stops only, and possessive: on a long run of dots without a space
# the plain form retried from every dot (quadratic).
_END = re.compile(r"(?<![.!?])[.!?]++[\"”’)]*+\s+")
LONGEST_ABBREVIATION = 40  # characters read back for the word before a full stop


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the word ending at ``end`` (the sentence began at ``start``) is an abbreviation
    ("t.ex", "bl.a", a single letter). Only the last few characters are read."""
    low = max(start, end - LONGEST_ABBREVIATION)
    pieces = re.split(r"[\s(]", text[low:end].rstrip("."))
    if len(pieces) == 1 and low > start:
        return False  # a word longer than any abbreviation
    word = pieces[-1].lower()
    abbreviations = load_table("commitments")["sentences"]["abbreviations"]
    return word in abbreviations or (len(word) == 1 and word.isalpha())


def _split_item(text: str) -> list[str]:
    out, start = [], 0
    for m in _END.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "*\"”(§"):
            continue
        if text[m.start()] == "." and _is_abbreviation(text, start, m.start()):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences of a section text: paragraphs, then list items, then full stops."""
    list_item = _rx()["list_item"]
    items: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for line in para.splitlines():
            if not line.strip():
                continue
            if list_item.match(line) and current:
                items.append(" ".join(current))
                current = []
            current.append(line.strip())
        if current:
            items.append(" ".join(current))
    sentences: list[str] = []
    for item in items:
        item = re.sub(r"\s+", " ", item)
        # undo hyphenation at a hard wrap ("genom- förd") only where it joins a lower-case word
        item = re.sub(r"(\w)- (?!och\b|eller\b|samt\b)([a-zåäö])", r"\1\2", item)
        sentences.extend(s for s in _split_item(item) if s)
    return sentences


# --- classification ------------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;:(]")


def _main_clause_test(folded: str):
    """A test ``m -> bool``: True when the cue ``m`` is not inside a subordinate clause (a
    subordinator since the last comma). Breaks and subordinators are found once per sentence,
    so a long sentence with many cues stays linear (splitting the text before each cue was not).
    """
    breaks = [b.start() for b in _CLAUSE_BREAK.finditer(folded)]
    subordinators = [(s.start(), s.end()) for s in _rx()["subordinate"].finditer(folded)]
    starts = [start for start, _ in subordinators]

    def main_clause(m: re.Match) -> bool:
        k = bisect_left(breaks, m.start())
        clause_start = breaks[k - 1] if k else -1
        j = bisect_right(starts, clause_start)  # the first subordinator after the break
        return not (j < len(subordinators) and subordinators[j][1] <= m.start())

    return main_clause


def _cues(folded: str, keys) -> list[re.Match]:
    rx = _rx()
    main_clause = _main_clause_test(folded)
    found = [m for key in keys for m in rx[key].finditer(folded) if main_clause(m)]
    return sorted(found, key=lambda m: m.start())


def _first_cue(folded: str) -> re.Match | None:
    found = _cues(folded, ("strong", "kommer_verb", "weak", "ongoing", "done"))
    return found[0] if found else None


def _is_actor(phrase: str) -> bool:
    t = load_table("commitments")["actors"]
    words = re.findall(r"[\w-]+", fold_diacritics(phrase).replace("*", ""))
    return any(_rx()["org"].search(w) or w in t["roles"] for w in words)


def find_actor(sentence: str) -> str | None:
    """The organisation or role that is the subject of a promise, where the sentence names one."""
    folded = fold_diacritics(sentence)
    cue = _first_cue(folded)
    if cue is None:
        return None
    fronting = set(load_table("commitments")["actors"]["fronting"])
    before = sentence[:cue.start()].strip(" ,*")
    first = fold_diacritics(before.split(" ")[0]) if before else ""
    if before and first not in fronting and len(before.split()) <= 7:
        return _clean_actor(before) if _is_actor(before) else None
    if before and first not in fronting:
        # a long subject: keep its head when it is an actor ("Förvaltningen är positiv ... och kommer")
        head = before.split()[0]
        return _clean_actor(head) if _is_actor(head) else None
    # inverted order after a fronted adverbial: the subject follows the finite verb
    finite = re.match(r"\S+", sentence[cue.start():])
    after = sentence[cue.start() + (finite.end() if finite else 0):].split()
    if not after or not after[0][:1].isupper() and not _is_actor(after[0]):
        return None
    if not _is_actor(after[0]):
        return None
    words = [after[0]]
    for w in after[1:3]:
        fw = fold_diacritics(w).strip("*,.")
        if not w[:1].islower() or fw.endswith("a") or fw in fronting or fw in ("att", "och", "inte"):
            break
        words.append(w)
    return _clean_actor(" ".join(words))


def _clean_actor(text: str) -> str:
    text = re.sub(r"[*_]", "", text).strip(" ,.:;")
    return text[:1].upper() + text[1:]


def _is_org(phrase: str) -> bool:
    words = re.findall(r"[\w-]+", fold_diacritics(phrase).replace("*", ""))
    return bool(words) and bool(_rx()["org"].search(words[-1]))


def _org_subject(sentence: str, cue: re.Match) -> bool:
    """True when an organisation is the subject right at the weak cue ("Förvaltningen ska",
    "I år ska nämnden"): a role ("medarbetare ska") states a norm, not a promise."""
    before = sentence[:cue.start()].split()
    if 0 < len(before) <= 4 and fold_diacritics(before[0]) not in load_table("commitments")["actors"]["fronting"]:
        return _is_org(" ".join(before))
    after = sentence[cue.end():].split()
    return bool(after) and _is_org(after[0])


def is_external(sentence: str) -> bool:
    """True when the subject is another body (Regeringen, Socialstyrelsen ...), not the author."""
    folded = fold_diacritics(sentence).lstrip("* ")
    return bool(_rx()["external"].match(folded))


def commitment_status(sentence: str) -> str:
    folded = fold_diacritics(sentence)
    if _rx()["done"].search(folded):
        return "done"
    if _rx()["ongoing"].search(folded):
        return "ongoing"
    return "planned"


def is_commitment(sentence: str, has_deadline: bool, future: bool = False) -> bool:
    """Whether a sentence promises action (rules 2 and 3 of the module docstring).

    ``future`` says the sentence's deadline lies wholly after the document's date: Swedish uses
    the present tense for planned work ("Redogörelsen uppdateras under första halvåret 2025").
    """
    folded = fold_diacritics(sentence)
    rx = _rx()
    if rx["duty"].search(folded) or is_external(sentence):
        return False
    if future or _cues(folded, ("strong", "kommer_verb")):
        return True
    if weak := _cues(folded, ("weak",)):
        return has_deadline or _org_subject(sentence, weak[0])
    return has_deadline and commitment_status(sentence) != "planned"


# --- the document --------------------------------------------------------------------------------

def _doc_date(doc: Document) -> dt.date | None:
    try:
        return dt.date.fromisoformat(doc.date) if doc.date else None
    except ValueError:
        return None


def _skipped_section(section: Section) -> bool:
    """Meeting plans, addressees and signatures hold dates but no promises."""
    heading = fold_diacritics(section.heading or "").strip(" :")
    return section.kind in SKIPPED_KINDS or heading in load_table("commitments")["sections"]["skipped_headings"]


def _is_sentence(sentence: str) -> bool:
    """Enough words (numbers and dates aside) to be a sentence, not a name and a date."""
    return len(re.findall(r"[^\W\d_]{2,}", sentence)) >= load_table("commitments")["sections"]["min_words_without_cue"]


def _section_commitments(section: Section, date, year) -> list[tuple[Section, str, object]]:
    found = []
    for sentence in split_sentences(section.text):
        deadline = parse_deadline(sentence, date, year)
        future = (deadline is not None and date is not None and deadline.start > date.isoformat()
                  and bool(re.search(r"\d{4}", deadline.text)) and _is_sentence(sentence))
        if is_commitment(sentence, deadline is not None, future):
            found.append((section, sentence, deadline))
    return found


def extract_commitments(doc: Document) -> list[Commitment]:
    """Every commitment in ``doc``, in reading order, with ids ``{doc.id}-c{n}``."""
    date, year = _doc_date(doc), doc.year
    found = []
    for section in doc.sections:
        if not _skipped_section(section):
            found.extend(_section_commitments(section, date, year))
    body = {fold_diacritics(s) for sec, s, _ in found if sec.kind != "summary"}
    out: list[Commitment] = []
    for section, sentence, deadline in found:
        if section.kind == "summary" and fold_diacritics(sentence) in body:
            continue
        status = commitment_status(sentence)
        if deadline is not None and status != "planned":
            deadline.flag = None
        out.append(Commitment(
            id=f"{doc.id}-c{len(out) + 1}",
            doc_id=doc.id,
            section=section.number,
            recommendation=section.recommendation,
            activity=section.activity,
            text=sentence,
            actor=find_actor(sentence),
            status=status,
            deadline=deadline,
        ))
    return out
