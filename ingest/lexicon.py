"""The Swedish lexicon (ordlista) behind OCR repair and decompounding.

Two sources, merged once into a compact cache file:

* wordfreq's Swedish frequency list (about 340k word forms with frequencies). It is web
  text, so it also lists many OCR-damaged or accent-less forms (*vald*, *for*, *nar*);
  repair therefore compares frequencies instead of trusting mere presence.
* the Swedish Hunspell dictionary from the ``hunspell-sv`` package. Its stems are
  expanded with the suffix rules of the .aff file (:func:`expand_hunspell`; the Swedish
  dictionary uses one-character flags, suffixes only and no continuation classes, and
  :func:`check_affix_format` refuses an .aff file that needs more). Hunspell is curated, so
  a form it lists is a real word; it also lists compound-only first parts (*förskole-*,
  *kärnprocess-*), which the compound splitter uses, and proper nouns (*Pia*, *Malmö*),
  kept apart from common words so that repair can leave names alone.

``freq(word)`` is the wordfreq frequency; a word only Hunspell knows gets the small
floor :data:`HUNSPELL_FREQ`, so it counts as known but loses to any common word.

Loading wordfreq and expanding Hunspell takes seconds, so the result is written once to
``platformdirs.user_cache_dir("kb")`` (a folder keyed by the source package versions and
renamed into place atomically; the key also holds a digest of the .dic/.aff files read, so a
changed dictionary file never meets an old cache): sorted NumPy arrays of forms, frequency codes and flags,
which later processes memory-map in a few milliseconds.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import numpy as np
import platformdirs

from ingest.folding import confusion_class_table, fold_confusion_classes

CACHE_FORMAT = 7
# A word known only to Hunspell: counted as known, but below almost every wordfreq word.
HUNSPELL_FREQ = 1e-9
# Compound parts: at least this many letters each, at most this many parts.
MIN_PART = 3
MAX_PARTS = 4
# Linking morphemes (fogemorfem) allowed between compound parts, most usual first.
LINKS = ("", "s")
# A wordfreq-only word must be at least this frequent to serve as a compound part, which keeps
# rare junk forms of the web list ("nden", "ngs") from gluing damaged words together.
MIN_PART_FREQ = 1e-6

# Hunspell flags (sv_SE.aff): compound-only forms, compound begin/middle, needs an affix, forbidden.
_ONLY_IN_COMPOUND = "Z"
_COMPOUND_BEGIN = "X"
# Frequency by centibel code (wordfreq quantises to centibels); codes run 0..1200.
_FREQ_OF_CODE = [10 ** (-code / 100) for code in range(1201)]
_MAX_CODE = 1200
_WIDTH = 48  # bytes per form in the sorted array; longer forms are left out
NO_FREQ = 0xFFFF  # frequency code of a form wordfreq does not list
IN_HUNSPELL = 1  # flag: Hunspell lists the form as a stand-alone word
COMPOUND_HEAD = 2  # flag: Hunspell allows the form at the start or middle of a compound
NAME = 4  # flag: Hunspell lists the form as a proper noun (an entry written with a capital: Pia, Malmö)
_COMPOUND_MIDDLE = "U"
_NEED_AFFIX = "¤"
_FORBIDDEN = "%"


class Lexicon:
    """Word frequencies plus Hunspell's word forms; lookups take lower-case words.

    Three parallel arrays, sorted by the UTF-8 form so that a lookup is one bisection and
    the arrays can stay memory-mapped (no dictionary to rebuild at start-up): ``keys``
    (the forms), ``codes`` (wordfreq frequency in centibels below 1, wordfreq's own
    quantisation, freq = 10 ** (-code / 100); :data:`NO_FREQ` when wordfreq lacks the
    form) and ``flags`` (:data:`IN_HUNSPELL`, :data:`COMPOUND_HEAD`, :data:`NAME`).
    """

    def __init__(self, keys: np.ndarray, codes: np.ndarray, flags: np.ndarray, folder: Path | None = None):
        self._keys = keys
        self._codes = codes
        self._flags = flags
        self._width = keys.dtype.itemsize
        self._folder = folder
        self._info_memo: dict[str, tuple[int, int]] = {}
        self._split_memo: dict[str, tuple | None] = {}
        self._skeletons: dict[str, SkeletonIndex] = {}

    @classmethod
    def from_sources(cls, codes: dict[str, int], hunspell: set[str], heads: set[str], folder=None,
                     names: set[str] = frozenset()) -> Lexicon:
        """Build the arrays from wordfreq codes and Hunspell's stand-alone forms, compound heads
        and proper nouns (all lower case)."""
        merged: dict[bytes, list[int]] = {}
        for word, code in codes.items():
            merged.setdefault(word.encode("utf-8"), [NO_FREQ, 0])[0] = code
        for flag, forms in ((IN_HUNSPELL, hunspell), (COMPOUND_HEAD, heads), (NAME, names)):
            for word in forms:
                merged.setdefault(word.encode("utf-8"), [NO_FREQ, 0])[1] |= flag
        order = sorted(k for k in merged if 0 < len(k) <= _WIDTH)
        keys = np.array(order, dtype=f"S{_WIDTH}")
        code_arr = np.array([merged[k][0] for k in order], dtype=np.uint16)
        flag_arr = np.array([merged[k][1] for k in order], dtype=np.uint8)
        return cls(keys, code_arr, flag_arr, folder)

    def _info(self, word: str) -> tuple[int, int]:
        """(frequency code, flags) of ``word``; (NO_FREQ, 0) when unknown."""
        hit = self._info_memo.get(word)
        if hit is not None:
            return hit
        key = word.encode("utf-8", "surrogatepass")
        hit = (NO_FREQ, 0)
        if key and len(key) <= self._width:
            i = int(self._keys.searchsorted(key))
            if i < len(self._keys) and self._keys[i] == key:
                hit = (int(self._codes[i]), int(self._flags[i]))
        if len(self._info_memo) > 500_000:
            self._info_memo.clear()
        self._info_memo[word] = hit
        return hit

    def freq(self, word: str) -> float:
        """Frequency of ``word`` (0.0 when unknown; :data:`HUNSPELL_FREQ` when only Hunspell knows it)."""
        code, flags = self._info(word)
        if code != NO_FREQ:
            return _FREQ_OF_CODE[code]
        return HUNSPELL_FREQ if flags & (IN_HUNSPELL | NAME) else 0.0

    def __contains__(self, word: str) -> bool:
        code, flags = self._info(word)
        return code != NO_FREQ or bool(flags & (IN_HUNSPELL | NAME))

    def __len__(self) -> int:
        return len(self._keys)

    def in_hunspell(self, word: str) -> bool:
        """True when the curated Hunspell dictionary lists ``word`` as a stand-alone common word."""
        return bool(self._info(word)[1] & IN_HUNSPELL)

    def is_name(self, word: str) -> bool:
        """True when Hunspell lists ``word`` as a proper noun (pia, malmö, lund), whether or not
        it is also a common word."""
        return bool(self._info(word)[1] & NAME)

    def is_compound_head(self, word: str) -> bool:
        """True for a form Hunspell allows at the start or middle of a compound (förskole-)."""
        return bool(self._info(word)[1] & COMPOUND_HEAD)

    def iter_words(self):
        """Every form the lexicon knows, compound-only heads included (slow: for building indexes)."""
        for raw in self._keys.tolist():
            yield raw.decode("utf-8", "replace")

    def skeleton_index(self, classes: dict[str, str]) -> SkeletonIndex:
        """Words grouped by their skeleton: ``classes`` maps characters to class characters
        (:func:`ingest.folding.fold_confusion_classes`).

        OCR repair folds every letter an OCR engine confuses into one class, so a damaged
        word and its original share a key. Built once per fold table and cached beside
        the lexicon.
        """
        digest = _classes_digest(classes)
        if digest not in self._skeletons:
            self._skeletons[digest] = SkeletonIndex.load_or_build(self._skeleton_folder(classes), classes, self)
        return self._skeletons[digest]

    def _skeleton_folder(self, classes: dict[str, str]) -> Path:
        return (self._folder or cache_dir()) / f"skeleton-{_classes_digest(classes)}"

    def has_skeleton(self, classes: dict[str, str]) -> bool:
        """True when the skeleton index for ``classes`` is built (in memory or in the cache folder)."""
        return _classes_digest(classes) in self._skeletons or (self._skeleton_folder(classes) / "ids.npy").is_file()

    def _part_ok(self, part: str, last: bool) -> bool:
        if len(part) < MIN_PART:
            return False
        code, flags = self._info(part)
        if flags & IN_HUNSPELL or (not last and flags & COMPOUND_HEAD):
            return True
        return code != NO_FREQ and _FREQ_OF_CODE[code] >= MIN_PART_FREQ

    def _part_weight(self, part: str) -> float:
        return max(self.freq(part), HUNSPELL_FREQ)

    def compound_segments(self, word: str) -> list[str] | None:
        """Split ``word`` into surface segments that concatenate back to it.

        A linking *s* stays on the left segment ("fördjupningsutbildning" ->
        ["fördjupnings", "utbildning"]). None when no split into known words exists.
        """
        found = _split(self, word)
        return list(found[0]) if found else None

    def split_compound(self, word: str) -> list[str] | None:
        """Split a compound (sammansättning) into its known parts, fewest parts first.

        Parts are returned as the lexicon knows them: a Hunspell compound form stays as
        written ("förskolesocionomer" -> ["förskole", "socionomer"], "kvalitetsledningssystem"
        -> ["kvalitets", "ledningssystem"]); a linking *s* the lexicon does not list with its
        part is dropped ("x-s-y" -> ["x", "y"]). A piece read plainly wins over the same
        piece read as part + linking *s*.
        None when the word does not split into known words of at least :data:`MIN_PART` letters.
        Use :meth:`compound_segments` for pieces that concatenate back to the word.
        """
        found = _split(self, word)
        return list(found[1]) if found else None

    def compound_freq(self, word: str) -> float:
        """A pseudo-frequency for an unlisted compound: its rarest part's, scaled down per part.

        0.0 when the word does not split. Used to rank repair candidates that are not listed.
        """
        found = _split(self, word)
        if not found:
            return 0.0
        parts = found[1]
        return min(self._part_weight(p) for p in parts) * 1e-3 ** (len(parts) - 1)


class SkeletonIndex:
    """Lexicon words by the CRC-32 of their skeleton (:func:`ingest.folding.fold_confusion_classes`):
    sorted keys and positions in the lexicon."""

    def __init__(self, classes: dict[str, str], keys: np.ndarray, ids: np.ndarray, words: np.ndarray):
        self._table = confusion_class_table(classes)
        self._keys = keys
        self._ids = ids
        self._words = words

    def skeleton(self, word: str) -> str:
        """``word`` with each confusable letter replaced by its class's mark."""
        return fold_confusion_classes(word, self._table)

    def lookup(self, word: str) -> list[str]:
        """Words whose skeleton equals ``word``'s skeleton (a rare CRC clash may add others)."""
        key = np.uint32(zlib.crc32(self.skeleton(word).encode("utf-8", "surrogatepass")))
        lo = int(self._keys.searchsorted(key, "left"))
        if lo == len(self._keys) or self._keys[lo] != key:
            return []
        hi = int(self._keys.searchsorted(key, "right"))
        return [self._words[i].decode("utf-8", "replace") for i in self._ids[lo:hi].tolist()]

    @classmethod
    def build(cls, classes: dict[str, str], lex: Lexicon) -> SkeletonIndex:
        table = confusion_class_table(classes)
        keys = np.fromiter(
            (zlib.crc32(fold_confusion_classes(w, table).encode("utf-8", "surrogatepass"))
             for w in lex.iter_words()),
            dtype=np.uint32,
            count=len(lex),
        )
        order = np.argsort(keys, kind="stable").astype(np.uint32)
        return cls(classes, keys[order], order, lex._keys)

    @classmethod
    def load_or_build(cls, folder: Path, classes: dict[str, str], lex: Lexicon) -> SkeletonIndex:
        try:
            keys = np.load(folder / "keys.npy", mmap_mode="r").view(np.ndarray)
            ids = np.load(folder / "ids.npy", mmap_mode="r").view(np.ndarray)
            if len(ids) == len(lex):
                return cls(classes, keys, ids, lex._keys)
        except (OSError, ValueError):
            pass
        index = cls.build(classes, lex)
        shutil.rmtree(folder, ignore_errors=True)
        tmp = None
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name + ".tmp"))
            np.save(tmp / "keys.npy", index._keys)
            np.save(tmp / "ids.npy", index._ids)
            os.replace(tmp, folder)
        except OSError:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
        return index


