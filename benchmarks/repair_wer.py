"""OCR repair figures on real OCR damage: word error after repair, and how little it touches clean text.

    python benchmarks/repair_wer.py                     # own texts, the dev set and the corpus
    python benchmarks/repair_wer.py --only own --show 30
    python benchmarks/repair_wer.py --devset tests/devset/holdout --only dev   # final figures only

Three figures, as issue 12 asks:

1. **Word error after repair on Tesseract damage.** Clean texts are printed, degraded and read
   back with Tesseract's English model (``benchmarks/tesseract_damage.py``), which has no
   å/ä/ö, so it breaks them the way scanned documents are broken. The damage never comes from
   the repair table's own confusions, so the figure is not circular. Sources: our own texts in
   ``benchmarks/repair_texts/`` (each at three damage levels and two seeds, cached), the dev
   set's OCR copies (``corpus/NAME`` made from ``clean/NAME`` per its ``manifest.json``) and the
   corpus's clean document (001). The damaged text goes through the ingest path (clean ->
   blocks -> :func:`ingest.repair.repair_blocks`); words are compared with the clean original
   after aligning the two word sequences (Tesseract re-wraps lines and sometimes splits or
   drops words; those errors count before and after repair alike).
2. **Share of words changed in born-digital text.** The dev set's documents that did not go
   through OCR (PDF, DOCX, legacy encodings, hand-written text and HTML) read by kb's own
   readers, our own clean texts, and the corpus's clean document (001). Every change there is
   a mistake.
3. **Non-words created.** Every word repair writes must be a lexicon word or a compound of
   lexicon words (:func:`ingest.repair.is_known_word`); the count of those that are not is
   reported for every source, including the corpus's four OCR documents.

Words are whitespace-separated tokens with the punctuation around them stripped, compared
case-sensitively.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN_TEXTS = ROOT / "benchmarks" / "repair_texts"
DEVSET = ROOT / "tests" / "devset" / "dev"
CORPUS = ROOT.parent.parent / "shared" / "corpus" if (ROOT.parent.parent / "shared").is_dir() else ROOT.parent / "shared" / "corpus"
CLEAN_CORPUS_FILE = "001"  # the corpus's one born-digital document
LEVELS = ("light", "medium", "heavy")
SEEDS = (1, 2)
_WORD = re.compile(r"[^\W_]+")  # the pieces of a token compared for non-words (SSPF-nätverket: two)
_EDGE_PUNCT = "\"'()[]{}.,;:!?«»“”‘’…*–—-/"

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))


# --- words and alignment --------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The compared words: whitespace-separated, punctuation around them stripped; pieces
    without a letter or digit (dashes, bullets) are not words, and an en or em dash inside
    one (13.00–16.15) counts as a hyphen (OCR punctuation is not what repair is for)."""
    out = []
    for piece in text.replace("–", "-").replace("—", "-").split():
        piece = piece.strip(_EDGE_PUNCT)
        if any(c.isalnum() for c in piece):
            out.append(piece)
    return out


