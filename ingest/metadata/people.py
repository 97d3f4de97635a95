"""``people``: the people who sign the document, with their roles.

A general rule, no list of people: signature runs are short blocks made only of capitalised
names, roles (befattningar such as ordförande, förvaltningschef, handläggare, or any word ending
in -chef, -direktör, -sekreterare, ...) and labels, in either order ("Karin Holm Enhetschef",
"Ordförande Nils Ek", "Maja Lind Berg / Tf. Förvaltningsdirektör"). Roles, role endings, prefixes
and labels are in metadata.toml.
"""

from __future__ import annotations

import re
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.organs import body_patterns
from ingest.metadata.text import parse_date
from ingest.model import Block
from ingest.tables import load_table


@cache
def _roles() -> tuple[dict[str, str], set[str]]:
    t = load_table("metadata")["people"]
    return ({" ".join(fold_for_matching(r).split()): r for r in t["roles"]},
            {" ".join(fold_for_matching(p).split()) for p in t["prefixes"]})


@cache
def _people_labels() -> frozenset[str]:
    meta = load_table("metadata")
    return frozenset(" ".join(fold_for_matching(x).split()) for x in meta["people"]["labels"] + meta["title"]["labels"])


@cache
def _role_suffixes() -> tuple[str, ...]:
    return tuple(fold_for_matching(x).strip() for x in load_table("metadata")["people"]["role_suffixes"])


_NAME_WORD = re.compile(r"[A-ZÅÄÖÉ][a-zåäöéüè]+(?:-[A-ZÅÄÖ][a-zåäöéüè]+)?")
_ORG_ENDINGS = ("farvaltnangan", "namndan", "kantarat", "avdalnangan", "anhatan", "stad", "kamman")


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """Classify a short run's words as role, name, org or skip; None if it is prose."""
    roles, prefixes = _roles()
    labels = _people_labels()
    words = text.replace("/", " ").split()
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        w = words[i]
        f = " ".join(fold_for_matching(w).split())
        two = " ".join(fold_for_matching(" ".join(words[i:i + 2])).split())
        prefix = ""
        if f in prefixes and i + 1 < len(words):
            prefix, i = w, i + 1
            w = words[i]
            f = " ".join(fold_for_matching(w).split())
            two = " ".join(fold_for_matching(" ".join(words[i:i + 2])).split())
        if two in roles or two in labels:
            role = roles.get(two)
            out.append(("role", _role(prefix, role)) if role else ("label", two))
            i += 2
            continue
        if f in roles:
            out.append(("role", _role(prefix, roles[f])))
        elif f.endswith(_role_suffixes()) and w[:1].isupper() and w.isalpha():
            out.append(("role", _role(prefix, w.lower())))
        elif f in labels:
            out.append(("label", f))
        elif "@" in w or parse_date(w):
            out.append(("skip", w))
        elif f.endswith(_ORG_ENDINGS) or any(p.fullmatch(f) for p, _ in body_patterns()):
            out.append(("org", w))
        elif _NAME_WORD.fullmatch(w):
            out.append(("name", w))
        else:
            return None
        i += 1
    return out


def _role(prefix: str, role: str) -> str:
    role = role[:1].upper() + role[1:]
    if prefix:
        p = prefix if prefix.endswith(".") or fold_for_matching(prefix).strip() == "vaca" else prefix + "."
        return f"{p[:1].upper()}{p[1:]} {role}"
    return role


def find_people(blocks: list[Block]) -> list[dict[str, str]]:
    """People with roles from runs of short blocks made only of names, roles and labels."""
    people: list[dict[str, str]] = []
    run: list[tuple[str, str]] = []

    def emit(words: list[str], role: str | None) -> None:
        if role and 2 <= len(words) <= 4:
            people.append({"name": " ".join(words), "role": role})

    def parse(segment: list[tuple[str, str]]) -> None:
        """One stretch between labels: "Name Role Name Role" or "Role Name Role Name"."""
        role_first = bool(segment) and segment[0][0] == "role"
        pending_role: str | None = None
        name_words: list[str] = []
        for kind, value in segment:
            if kind == "name":
                name_words.append(value)
            elif role_first:
                if pending_role:
                    emit(name_words, pending_role)
                name_words, pending_role = [], value
            else:
                emit(name_words, value)
                name_words = []
        if role_first:
            emit(name_words, pending_role)

    def flush() -> None:
        segment: list[tuple[str, str]] = []
        for kind, value in run + [("label", "")]:
            if kind == "label":
                parse(segment)
                segment = []
            elif kind in ("name", "role"):
                segment.append((kind, value))
        run.clear()

    for block in blocks:
        text = block.text.strip()
        tokens = None
        if len(text.split()) <= 24:
            tokens = _tokens(text)
            if tokens is None and block.raw:
                tokens = _tokens(block.raw.strip())  # repair may have damaged a title ("Tf.")
        if tokens is None:
            flush()
            continue
        run.extend(tokens)
    flush()
    unique = {(p["name"], p["role"]): p for p in people}
    return list(unique.values())
