"""Tracing in bounded time: `kb trace` and /ataganden on archives of cases of realistic size.

    python benchmarks/trace_bench.py                       # 100, 1,000 and 5,000 documents
    python benchmarks/trace_bench.py --docs 100 --docs 1000 --json out.json
    python benchmarks/trace_bench.py --case-sizes 12 24 48  # one case of each size (issue 15)

An archive is made of cases of 5-20 documents each (seeded, deterministic): a yttrande with
3-5 recommendations and its promises ("Förvaltningen kommer att ... under hösten 2025"), then
follow-ups a few months apart that report on them (done, under way, delayed with a new date, not
done) and make promises of their own; most share the case number, some only name the yttrande's
date. A fifth of the documents are damaged like a scan (``kb.bench.damage``). Words come from
``kb.bench.vocabulary``; nothing is taken from real documents.

For each size it measures, in fresh processes where a user would: `kb ingest` (which also keeps
the tracing up to date), `kb trace --json --as-of` for two dates, and the Åtaganden page and
/api/v1/trace in one server process (the first request reads the stored case records; later
requests with new ``as_of`` dates only judge them). It prints a table; --json writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.bench import vocabulary as v  # noqa: E402
from kb.bench.damage import scan  # noqa: E402
from kb.bench.generator import COMMITTEES  # noqa: E402

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december"]
DAMAGED_SHARE = 0.2
AS_OF = ("2024-06-30", "2025-06-30", "2026-06-30")


def _kb() -> list[str]:
    exe = Path(sys.executable).with_name("kb")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kb.cli"]


def _deadline(rng: random.Random, year: int) -> str:
    return rng.choice(v.DEADLINES).format(y=year)


def _case(rng: random.Random, case_no: int, size: int) -> list[tuple[str, str]]:
    """(file name, text) of the documents of one case."""
    municipality, committee, prefix = rng.choice(COMMITTEES)
    topic = rng.choice(v.TOPICS)
    year = rng.randint(2019, 2024)
    number = f"{prefix}-{year}-{rng.randint(100, 999)}"
    measures = rng.sample(v.MEASURES, 5)
    recs = rng.sample(v.RECOMMENDATIONS, rng.randint(3, 5))
    month, day = rng.randint(1, 6), rng.randint(1, 28)
    first_date = f"{year}-{month:02d}-{day:02d}"
    head = [f"{municipality} kommun", committee, "Yttrande", f"Datum {first_date}", f"Diarienummer {number}",
            f"Yttrande över revisionens granskning av {topic}",
            "Sammanfattning", f"{committee} har tagit del av revisionens granskning av {topic} och lämnar följande yttrande."]
    body = []
    for n, rec in enumerate(recs, start=1):
        actor = rng.choice(v.ACTORS)
        body += [f"Rekommendation {n}: " + rec.format(topic=topic),
                 f"Nämnden instämmer. {_deadline(rng, year + rng.randint(0, 1))} kommer {actor} att "
                 f"{measures[(n - 1) % len(measures)]}. Resultatet redovisas för nämnden i "
                 f"{MONTHS[rng.randint(0, 11)]} {year + 1}."]
    docs = [(f"{case_no:05d}_00_yttrande_{year}.txt", head + body)]
    date = (year, month, day)
    for k in range(1, size):
        y, m, d = date
        m += rng.randint(2, 5)
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        date = (y, m, d)
        iso = f"{y}-{m:02d}-{d:02d}"
        names = f"Diarienummer {number}" if rng.random() < 0.8 else f"Diarienummer {prefix}-{y}-{rng.randint(100, 999)}"
        text = [f"{municipality} kommun", committee, "Uppföljande yttrande", f"Datum {iso}", names,
                f"Uppföljning av åtgärder efter revisionens granskning av {topic}",
                "Bakgrund", f"I nämndens yttrande den {day} {MONTHS[month - 1]} {year} redovisades åtgärder "
                f"med anledning av revisionens granskning av {topic}."]
        for n, _rec in enumerate(recs, start=1):
            measure = measures[(n - 1) % len(measures)]
            status = rng.choice([
                f"Arbetet med att {measure} är genomfört.",
                f"Arbetet med att {measure} pågår enligt plan.",
                f"Arbetet med att {measure} har försenats och beräknas nu vara klart i {MONTHS[rng.randint(0, 11)]} {y + 1}.",
                f"Arbetet med att {measure} har inte påbörjats.",
            ])
            promise = (f" Förvaltningen kommer dessutom att {rng.choice(v.MEASURES)} "
                       f"{_deadline(rng, y + 1).lower()}.") if rng.random() < 0.3 else ""
            text += [f"Rekommendation {n}: " + recs[n - 1].format(topic=topic), status + promise]
        docs.append((f"{case_no:05d}_{k:02d}_uppfoljning_{y}.txt", text))
    out = []
    for name, paragraphs in docs:
        if rng.random() < DAMAGED_SHARE:
            out.append((name, scan(paragraphs, rng)))
        else:
            out.append((name, "\n\n".join(paragraphs) + "\n"))
    return out


def generate(n_docs: int, folder: Path, seed: int = 1, sizes: tuple[int, int] = (5, 20)) -> int:
    """Write cases of ``sizes`` documents until ``n_docs`` documents; return the case count."""
    rng = random.Random(f"trace-bench:{seed}")
    folder.mkdir(parents=True, exist_ok=True)
    written = cases = 0
    while written < n_docs:
        size = min(rng.randint(*sizes), n_docs - written)
        for name, text in _case(rng, cases, size):
            (folder / name).write_text(text, encoding="utf-8")
        written += size
        cases += 1
    return cases


def _run(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0, proc.stdout


def _serve_times(index: Path) -> dict:
    """The Åtaganden page and the trace API, in one server process (Flask's test client)."""
    from web import create_app

    app = create_app({"INDEX": str(index), "RATE_LIMIT": 0})
    client = app.test_client()
    out = {}
    for k, as_of in enumerate(AS_OF):
        t0 = time.perf_counter()
        page = client.get(f"/ataganden?as_of={as_of}")
        out[f"ataganden_{k + 1}"] = round(time.perf_counter() - t0, 3)
        assert page.status_code == 200, page.status_code
    t0 = time.perf_counter()
    api = client.get(f"/api/v1/trace?as_of={AS_OF[0]}")
    out["api_trace"] = round(time.perf_counter() - t0, 3)
    assert api.status_code == 200
    out["commitments"] = sum(len(c["commitments"]) for c in api.get_json()["cases"])
    return out


def measure(n_docs: int, work: Path, seed: int = 1, sizes: tuple[int, int] = (5, 20)) -> dict:
    corpus, index = work / f"corpus-{n_docs}", work / f"index-{n_docs}"
    cases = generate(n_docs, corpus, seed, sizes)
    kb = _kb()
    ingest, _ = _run(kb + ["ingest", "--index", str(index), str(corpus)])
    t1, out = _run(kb + ["trace", "--index", str(index), "--json", "--as-of", AS_OF[1]])
    t2, _ = _run(kb + ["trace", "--index", str(index), "--json", "--as-of", AS_OF[2]])
    traced = json.loads(out)
    verdicts: dict[str, int] = {}
    for case in traced["cases"]:
        for c in case["commitments"]:
            verdicts[c["verdict"]] = verdicts.get(c["verdict"], 0) + 1
    result = {"docs": n_docs, "cases": cases, "ingest_s": round(ingest, 2),
              "kb_trace_s": round(t1, 2), "kb_trace_again_s": round(t2, 2), "verdicts": verdicts}
    result.update(_serve_times(index))
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, action="append", help="archive sizes (default 100, 1000, 5000)")
    ap.add_argument("--case-sizes", type=int, nargs="*", help="also one case of each of these sizes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    a = ap.parse_args()
    sizes = a.docs or [100, 1000, 5000]
    results = {"archives": [], "single_cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = a.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            r = measure(n, work, a.seed)
            results["archives"].append(r)
            print(f"{n:>6} docs {r['cases']:>4} cases: ingest {r['ingest_s']:>7.1f} s | kb trace {r['kb_trace_s']:.2f} s, "
                  f"again {r['kb_trace_again_s']:.2f} s | /ataganden {r['ataganden_1']:.2f} s first, "
                  f"{r['ataganden_2']:.2f} / {r['ataganden_3']:.2f} s next | /api/v1/trace {r['api_trace']:.2f} s "
                  f"| {r['commitments']} commitments", flush=True)
        for size in a.case_sizes or []:
            r = measure(size, work / f"case-{size}", a.seed, (size, size))
            results["single_cases"].append(r)
            print(f"one case of {size:>3} docs: ingest {r['ingest_s']:.1f} s | kb trace {r['kb_trace_s']:.2f} s | "
                  f"/ataganden {r['ataganden_1']:.2f} s first, {r['ataganden_2']:.2f} s next", flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("KB_RATE_LIMIT", "0")
    sys.exit(main())
