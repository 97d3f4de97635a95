"""The names of organs (nämnder, styrelser, utskott, förvaltningar, revisorer, fullmäktige) and
where a text mentions them.

An organ's name is matched in all its forms (nämnd/nämnden/nämndens, styrelsen/styrelsens).
Beside the table of names (committees.toml), shapes are mentions too:

- any "...nämnden" ("Programnämnd", "Individ- och familjenämnden");
- an utskott of a nämnd or styrelse: "Kommunstyrelsens arbetsutskott";
- a district nämnd: "Stadsdelsnämnden Lundby", "Hässelby-Vällingby stadsdelsnämnd", "Stadsdelsnämnd
  Väster", and a nämnd with its district after it: "Socialnämnden Nordost", "Socialnämnd väster";
- an administration: "förskoleförvaltningen" (a mention of Förskolenämnden, the nämnd it
  serves), "Koncernkontoret" (serving a nämnd the text must name);
- auditors ("revisorerna", "kommunens revisorer", "Kommunrevisionen") and assemblies
  ("Kommunfullmäktige"), which the committee rule counts only in their own places (a letterhead,
  a motion).

Each :class:`Mention` has a ``key``: mentions with one key are one organ, whatever their form
("Socialnämnd", "socialnämndens"). The committee, recipient, title and people rules read these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.text import DocText, furniture_vocabulary
from ingest.tables import load_table


@dataclass
class Mention:
    """One mention of an organ: what it stands for and its span in the text.

    ``name`` is the organ's name as the fields give it; for an administration, the nämnd it
    serves ("" when its name does not say). ``surface`` is the text as written.
    """

    name: str
    start: int
    end: int
    kind: str = "committee"  # committee | administration | auditors | assembly
    key: str = ""
    surface: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = organ_key(self.name)


def folded_words(text: str) -> str:
    return " ".join(fold_for_matching(text).split())


def organ_key(name: str) -> str:
    """The identity of an organ's name: folded, definite ending and genitive dropped
    ("Socialnämnden", "socialnämnd", "SOCIALNÄMNDENS" -> one key)."""
    words = folded_words(name).split()
    out = []
    for w in words:
        for ending in ("namndans", "namndan", "namnds"):
            if w.endswith(ending):
                w = w[: -len(ending)] + "namnd"
                break
        else:
            if w.endswith(("alsans", "alsan")):
                w = w[: w.rfind("alsa") + 4]
        out.append(w)
    return " ".join(out)


def name_pattern(name: str) -> re.Pattern[str]:
    """All forms of an organ's name: nämnd/nämnden/nämndens, styrelsen/styrelsens, -en/-ens."""
    words = fold_for_matching(name).split()
    last = words[-1]
    if last.endswith("namndan"):
        last_re = re.escape(last[:-2]) + r"(?:an|ans|s)?"
    elif last.endswith("an") and len(last) > 4:
        last_re = re.escape(last[:-2]) + r"(?:an|ans|a|s)?"
    elif last.endswith("n") and len(last) > 4:
        last_re = re.escape(last[:-1]) + r"(?:n|ns|s)?"
    else:
        last_re = re.escape(last) + r"(?:an|ans|s|n|ns|na|nas)?"
    body = r" +".join([re.escape(w) for w in words[:-1]] + [last_re])
    return re.compile(r"(?<![a-z0-9])" + body + r"(?![a-z0-9])")


def _administrations(name: str) -> list[str]:
    t = load_table("committees")
    out = list(t["offices"].get(name, []))
    if name.endswith("nämnden"):
        out.append(name[: -len("nämnden")] + "förvaltningen")
    return out


def _literal_key(name: str) -> str:
    """A piece of the folded name every form contains, for a quick ``in`` test before the regex."""
    words = fold_for_matching(name).split()
    return max(words, key=len)[:-2]


