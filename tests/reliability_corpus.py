"""Small synthetic Swedish case documents for the reliability tests (our own words)."""

from __future__ import annotations

import random
from pathlib import Path

COMMITTEES = ["Socialnämnden", "Förskolenämnden", "Kulturnämnden", "Utbildningsnämnden",
              "Stadsbyggnadsnämnden", "Fritidsnämnden"]
TOPICS = ["ensamkommande barn", "digital tillgänglighet", "skolskjutsar", "bibliotekens öppettider",
          "hemtjänstens kvalitet", "bygglovshandläggning", "föreningsbidrag", "matsvinn i skolan"]
ACTIONS = ["ta fram en rutin för", "utbilda personalen i", "följa upp arbetet med",
           "se över ansvarsfördelningen för", "samverka med regionen kring"]


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write ``n`` documents with several sections each; deterministic for a seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        committee = rng.choice(COMMITTEES)
        topic = rng.choice(TOPICS)
        year = rng.randint(2015, 2025)
        lines = [
            f"Yttrande över granskning av {topic}",
            "",
            f"Datum {year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            f"Diarienummer SN-{year}-{100 + i}",
            "",
            "Sammanfattning",
            "",
            f"{committee} har tagit del av revisionens granskning av {topic} och lämnar här sitt "
            f"yttrande. Dokument nummer {i} i serien unikord{i}.",
            "",
        ]
        for rec in range(1, rng.randint(2, 5)):
            lines += [
                f"Rekommendation {rec}: Säkerställ att nämnden {rng.choice(ACTIONS)} {topic}.",
                "",
                f"Förvaltningen kommer att {rng.choice(ACTIONS)} {topic} under {year + 1}. "
                f"Arbetet återrapporteras till nämnden i december {year + 1}.",
                "",
            ]
        lines += ["Beslutet skickas till", "", "Stadsrevisionen", ""]
        path = folder / f"dokument-{i:04d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths
