"""The scale corpus: N synthetic Swedish case documents as .txt files, deterministic for a seed.

Genres as in a municipal archive: yttrande to the audit office (revisionen), uppföljande
yttrande, remissvar, handlingsplan and uppföljning av handlingsplan; years 2010–2026; 30 nämnder
in 5 kommuner; numbered recommendations ("Rekommendation 1: Säkerställ att …"); commitments with
deadlines ("Under hösten 2023 kommer förvaltningen att …"); a "Datum" line, a "Diarienummer" and
"Beslutet skickas till". About a third are damaged like an OCR scan (see ``kb.bench.damage``).

Cases (ärenden) as in a real archive: documents come in slots of ``CASE_SLOT``; a slot opens an
audit case (a yttrande, then one or two uppföljande yttranden a year or so apart), a plan case
(a handlingsplan and its uppföljningar) or none, and its first documents are that case's: one
diarienummer, one subject, the same recommendations or activities. The rest of the slot are
documents of their own (remissvar most often). A case's recommendations name its subject, so two
audits of one committee are two cases; only a committee audited twice on one subject over the
years (kb links documents by their subject too) makes a longer case, as it would in a real archive.

Document ``i`` depends only on ``(seed, i)``, so the first N/10 files of an N-document corpus are
the N/10-document corpus of the same seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from kb.bench import vocabulary as v
from kb.bench.damage import scan

DAMAGED_SHARE = 1 / 3
SECTION_WORDS = (70, 95)  # words of body text per section


@dataclass(frozen=True)
class Spec:
    """What one generated document is: its ground-truth metadata."""

    index: int
    doc_type: str
    municipality: str
    committee: str
    case_number: str
    year: int
    date: str
    topic: str
    damaged: bool
    case: int | None = None  # the slot whose case this document is in; None: a document of its own

    @property
    def file_name(self) -> str:
        slug = self.doc_type.split()[0].replace("ö", "o").replace("ä", "a")
        return f"{self.index:06d}_{slug}_{self.year}.txt"


COMMITTEES: list[tuple[str, str, str]] = [
    (municipality, name, prefix)
    for municipality, committees in v.MUNICIPALITIES.items()
    for name, prefix in committees
]


def rng_for(seed: int, index: int, purpose: str = "") -> random.Random:
    # String seeds are hashed with SHA-512 by random.Random: stable across runs and platforms.
    return random.Random(f"kb-bench:{seed}:{index}:{purpose}")


CASE_SLOT = 4  # documents per slot; a slot's case takes its first one to three
#: What a slot opens, by weight: (kind, its documents' types in order, weights of its length 1, 2, 3).
CASE_KINDS = {
    "audit": (50, ("yttrande", "uppföljande yttrande", "uppföljande yttrande"), (1, 3, 2)),
    "plan": (30, ("handlingsplan", "uppföljning av handlingsplan", "uppföljning av handlingsplan"), (1, 3, 1)),
    "none": (20, (), ()),
}
#: The types of the documents of their own, by weight.
SINGLE_TYPES = {"remissvar": 60, "yttrande": 20, "handlingsplan": 10, "uppföljande yttrande": 5,
                "uppföljning av handlingsplan": 5}


@dataclass(frozen=True)
class CasePlan:
    """One slot's case: who, what, when; ``types`` is empty when the slot opens none."""

    municipality: str
    committee: str
    case_number: str
    topic: str
    types: tuple[str, ...]
    dates: tuple[str, ...]


def _case_number(prefix: str, year: int, rng: random.Random) -> str:
    return f"{prefix}-{year}-{rng.randint(10, 9999)}"


def _date(year: int, rng: random.Random) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def case_plan(slot: int, seed: int) -> CasePlan:
    rng = rng_for(seed, slot, "case")
    municipality, committee, prefix = rng.choice(COMMITTEES)
    kinds = list(CASE_KINDS)
    kind = rng.choices(kinds, weights=[CASE_KINDS[k][0] for k in kinds])[0]
    _weight, sequence, lengths = CASE_KINDS[kind]
    length = rng.choices(range(1, len(lengths) + 1), weights=lengths)[0] if lengths else 0
    year = rng.randint(v.YEARS[0], v.YEARS[1] - 2)
    dates = []
    for _ in range(length):   # each follow-up some months after the document before it
        date = _date(year, rng)
        dates.append(max(date, dates[-1]) if dates else date)
        year = min(v.YEARS[1], year + rng.randint(1, 2))
    return CasePlan(municipality, committee, _case_number(prefix, int(dates[0][:4]) if dates else year, rng),
                    rng.choice(v.TOPICS), tuple(sequence[:length]), tuple(dates))


