"""Recommendations and plan activities in layouts without a label word, as items for
segmentation (:mod:`ingest.sections`).

Pure functions over cleaned blocks; the layouts are data in ``tables/recommendations.toml``,
each with examples:

- **lists after an introducing line**: "Revisorerna rekommenderar nämnden att" / "följande
  rekommendationer:" / a heading "Revisorernas rekommendationer (och nämndens svar)" / "Redovisningen
  följer de tre rekommendationerna", then items marked "1." "1)" "a)" "a." "A." "•" "-" (on their
  own lines, or run on in one line, also "(1) … (2) … och (3) …" inside one sentence);
- **items answered one by one**: an item's answer under an answer label ("Förvaltningens svar:",
  "Nämndens svar:", run on or in the next paragraph) stays in the item's section, and a numbered
  list goes on after it with the next number; a short "1) Tillsynsplan" heading keeps the report
  under it; without any introduction, a list whose item 1 is answered under an owned label
  ("Nämndens svar:") is one too;
- **text tables** whose header names recommendations or activities ("Rekommendation | Åtgärd |
  Status | Klart", "Nr | Revisorernas rekommendation | ...", "Aktivitet | Status | Kommentar"):
  one item per row, the other cells its text ("Status: Genomfört ...");
- **numbered activity headings** without the word *Aktivitet* ("1.1 Hembesök – genomfört"),
  when they carry a status, stand under a goal or area label, or are followed by "Ansvarig:";
- when a document has none of these and no "Rekommendation N:" label: **a recommendation in a
  running sentence** ("Stadsrevisionen rekommenderar nämnden att säkra att ..."), else the
  **bör-sentences** of a paragraph about the audit ("Nämnden bör säkerställa ...").

A list item's number is its own ("2.", "b)" = 2) or, for bullets, its place in the list. A block
holding items is cut so that each item is a block of its own; :func:`expand` returns the blocks
with the item each one is (or None).

Answers placed elsewhere ("Till rekommendation 2", "Kommentar till rekommendation 2",
"(rekommendation b)") are read by :func:`answered_recommendation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.folding import fold_diacritics
from ingest.labels import parse_label
from ingest.model import Block
from ingest.tables import load_table

RECOMMENDATION = "recommendation"
ACTIVITY = "activity"
ITEM_WORDS = {RECOMMENDATION: "Rekommendation", ACTIVITY: "Aktivitet"}
TABLE_SEPARATOR = re.compile(r"\s*\|\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")


@dataclass
class Item:
    """A recommendation or activity found by layout: its number (None: numbered in order),
    its statement, and the text that goes with it (other table cells, a status)."""

    kind: str
    number: int | str | None
    statement: str
    body: str = ""
    in_list: bool = True  # a list item or table row: in force for its own block only


@cache
def _rx() -> dict:
    t = load_table("recommendations")
    any_of = lambda ps: re.compile("|".join(f"(?:{p})" for p in ps))  # noqa: E731
    return {
        "intro": any_of(t["intro"]["lines"]),
        "not_intro": any_of(t["intro"]["not_lines"]),
        "announce": any_of(t["intro"]["announce"]),
        "marker": re.compile(t["items"]["marker"]),
        "inline": re.compile(t["items"]["inline_marker"]),
        "answers": [re.compile(p) for p in t["answers"]["patterns"]],
        "answer_label": re.compile(t["answers"]["label"]),
        "recommendation_header": re.compile(t["tables"]["recommendation_header"]),
        "single": re.compile(t["single"]["pattern"]),
        "should": re.compile(t["should"]["subject"]),
        "should_context": re.compile(t["should"]["context"]),
        "body_first": re.compile(t["colon"]["body_first"]),
        "activity": re.compile(t["activities"]["heading"]),
        "status": frozenset(t["activities"]["status"]),
        "responsible": re.compile(t["activities"]["responsible"], re.IGNORECASE),
    }


def _number(match: re.Match) -> int | None:
    """The number a list marker gives: "3." -> 3, "c)" -> 3, "(2)" -> 2, a bullet -> None."""
    g = match.groupdict()
    token = g.get("n") or g.get("l") or g.get("p")
    if not token:
        return None
    return int(token) if token.isdigit() else ord(token.lower()) - ord("a") + 1


_TRAILING_CONJUNCTION = re.compile(r"(?:[\s,;]+(?:och|samt|eller))+$")


def _statement(text: str) -> str:
    """An item's recommendation: without a leading "att", a trailing comma or "och" ("(2) följa
    upp ... och (3) ...")."""
    text = " ".join(text.split())
    text = re.sub(r"^att\s+", "", text)
    return _TRAILING_CONJUNCTION.sub("", text.rstrip(" ,;")).rstrip(" ,;")