def _classes_digest(fold: dict[str, str]) -> str:
    return hashlib.sha1(repr(sorted(fold.items())).encode("utf-8")).hexdigest()[:12]


def _split(lex: Lexicon, word: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Best split as (surface segments, lexicon parts), memoized per lexicon and word."""
    memo = lex._split_memo
    if word not in memo:
        if len(memo) > 200_000:
            memo.clear()
        memo[word] = _compute_split(lex, word)
    return memo[word]


def _compute_split(lex: Lexicon, word: str):
    """Dynamic programme over end positions: fewest parts, then the most frequent rarest part."""
    n = len(word)
    if n < 2 * MIN_PART or not word.isalpha():
        return None
    # best[i]: (parts count, -rarest weight, segments, parts) for word[:i]
    best: list[tuple | None] = [None] * (n + 1)
    best[0] = (0, 0.0, (), ())
    for i in range(n):
        state = best[i]
        if state is None or state[0] >= MAX_PARTS:
            continue
        count, neg_min, segs, parts = state
        for j in range(i + MIN_PART, n + 1):
            piece = word[i:j]
            last = j == n
            for link in LINKS:
                if link and (last or not piece.endswith(link) or len(piece) - len(link) < MIN_PART):
                    continue
                part = piece[: len(piece) - len(link)] if link else piece
                if not lex._part_ok(part, last):
                    continue
                weight = lex._part_weight(part)
                cand = (count + 1, max(neg_min, -weight) if count else -weight, segs + (piece,), parts + (part,))
                if best[j] is None or cand[:2] < best[j][:2]:
                    best[j] = cand
                break  # the plain reading of a piece wins over the linking-s reading
    final = best[n]
    if final is None or final[0] < 2:
        return None
    return final[2], final[3]


# --- building the lexicon from its sources (slow, done once per cache key) ---------------------------


def _hunspell_files() -> tuple[Path, Path] | None:
    """The sv_SE .dic/.aff installed by the hunspell-sv package."""
    candidates = [Path(sys.prefix) / "share" / "hunspell"]
    try:
        dist = metadata.distribution("hunspell-sv")
        for f in dist.files or []:
            if f.name == "sv_SE.dic":
                candidates.insert(0, Path(dist.locate_file(f)).parent)
    except metadata.PackageNotFoundError:
        pass
    for folder in candidates:
        dic, aff = folder / "sv_SE.dic", folder / "sv_SE.aff"
        if dic.is_file() and aff.is_file():
            return dic, aff
    return None


def _condition_regex(cond: str) -> re.Pattern:
    return re.compile(("" if cond == "." else cond) + "$")


class AffixFormatError(ValueError):
    """The .aff file uses Hunspell features this reader does not implement."""


#: Directives that change how flags and affixes are read; :func:`expand_hunspell` implements
#: none of them (the pinned Swedish dictionary needs none), so an .aff file using one is refused.
_UNSUPPORTED_DIRECTIVES = ("FLAG", "AF", "PFX", "CIRCUMFIX", "ICONV", "IGNORE", "COMPLEXPREFIXES")


def check_affix_format(aff_text: str) -> None:
    """Raise :class:`AffixFormatError` when ``aff_text`` needs more than one-character flags and
    single-level suffix rules (what the Swedish dictionary uses and :func:`expand_hunspell` reads)."""
    used = set()
    suffix_flags = set()
    continuation = set()
    for line in aff_text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] in _UNSUPPORTED_DIRECTIVES:
            used.add(fields[0])
        if fields[0] == "SFX" and len(fields) >= 4:
            suffix_flags.add(fields[1])
            if len(fields) >= 5:
                continuation.update(fields[3].partition("/")[2])
    if suffix_flags & continuation:
        used.add("two-level suffixes (" + "".join(sorted(suffix_flags & continuation)) + ")")
    if any(len(flag) != 1 for flag in suffix_flags):
        used.add("multi-character flags")
    if used:
        raise AffixFormatError("unsupported Hunspell features: " + ", ".join(sorted(used)))


def parse_affixes(aff_text: str) -> dict[str, list[tuple[str, str, str, re.Pattern]]]:
    """Suffix rules by flag: [(strip, add, continuation flags, condition)] from an .aff file."""
    rules: dict[str, list] = {}
    for line in aff_text.splitlines():
        fields = line.split()
        if len(fields) < 5 or fields[0] != "SFX":
            continue
        flag, strip, add, cond = fields[1], fields[2], fields[3], fields[4]
        add, _, cont = add.partition("/")
        rules.setdefault(flag, []).append(
            ("" if strip == "0" else strip, "" if add == "0" else add, cont, _condition_regex(cond))
        )
    return rules


def _dic_entry(line: str) -> str | None:
    """The ``stem/FLAGS`` field of a .dic line, or None for a multi-word entry ("ad hoc") or junk.

    Fields after the entry are morphological tags (``po:noun``); any other second field means
    the entry itself holds a space, which no token of running text can match.
    """
    fields = line.replace("\t", " ").split()
    if not fields or fields[0].startswith("/"):
        return None
    if len(fields) > 1 and not re.fullmatch(r"[a-z]{2}:\S*", fields[1]):
        return None
    entry = fields[0]
    stem = entry.partition("/")[0]
    if not stem or not any(c.isalpha() for c in stem) or stem[-1] in ",;":
        return None
    return entry


def expand_hunspell(dic_text: str, aff_text: str) -> tuple[set[str], set[str], set[str]]:
    """All word forms of a suffix-only Hunspell dictionary, lower case:
    (stand-alone common words, compound heads, proper nouns).

    An entry written with a capital (*Pia*, *Malmö*) is a proper noun; its forms go to the
    third set (a form can be both: *Lund*, *lund*). Raises :class:`AffixFormatError`
    for an .aff file this reader cannot expand (:func:`check_affix_format`).
    """
    check_affix_format(aff_text)
    rules = parse_affixes(aff_text)
    words: set[str] = set()
    heads: set[str] = set()
    names: set[str] = set()

    def add(form: str, flags: str, proper: bool) -> None:
        form = form.lower()
        if _FORBIDDEN in flags:
            return
        if _COMPOUND_BEGIN in flags or _COMPOUND_MIDDLE in flags or _ONLY_IN_COMPOUND in flags:
            heads.add(form)
        if _ONLY_IN_COMPOUND not in flags and _NEED_AFFIX not in flags:
            (names if proper else words).add(form)

    for line in dic_text.splitlines()[1:]:
        entry = _dic_entry(line)
        if entry is None:
            continue
        stem, _, flags = entry.partition("/")
        proper = stem[:1].isupper()
        add(stem, flags, proper)
        for flag in flags:
            for strip, suffix, cont, cond in rules.get(flag, ()):
                if strip and not stem.endswith(strip):
                    continue
                if not cond.search(stem):
                    continue
                add(stem[: len(stem) - len(strip)] + suffix, cont, proper)
    return words, heads, names


#: The data packages the lexicon is built from (pinned in pyproject.toml): their versions name
#: the cache folder, so a new release of either builds a new lexicon instead of reusing one.
DATA_PACKAGES = ("wordfreq", "hunspell-sv")


def data_versions() -> dict[str, str]:
    """The installed version of each data package ("none" when missing)."""
    versions = {}
    for package in DATA_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "none"
    return versions


def _files_digest(files: tuple[Path, Path] | None) -> str:
    """A short digest of the .dic/.aff files actually read (they may come from another folder)."""
    if files is None:
        return "nodic"
    digest = hashlib.sha1()
    for path in files:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()[:10]


def _source_key() -> str:
    versions = "_".join(f"{package}-{version}" for package, version in data_versions().items())
    return f"{versions}_{_files_digest(_hunspell_files())}_f{CACHE_FORMAT}"


def build_sources(folder: Path | None = None, progress: Callable[[str], None] | None = None) -> Lexicon:
    """Read wordfreq and Hunspell into the compact form (slow: seconds)."""
    import wordfreq

    say = progress or (lambda _message: None)
    say("reading Swedish word frequencies (wordfreq) …")
    codes: dict[str, int] = {}
    for word, f in wordfreq.get_frequency_dict("sv").items():
        word = word.lower()
        if word.isalpha() and f > 0 and word not in codes:
            codes[word] = min(_MAX_CODE, round(-100 * math.log10(f)))
    words: set[str] = set()
    heads: set[str] = set()
    names: set[str] = set()
    files = _hunspell_files()
    if files:
        dic, aff = files
        say("expanding the Swedish Hunspell dictionary …")
        words, heads, names = expand_hunspell(
            dic.read_text(encoding="utf-8", errors="replace"), aff.read_text(encoding="utf-8", errors="replace")
        )
    return Lexicon.from_sources(codes, words, heads, folder, names=names)


def cache_dir() -> Path:
    """Where the compact lexicon lives: KB_LEXICON_CACHE or the per-user cache folder, per source versions."""
    folder = Path(os.environ.get("KB_LEXICON_CACHE") or platformdirs.user_cache_dir("kb"))
    return folder / f"lexicon-sv-{_source_key()}"


_ARRAYS = ("keys", "codes", "flags")


def write_cache(folder: Path, lex: Lexicon) -> None:
    """Write the arrays into a temporary folder, then rename it into place (atomic)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name + ".tmp"))
    try:
        for name in _ARRAYS:
            np.save(tmp / f"{name}.npy", getattr(lex, f"_{name}"))
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not folder.is_dir():
            raise


