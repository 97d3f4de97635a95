"""``case_numbers``: the document's registry numbers (diarienummer).

Registry-number patterns from metadata.toml (ASN-2024-2039, KS 2025/181, "Dnr 2023/123"),
spacing normalised; dates and § numbers are not case numbers.
"""

from __future__ import annotations

import re
from functools import cache

from ingest import dates
from ingest.spans import Taken
from ingest.tables import load_table


@cache
def _case_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in load_table("metadata")["case_numbers"]["patterns"]]


def find_case_numbers(text: str) -> list[str]:
    """Registry numbers in reading order, spacing normalised, without duplicates."""
    prefix = load_table("metadata")["case_numbers"]["label_prefix"]
    found: list[tuple[int, str]] = []
    taken = Taken(len(text))
    for pattern in _case_patterns():
        for m in pattern.finditer(text):
            s, e = m.span("num")
            if not taken.free(s, e):
                continue
            num = re.sub(r"\s+", " ", m.group("num")).strip()
            if re.fullmatch(r"[A-ZÅÄÖ]+[ -]\d{4}-\d{2}-\d{2}", num) or dates.parse_date(num):
                continue  # "KS 2024-03-14" is a date after an abbreviation
            if num[0].isdigit():
                num = f"{prefix} {num}"
            taken.take(s, e)
            found.append((s, num))
    out: dict[str, None] = {}
    for _, num in sorted(found):
        out.setdefault(num, None)
    return list(out)
