"""Plain text and markdown (.txt, .md): bytes -> Unicode pages.

Decoding, in order:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. strict UTF-8;
3. text that is UTF-8 in places and something else in others (mixed encodings, a file
   pasted together): each line is decoded as UTF-8 if it can be, else as the detected
   legacy encoding, with a warning;
4. a legacy encoding (cp1252, latin-1, cp850, mac_roman...). charset-normalizer proposes
   candidates; because it often ranks cp1250 first for short Swedish text (å comes out as
   ĺ), the candidates are re-ranked by how Swedish the decoded text looks: å/ä/ö count
   for it, letters foreign to Swedish and Western European text count against it.

Nothing here crashes on bad bytes: what cannot be decoded is replaced and warned about.
A file that is not text at all (NUL bytes, mostly control characters) is refused.
Newlines become ``\\n`` and the text is NFC-normalised; form feeds split pages.
Markdown emphasis is left for the cleaning stage.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.errors import IngestError
from ingest.model import Page, RawDocument

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy encodings tried for Swedish text, most likely first (ties go to the first).
LEGACY_CANDIDATES: tuple[str, ...] = ("cp1252", "iso8859_15", "cp850", "mac_roman", "latin-1")

# Non-ASCII characters expected in Swedish (and Western European) case documents.
SWEDISH_LETTERS = frozenset("åäöÅÄÖ")
EXPECTED_NON_ASCII = frozenset(
    "åäöÅÄÖéÉèÈüÜáàíóúñçæøÆØ–—‘’“”„«»…€§°½¼¾•·×\u00a0"
)

# Share of control characters above which a "text" file is treated as binary.
MAX_CONTROL_SHARE = 0.05
# Share of undecodable characters above which the file is not text in any encoding.
MAX_REPLACEMENT_SHARE = 0.25
ALLOWED_CONTROLS = frozenset("\t\n\r\f")

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def read_text(path: Path, data: bytes, ocr: bool = False) -> RawDocument:
    """A .txt/.md file as pages (split at form feeds), decoded and NFC-normalised."""
    text, encoding, warnings = decode_bytes(data, str(path))
    text = normalise(text)
    if not text.strip():
        raise IngestError("contains no text (only whitespace)", str(path))
    pages = split_pages(text)
    return RawDocument(pages=pages, encoding=encoding, warnings=warnings)


def decode_bytes(data: bytes, where: str = "") -> tuple[str, str, list[str]]:
    """Decode ``data`` to text. Returns (text, encoding name, warnings)."""
    warnings: list[str] = []
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            _refuse_binary(text, where)
            return text, encoding, _replacement_warning(text, encoding)
    if b"\x00" in data:
        guessed = _utf16_without_bom(data)
        if guessed is None:
            raise IngestError("binary content, not text (contains NUL bytes)", where)
        text = data.decode(guessed, errors="replace")
        _refuse_binary(text, where)
        return text, guessed, [f"decoded as {guessed} (no byte-order mark)"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_binary(text, where)
        return text, "utf-8", warnings
    if _has_utf8_sequences(data):
        return _decode_mixed(data, where)
    encoding = guess_legacy_encoding(data)
    text = data.decode(encoding, errors="replace")
    _refuse_binary(text, where)
    warnings.append(f"decoded as {encoding}")
    warnings.extend(_replacement_warning(text, encoding))
    return text, encoding, warnings


def guess_legacy_encoding(data: bytes) -> str:
    """The single-byte encoding under which ``data`` reads most like Swedish text."""
    candidates = list(LEGACY_CANDIDATES)
    for match in from_bytes(data[:200_000]):
        if match.encoding not in candidates:
            candidates.append(match.encoding)
    best, best_score = "cp1252", None
    for encoding in candidates:
        try:
            decoded = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = swedishness(decoded)
        if best_score is None or score > best_score:
            best, best_score = encoding, score
    if best_score is None:
        return "cp1252"
    return best


def swedishness(text: str) -> int:
    """How Swedish ``text`` looks: +1 per å/ä/ö, -3 per unexpected non-ASCII character."""
    score = 0
    for char in text:
        if char < "\x80":
            if char < " " and char not in ALLOWED_CONTROLS:
                score -= 3
            continue
        if char in SWEDISH_LETTERS:
            score += 1
        elif char not in EXPECTED_NON_ASCII:
            score -= 3
    return score


def normalise(text: str) -> str:
    """``\\n`` newlines, NFC (å as one code point), no NUL left."""
    text = _NEWLINES.sub("\n", text)
    return unicodedata.normalize("NFC", text)


def split_pages(text: str) -> list[Page]:
    """One Page per form-feed-separated part; a text without form feeds is page 1.

    Empty parts still count as pages so that page numbers stay those of the source.
    Trailing empty parts (a final form feed) are dropped.
    """
    parts = text.split("\f")
    while len(parts) > 1 and not parts[-1].strip():
        parts.pop()
    return [Page(number=i, text=part) for i, part in enumerate(parts, start=1)]


def _decode_mixed(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """Decode line by line: UTF-8 where it is valid, else the legacy guess.

    A line that holds UTF-8 letters and a few broken bytes is UTF-8 with damage: it is
    decoded as UTF-8 with the broken bytes replaced (U+FFFD), not reread as cp1252.
    """
    lines = data.split(b"\n")
    bad = [line for line in lines if not _is_utf8(line)]
    damaged = [line for line in bad if _has_utf8_sequences(line)]
    legacy_lines = [line for line in bad if not _has_utf8_sequences(line)]
    legacy = guess_legacy_encoding(b"\n".join(legacy_lines)) if legacy_lines else "cp1252"
    decoded = []
    for line in lines:
        if _is_utf8(line) or _has_utf8_sequences(line):
            decoded.append(line.decode("utf-8", errors="replace"))
        else:
            decoded.append(line.decode(legacy, errors="replace"))
    text = "\n".join(decoded)
    _refuse_binary(text, where)
    warnings = []
    if legacy_lines:
        warnings.append(
            f"mixed encodings: {len(legacy_lines)} of {len(lines)} lines were not UTF-8 and were decoded as {legacy}"
        )
    if damaged:
        warnings.append(f"invalid UTF-8: {len(damaged)} line(s) had broken bytes, replaced with U+FFFD")
    return text, "utf-8", warnings


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(data: bytes) -> bool:
    """True when the bytes hold real UTF-8 multi-byte letters (so UTF-8 is partly right)."""
    return _UTF8_MULTIBYTE.search(data) is not None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit in every other position, else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _refuse_binary(text: str, where: str) -> None:
    if not text:
        return
    sample = text[:100_000]
    controls = sum(1 for c in sample if c < " " and c not in ALLOWED_CONTROLS)
    controls += sample.count("\x7f")
    if "\x00" in sample or controls / len(sample) > MAX_CONTROL_SHARE:
        raise IngestError("binary content, not text (mostly control characters)", where)
    if sample.count("\ufffd") / len(sample) > MAX_REPLACEMENT_SHARE:
        raise IngestError("binary content, not text (mostly undecodable bytes)", where)


def _replacement_warning(text: str, encoding: str) -> list[str]:
    count = text.count("\ufffd")
    if not count:
        return []
    return [f"{count} undecodable byte(s) replaced while decoding as {encoding}"]