@cache
def committee_patterns() -> list[tuple[re.Pattern[str], str, str, str]]:
    """(pattern, nämnd, "committee" or "administration", literal) for every nämnd in the table."""
    pats = []
    for name in load_table("committees")["names"]:
        if name == "Stadsdelsnämnden":
            continue
        pats.append((name_pattern(name), name, "committee", _literal_key(name)))
        for admin in _administrations(name):
            pats.append((name_pattern(admin), name, "administration", _literal_key(admin)))
    return pats


@cache
def _canonical() -> dict[str, str]:
    """Organ key -> the table's canonical name."""
    return {organ_key(n): n for n in load_table("committees")["names"]}


@cache
def auditor_patterns() -> list[tuple[re.Pattern[str], str, str]]:
    """(pattern, name, literal) for the auditors' bodies, longest phrase first."""
    forms = sorted(load_table("committees")["auditors"]["forms"], key=lambda f: -len(f["phrase"]))
    return [(name_pattern(f["phrase"]), f["name"], _literal_key(f["phrase"])) for f in forms]


@cache
def assembly_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(name_pattern(n), n) for n in load_table("committees")["assemblies"]["names"]]


@cache
def _not_auditor_before() -> re.Pattern[str]:
    words = "|".join(re.escape(folded_words(w)) for w in load_table("committees")["auditors"]["not_before"])
    return re.compile(r"(?<![a-z])(?:" + words + r") +$")


@cache
def _compass() -> frozenset[str]:
    return frozenset(folded_words(w) for w in load_table("committees")["qualifiers"]["compass"])


_COMPOUND_BEFORE = re.compile(r"[-–—]\s*,?\s*(?:och|samt)\s+$|[-–—],\s*$")
_GENERIC = re.compile(r"(?<![a-z0-9])((?:[a-z]+ +ach +)?[a-z]{3,}namnd(?:an|ans|s)?)(?![a-z0-9])")
_ADMIN = re.compile(r"(?<![a-z0-9])((?:[a-z]+ +ach +)?[a-z]{3,}(?:farvaltnang(?:an|ans|s)?|kantarat|kantarats))(?![a-z0-9])")
_UTSKOTT = re.compile(r" +([a-z]*atskatt)(?:at|ats)?(?![a-z0-9])")
# Whose auditors: "kommunens revisorer", "Umeå kommuns revisorer", "de förtroendevalda revisorerna".
_AUDITORS_OWNER = re.compile(
    r"(?:[A-ZÅÄÖ][\w-]+ (?:[Kk]ommuns|[Ss]tads) |[Rr]egion [A-ZÅÄÖ]\w+s |(?:[Kk]ommunens|[Ss]tadens|[Rr]egionens"
    r"|[Ll]andstingets) |[Dd]e (?:förtroendevalda )?)$")
_WORD = re.compile(r"[^\W\d_][\w-]*")
_DISTRICT_ORGAN = re.compile(
    r"(?<![\w-])(?P<pre>[A-ZÅÄÖ]\w*(?:-[A-ZÅÄÖ]\w*)*) (?P<w>stadsdels(?:n\w{1,2}mnd|f\w{1,2}rvaltning)(?:en)?)(?!\w)"
    r"|(?<![\w-])(?P<w2>[Ss]tadsdels(?:n\w{1,2}mnd|f\w{1,2}rvaltning)(?:en)?) (?:i )?(?P<post>[A-ZÅÄÖ]\w*(?:-[A-ZÅÄÖ]\w*)*)"
)


def _generic_name(surface: str) -> str:
    s = re.sub(r"\s+", " ", surface.strip())
    s = re.sub(r"(n\w{1,2}mnd)(?:ens|en|s)?$", "nämnden", s)
    return capitalised(s)


def capitalised(s: str) -> str:
    """First letter upper case, the rest as written (all-caps words lower-cased)."""
    words = s.split(" ")
    if sum(w.isupper() for w in words if len(w) > 1) * 2 >= max(1, len([w for w in words if len(w) > 1])):
        s = s.lower()
    return s[:1].upper() + s[1:]


def _genitive_dropped(surface: str) -> str:
    s = re.sub(r"\s+", " ", surface.strip())
    return re.sub(r"(?<=[nt])s$", "", s) if not s.endswith(("ss", "us")) else s


