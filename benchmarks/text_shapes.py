"""Ingest time per MB for every shape of text, at growing sizes up to the file size cap.

    python benchmarks/text_shapes.py                      # all shapes, 0.25 1 4 16 MB and the cap
    python benchmarks/text_shapes.py --sizes 0.25,1,4 --shapes "prose,one line,only dates"
    python benchmarks/text_shapes.py --json out.json

Each file is ingested by a fresh process exactly as `kb ingest` does it: the document is built
(read, clean, repair, segment, metadata, commitments), then written to a new index. The table shows
seconds per MB of file for each shape and size, and how that compares with ordinary prose of the
same size measured in the same run (the baseline), so the figures hold on a loaded machine too.
Linear code gives a flat seconds-per-MB row; a super-linear spot shows as a row that grows with
the size. A run that takes longer than ``--timeout`` is stopped and the shape's larger sizes are
skipped. Peak RSS is the child process' own.

The shapes are in ``kb/bench/shapes.py``; ``tests/test_text_shapes.py`` holds each of them to a
bounded time at a smaller size.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def ingest_one(path: Path, index_dir: Path) -> dict:
    """Child side: build and write one file; seconds for each step and the peak RSS."""
    from index.store import Store
    from ingest.errors import IngestError
    from ingest.parallel import build_one

    start = time.perf_counter()
    doc = build_one(path)
    built = time.perf_counter()
    if isinstance(doc, IngestError):
        return {"error": doc.reason}
    store = Store(index_dir)
    store.write([doc])
    store.close()
    written = time.perf_counter()
    return {"build": built - start, "write": written - built, "sections": len(doc.sections),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(shape: str, size_mb: float, work: Path, timeout: float) -> dict:
    from kb.bench.shapes import shape_text

    text = shape_text(shape, int(size_mb * MB))
    path = work / f"{shape.replace(' ', '-')}-{size_mb}.txt"
    data = text.encode("utf-8")[: int(size_mb * MB)].decode("utf-8", errors="ignore")
    path.write_text(data, encoding="utf-8")
    mb = path.stat().st_size / MB
    index_dir = work / f"index-{time.monotonic_ns()}"
    try:
        done = subprocess.run([sys.executable, __file__, "--one", str(path), str(index_dir)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"shape": shape, "mb": mb, "timeout": timeout}
    finally:
        path.unlink(missing_ok=True)
        subprocess.run(["rm", "-rf", str(index_dir)], check=False)
    if done.returncode != 0:
        return {"shape": shape, "mb": mb, "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(shape=shape, mb=mb)
    if "build" in result:
        result["seconds"] = result["build"] + result["write"]
        result["s_per_mb"] = result["seconds"] / mb
    return result


def main() -> None:
    from ingest.readers import max_file_bytes

    cap = max_file_bytes() / MB
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=f"0.25,1,4,16,{cap:g}",
                        help="file sizes in MB (default: 0.25,1,4,16 and the cap, KB_MAX_FILE_MB)")
    parser.add_argument("--shapes", default="", help="comma-separated shape names (default: all)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds one file may take")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(ingest_one(Path(args.one[0]), Path(args.one[1]))))
        return

    from kb.bench.shapes import SHAPES

    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    sizes = [s for s in sizes if s <= cap + 1e-9]
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()] or list(SHAPES)
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shapes {unknown}; known: {', '.join(SHAPES)}")
    if "prose" not in shapes:
        shapes.insert(0, "prose")
    results: list[dict] = []
    baseline: dict[float, float] = {}
    print(f"{'shape':<20}{'MB':>7}{'seconds':>10}{'s/MB':>8}{'× prose':>9}{'RSS MB':>8}", flush=True)
    with tempfile.TemporaryDirectory(prefix="kb-shapes-") as tmp:
        for shape in shapes:
            for size in sizes:
                r = measure(shape, size, Path(tmp), args.timeout)
                r["size_mb"] = size
                results.append(r)
                if shape == "prose" and "s_per_mb" in r:
                    baseline[size] = r["s_per_mb"]
                if "s_per_mb" in r:
                    ratio = r["s_per_mb"] / baseline[size] if baseline.get(size) else float("nan")
                    r["vs_prose"] = ratio
                    print(f"{shape:<20}{r['mb']:>7.2f}{r['seconds']:>10.1f}{r['s_per_mb']:>8.2f}"
                          f"{ratio:>9.2f}{r['rss_mb']:>8.0f}", flush=True)
                else:
                    why = f"> {r['timeout']:.0f} s, stopped" if "timeout" in r else r.get("error", "?")
                    print(f"{shape:<20}{r['mb']:>7.2f}  {why}", flush=True)
                    if "timeout" in r:
                        break  # larger sizes of this shape would take longer still
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "cap_mb": cap, "results": results}, indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
