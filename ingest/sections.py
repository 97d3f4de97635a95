"""Segmentation (avsnitt): cleaned paragraphs -> sections, the unit of search.

Which paragraphs are headings, in order of strength:

1. the format says so (``Block.heading``: Word styles, HTML <h1>-<h6>, markdown "#");
2. a numbered label opens the paragraph: "Rekommendation 1: Säkerställ ...", "Rekommendation:
   ..." (numbered 1, 2, 3 in order of appearance), "Rekommendation två", "Inriktningsmål 2 - ...",
   "Aktivitet 1.1: ..." (labels in ``tables/headings.toml``);
3. a heading keyword opens a one-line paragraph without a full stop ("Sammanfattning", "Ärendet",
   "Förvaltningens överväganden"), or an inline label ("Beskrivning: text" -> heading
   "Beskrivning", the text is the section's first paragraph);
4. any other short one-line paragraph (at most 16 words, starts with a capital, ends in a letter,
   no full stop, no e-mail or web address) that is wholly emphasised, or that introduces text: the
   next paragraph is running text (6+ words or a list) or itself a heading. A short line right after a value label such as
   "Beslutet skickas till" or "Ansvariga" is that label's value, not a heading.

Recommendations and activities in layouts without a label word (a list after "Revisorerna
rekommenderar nämnden att", the rows of a "Rekommendation | Åtgärd | Status" table, a numbered
heading "1.1 Hembesök – genomfört", the bör-sentences of the auditors' summary) are found by
:mod:`ingest.recommendations`: each item is a section of its own, numbered like a label. A list
item or table row is in force for its own block only. A heading that answers a recommendation
given elsewhere ("Till rekommendation 2", "Kommentar till rekommendation 2", "(rekommendation
b)") puts its section under that recommendation.

Kinds: summary / proposal / basis / matter when the whole heading (or one "/"-separated part, as in
"Bakgrund / Ärendet") is one of the kind labels; recommendation / goal / activity for numbered
labels; "heading" for the rest; "preamble" for text before the first heading.

Ownership (the rule for sub-headings): a heading that is neither a label nor a top-level heading
belongs to the recommendation, goal and activity in force. A recommendation is in force from its
label until the next recommendation, goal or activity label, a heading of kind summary / proposal /
basis / matter, or a top-level heading listed in the table ("Ansvariga", "Förvaltningens
överväganden", "Bilagor", ...). A goal is in force until the next goal or a top-level heading; an
activity until the next activity, goal or top-level heading, and an activity "3.2" always belongs
to goal 3. So "Uppföljning" under "Aktivitet 1.2" belongs to activity "1.2" and goal 1.

The statement of a recommendation or activity is the text after its label on the same paragraph
(clean.py has already joined OCR lines broken inside it), or, after a bare "Rekommendation 1:", the
next paragraph. Section headings of labels read "Rekommendation 1: <statement>".
``Section.number`` is the section's position in the returned list (0-based).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import INNER_SENTENCE_END, ends_sentence, is_item
from ingest.folding import fold_ocr_confusions
from ingest.labels import Label, item_case_number, parse_item, parse_label, starts_with_keyword, word_end
from ingest.model import Block, Page, Section
from ingest.recommendations import ITEM_WORDS, answered_recommendation, expand
from ingest.tables import load_table

MAX_HEADING_WORDS = 16
BODY_WORDS = 6
CONTACT = re.compile(r"\S@\S|https?://|www\.", re.IGNORECASE)  # a letterhead's e-mail or web address


@dataclass
class Heading:
    kind: str
    title: str
    body: str = ""  # text after an inline label ("Beskrivning: ...")
    raw_body: str = ""
    label: Label | None = None
    strong: bool = True  # format, label or keyword (not the generic short-line rule)


def _matches_any(title: str, names: list[str]) -> bool:
    folded = fold_ocr_confusions(title)
    parts = {folded} | {fold_ocr_confusions(p) for p in title.split("/")}
    return any(fold_ocr_confusions(n) in parts for n in names)


def kind_of(title: str) -> str:
    """summary / proposal / basis / matter by the kinds table, else "heading"."""
    for kind, names in load_table("headings")["kinds"].items():
        if _matches_any(title, names):
            return kind
    return "heading"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def strong_heading(block: Block) -> Heading | None:
    """Rules 1-3 of the module docstring, on the repaired text (the raw text as a fallback)."""
    text = block.text.strip()
    label = parse_label(text) or parse_label(block.raw or "")
    if label:
        return Heading(label.kind, "", label=label)
    item = _protocol_item(block)
    if item:
        return item
    if block.heading:
        return Heading(kind_of(text), _one_line(text))
    spec = load_table("headings")["headings"]
    n = starts_with_keyword(text, spec["inline"])
    if n and re.match(r"\s*:", text[word_end(text, n):]):
        raw = block.raw or text
        rn = starts_with_keyword(raw, spec["inline"])
        raw_body = re.sub(r"^\s*:\s*", "", raw[word_end(raw, rn):]) if rn else raw
        body = re.sub(r"^\s*:\s*", "", text[word_end(text, n):])
        title = text[:word_end(text, n)]
        if body:
            return Heading(kind_of(title), title, body=body, raw_body=raw_body)
        return Heading(kind_of(title), title)
    if "\n" in text or len(text.split()) > MAX_HEADING_WORDS or ends_sentence(text):
        return None
    if answered_recommendation(text) is not None and text[:1].isupper():
        return Heading(kind_of(text), _one_line(text.rstrip(":")))  # "Till rekommendation 2"
    keywords = spec["keywords"] + [k for names in load_table("headings")["kinds"].values() for k in names]
    if text[:1].isupper() and (starts_with_keyword(text, keywords) or starts_with_keyword(block.raw or "", keywords)):
        return Heading(kind_of(text), _one_line(text.rstrip(":")))
    return None


def _protocol_item(block: Block) -> Heading | None:
    """A protocol's § item opens its own section: "§ 87 Svar på revisionsrapport ... Dnr SN 22/0143"
    (its title the rest of the line, or the next line after a bare "§ 112 Dnr KS 2023/412")."""
    lines = block.text.strip().split("\n")
    item = parse_item(lines[0])
    if not item:
        return None
    number, title = item
    raw_lines = (block.raw or block.text).strip().split("\n")
    raw_lines = raw_lines if len(raw_lines) == len(lines) else lines
    rest, raw_rest = lines[1:], raw_lines[1:]
    # The item's diarienummer leaves the title but stays in the text, where it can be searched.
    case_numbers = [item_case_number(lines[0])]
    if not re.search(r"[^\W\d_]{3}", title) and rest:
        next_item = parse_item("§ 0 " + rest[0])
        case_numbers.append(item_case_number("§ 0 " + rest[0]))
        title, rest, raw_rest = (next_item[1] if next_item else rest[0]), rest[1:], raw_rest[1:]
    case_numbers = [c for c in case_numbers if c]
    return Heading("heading", _one_line(f"§ {number} {title}"), body="\n".join(case_numbers + rest),
                   raw_body="\n".join(case_numbers + raw_rest))


def _item_title(block: Block) -> bool:
    """A one-line paragraph that can be a § item's title (after a bare "§ 112 Dnr ...")."""
    text = block.text.strip()
    return "\n" not in text and 0 < len(text.split()) <= 40 and text[:1].isupper() and not ends_sentence(text)