def _furniture_words() -> frozenset[str]:
    return furniture_vocabulary()


def _only_furniture(text: str) -> bool:
    """Whether ``text`` holds nothing but letterhead furniture (form words, labels, dates, page
    numbers, signs)."""
    furniture = _furniture_words()
    return all(folded_words(x) in furniture or not re.search(r"[^\W\d_]", x) for x in text.split())


def _qualifier(doc: DocText, m: Mention) -> tuple[str, int] | None:
    """Words after a nämnd that belong to its name (see committees.toml [qualifiers]): the
    qualifier as written and where it ends."""
    line_end = doc.text.find("\n", m.end, m.end + 200)
    line_end = min(len(doc.text), m.end + 200) if line_end < 0 else line_end
    rest = doc.text[m.end:line_end]
    words = list(_WORD.finditer(rest))
    if not words or words[0].start() != 1 or rest[:1] != " ":
        return None
    first = words[0].group(0)
    f = folded_words(first)
    if f in _furniture_words():
        return None
    if f in _compass():
        return first, m.end + words[0].end()
    nl = doc.text.rfind("\n", max(0, m.start - 200), m.start)
    at_line_start = (nl >= 0 or m.start <= 200) and not doc.text[nl + 1:m.start].strip(" ,")
    mention_surface = doc.text[m.start:m.end]
    if fold_for_matching(mention_surface).rstrip().endswith("namnd") and at_line_start:
        # "Programnämnd kultur och fritid": an indefinite nämnd keeps the words after it on its line
        kept = []
        for w in words[:4]:
            word = folded_words(w.group(0))
            if (word in _furniture_words() and word not in ("ach", "samt")) or not w.group(0).isalpha():
                break
            kept.append(w)
        tail = rest[kept[-1].end():] if kept else ""
        if kept and not re.search(r"[.!?;:,]", tail) and _only_furniture(tail):
            return rest[1:kept[-1].end()], m.end + kept[-1].end()
    capital = first[:1].isupper() and (not first.isupper() or mention_surface.isupper())
    if not capital or len(first) < 3:
        return None
    from ingest.metadata.municipality import municipality_named

    if municipality_named(first):
        return None
    alone = at_line_start and _only_furniture(rest[words[0].end():])
    if alone:
        return first, m.end + words[0].end()
    if m.start >= doc.head_end:
        return None  # in the body only a district word qualifies (one pass per pair, not per mention)
    base = organ_key(mention_surface)
    memo_key = ("qualifier pair", base, f)
    if memo_key not in doc.memo:
        doc.memo[memo_key] = len(re.findall(r"(?<![a-z])" + re.escape(base) + r"[a-z]* +" + re.escape(f) + r"(?![a-z])",
                                            doc.folded)) >= 2
    return (first, m.end + words[0].end()) if doc.memo[memo_key] else None


def _qualified(doc: DocText, m: Mention) -> Mention:
    q = _qualifier(doc, m)
    if q is None:
        return m
    word, end = q
    base = capitalised(_genitive_dropped(doc.text[m.start:m.end]))
    if word.isupper():
        word = word.capitalize()
    name = f"{base} {word}"
    return Mention(name, m.start, end, m.kind, key=organ_key(base) + " " + folded_words(word), surface=doc.text[m.start:end])


def _utskott(doc: DocText, m: Mention) -> Mention:
    """"Kommunstyrelsens arbetsutskott": the utskott of the nämnd just mentioned (genitive)."""
    if not fold_for_matching(doc.text[m.end - 1:m.end]) == "s":
        return m
    u = _UTSKOTT.match(doc.folded, m.end)
    if not u or "\n" in doc.text[m.end:u.start(1)]:
        return m
    base = capitalised(re.sub(r"\s+", " ", doc.text[m.start:m.end]))
    word = doc.text[u.start(1):u.end(1)].lower()
    return Mention(f"{base} {word}", m.start, u.end(), "committee", key=organ_key(m.name) + " utskott " + u.group(1),
                   surface=doc.text[m.start:u.end()])


