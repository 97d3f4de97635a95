"""Who acts in a clause (aktör): the authoring body itself, or another actor.

Pure functions; the vocabulary is ``tables/actors.toml``. The subject of a Swedish main clause
stands before the finite verb ("Leverantören uppger att ...", "Region Skåne planerar ..."), or
right after it when an adverbial comes first ("Under 2024 kommer Resursteam väst att ...").
Its head (the first word after a determiner such as *en*, *samtliga*) decides:

- **own**: the generic words of ``[own]`` ("Nämnden", "Förvaltningen", "Vi"), a unit
  ("Socialförvaltningen", "Resursteam väst"), a role of its staff ("Samtliga medarbetare"), the
  document's own committee named in full, or the document's own municipality or region named
  with its place ("Luleå kommun" in a document of Luleå);
- **other**: the state, an agency, the auditors, a landlord or supplier, a company ("... AB"),
  another committee, another municipality or region ("Region Uppsala" in a document of Uppsala
  kommun), or any subject of a reported estimate ("X uppger att ...", "X beräknar att ...")
  that is not ours;
- **none**: a clause without a named actor ("En ny rutin tas fram under våren"), which the
  caller reads as the author's own, or as continuing the actor of the sentence before it when it
  opens with an anaphor ("Uppdraget ska slutredovisas i mars 2025").

A genitive names its owner ("Kommunstyrelsens förvaltning" is the committee's own, "Socialstyrelsens
vägledning" another actor's); a passive's agent ("fastställs av regionstyrelsen") is the actor
when the subject names none. Words are compared OCR-proof (:func:`ingest.folding.fold_for_matching`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.folding import fold_diacritics, fold_for_matching
from ingest.tables import load_table

OWN = "own"
OTHER = "other"

_TOKEN = re.compile(r"[^\W_][\w-]*")


def _key_of(word: str) -> str:
    word = word.strip()
    return fold_for_matching(word).strip() if len(word) > 4 else fold_diacritics(word)
# Words that may open a noun phrase before its head.
DETERMINERS = frozenset(_key_of(w) for w in (
    "en ett den det de denna detta dessa samtliga alla varje vissa flera några nya ny nytt "
    "hela båda respektive egna egen eget vår vårt våra"
).split())
PREPOSITIONS = frozenset(_key_of(w) for w in (
    "i på av med för till från hos vid om under över genom mot inom utan efter enligt kring "
    "mellan bland inför utifrån tillsammans"
).split())


@dataclass(frozen=True)
class Actor:
    """The actor of a clause: ``kind`` is ``own``, ``other`` or None (no named actor)."""

    kind: str | None
    name: str | None = None
    role: bool = False  # the subject is a role of the staff ("Medarbetare"), not an organisation


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    """A word's comparison key: OCR-proof for words of five letters or more; shorter ones keep
    their vowels ("för" is not "får"). Cached: a document repeats its words, an archive its
    vocabulary."""
    return _key_of(word)


def _long(word: str) -> str:
    return fold_for_matching(word).strip()


def _suffixes(words) -> tuple[str, ...]:
    return tuple(sorted({_long(w) for w in words}, key=len, reverse=True))


@cache
def _vocabulary() -> dict:
    t = load_table("actors")
    keys = lambda words: frozenset(_key(w) for w in words)  # noqa: E731
    return {
        "own": keys(t["own"]["words"]),
        "own_suffixes": _suffixes(t["own"]["suffixes"]),
        "roles": keys(t["own"]["roles"]),
        "others": keys(t["others"]["words"]),
        "other_suffixes": _suffixes(t["others"]["suffixes"]),
        "company": keys(t["others"]["company_words"]),
        "before_place": keys(t["named"]["before_place"]),
        "after_place": tuple(_key(w).split() for w in t["named"]["after_place"]),
        "committees": _suffixes(t["committees"]["suffixes"]),
        "speech": keys(t["speech"]["verbs"]),
        "speech_supines": keys(t["speech"]["supines"]),
        "anaphors": keys(t["anaphors"]["words"]),
        "fronting": keys(t["fronting"]["words"]),
        "verbs": keys(t["verbs"]["finite"]) | keys(t["speech"]["verbs"]),
    }


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(word, key, start, end) of each word."""
    return [(m.group(0), _key(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_verb(word: str, key: str) -> bool:
    v = _vocabulary()
    if key in v["verbs"]:
        return True
    # a present passive ("redovisas", "planeras"): lower case, -as, not a genitive of a noun in -a
    return word[:1].islower() and len(key) >= 6 and key.endswith("as") and not key.endswith(("ans", "nas"))


def _same_name(a: str, b: str) -> bool:
    """Two names of one body, in definite or indefinite form ("Socialnämnden" = "socialnämnd")."""
    a, b = _key(a), _key(b)
    strip = lambda s: re.sub(r"(?:an|n)$", "", s)  # noqa: E731  (the folded definite ending)
    a_words, b_words = a.split(), b.split()
    if not a_words or not b_words:
        return False
    return strip(a_words[0]) == strip(b_words[0]) and (len(a_words) == 1 or len(b_words) == 1 or a == b)


def _place(name: str) -> str:
    key = _long(name)
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def _author_level(committee: str | None, municipality: str | None) -> str | None:
    """"kommun" or "region": what the author is, by its committee's name first (a
    "Kommunstyrelsen" is a municipality's, a "Regionstyrelsen" a region's), else its municipality."""
    c, m = _long(committee or ""), _long(municipality or "")
    if c.startswith((_long("kommun"), _long("stads"))):
        return "kommun"
    if c.startswith((_long("region"), _long("landstings"))):
        return "region"
    if m.startswith((_long("region"), _long("landstinget"))) or m.endswith(_long("regionen")):
        return "region"
    return "kommun" if m else None


def _named_body(words: list[tuple[str, str, int, int]], i: int, municipality: str | None,
                committee: str | None = None):
    """A body named with its place at ``words[i]``: (kind, words used) or None."""
    v = _vocabulary()
    word, key = words[i][0], words[i][1]
    mun = _long(municipality or "")
    level = _author_level(committee, municipality)
    if key in v["before_place"] and i + 1 < len(words) and words[i + 1][0][:1].isupper():
        n = 2
        if i + 2 < len(words) and words[i + 2][1] == _key("län"):
            n = 3
        name = " ".join(_long(w[0]) for w in words[i:i + n])
        own = level != "kommun" and (not mun or mun == name or (
            mun.split()[0] in v["before_place"] and _place(words[i + 1][0]) == _place(mun.split()[-1])))
        return (OWN if own else OTHER), n
    if word[:1].isupper():
        for after in v["after_place"]:
            n = len(after)
            if [w[1] for w in words[i + 1:i + 1 + n]] == after:
                own = level != "region" and (not mun or _place(word) == _place(mun))
                return (OWN if own else OTHER), n + 1
    return None


def classify_word(word: str, committee: str | None = None) -> str | None:
    """The class of one head word: own, other or None (not an actor)."""
    v = _vocabulary()
    key = _key(word)
    if not key:
        return None
    if key in v["own"]:
        return OWN
    if key in v["others"]:
        return OTHER
    long = _long(word)
    if long.endswith(v["committees"]):
        return OWN if committee is None or _same_name(word, committee) else OTHER
    if long.endswith(v["other_suffixes"]):
        return OTHER
    if long.endswith(v["own_suffixes"]) or key in v["roles"]:
        return OWN
    return None


def _genitive_owner(word: str) -> str | None:
    """"Kommunstyrelsens" -> "Kommunstyrelsen", "Socialstyrelsens" -> "Socialstyrelsen"."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and word[-2:-1].isalpha() else None


def _bare(word: str) -> str:
    """A word of a name without its definite or genitive ending ("nämndens" = "nämnd")."""
    return re.sub(r"(?:ens|ets|ns|en|et|n|s)$", "", _long(word))


def _names_committee(words, i: int, committee: str | None) -> bool:
    """Does the phrase at ``words[i]`` name the document's own committee in full ("Kommunstyrelsens
    arbetsutskott" for the committee "Kommunstyrelsens arbetsutskott")?"""
    if not committee:
        return False
    own = [_bare(w) for w in _TOKEN.findall(committee)]
    said = [_bare(w[0]) for w in words[i:i + len(own)]]
    return len(own) > 1 and said == own


def _classify_phrase(words, i: int, committee: str | None, municipality: str | None) -> tuple[str | None, int]:
    """Class of the noun phrase starting at ``words[i]`` and the index of its head word."""
    v = _vocabulary()
    while i < len(words) - 1 and words[i][1] in DETERMINERS:
        i += 1
    if i >= len(words):
        return None, i
    if _names_committee(words, i, committee):
        return OWN, i
    named = _named_body(words, i, municipality, committee)
    if named:
        return named[0], i
    word = words[i][0]
    cls = classify_word(word, committee)
    if cls is None:
        owner = _genitive_owner(word)
        if owner and classify_word(owner, committee):
            return classify_word(owner, committee), i
        if cls is None and i + 1 < len(words) and words[i + 1][1] in v["roles"]:
            cls = OWN  # "Samtliga nya medarbetare", "Ansvariga chefer"
    if cls is None:
        # a company named before its verb: "Borås Energi och Miljö AB"
        for w in words[i:i + 6]:
            if w[1] in PREPOSITIONS:
                break
            if w[1] in v["company"] and w[0].isupper():
                return OTHER, i
    return cls, i


def _verb_index(words, start: int) -> int | None:
    for j in range(start, len(words)):
        if j > start and _is_verb(words[j][0], words[j][1]):
            return j
    return None


_MONTHS = frozenset(load_table("deadlines")["months"])
_NAME_STOPS = frozenset({"som", "vilken", "vilket", "vilka", "dar", "sin", "sitt", "sina", "darfor", "aven",
                         "ocksa", "nu", "redan", "inte", "sedan", "da", "en", "ett", "att", "och"})


def _name(text: str, words, i: int, end: int) -> str:
    """The actor's name: the subject's words, up to a relative clause or "i sin roll ..."."""
    if i >= len(words):
        return ""
    end = max(end, i + 1)
    for k in range(i + 1, end):
        key = fold_diacritics(words[k][0])
        if (key in _NAME_STOPS or words[k][0][:1].isdigit() or key in _MONTHS
                or (key in ("i", "fran", "under") and k + 1 < end and (fold_diacritics(words[k + 1][0]) in _NAME_STOPS | _MONTHS
                                                                    or words[k + 1][0][:1].isdigit() or key != "i"))):
            end = k
            break
    name = re.sub(r"[*_]", "", text[words[i][2]:words[end - 1][3]]).strip(" ,.:;")
    return name[:1].upper() + name[1:]


def subject_words(text: str) -> tuple[list, int, int] | None:
    """The words of ``text`` and the span [i, j) of its subject (None when none is found)."""
    words = _tokens(text)
    v = _vocabulary()
    if not words:
        return None
    if words[0][1] == _key("att"):
        return None  # an att-clause's subject is whoever decides or proposes it
    if words[0][1] in v["fronting"] or words[0][0][:1].isdigit():
        verb = _verb_index(words, 0)
        if verb is None or verb + 1 >= len(words):
            return None
        i = verb + 1
        j = i + 1
        function_words = {_key("att"), _key("inte"), _key("även"), _key("också"), _key("och")}
        while j < len(words) and j < i + 3:
            word, key = words[j][0], words[j][1]
            if _is_verb(word, key) or key in function_words or key in PREPOSITIONS:
                break
            if word[:1].islower() and key.endswith("a") and key not in v["roles"]:
                break  # an infinitive: "kommer Resursteam väst lansera"
            j += 1
        return words, i, j
    verb = _verb_index(words, 0)
    j = verb if verb is not None else min(len(words), 8)
    return words, 0, min(j, 10)


def find_actor(text: str, committee: str | None = None, municipality: str | None = None) -> Actor:
    """The actor of a clause (see the module docstring)."""
    found = subject_words(text)
    if found is None:
        return _agent(text, committee, municipality) or Actor(None)
    words, i, j = found
    cls, head = _classify_phrase(words, i, committee, municipality)
    role = head < len(words) and (words[head][1] in _vocabulary()["roles"]
                                  or (head + 1 < len(words) and words[head + 1][1] in _vocabulary()["roles"]))
    if cls == OTHER:
        return Actor(cls, _name(text, words, i, j))
    agent = _agent(text, committee, municipality)
    if agent is not None and (cls is None or agent.kind == OTHER):
        return agent
    if cls is not None:
        return Actor(cls, _name(text, words, i, j), role=cls == OWN and role)
    verb = words[j] if j < len(words) else None
    if verb is not None and j > i and (verb[1] in _vocabulary()["speech"] or (
            verb[1] in (_key("har"), _key("hade")) and j + 1 < len(words)
            and words[j + 1][1] in _vocabulary()["speech_supines"])):
        return Actor(OTHER, _name(text, words, i, j))  # "Transportören uppger att ...", "... har meddelat att"
    return _agent(text, committee, municipality) or Actor(None)


def _agent(text: str, committee: str | None, municipality: str | None) -> Actor | None:
    """The agent of a passive ("fastställs av regionstyrelsen"), when it names an actor."""
    words = _tokens(text)
    for k, w in enumerate(words[:-1]):
        passive = any(_is_verb(x[0], x[1]) for x in words[max(0, k - 2):k])  # "tas (fram) av"
        if w[1] == _key("av") and passive:
            cls, head = _classify_phrase(words, k + 1, committee, municipality)
            if cls is not None:
                end = head + 1
                return Actor(cls, _name(text, words, k + 1, end))
    return None


def opens_with_anaphor(text: str) -> bool:
    """True when the clause's subject refers back ("Uppdraget ska ...", "En första delrapport ...")."""
    words = _tokens(text)
    i = 0
    while i < len(words) - 1 and (words[i][1] in DETERMINERS or words[i][1] == _key("första")):
        i += 1
    anaphors = _vocabulary()["anaphors"]
    return bool(words) and (words[0][1] in anaphors or words[i][1] in anaphors)