def document_spec(index: int, seed: int) -> Spec:
    rng = rng_for(seed, index, "spec")
    damaged = rng.random() < DAMAGED_SHARE
    slot, position = divmod(index, CASE_SLOT)
    plan = case_plan(slot, seed)
    if position < len(plan.types):
        date = plan.dates[position]
        return Spec(index=index, doc_type=plan.types[position], municipality=plan.municipality,
                    committee=plan.committee, case_number=plan.case_number, year=int(date[:4]),
                    date=date, topic=plan.topic, damaged=damaged, case=slot)
    municipality, committee, prefix = rng.choice(COMMITTEES)
    doc_type = rng.choices(list(SINGLE_TYPES), weights=list(SINGLE_TYPES.values()))[0]
    year = rng.randint(*v.YEARS)
    return Spec(index=index, doc_type=doc_type, municipality=municipality, committee=committee,
                case_number=_case_number(prefix, year, rng), year=year, date=_date(year, rng),
                topic=rng.choice(v.TOPICS), damaged=damaged)


def _case_rng(spec: Spec, seed: int, rng: random.Random) -> random.Random:
    """What a case's documents share (recommendations, activities) comes from the case's own
    generator; a document of its own draws from its text's."""
    return rng if spec.case is None else rng_for(seed, spec.case, "shared")


# -- text ------------------------------------------------------------------------------------
def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _slots(spec: Spec, rng: random.Random) -> dict[str, str]:
    auditor = rng.choice(v.AUDITORS)
    actor = rng.choice(v.ACTORS)
    deadline = rng.choice(v.DEADLINES).format(y=spec.year + rng.randint(0, 2))
    measure, measure2 = rng.sample(v.MEASURES, 2)
    return {
        "committee": spec.committee, "committee_gen": _lower_first(spec.committee) + "s",
        "committee_def": _lower_first(spec.committee), "municipality": spec.municipality,
        "topic": spec.topic, "measure": measure, "measure2": measure2, "actor": actor,
        "actor_cap": actor[:1].upper() + actor[1:], "group": rng.choice(v.GROUPS),
        "year": str(spec.year), "year3": str(spec.year + 3), "deadline": deadline,
        "deadline_lc": _lower_first(deadline), "auditor": auditor,
        "auditor_cap": auditor[:1].upper() + auditor[1:],
    }