_NOT_DISTRICT = frozenset({"den", "en", "ett", "varje", "alla", "och", "som", "i", "var", "vilken"})


def _districts(doc: DocText) -> list[Mention]:
    """District organs as written: "Stadsdelsnämnden Lundby", "Hässelby-Vällingby stadsdelsnämnd",
    "Södermalms stadsdelsförvaltning" (an administration: a mention of its nämnd)."""
    out = []
    for m in _DISTRICT_ORGAN.finditer(doc.text):
        if m.group("w"):
            word, district, start = m.group("w"), m.group("pre"), m.start("pre")
            if district.endswith("s") and not district.endswith("ss"):
                district = district[:-1]
        else:
            word, district, start = m.group("w2"), m.group("post"), m.start()
        key = folded_words(district)
        if key in _furniture_words() or key in _NOT_DISTRICT or key.startswith("stadsdal"):
            continue
        surface = doc.text[start:m.end()]
        admin = "rvaltning" in word
        name = capitalised(surface)
        if admin:
            name = re.sub(r"f\w{1,2}rvaltning(en)?", lambda x: "nämnd" + (x.group(1) or ""), name)
        out.append(Mention(name, start, m.end(), "administration" if admin else "committee",
                           key="stadsdel " + key, surface=surface))
    return out


# "Nämnden för Teknik", "Nämnden för Vård & Omsorg", "nämnden för funktionsstöd": a nämnd named by
# its field after "för", and "Förvaltningen för Teknik", the administration serving it.
_FOR_ORGAN = re.compile(r"(?<![\w-])(?P<head>(?i:nämnd(?:en|ens)?|förvaltning(?:en|ens)?)) för (?P<rest>[^\n]{1,80})")
_FIELD_WORD = re.compile(r"[^\W\d_][\w-]*")
_FIELD_JOINERS = frozenset({"och", "&", ",", "samt"})
MAX_FIELD_WORDS = 5
_NOT_FIELDS = frozenset(folded_words(w) for w in (
    "kännedom", "åtgärd", "yttrande", "beslut", "information", "handläggning", "godkännande", "antagande",
    "beredning", "verkställighet"))
_ORGAN_WORD = re.compile(r"(?:namnd|staralsa|fallmaktaga|ravasar|farvaltnang|kantar|atskatt)\w*$")


def _field(rest: str, alone: bool) -> str | None:
    """The field that names a nämnd after "för": capitalised words joined by "och", "&" or a comma
    ("Vård & Omsorg"), or — on a letterhead line of its own — the whole rest of the line."""
    rest = rest.rstrip()
    if folded_words(rest).split()[:1] in ([w] for w in _NOT_FIELDS):
        return None  # "... för kännedom", "... för yttrande": what a body receives a paper for
    if alone and len(rest.split()) <= MAX_FIELD_WORDS and re.fullmatch(r"[^\W\d_][\w\s&,-]*", rest):
        return rest
    words = []
    for token in re.findall(r"&|,|[^\W\d_][\w-]*|\S+", rest):
        if words and _ORGAN_WORD.search(fold_for_matching(token)):
            break  # "Nämnden för Teknik och Kommunstyrelsen": another organ
        if _FIELD_WORD.fullmatch(token) and token[:1].isupper() and (not words or words[-1] in _FIELD_JOINERS or not
                                                                       _FIELD_WORD.fullmatch(words[-1])):
            words.append(token)
        elif token in _FIELD_JOINERS and words and words[-1] not in _FIELD_JOINERS:
            words.append(token)
        else:
            break
    while words and words[-1] in _FIELD_JOINERS:
        words.pop()
    if not words or len(words) > MAX_FIELD_WORDS * 2:
        return None
    from ingest.metadata.municipality import municipality_named

    if municipality_named(words[0]) or folded_words(words[0]) in ("region", "kommun", "staden"):
        return None
    return " ".join(words).replace(" ,", ",")