def is_candidate(block: Block) -> bool:
    """Rule 4's shape: a short one-line paragraph without a full stop, starting with a capital."""
    text = block.text.strip()
    return (
        "\n" not in text
        and 0 < len(text.split()) <= MAX_HEADING_WORDS
        and len(text) <= 120
        and text[:1].isupper()
        and (text[-1:].isalpha() or text[-1:] in ")”\"")
        and not is_item(text)
        and sum(c.isalpha() for c in text) >= 3
        and not CONTACT.search(text)
        and not INNER_SENTENCE_END.search(text)  # "Kursen ges i maj. Ansvarig: HR" is two sentences
    )


def _body_like(block: Block) -> bool:
    text = block.text.strip()
    return is_item(text) or "\n• " in text or len(text.split()) >= BODY_WORDS


def classify(blocks: list[Block]) -> list[Heading | None]:
    """Decide which blocks are headings (rules 1-4)."""
    values = load_table("headings")["headings"]["values"]
    found: list[Heading | None] = [strong_heading(b) for b in blocks]
    for i in range(len(blocks) - 1, -1, -1):
        if found[i] is not None or not is_candidate(blocks[i]):
            continue
        if i > 0 and _matches_any(_one_line(blocks[i - 1].text).rstrip(":"), values):
            continue  # the value of "Beslutet skickas till", "Vår referens", ...: not a heading
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        introduces = nxt is not None and (found[i + 1] is not None or (_body_like(nxt) and not is_candidate(nxt)))
        if blocks[i].emphasis or introduces:
            text = _one_line(blocks[i].text)
            found[i] = Heading(kind_of(text), text, strong=False)
    return found