def word_errors(reference: str, hypothesis: str, scanned: str | None = None
                ) -> tuple[int, int, list[tuple[str, ...]]]:
    """(errors, reference words, [(expected, got)]) after aligning the two word sequences.

    Errors are substitutions, deletions and insertions of an alignment (difflib's opcodes; a
    replaced run of unequal length counts as its longer side). With ``scanned`` (the text
    before repair, word for word like ``hypothesis``) each error also names the scanned word.
    """
    ref, hyp = words(reference), words(hypothesis)
    before = words(scanned) if scanned is not None else None
    if before is not None and len(before) != len(hyp):
        before = None
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    errors = 0
    wrong: list[tuple[str, ...]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        errors += max(i2 - i1, j2 - j1)
        if op == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                pair = (ref[i1 + k], hyp[j1 + k])
                wrong.append(pair + ((before[j1 + k],) if before is not None else ()))
        else:
            wrong.append((" ".join(ref[i1:i2]), " ".join(hyp[j1:j2])))
    return errors, len(ref), wrong


# --- the ingest path ------------------------------------------------------------------------------


def blocks_of_text(text: str) -> list[str]:
    """The cleaned blocks (paragraphs) of a plain text, as ``kb ingest`` makes them."""
    from ingest.clean import clean_pages
    from ingest.readers.text import split_pages

    return [b.text for b in clean_pages(split_pages(text))]


def blocks_of_file(path: Path) -> list[str]:
    """The cleaned blocks of a file read by kb's own reader for its format."""
    from ingest import readers
    from ingest.clean import clean_pages

    raw = readers.read(path)
    return [b.text for b in clean_pages(raw.pages, headings=raw.headings)]


def repair(blocks: list[str]) -> list[str]:
    from ingest.repair import repair_blocks

    return repair_blocks(blocks)


# --- Tesseract damage, cached ---------------------------------------------------------------------


def _tesseract_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return "none"
    return (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "unknown"


def damaged_copy(text: str, level: str, seed: int, cache: Path) -> str:
    """``tesseract_damage(text, seed, level)``, cached by text, level, seed and Tesseract build."""
    from tesseract_damage import tesseract_damage

    key = hashlib.sha1(f"{_tesseract_version()}|{level}|{seed}|{text}".encode()).hexdigest()[:20]
    path = cache / f"{key}.txt"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    damaged = tesseract_damage(text, seed=seed, level=level)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(damaged, encoding="utf-8")
    tmp.replace(path)
    return damaged


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Running counts for one group of documents."""

    words: int = 0
    before: int = 0
    after: int = 0
    changed: int = 0
    nonwords: int = 0
    seconds: float = 0.0
    documents: int = 0
    errors: Counter = field(default_factory=Counter)
    changes: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        out = {"documents": self.documents, "words": self.words, "nonwords_created": self.nonwords}
        if self.before or self.after:
            out["wer_before"] = round(self.before / max(self.words, 1), 5)
            out["wer_after"] = round(self.after / max(self.words, 1), 5)
        out["changed_share"] = round(self.changed / max(self.words, 1), 6)
        out["words_per_second"] = round(self.words / self.seconds) if self.seconds else None
        return out


def _changes(raw_blocks: list[str], fixed_blocks: list[str], tally: Tally) -> None:
    """Count the words repair changed (token for token: repair keeps the spaces) and the non-words."""
    from ingest.repair import is_known_word

    for raw, fixed in zip(raw_blocks, fixed_blocks, strict=True):
        if raw == fixed:
            continue
        for a, b in zip(raw.split(), fixed.split(), strict=True):
            if a != b:
                tally.changed += 1
                tally.changes[(a, b)] += 1
                for was, word in zip(_WORD.findall(a), _WORD.findall(b), strict=False):
                    if was != word and not is_known_word(word):
                        tally.nonwords += 1
                        tally.created[word] += 1


def measure_damaged(reference: str, damaged: str, tally: Tally) -> None:
    """Word error of ``damaged`` before and after repair against its clean ``reference``.

    The reference goes through the same cleaning (furniture such as a running header is
    dropped from both), so the figure counts words, not layout.
    """
    blocks = blocks_of_text(damaged)
    start = time.perf_counter()
    fixed = repair(blocks)
    tally.seconds += time.perf_counter() - start
    reference = "\n\n".join(blocks_of_text(reference))
    before, n, _ = word_errors(reference, "\n\n".join(blocks))
    after, _, wrong = word_errors(reference, "\n\n".join(fixed), "\n\n".join(blocks))
    tally.words += n
    tally.before += before
    tally.after += after
    tally.documents += 1
    tally.errors.update(wrong)
    _changes(blocks, fixed, tally)


def measure_clean(blocks: list[str], tally: Tally) -> None:
    """Words changed by repair in a document that was never damaged."""
    start = time.perf_counter()
    fixed = repair(blocks)
    tally.seconds += time.perf_counter() - start
    tally.words += sum(len(b.split()) for b in blocks)
    tally.documents += 1
    _changes(blocks, fixed, tally)


def own_texts() -> list[Path]:
    return sorted(OWN_TEXTS.glob("*.txt"))


def dev_documents(devset: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """([(clean source, OCR copy)], [born-digital files]) of a dev-set folder."""
    manifest = json.loads((devset / "manifest.json").read_text(encoding="utf-8"))["documents"]
    ocr, clean = [], []
    for path in sorted((devset / "corpus").iterdir()):
        spec = manifest.get(path.name, {})
        if spec.get("build") == "ocr":
            ocr.append((devset / "clean" / spec.get("source", path.name), path))
        elif path.suffix in (".txt", ".html", ".pdf", ".docx", ".md"):
            clean.append(path)
    return ocr, clean


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.txt"))


def run(only: set[str], devset: Path, corpus: Path, cache: Path) -> dict:
    from ingest.repair import get_repairer

    get_repairer()  # load the lexicon outside the timings
    results: dict[str, Tally] = {}

    if "own" in only:
        damaged, clean = Tally(), Tally()
        by_level = {level: Tally() for level in LEVELS}
        for path in own_texts():
            text = path.read_text(encoding="utf-8")
            for level in LEVELS:
                for seed in SEEDS:
                    copy = damaged_copy(text, level, seed, cache)
                    measure_damaged(text, copy, damaged)
                    measure_damaged(text, copy, by_level[level])
            measure_clean(blocks_of_file(path), clean)
        results["own texts, Tesseract damage"] = damaged
        for level, tally in by_level.items():
            results[f"own texts, Tesseract damage ({level})"] = tally
        results["own texts, born-digital"] = clean

    if "dev" in only and devset.is_dir():
        ocr, clean_files = dev_documents(devset)
        damaged, clean = Tally(), Tally()
        for source, copy in ocr:
            measure_damaged(source.read_text(encoding="utf-8"), copy.read_text(encoding="utf-8"), damaged)
        for path in clean_files:
            measure_clean(blocks_of_file(path), clean)
        results[f"{devset.name} set, Tesseract damage"] = damaged
        results[f"{devset.name} set, born-digital"] = clean

    if "corpus" in only and corpus.is_dir():
        files = corpus_files(corpus)
        clean_file = [p for p in files if p.name.startswith(CLEAN_CORPUS_FILE)]
        damaged, clean, ocr = Tally(), Tally(), Tally()
        for path in clean_file:
            text = path.read_text(encoding="utf-8")
            for level in LEVELS:
                measure_damaged(text, damaged_copy(text, level, SEEDS[0], cache), damaged)
            measure_clean(blocks_of_file(path), clean)
        for path in files:
            if path not in clean_file:
                measure_clean(blocks_of_file(path), ocr)
        results["corpus 001, Tesseract damage"] = damaged
        results["corpus 001, born-digital"] = clean
        results["corpus OCR files (no clean original)"] = ocr
    return results


def main(argv: list[str] | None = None) -> int:
    import platformdirs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=("own", "dev", "corpus"),
                        help="measure only these sources (repeatable; default all)")
    parser.add_argument("--devset", type=Path, default=DEVSET, help="a dev-set folder (default tests/devset/dev)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the public corpus folder")
    parser.add_argument("--cache", type=Path, default=Path(platformdirs.user_cache_dir("kb")) / "tesseract-damage",
                        help="where Tesseract's readings are cached")
    parser.add_argument("--show", type=int, default=10, help="list this many commonest errors and changes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = run(set(args.only or ("own", "dev", "corpus")), args.devset, args.corpus, args.cache)
    if args.json:
        print(json.dumps({name: t.as_dict() for name, t in results.items()}, indent=1, ensure_ascii=False))
        return 0
    for name, tally in results.items():
        fig = tally.as_dict()
        line = f"{name}: {fig['documents']} documents, {fig['words']} words"
        if "wer_after" in fig:
            line += f"; word error {fig['wer_before']:.2%} -> {fig['wer_after']:.2%}"
        line += f"; words changed {fig['changed_share']:.3%}; non-words created {fig['nonwords_created']}"
        if fig["words_per_second"]:
            line += f"; {fig['words_per_second']:,} words/s"
        print(line)
        if args.show:
            if tally.errors:
                print("  commonest remaining errors (expected -> got [scanned]):")
                for error, count in tally.errors.most_common(args.show):
                    scanned = f" [{error[2]}]" if len(error) > 2 else ""
                    print(f"    {error[0]!r} -> {error[1]!r}{scanned}: {count}")
            if tally.changes and "wer_after" not in fig:
                print("  commonest changes (scanned -> written):")
                for (a, b), count in tally.changes.most_common(args.show):
                    print(f"    {a!r} -> {b!r}: {count}")
            if tally.created:
                print("  non-words created:", ", ".join(w for w, _ in tally.created.most_common(args.show)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