def _named_for(doc: DocText) -> list[Mention]:
    """Nämnder and administrations named "Nämnden för X" (see ``_FOR_ORGAN``); a lower-case
    mention counts once the same name stands capitalised or alone on a line elsewhere."""
    matches = list(_FOR_ORGAN.finditer(doc.text))
    fields: dict[str, str] = {}
    found: list[tuple[re.Match, str]] = []
    for m in matches:
        line_start = doc.text.rfind("\n", 0, m.start()) + 1
        alone = not doc.text[line_start:m.start()].strip()
        field = _field(m.group("rest"), alone)
        if field:
            fields.setdefault(folded_words(field), field)
            found.append((m, field))
    for m in matches:
        if any(m is f for f, _ in found):
            continue
        rest = folded_words(m.group("rest"))
        for key, field in fields.items():
            if rest == key or rest.startswith(key + " "):
                found.append((m, m.group("rest")[:len(field)]))
                break
    out = []
    for m, field in found:
        name = capitalised(f"Nämnden för {field}")
        admin = fold_for_matching(m.group("head")).startswith("far")
        end = m.start("rest") + len(field)
        out.append(Mention(name, m.start(), end, "administration" if admin else "committee",
                           surface=doc.text[m.start():end]))
    return out


def find_committees(doc: DocText) -> list[Mention]:
    """Every organ mention, longest first where they overlap."""
    found: list[Mention] = []
    for pattern, name, kind, key in committee_patterns():
        if key not in doc.folded:
            continue
        for m in pattern.finditer(doc.folded):
            if _COMPOUND_BEFORE.search(doc.text[max(0, m.start() - 12): m.start()]):
                continue  # "... - och socialnämnden": part of a longer name
            found.append(Mention(name, m.start(), m.end(), kind, key=organ_key(name), surface=doc.text[m.start():m.end()]))
    for pattern, name, key in auditor_patterns():
        if key not in doc.folded:
            continue
        for m in pattern.finditer(doc.folded):
            if _not_auditor_before().search(doc.folded[max(0, m.start() - 30):m.start()]):
                continue
            s = m.start()
            owner = _AUDITORS_OWNER.search(doc.text[max(0, s - 60):s])
            if owner and "revisor" in doc.text[m.start():m.end()].lower():
                s -= len(owner.group(0))
            found.append(Mention(name, s, m.end(), "auditors", key="revision " + organ_key(name),
                                 surface=doc.text[s:m.end()]))
    known = bytearray(len(doc.text))  # characters already in a named organ (overlaps refused in linear time)
    for k in found:
        known[k.start:k.end] = b"\x01" * (k.end - k.start)
    for m in _GENERIC.finditer(doc.folded):
        s, e = m.start(1), m.end(1)
        if " ach " in doc.folded[s:e] and not re.match(r"\w+\s*[-–—]", doc.text[s:e]):
            s = doc.folded.index(" ach ", s) + 5  # "arbete och socialnämnden": only the last word
        surface = doc.text[s:e]
        if known.find(1, s, e) >= 0:
            continue
        if _COMPOUND_BEFORE.search(doc.text[max(0, s - 12): s]) or fold_for_matching(surface).strip().startswith("stadsdels"):
            continue
        name = _canonical().get(organ_key(surface)) or _generic_name(surface)
        found.append(Mention(name, s, e, "committee", surface=surface))
    for m in _ADMIN.finditer(doc.folded):
        s, e = m.start(1), m.end(1)
        if " ach " in doc.folded[s:e] and not re.match(r"\w+\s*[-–—]", doc.text[s:e]):
            s = doc.folded.index(" ach ", s) + 5
        if known.find(1, s, e) >= 0 or doc.folded[s:e].startswith("stadsdels"):
            continue
        surface = doc.text[s:e]
        nämnd = ""
        if "farvaltnang" in doc.folded[s:e]:
            derived = re.sub(r"(?i)förvaltning(?:en|ens|s)?$|f\w{1,2}rvaltning\w*$", "nämnden", re.sub(r"\s+", " ", surface))
            nämnd = _canonical().get(organ_key(derived)) or capitalised(derived)
        found.append(Mention(nämnd, s, e, "administration", key=organ_key(nämnd) if nämnd else "", surface=surface))
    found += _districts(doc)
    found += [m for m in _named_for(doc) if known.find(1, m.start, m.end) < 0]
    for pattern, name in assembly_patterns():
        for m in pattern.finditer(doc.folded):
            found.append(Mention(name, m.start(), m.end(), "assembly", surface=doc.text[m.start():m.end()]))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    out = []
    for mention in kept:
        if mention.kind == "committee":
            mention = _utskott(doc, mention)
            if "utskott" not in mention.key and not mention.key.startswith("stadsdel "):
                mention = _qualified(doc, mention)
        out.append(mention)
    return out