def is_intro(line: str) -> bool:
    folded = fold_diacritics(line).strip(" *_#=")
    rx = _rx()
    if rx["announce"].search(folded):
        return True
    return bool(rx["intro"].search(folded)) and not rx["not_intro"].search(folded)


def starts_answer(text: str) -> bool:
    """True when ``text`` opens with an answer label ("Förvaltningens svar:", "Nämndens svar:",
    "Kommentar:")."""
    m = _rx()["answer_label"].match(fold_diacritics(text.strip()))
    return m is not None


MAX_HEADING_ITEM_WORDS = 8


_FUNCTION_WORD_END = re.compile(
    r"\s(?:och|samt|eller|att|som|med|i|av|for|till|pa|om|en|ett|den|det|de|fran|vid|inom|under|mellan|hos|"
    r"efter|per|mot|utan|genom|over)$")


def _heading_like(text: str) -> bool:
    """A short item without a full stop, not broken off after a function word: a heading over its
    report ("Tillsynsplan för avlopp", not "Följ upp avtalen med")."""
    text = text.strip()
    return (0 < len(text.split()) <= MAX_HEADING_ITEM_WORDS and not re.search(r"[.,;:!?]$", text)
            and not _FUNCTION_WORD_END.search(fold_diacritics(text)))


def answer_follows(items: list[tuple[int | None, str, str]], next_block: str | None, answered_list: bool) -> bool:
    """Does the block after a list answer its last item? When it opens with an answer label
    ("Förvaltningens svar: …"), or when the list goes heading by heading with a report under each
    (``answered_list``, or an item of this block has one) and the last item is such a heading."""
    if not next_block or _rx()["marker"].match(next_block):
        return False
    if starts_answer(next_block):
        return True
    headed = answered_list or any(body for _n, _t, body in items)
    return headed and _heading_like(items[-1][1])


def split_item(lines: list[str]) -> tuple[str, str]:
    """A list item's statement and the text that answers or reports on it: the item ends at an
    answer label ("… vårdcentralerna. Regionstyrelsens svar: …"), or, when its first line is a
    short heading without a full stop and the next line opens a sentence ("1) Tillsynsplan för
    enskilda avlopp" / "Tillsynsplanen antogs …"), at the end of that line."""
    first = lines[0].strip()
    rest = [line.strip() for line in lines[1:] if line.strip()]
    if rest and _heading_like(first) and re.match(r"[A-ZÅÄÖ][a-zåäö]", rest[0]):
        return first, "\n".join(rest)
    text = " ".join([first, *rest])
    m = _rx()["answer_label"].search(fold_diacritics(text), 1)
    if m:
        return text[:m.start()].strip(), text[m.start():].strip()
    return text, ""


def answered_recommendation(heading: str) -> int | None:
    """The recommendation a heading answers ("Till rekommendation 2" -> 2, "(rekommendation b)"
    -> 2), or None."""
    folded = fold_diacritics(" ".join(heading.split())).strip(" *_#=:")
    for pattern in _rx()["answers"]:
        m = pattern.search(folded)
        if m:
            return _word_number(m.group("n"))
    return None


def _word_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if len(token) == 1 and "a" <= token <= "h":
        return ord(token) - ord("a") + 1
    words = {fold_diacritics(w): n for w, n in load_table("headings")["number_words"].items()}
    return words.get(token)


# --- lists ------------------------------------------------------------------------------------

