"""Texts of hostile shapes at any size: what a file may hold besides ordinary prose.

Each shape is a function ``(size in characters, random.Random) -> text``, deterministic for the
generator's seed. ``prose`` (the scale corpus' documents one after another) is the baseline the
others are compared to; the rest are the shapes that once made the text pipeline super-linear (one
long line, a text of dates, a run of full stops …) and others of their kind. Used by
``benchmarks/text_shapes.py`` (seconds per MB up to the size cap) and by
``tests/test_text_shapes.py`` (each shape ingests in bounded time).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kb.bench.generator import document_spec, render

Shape = Callable[[int, random.Random], str]


def prose(size: int, rng: random.Random) -> str:
    """Ordinary case documents (the scale corpus), one after another: the baseline."""
    parts, total, i = [], 0, rng.randrange(1_000_000)
    while total < size:
        text = render(document_spec(i, 1), 1)
        parts.append(text)
        total += len(text) + 2
        i += 1
    return "\n\n".join(parts)[:size]


def _repeat(size: int, make: Callable[[], str], sep: str) -> str:
    parts, total = [], 0
    while total < size:
        part = make()
        parts.append(part)
        total += len(part) + len(sep)
    return sep.join(parts)[:size]


def _date(rng: random.Random) -> str:
    return f"20{rng.randint(10, 29)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")
LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"
WORDS = ("nämnden", "ska", "Rekommendation", "2024", "barn", "Förvaltningen", "uppföljning", "kommer")

SHAPES: dict[str, Shape] = {
    "prose": prose,
    "one line": lambda n, rng: " ".join(prose(n, rng).split()),
    "upper case": lambda n, rng: prose(n, rng).upper(),
    "no spaces": lambda n, rng: "".join(rng.choice(LETTERS) for _ in range(n)),
    "only digits": lambda n, rng: "".join(rng.choice("0123456789") for _ in range(n)),
    "numbers": lambda n, rng: _repeat(n, lambda: str(rng.randint(1, 99999)), " "),
    "only dates": lambda n, rng: _repeat(n, lambda: _date(rng), " "),
    "a date per line": lambda n, rng: _repeat(n, lambda: _date(rng), "\n"),
    "written dates": lambda n, rng: _repeat(
        n, lambda: f"den {rng.randint(1, 28)} {rng.choice(MONTHS)} 20{rng.randint(10, 29)}", " "),
    "case numbers": lambda n, rng: _repeat(n, lambda: f"KS-20{rng.randint(10, 29)}-{rng.randint(1, 999)}", " "),
    "a word per line": lambda n, rng: _repeat(n, lambda: rng.choice(WORDS), "\n"),
    "capitalised lines": lambda n, rng: _repeat(n, lambda: "Barn", "\n"),
    "headings": lambda n, rng: _repeat(
        n, lambda: f"Rekommendation {rng.randint(1, 99)}: Säkerställ att nämnden följer upp", "\n\n"),
    "list items": lambda n, rng: _repeat(n, lambda: f"{rng.randint(1, 99)}. Nämnden ska följa upp", "\n"),
    "table rows": lambda n, rng: _repeat(n, lambda: f"{rng.randint(1, 999)} | 2024 | Socialnämnden | klar", "\n"),
    "full stops": lambda n, rng: "." * n,
    "initials": lambda n, rng: _repeat(n, lambda: rng.choice("ABCDEFGH") + ".", " "),
    "hyphen chain": lambda n, rng: _repeat(n, lambda: "ord", "-"),
    "one word repeated": lambda n, rng: _repeat(n, lambda: "nämnden", " "),
}


def shape_text(name: str, size: int, seed: int = 1) -> str:
    """The text of shape ``name``, ``size`` characters long (the same text for the same seed)."""
    return SHAPES[name](size, random.Random(f"{name}:{size}:{seed}"))
