"""Group the misses of ``evaluate.py -v`` on a devset by class, to see what to fix first.

    python ../shared/eval/evaluate.py --corpus tests/devset/dev/corpus \\
        --metadata tests/devset/dev/metadata.json --queries tests/devset/dev/queries.json \\
        --trace tests/devset/dev/trace.json -v > dev.txt
    python tests/devset/misses.py dev.txt --set dev

Metadata misses are grouped by field, search misses by the kind of query (plain words, phrase,
hyphenated compound, each filter) and by whether the anchor's document went through OCR, trace
misses by part (commitment, deadline, follow-up, verdict by expected verdict, look-alike by
class). Each group lists the documents, so a class of failure reads as one line.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILTERS = ("år:", "nämnd:", "typ:", "dnr:", "rekommendation:", "kommun:")


def query_kind(q: str) -> str:
    for f in FILTERS:
        if f in q:
            return f"filter {f}"
    if '"' in q:
        return "phrase"
    if re.search(r"\w-\w", q):
        return "hyphenated compound"
    return "words"


def load(set_dir: Path) -> tuple[dict, dict, dict]:
    meta = json.loads((set_dir / "metadata.json").read_text(encoding="utf-8"))["documents"]
    manifest_path = set_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["documents"] if manifest_path.exists() else {}
    trace = json.loads((set_dir / "trace.json").read_text(encoding="utf-8"))
    return meta, manifest, trace


def group(lines: list[str], set_dir: Path) -> str:
    meta, manifest, trace = load(set_dir)
    ocr = {name for name, spec in manifest.items() if spec.get("build") == "ocr"}
    by_commitment = {p["commitment"]: p for p in trace["pairs"]}
    look_alike_class = {(n["source"], n["anchor"]): n.get("class", "?") for n in trace.get("not_commitments", [])}
    groups: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        line = line.strip()
        if m := re.match(r"miss (\S+): (doc_type|municipality|committee|recipient|date|year|date_inferred|activities|recommendation count): got (.*), expected (.*)$", line):
            source, field, got, want = m.groups()
            groups[f"metadata {field}"].append(f"{source} (got {got}, want {want})")
        elif m := re.match(r"miss (\S+): case (.*): got", line):
            groups["metadata case_numbers"].append(f"{m.group(1)} {m.group(2)}")
        elif m := re.match(r"miss (\S+): recommendation (\d+):", line):
            groups["metadata recommendation text"].append(f"{m.group(1)} #{m.group(2)}")
        elif m := re.match(r"miss '(.*)': (\S+) «", line) or re.match(r'miss "(.*)": (\S+) «', line):
            q, source = m.groups()
            tag = " (OCR)" if source in ocr else ""
            groups[f"search {query_kind(q)}"].append(f"{q} -> {source}{tag}")
        elif m := re.match(r"miss commitment (\S+) «(.*)»", line):
            groups["trace commitment not found"].append(f"{m.group(1)}{' (OCR)' if m.group(1) in ocr else ''} «{m.group(2)}»")
        elif m := re.match(r"miss deadline «(.*)»: got (.*), expected (.*)$", line):
            groups["trace deadline wrong"].append(f"«{m.group(1)}» got {m.group(2)} want {m.group(3)}")
        elif m := re.match(r"miss follow-up for «(.*)» -> (\S+)", line):
            p = by_commitment.get(m.group(1), {})
            shared = set(meta.get(p.get("from"), {}).get("case_numbers", [])) & set(meta.get(m.group(2), {}).get("case_numbers", []))
            how = "shared case number" if shared else "no shared case number"
            table = " , table" if any("table" in t for t in meta.get(m.group(2), {}).get("layout", [])) else ""
            groups[f"trace follow-up not in top 3 ({how}{table})"].append(f"{p.get('from')} -> {m.group(2)}")
        elif m := re.match(r"miss verdict «(.*)»: got (.*), expected '(.*)'", line):
            groups[f"trace verdict, expected {m.group(3)}"].append(f"got {m.group(2)}: «{m.group(1)[:60]}»")
        elif m := re.match(r"not a commitment, but listed as one: (\S+) «(.*)»", line):
            groups[f"trace look-alike listed ({look_alike_class.get((m.group(1), m.group(2)), '?')})"].append(m.group(1))
    out = []
    for key in sorted(groups):
        items = groups[key]
        out.append(f"{key}: {len(items)}")
        out.extend(f"    {item}" for item in items)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output", type=Path, help="the saved output of evaluate.py -v")
    ap.add_argument("--set", choices=("dev", "holdout"), default="dev")
    a = ap.parse_args(argv)
    print(group(a.output.read_text(encoding="utf-8").splitlines(), HERE / a.set))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