@dataclass
class _Owner:
    recommendation: int | None = None
    goal: int | None = None
    activity: str | None = None
    last_recommendation: int = 0


def _update_owner(owner: _Owner, head: Heading) -> None:
    label = head.label
    if label is None:
        answered = answered_recommendation(head.title) if head.title else None
        if answered is not None:  # "Till rekommendation 2": that recommendation's answer
            owner.recommendation, owner.goal, owner.activity = answered, None, None
        elif head.kind != "heading" or head.title.startswith("§") or \
                _matches_any(head.title, load_table("headings")["headings"]["top_level"]):
            owner.recommendation = owner.goal = owner.activity = None  # a § item is a matter of its own
        return
    if label.kind == "recommendation":
        number = label.number if isinstance(label.number, int) else owner.last_recommendation + 1
        owner.recommendation, owner.goal, owner.activity = number, None, None
        owner.last_recommendation = number
    elif label.kind == "goal":
        owner.recommendation, owner.goal, owner.activity = None, int(label.number), None
    elif label.kind == "activity":
        owner.recommendation, owner.activity = None, str(label.number)
        if "." in str(label.number):  # activity 3.2 belongs to goal 3
            owner.goal = int(str(label.number).split(".")[0])


def _label_title(label: Label, number: int | str | None, statement: str) -> str:
    word = _one_line(label.word)
    sep = " –" if label.kind == "goal" else ":"
    return f"{word} {number}{sep} {statement}" if statement else f"{word} {number}"


