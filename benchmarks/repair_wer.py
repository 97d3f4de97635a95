"""Word error rate of OCR repair on a clean document damaged like the real scans.

    python benchmarks/repair_wer.py CLEAN_FILE [--seed N] [--runs R] [--show K]

The clean text is damaged with the confusions seen in the scanned corpus (ä read as
i/a/d/4/é, ö as o/é/6, å as a/d/é, the word "i" as "1", f as t, h as b, ä split into
"éi"/"id"), a seeded random share of letters like the real scans. Word error is counted
before and after ``repair_text`` over whitespace-separated words (the damage never adds or
removes spaces), as the mean over R seeds starting at N.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

# What a letter can come out as, with weights; seen in the four scanned corpus documents.
DAMAGE = {
    "ä": [("i", 50), ("a", 20), ("d", 15), ("é", 6), ("4", 3), ("éi", 3), ("id", 3)],
    "ö": [("o", 60), ("é", 25), ("6", 15)],
    "å": [("a", 70), ("d", 20), ("é", 10)],
    "Ä": [("A", 80), ("I", 20)],
    "Ö": [("O", 70), ("G", 30)],
    "Å": [("A", 100)],
}
RARE = {"f": [("t", 1)], "h": [("b", 1)]}
LETTER_RATE = 0.7  # share of å/ä/ö the scanner breaks
RARE_RATE = 0.01  # share of f and h read as t and b
ONE_RATE = 0.3  # share of the word "i" read as "1"


def _pick(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def damage(text: str, seed: int) -> str:
    """A copy of ``text`` with seeded OCR damage; word boundaries stay where they were."""
    rng = random.Random(seed)
    out = []
    for piece in re.split(r"(\s+)", text):
        if piece == "i" and rng.random() < ONE_RATE:
            out.append("1")
            continue
        chars = []
        for c in piece:
            if c in DAMAGE and rng.random() < LETTER_RATE:
                chars.append(_pick(rng, DAMAGE[c]))
            elif c in RARE and rng.random() < RARE_RATE:
                chars.append(_pick(rng, RARE[c]))
            else:
                chars.append(c)
        out.append("".join(chars))
    return "".join(out)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int, list[tuple[str, str]]]:
    """(wrong words, words, [(expected, got)]) comparing whitespace-separated words in order."""
    ref, hyp = reference.split(), hypothesis.split()
    if len(ref) != len(hyp):
        raise ValueError("damage or repair changed the number of words")
    wrong = [(r, h) for r, h in zip(ref, hyp, strict=True) if r != h]
    return len(wrong), len(ref), wrong


def measure(text: str, seeds: list[int]) -> dict:
    """Mean word error before and after repair over ``seeds``, the commonest errors, speed."""
    from ingest.repair import get_repairer, repair_text

    get_repairer()  # load the lexicon outside the timing
    before = after = words = 0
    seconds = 0.0
    errors: Counter = Counter()
    for seed in seeds:
        damaged = damage(text, seed)
        start = time.perf_counter()
        repaired = repair_text(damaged)
        seconds += time.perf_counter() - start
        b, n, _ = word_errors(text, damaged)
        a, _, wrong = word_errors(text, repaired)
        before, after, words = before + b, after + a, words + n
        errors.update(wrong)
    return {
        "words": words // len(seeds),
        "wer_before": before / words,
        "wer_after": after / words,
        "tokens_per_second": words / seconds if seconds else float("inf"),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clean_file", type=Path)
    parser.add_argument("--seed", type=int, default=0, help="first noise seed (default 0)")
    parser.add_argument("--runs", type=int, default=10, help="number of seeds to average (default 10)")
    parser.add_argument("--show", type=int, default=15, help="list this many commonest errors")
    args = parser.parse_args(argv)
    text = args.clean_file.read_text(encoding="utf-8-sig")
    seeds = list(range(args.seed, args.seed + args.runs))
    result = measure(text, seeds)
    print(f"{args.clean_file.name}: {result['words']} words, seeds {seeds[0]}..{seeds[-1]}")
    print(f"word error before repair: {result['wer_before']:.2%}")
    print(f"word error after repair:  {result['wer_after']:.2%}")
    print(f"repair speed (memo warm after the first seed): {result['tokens_per_second']:,.0f} words/s")
    if args.show:
        print("commonest remaining errors (expected -> got, count over all seeds):")
        for (expected, got), count in result["errors"].most_common(args.show):
            print(f"  {expected!r} -> {got!r}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