def _marker_items(lines: list[str]) -> list[tuple[int | None, str, str]] | None:
    """Items of lines that each start with a marker (continuation lines join the item before):
    (number, statement, the answer or report that follows it, see :func:`split_item`)."""
    marker = _rx()["marker"]
    items: list[list] = []
    for line in lines:
        m = marker.match(line)
        if m:
            items.append([_number(m), [line[m.end():]]])
        elif items and line.strip():
            items[-1][1].append(line)
        elif line.strip():
            return None
    out: list[tuple[int | None, str, str]] = []
    for n, item_lines in items:
        if n is None:  # bullets run on after the first ("• att A, • att B"): one item each
            t = " ".join(x.strip() for x in item_lines)
            out.extend((n, p, "") for p in _RUN_ON_BULLET.split(t) if p.strip())
        else:
            statement, body = split_item(item_lines)
            if statement.strip():
                out.append((n, statement, body))
    return out or None


_RUN_ON_BULLET = re.compile(r"\s[•+▪·]\s+")


def _intro_inline(line: str) -> int | None:
    """Where items run on in ``line`` begin: the first inline marker whose sentence (the text
    since the last full stop before it) introduces recommendations."""
    for m in _rx()["inline"].finditer(line):
        before = line[:m.start()]
        sentence = re.split(r"(?<=[.!?:])\s+(?=[A-ZÅÄÖ])", before.strip())[-1] if before.strip() else ""
        if sentence and is_intro(sentence):
            return m.start()
    return None


def _inline_items(text: str) -> tuple[list[tuple[int | None, str]], str] | None:
    """Items run on in one line (``text`` starts at the first marker), and the text after the
    last item."""
    marks = list(_rx()["inline"].finditer(text))
    if not marks:
        return None
    kinds = {bool(m.group("n")) or bool(m.group("l")) or bool(m.group("p")) for m in marks}
    if len(kinds) > 1:
        return None
    items = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        items.append([_number(m), text[m.end():end].strip()])
    tail = ""
    last = items[-1][1]
    cut = _SENTENCE_END.search(last)
    if cut:  # the last item ends at its first full stop; the rest is running text
        items[-1][1], tail = last[:cut.start()].strip(), last[cut.end():].strip()
    return [(n, t) for n, t in items], tail


def _list_item(kind: str, number, text: str, answered: bool = False) -> Item:
    """An item of a list; an answered one keeps the text after it (its answer) in its section."""
    return Item(kind, number, _statement(text), in_list=not answered)


def _item_pieces(items: list[tuple[int | None, str, str]], answer_follows: bool) -> list[tuple[str, Item | None]]:
    """The pieces of a list of recommendations: each item, then its answer (if any) as text.
    ``answer_follows``: the block after the list opens with an answer label, so it answers the
    last item."""
    pieces: list[tuple[str, Item | None]] = []
    for k, (n, text, body) in enumerate(items):
        answered = bool(body) or (answer_follows and k == len(items) - 1)
        pieces.append((text, _list_item(RECOMMENDATION, n, text, answered)))
        if body:
            pieces.append((body, None))
    return pieces


def _opens_answered_list(lines: list[str], next_text: str | None) -> bool:
    """A list without an introduction that opens with item 1 answered under an answer label
    ("1. Säkerställ …" then "Nämndens svar: …"): a list of recommendations."""
    items = _marker_items(lines)
    if not items or items[0][0] != 1 or len(items[0][1].split()) < MIN_UNINTRODUCED_WORDS:
        return False  # "1. Inledning": a chapter heading

    def owned(text: str) -> bool:  # "Nämndens svar:", "Svar:", not a bare "Kommentar:"
        return _OWNED_ANSWER.match(fold_diacritics(text.strip())) is not None

    return any(owned(body) for _n, _t, body in items) or (
        next_text is not None and owned(next_text) and not items[-1][2])


MIN_UNINTRODUCED_WORDS = 3
_OWNED_ANSWER = re.compile(r"(?:[\w-]+s\s+(?:svar|kommentar(?:er)?|synpunkter|stallningstagande)|svar)\s*:")


def _next_number(items: list[tuple[int | None, str, str]], answer_follows: bool) -> int | None:
    """The number that continues an answered numbered list after its answer, or None."""
    n, _text, body = items[-1]
    return n + 1 if isinstance(n, int) and (body or answer_follows) else None


# --- tables ------------------------------------------------------------------------------------

def _cells(line: str) -> list[str]:
    cells = TABLE_SEPARATOR.split(line.strip().strip("|").strip())
    return [c.strip() for c in cells]