def segment_blocks(blocks: list[Block]) -> list[Section]:
    """Group cleaned (and repaired) blocks into sections. See the module docstring."""
    expanded = expand(blocks)
    blocks = [b for b, _ in expanded]
    heads = classify(blocks)
    in_list = [False] * len(blocks)
    for i, (_, item) in enumerate(expanded):
        if item is not None:
            heads[i] = Heading(item.kind, "", body=item.body, raw_body=item.body,
                               label=Label(item.kind, ITEM_WORDS[item.kind], item.number, item.statement))
            in_list[i] = item.in_list
    owner = _Owner()
    sections: list[Section] = []
    body: list[Block] = []
    consumed: set[int] = set()

    def flush_preamble() -> None:
        if body and not sections:
            sections.append(Section(0, "", "preamble", _join(body, "text"), _join(body, "raw"), page=body[0].page))
            body.clear()

    current: Section | None = None
    for i, block in enumerate(blocks):
        if i in consumed:
            continue
        head = heads[i]
        if head is None and i > 0 and in_list[i - 1]:
            # text after a list of recommendations (or a table) is not the last item's: a section of its own
            owner.recommendation = owner.activity = None
            current = Section(number=len(sections), heading="", kind="heading", text="", raw_text="",
                              goal=owner.goal, page=block.page)
            sections.append(current)
        if head is None:
            if current is None:
                body.append(block)
            else:
                _append(current, block.text, block.raw or block.text)
            continue
        if i > 0 and in_list[i - 1] and head.label is None:
            owner.recommendation = owner.activity = None
        flush_preamble()
        _update_owner(owner, head)
        title, kind = head.title, head.kind
        rest: tuple[str, str] | None = None
        if head.label is not None:
            kind = head.label.kind
            number = {"recommendation": owner.recommendation, "goal": owner.goal,
                      "activity": owner.activity}[kind]
            statement = _one_line(head.label.rest)
            if not statement and i + 1 < len(blocks) and heads[i + 1] is None and kind == "recommendation":
                statement, rest = _first_sentence(blocks[i + 1])
                consumed.add(i + 1)
            title = _label_title(head.label, number, statement.lstrip("[|").strip())
        elif re.fullmatch(r"§ \d+", title) and i + 1 < len(blocks) and _item_title(blocks[i + 1]) \
                and (heads[i + 1] is None or (heads[i + 1].label is None and heads[i + 1].kind == "heading")):
            title = f"{title} {_one_line(blocks[i + 1].text)}"  # "§ 34 Dnr BUN 2024/55", then its title
            consumed.add(i + 1)
        current = Section(
            number=len(sections), heading=title, kind=kind, text="", raw_text="",
            recommendation=owner.recommendation, activity=owner.activity, goal=owner.goal, page=block.page,
        )
        if head.body:
            _append(current, head.body, head.raw_body or head.body)
        if rest is not None and rest[0]:
            _append(current, *rest)
        sections.append(current)
    flush_preamble()
    return sections


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")


def _first_sentence(block: Block) -> tuple[str, tuple[str, str]]:
    """A bare label's statement is the first sentence of the next paragraph; the rest is body."""
    parts = SENTENCE_END.split(block.text.strip(), maxsplit=1)
    raw = block.raw or block.text
    raw_parts = SENTENCE_END.split(raw.strip(), maxsplit=1)
    rest = parts[1] if len(parts) > 1 else ""
    raw_rest = raw_parts[1] if len(raw_parts) > 1 and rest else rest
    return _one_line(parts[0]), (rest, raw_rest)


def _append(section: Section, text: str, raw: str) -> None:
    section.text = f"{section.text}\n\n{text}" if section.text else text
    section.raw_text = f"{section.raw_text}\n\n{raw}" if section.raw_text else raw


def _join(blocks: list[Block], attr: str) -> str:
    if attr == "raw":
        return "\n\n".join(b.raw or b.text for b in blocks)
    return "\n\n".join(b.text for b in blocks)


def segment(text: str) -> list[Section]:
    """Clean and segment one page of text (a convenience for tests; no OCR repair)."""
    from ingest.clean import clean_pages

    return segment_blocks(clean_pages([Page(1, text)]))


def _statement(section: Section) -> str:
    return section.heading.split(": ", 1)[1] if ": " in section.heading else ""


def recommendation_statements(sections: list[Section]) -> list[dict]:
    """One {number, text} per recommendation number, in order, with the (repaired) statement."""
    out: dict[int, str] = {}
    for s in sections:
        if s.kind == "recommendation" and s.recommendation is not None:
            if not out.get(s.recommendation):
                out[s.recommendation] = _statement(s)
    return [{"number": n, "text": t} for n, t in out.items()]


def activity_list(sections: list[Section]) -> list[dict]:
    """One {number, text} per plan activity ("1.1"), in order of appearance."""
    out: dict[str, str] = {}
    for s in sections:
        if s.kind == "activity" and s.activity is not None and not out.get(s.activity):
            out[s.activity] = _statement(s)
    return [{"number": n, "text": t} for n, t in out.items()]