def _body(spec: Spec, rng: random.Random, pool: list[str]) -> list[str]:
    """One section's body: sentences from ``pool`` in two paragraphs, about 80 words."""
    target = rng.randint(*SECTION_WORDS)
    sentences: list[str] = []
    words = 0
    order: list[str] = []
    while words < target:
        if not order:
            order = rng.sample(pool, len(pool))
        sentence = order.pop().format(**_slots(spec, rng))
        sentences.append(sentence)
        words += len(sentence.split())
    cut = max(1, len(sentences) // 2)
    return [" ".join(sentences[:cut]), " ".join(sentences[cut:])] if len(sentences) > 1 else sentences


def _decision(spec: Spec, what: str, recipient: str) -> list[str]:
    return [f"1. {spec.committee} godkänner {what}.",
            f"2. {spec.committee} skickar {what} till {_lower_first(recipient)}."]


def _recommendations(spec: Spec, rng: random.Random, shared: random.Random,
                     pool: list[str]) -> list[tuple[str, list[str]]]:
    count = shared.randint(3, 5)
    texts = shared.sample(v.RECOMMENDATIONS, count)
    return [(f"Rekommendation {n}: " + text.format(topic=spec.topic), _body(spec, rng, pool))
            for n, text in enumerate(texts, start=1)]


def _activities(spec: Spec, rng: random.Random, shared: random.Random,
                pool: list[str]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for goal_no, goal in enumerate(shared.sample(v.GOALS, 2), start=1):
        out.append((f"Inriktningsmål {goal_no}: " + goal.format(group=shared.choice(v.GROUPS)),
                    _body(spec, rng, v.PLAN)))
        for act_no, measure in enumerate(shared.sample(v.MEASURES, 2), start=1):
            out.append((f"Aktivitet {goal_no}.{act_no} " + measure[:1].upper() + measure[1:],
                        _body(spec, rng, pool)))
    return out


def _sections(spec: Spec, rng: random.Random, seed: int) -> tuple[str, list[tuple[str, list[str]]]]:
    """The title and the (heading, paragraphs) of a document of ``spec.doc_type``."""
    shared = _case_rng(spec, seed, rng)
    recipient = rng.choice(v.SENT_TO)
    if spec.doc_type in ("yttrande", "uppföljande yttrande"):
        followup = spec.doc_type == "uppföljande yttrande"
        title = (f"Uppföljande yttrande avseende granskning av {spec.topic}" if followup
                 else f"Yttrande över revisionens granskning av {spec.topic}")
        secs = [("Sammanfattning", _body(spec, rng, v.SUMMARY)),
                ("Förslag till beslut", _decision(spec, "yttrandet", "Stadsrevisionen")),
                ("Beslutsunderlag", [f"Tjänsteskrivelse {spec.date}", f"Revisionsrapport om {spec.topic}"]),
                ("Ärendet", _body(spec, rng, v.MATTER))]
        secs += _recommendations(spec, rng, shared, v.FOLLOW_UP if followup else v.RESPONSE)
        secs += [("Ekonomiska konsekvenser", _body(spec, rng, v.RESPONSE)),
                 ("Beslutet skickas till", ["Stadsrevisionen", recipient])]
    elif spec.doc_type == "remissvar":
        title = f"Svar på remiss om {spec.topic}"
        secs = [("Förvaltningens förslag till beslut", _decision(spec, "tjänsteutlåtandet", "Kommunstyrelsen")),
                ("Sammanfattning", _body(spec, rng, v.REFERRAL)),
                ("Bakgrund", _body(spec, rng, v.MATTER)),
                ("Förslaget i korthet", _body(spec, rng, v.REFERRAL)),
                ("Förvaltningens synpunkter", _body(spec, rng, v.RESPONSE)),
                ("Konsekvenser för " + rng.choice(v.GROUPS), _body(spec, rng, v.REFERRAL)),
                ("Ekonomiska konsekvenser", _body(spec, rng, v.REFERRAL)),
                ("Samråd", _body(spec, rng, v.REFERRAL)),
                ("Fortsatt arbete", _body(spec, rng, v.RESPONSE)),
                ("Beslutet skickas till", ["Kommunstyrelsen", recipient])]
    else:
        followup = spec.doc_type == "uppföljning av handlingsplan"
        title = (f"Uppföljning av handlingsplan för {spec.topic}" if followup
                 else f"Handlingsplan för {spec.topic} {spec.year}–{spec.year + 3}")
        secs = [("Sammanfattning" if followup else "Bakgrund", _body(spec, rng, v.PLAN)),
                ("Syfte", _body(spec, rng, v.PLAN))]
        secs += _activities(spec, rng, shared, v.FOLLOW_UP if followup else v.PLAN)
        secs += [("Uppföljning", _body(spec, rng, v.FOLLOW_UP)),
                 ("Beslutet skickas till", [recipient])]
    return title, secs


def render(spec: Spec, seed: int) -> str:
    """The full text of one document, clean or as a damaged scan."""
    rng = rng_for(seed, spec.index, "text")
    title, secs = _sections(spec, rng, seed)
    kind = "Tjänsteskrivelse" if spec.doc_type != "handlingsplan" else "Handlingsplan"
    head = [f"{spec.municipality} kommun", kind, "Datum", spec.date, "Diarienummer",
            spec.case_number, spec.committee, title]
    paragraphs = list(head)
    for heading, body in secs:
        paragraphs.append(heading)
        paragraphs.extend(body)
    if spec.damaged:
        return scan(paragraphs, rng_for(seed, spec.index, "scan"))
    return "\n\n".join(paragraphs) + "\n"


def generate(n_docs: int, out_dir: Path | str, seed: int = 1) -> list[Path]:
    """Write ``n_docs`` documents into ``out_dir`` (created if needed); return their paths in order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(n_docs):
        spec = document_spec(index, seed)
        path = out / spec.file_name
        path.write_text(render(spec, seed), encoding="utf-8")
        paths.append(path)
    return paths