def _table_header(line: str) -> tuple[str, int, int | None, list[str]] | None:
    """(kind, statement column, number column, header names) when ``line`` heads a table of
    recommendations or activities."""
    if line.count("|") < 1:
        return None
    cells = _cells(line)
    if len(cells) < 2:
        return None
    t = load_table("recommendations")["tables"]
    folded = [fold_diacritics(c).strip(" *_:") for c in cells]
    number_col = 0 if folded[0] in t["number_headers"] else None
    for col, name in enumerate(folded[:2]):
        if name in t["recommendation_headers"] or _rx()["recommendation_header"].search(name):
            return RECOMMENDATION, col, number_col, cells
        if name in t["activity_headers"]:
            return ACTIVITY, col, number_col, cells
    return None


# a row's number: "2.", "1.1", OCR's "i" for "1", or a letter ("b." = 2)
_LEADING_NUMBER = re.compile(r"^\s*(?:(?P<n>\d{1,2}(?:\.\d{1,2})?|[iIl](?=\s))|(?P<l>[a-h])(?=[.)]\s))\s*[.):]?\s+")


def _row_item(kind: str, col: int, number_col: int | None, header: list[str], line: str) -> Item | None:
    cells = _cells(line)
    if len(cells) < 2 or set(line.strip()) <= set("|-:+ "):
        return None
    number = None
    statement = cells[col] if col < len(cells) else ""
    if number_col is not None and cells[number_col].strip().isdigit():
        number = int(cells[number_col])
    else:
        m = _LEADING_NUMBER.match(statement)
        if m and m.group("l"):
            number = ord(m.group("l")) - ord("a") + 1
            statement = statement[m.end():]
        elif m:
            raw = m.group("n")
            raw = "1" if raw in ("i", "I", "l") else raw  # OCR's "i" for "1"
            number = raw if "." in raw else int(raw)
            statement = statement[m.end():]
    if number is None or not statement.strip():
        return None
    if kind == ACTIVITY and isinstance(number, int):
        number = str(number)
    body = [f"{header[k]}: {c}" for k, c in enumerate(cells)
            if k not in (col, number_col) and k < len(header) and c and c not in ("–", "-")]
    return Item(kind, number, _statement(statement), "\n".join(body))


def _starts_row(table, line: str) -> bool:
    """Does ``line`` start a row of the table (its number in the number column, or leading the
    statement column)?"""
    _kind, col, number_col, _header = table
    cells = _cells(line)
    if number_col is not None:
        return bool(cells) and cells[number_col].strip().isdigit()
    first = cells[0] if cells else ""
    return bool(_LEADING_NUMBER.match(first)) if col == 0 else len(cells) > col


# --- activities --------------------------------------------------------------------------------

def _activity_heading(line: str) -> tuple[str, str, str | None] | None:
    """(number, title, status) of a numbered heading line, or None."""
    m = _rx()["activity"].match(line.strip())
    if not m or len(m.group("title").split()) > 14:
        return None
    status = m.group("status")
    if status and fold_diacritics(status).strip() not in _rx()["status"]:
        return None
    return m.group("n"), m.group("title").strip(), status


# --- the document ------------------------------------------------------------------------------

def _block(template: Block, text: str) -> Block:
    return Block(text=text, page=template.page, raw=text, emphasis=False, heading=False)