def load_lexicon(folder: Path | None = None, progress: Callable[[str], None] | None = None) -> Lexicon:
    """Open the cached lexicon (memory-mapped), building and caching it first when needed."""
    folder = folder or cache_dir()
    try:
        arrays = [np.load(folder / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in _ARRAYS]
        return Lexicon(*arrays, folder)
    except (OSError, ValueError):
        pass
    lex = build_sources(folder, progress)
    if progress:
        progress("writing the lexicon cache …")
    if folder.is_dir():  # damaged: complete folders only ever appear by rename
        shutil.rmtree(folder, ignore_errors=True)
    try:
        write_cache(folder, lex)
    except OSError:
        pass  # a read-only cache folder only costs start-up time
    return lex


def is_cached(folder: Path | None = None) -> bool:
    """True when the compact lexicon is in its cache folder (later runs only memory-map it)."""
    folder = folder or cache_dir()
    return all((folder / f"{name}.npy").is_file() for name in _ARRAYS)


def ensure_cached(progress: Callable[[str], None] | None = None,
                  folds: Iterable[dict[str, str]] = ()) -> Lexicon:
    """The process-wide lexicon, built and cached first when this is the first run, telling
    ``progress`` what happens (the build takes 10–20 s once); likewise each skeleton index of
    ``folds`` (OCR repair's) that is not built yet."""
    global _LEXICON
    say = progress or (lambda _message: None)
    started = time.monotonic()
    if _LEXICON is None and not is_cached():
        say("first run: building the Swedish lexicon once (10–20 s); later runs start at once")
        _LEXICON = load_lexicon(progress=say)
        say(f"lexicon ready: {len(_LEXICON):,} word forms in {time.monotonic() - started:.0f} s "
            f"({cache_dir()})")
    lex = get_lexicon()
    for fold in folds:
        if not lex.has_skeleton(fold):
            step = time.monotonic()
            say("first run: indexing the lexicon for OCR repair (a few seconds) …")
            lex.skeleton_index(fold)
            say(f"OCR repair index ready in {time.monotonic() - step:.0f} s")
    return lex


_LEXICON: Lexicon | None = None


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded once."""
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = load_lexicon()
    return _LEXICON