_COUNTY_BOARD = re.compile(r"(?<![\w-])[Ll]änsstyrelsen (?:i )?[A-ZÅÄÖ]\w+(?: län)?(?![\w-])")
_DEPARTMENT = re.compile(r"(?<![\w-])([A-ZÅÄÖ][a-zåäö]+departementet)s?(?![\w-])")


def find_bodies(doc: DocText) -> list[Mention]:
    """Bodies that are not the municipality's organs but receive its documents: regions and
    landsting ("Region Stockholm"), ministries ("Socialdepartementet"), agencies (metadata.toml
    ``recipient.bodies``)."""
    if "bodies" in doc.memo:
        return doc.memo["bodies"]
    from ingest.metadata.municipality import region_mentions

    out = [Mention(name, s, e, "body", key="body " + folded_words(name), surface=doc.text[s:e])
           for s, e, name in region_mentions(doc.text, doc.folded)]
    for pattern, name, key in body_keys():
        if key in doc.folded:
            out += [Mention(name, m.start(), m.end(), "body", key="body " + folded_words(name),
                            surface=doc.text[m.start():m.end()]) for m in pattern.finditer(doc.folded)]
    for m in _COUNTY_BOARD.finditer(doc.text):
        name = re.sub(r"\s+", " ", m.group(0))
        out.append(Mention(name[:1].upper() + name[1:], m.start(), m.end(), "body", key="body " + folded_words(name),
                           surface=m.group(0)))
    for m in _DEPARTMENT.finditer(doc.text):
        out.append(Mention(m.group(1), m.start(), m.end(), "body", key="body " + folded_words(m.group(1)),
                           surface=m.group(0)))
    out.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in out:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    doc.memo["bodies"] = kept
    return kept


@cache
def body_patterns() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, name) for the other bodies a document speaks to (kommunstyrelsen, revisionen, ...)."""
    return [(name_pattern(b), b) for b in load_table("metadata")["recipient"]["bodies"]]


@cache
def body_keys() -> list[tuple[re.Pattern[str], str, str]]:
    """The body patterns with a literal every match contains (see :func:`_literal_key`)."""
    return [(pattern, name, _literal_key(name)) for pattern, name in body_patterns()]


def resolve_auditors(name: str, doc: DocText) -> str:
    """A bare "Revisionen" as the audit office the text names ("Malmö stadsrevision" ->
    Stadsrevisionen), else "Revisorerna"; any other name as it is."""
    t = load_table("committees")["auditors"]
    if name != t["generic"]:
        return name
    for form in t["forms"]:
        if form["name"] != t["generic"] and form["name"] != "Revisorerna" and name_pattern(form["phrase"]).search(doc.folded):
            return form["name"]
    return "Revisorerna"


def is_organ(text: str) -> bool:
    """A line that only names a nämnd or förvaltning (a letterhead line, not a title)."""
    f = folded_words(text)
    if len(f.split()) <= 4 and f.endswith(("farvaltnang", "farvaltnangan", "kantar", "kantarat", "namnd", "namndan",
                                             "styralsan", "ravasararna", "ravasanan", "atskatt", "atskattat")):
        return True
    return bool(_GENERIC.fullmatch(f)) or any(p.fullmatch(f) for p, _, _, _ in committee_patterns())