class _Cutter:
    """Cuts one block's lines into pieces: plain text, and items (see :func:`expand`)."""

    def __init__(self, goal_seen: bool, table):
        self.pieces: list[tuple[str, Item | None]] = []
        self.rest: list[str] = []
        self.goal_seen = goal_seen
        self.table = table  # a table header whose rows may go on in this block
        self.next_number: int | None = None  # an answered list goes on with this number
        self.body_next = False  # the next block answers the last item

    def text(self, line: str) -> None:
        self.rest.append(line)

    def item(self, text: str, item: Item | None) -> None:
        if self.rest:
            self.pieces.append(("\n".join(self.rest), None))
            self.rest = []
        self.pieces.append((text, item))

    def items(self, items: list[tuple[int | None, str, str]], next_blocks: list[Block]) -> None:
        follows = answer_follows(items, next_blocks[0].text if next_blocks else None, False)
        for text, item in _item_pieces(items, follows):
            if item is None:
                self.text(text)
            else:
                self.item(text, item)
        self.next_number = _next_number(items, follows)
        self.body_next = follows

    def done(self) -> list[tuple[str, Item | None]]:
        if self.rest:
            self.pieces.append(("\n".join(self.rest), None))
            self.rest = []
        return self.pieces

    def cut(self, lines: list[str], next_blocks: list[Block]) -> None:
        i = 0
        while i < len(lines):
            line = lines[i]
            header = _table_header(line) if "|" in line else None
            if header:
                self.table = header
                self.text(line)
                i += 1
                continue
            if self.table and "|" in line:
                row = [line]
                i += 1
                # a row wrapped onto lines that do not start a row of their own (OCR, narrow columns)
                while i < len(lines) and lines[i].strip() and not _starts_row(self.table, lines[i]) and (
                        "|" in lines[i] or "|" not in row[-1].rstrip()[-1:]):
                    if _table_header(lines[i]):
                        break
                    row.append(lines[i].strip())
                    i += 1
                joined = " ".join(r.strip() for r in row)
                self.item(joined, _row_item(*self.table[:3], self.table[3], joined))
                continue
            self.table = None
            start = _intro_inline(line)
            inline = _inline_items(line[start:]) if start is not None else None
            if inline:
                items, tail = inline
                self.text(line[:start].rstrip())
                following = _marker_items(lines[i + 1:]) if not tail else None
                self.items([(n, t, "") for n, t in items] + (following or []), next_blocks)
                if tail:
                    self.text(tail)
                i = len(lines) if following else i + 1
                continue
            if is_intro(line):
                following = _marker_items(lines[i + 1:])
                if following:
                    self.text(line)
                    self.items(following, next_blocks)
                    return
            goal = parse_label(line.strip()) if len(lines) > 1 else None
            if goal is not None and goal.kind == "goal":
                self.goal_seen = True
                self.item(line, None)  # "Område 1 Kontinuitet" run into the next line: a heading of its own
                i += 1
                continue
            if i == 0 and len(lines) > 1 and answered_recommendation(line) is not None and len(line.split()) <= 12:
                self.item(line, None)  # "Till rekommendation 2" run into its answer: a heading of its own
                i += 1
                continue
            activity = _activity_heading(line)
            if activity and _counts_as_activity(activity, self.goal_seen, lines[i + 1:], next_blocks):
                number, title, status = activity
                self.item(line, Item(ACTIVITY, number, title, f"Status: {status}" if status else "", in_list=False))
                i += 1
                continue
            self.text(line)
            i += 1


def expand(blocks: list[Block]) -> list[tuple[Block, Item | None]]:
    """Blocks with list items, table rows and numbered activity headings cut out as items."""
    out: list[tuple[Block, Item | None]] = []
    table = None
    goal_seen = False
    next_number: int | None = None  # a numbered list answered item by item goes on with this number
    body_next = False  # the block answers the list's last item (also without an answer label)
    for index, block in enumerate(blocks):
        label = parse_label(block.text.strip())
        goal_seen = goal_seen or (label is not None and label.kind == "goal")
        lines = block.text.split("\n")
        first = _rx()["marker"].match(lines[0])
        # a list whose items are blocks of their own, after a block ending with its introduction,
        # or going on after the answer to its last item ("b. …" after "Förvaltningens svar: …")
        next_text = blocks[index + 1].text if index + 1 < len(blocks) else None
        if out and out[-1][1] is None and is_intro(out[-1][0].text.split("\n")[-1]) or (
                out and out[-1][1] is not None and out[-1][1].in_list and out[-1][1].kind == RECOMMENDATION
                and not (out[-1][0].text or "").count("|")) or (
                next_number is not None and first is not None and _number(first) == next_number) or (
                first is not None and _number(first) == 1 and _opens_answered_list(lines, next_text)):
            items = _marker_items(lines)
            if items and not any("|" in line for line in lines):
                follows = answer_follows(items, next_text, next_number is not None)
                out.extend((_block(block, t), it) for t, it in _item_pieces(items, follows))
                next_number, body_next = _next_number(items, follows), follows
                continue
        if next_number is not None and not (body_next or starts_answer(block.text)):
            next_number = None
        body_next = False
        cutter = _Cutter(goal_seen, table)
        cutter.cut(lines, blocks[index + 1:index + 4])
        table = cutter.table
        goal_seen = cutter.goal_seen
        next_number = cutter.next_number or next_number
        body_next = cutter.body_next
        pieces = cutter.done()
        if len(pieces) == 1 and pieces[0][1] is None:
            out.append((block, None))
        else:
            out.extend((_block(block, text), item) for text, item in pieces if text.strip() or item)
    if not any(item and item.kind == RECOMMENDATION for _, item in out) and not _has_labels(blocks):
        out = _fallback(out)
    return out


def _counts_as_activity(activity, goal_seen: bool, next_lines: list[str], next_blocks: list[Block]) -> bool:
    number, _title, status = activity
    if status:
        return True
    if "." not in number:
        return False
    if goal_seen:
        return True
    ahead = [*next_lines]
    for b in next_blocks[:3]:
        ahead += b.text.split("\n")
    for line in ahead[:8]:
        if _rx()["responsible"].search(line):
            return True
        if _activity_heading(line):
            break
    return False


def _has_labels(blocks: list[Block]) -> bool:
    for b in blocks:
        label = parse_label(b.text.strip())
        if label is not None and label.kind == RECOMMENDATION:
            return True
    return False


def _split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _fallback(out: list[tuple[Block, Item | None]]) -> list[tuple[Block, Item | None]]:
    """Recommendations in running text: one given in a sentence, else bör-sentences."""
    rx = _rx()
    for finder in (_colon_sentences, _single, _should):
        found = False
        result: list[tuple[Block, Item | None]] = []
        for block, item in out:
            if item is not None or "|" in block.text:
                result.append((block, item))
                continue
            parts = finder(block.text, rx)
            if not parts:
                result.append((block, item))
                continue
            found = True
            result.extend((_block(block, text), it) for text, it in parts)
        if found:
            return result
    return out


def _colon_sentences(text: str, rx) -> list[tuple[str, Item | None]] | None:
    """Sentences naming a body after an introduction ending in a colon, without list marks:
    "… bör följande rekommendationer prioriteras: Kommunstyrelsen utvecklar … Socialnämnden
    genomför …"."""
    m = re.search(r":\s+(?=[A-ZÅÄÖ])", text)
    if not m or not is_intro(text[:m.start()].split(". ")[-1]):
        return None
    parts: list[tuple[str, Item | None]] = [(text[:m.start() + 1], None)]
    rest = _split_sentences(text[m.end():])
    items = 0
    for k, sentence in enumerate(rest):
        if not rx["body_first"].match(fold_diacritics(sentence)):
            if items:
                parts.append((" ".join(rest[k:]), None))
            break
        parts.append((sentence, Item(RECOMMENDATION, None, sentence.rstrip(" ."), in_list=True)))
        items += 1
    return parts if items else None


def _single(text: str, rx) -> list[tuple[str, Item | None]] | None:
    sentences = _split_sentences(text)
    parts: list[tuple[str, Item | None]] = []
    before: list[str] = []
    hit = False
    for s in sentences:
        m = rx["single"].search(fold_diacritics(s))
        if m and not rx["not_intro"].search(fold_diacritics(s)):
            hit = True
            if before:
                parts.append((" ".join(before), None))
                before = []
            statement = s[m.start("text"):].rstrip(" .")
            parts.append((s, Item(RECOMMENDATION, None, statement, in_list=True)))
        else:
            before.append(s)
    if before:
        parts.append((" ".join(before), None))
    return parts if hit else None


def _should(text: str, rx) -> list[tuple[str, Item | None]] | None:
    if not rx["should_context"].search(fold_diacritics(text)):
        return None
    sentences = _split_sentences(text)
    parts: list[tuple[str, Item | None]] = []
    before: list[str] = []
    hit = False
    for s in sentences:
        if rx["should"].search(fold_diacritics(s)):
            hit = True
            if before:
                parts.append((" ".join(before), None))
                before = []
            parts.append((s, Item(RECOMMENDATION, None, s.rstrip(" ."), in_list=True)))
        else:
            before.append(s)
    if before:
        parts.append((" ".join(before), None))
    return parts if hit else None
