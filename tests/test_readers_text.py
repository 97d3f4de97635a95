"""Text readers and the checks every file goes through: encodings, pages, bad files."""

from __future__ import annotations

import hashlib
import tracemalloc
import unicodedata

import pytest
from unprivileged import run_python

from ingest.errors import IngestError
from ingest.readers import read, supported_suffixes

SAMPLE = "Nämnden föreslås besluta att överlämna yttrandet.\nÅtgärderna följs upp under våren."


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reason(path, **kwargs) -> str:
    with pytest.raises(IngestError) as info:
        read(path, **kwargs)
    assert info.value.path == str(path)
    return info.value.reason


def test_registry_names_every_format():
    assert supported_suffixes() == frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"})


def test_utf8_text_is_one_page_with_sha256(tmp_path):
    data = SAMPLE.encode("utf-8")
    raw = read(write(tmp_path, "a.txt", data))
    assert [p.number for p in raw.pages] == [1]
    assert raw.pages[0].text == SAMPLE
    assert raw.properties["sha256"] == hashlib.sha256(data).hexdigest()
    assert raw.warnings == []


def test_utf8_bom_is_dropped(tmp_path):
    raw = read(write(tmp_path, "a.md", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")))
    assert raw.pages[0].text == SAMPLE


def test_utf16_with_bom(tmp_path):
    raw = read(write(tmp_path, "a.txt", SAMPLE.encode("utf-16")))
    assert raw.pages[0].text == SAMPLE


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "cp850", "mac_roman"])
def test_legacy_encodings_are_detected_and_warned(tmp_path, encoding):
    text = SAMPLE + "\nSvar på remiss från kommunstyrelsen om förskolans stöd till familjer."
    raw = read(write(tmp_path, "a.txt", text.encode(encoding)))
    assert raw.pages[0].text == text
    assert any(w.startswith("decoded as ") for w in raw.warnings)


def test_cp1252_is_named_in_the_warning(tmp_path):
    raw = read(write(tmp_path, "a.txt", "Förvaltningen välkomnar granskningen – på gång.".encode("cp1252")))
    assert raw.warnings[0] == "decoded as cp1252"
    assert raw.pages[0].text == "Förvaltningen välkomnar granskningen – på gång."


def test_mixed_encodings_decode_each_line(tmp_path):
    data = "Första raden är UTF-8.\n".encode() + "Andra raden är cp1252.\n".encode("cp1252")
    raw = read(write(tmp_path, "a.txt", data))
    assert raw.pages[0].text == "Första raden är UTF-8.\nAndra raden är cp1252.\n"
    assert any("mixed encodings" in w for w in raw.warnings)


def test_broken_bytes_in_utf8_are_replaced_not_reinterpreted(tmp_path):
    data = "Nämnden beslutar ".encode() + b"\xff\xfe" + " om stöd.".encode()
    raw = read(write(tmp_path, "a.txt", data))
    assert raw.pages[0].text.startswith("Nämnden beslutar ")
    assert raw.pages[0].text.endswith(" om stöd.")
    assert "\ufffd" in raw.pages[0].text
    assert any("invalid UTF-8" in w for w in raw.warnings)


def test_newlines_and_unicode_are_normalised(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Åtgärd\r\nför barn\rsom")
    raw = read(write(tmp_path, "a.txt", decomposed.encode("utf-8")))
    assert raw.pages[0].text == "Åtgärd\nför barn\nsom"
    assert len(raw.pages[0].text.split("\n")[0]) == 6  # Å and ä as single code points


def test_form_feeds_split_pages(tmp_path):
    raw = read(write(tmp_path, "a.txt", "Sida ett\fSida två\f\fSida fyra\f".encode()))
    assert [(p.number, p.text) for p in raw.pages] == [
        (1, "Sida ett"), (2, "Sida två"), (3, ""), (4, "Sida fyra"),
    ]


def test_empty_file(tmp_path):
    assert reason(write(tmp_path, "tom.txt", b"")) == "empty file (0 bytes)"


def test_whitespace_only_file(tmp_path):
    assert "no text" in reason(write(tmp_path, "blank.txt", b" \n\t\n  "))


def test_nul_bytes_are_binary(tmp_path):
    assert "binary" in reason(write(tmp_path, "bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20))


def test_control_characters_are_binary(tmp_path):
    data = bytes(range(1, 32)) * 50 + b"lite text"
    assert "binary" in reason(write(tmp_path, "x.txt", data))


def test_random_bytes_are_binary(tmp_path):
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(20_000))
    assert "binary" in reason(write(tmp_path, "brus.txt", data))


def test_missing_file(tmp_path):
    assert "not found" in reason(tmp_path / "finns-inte.txt")


def test_file_vanishing_after_discovery(tmp_path):
    from ingest.discover import discover

    path = write(tmp_path, "snart-borta.txt", SAMPLE.encode())
    found = list(discover([tmp_path]))
    assert found == [path]
    path.unlink()
    assert "not found" in reason(found[0])


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "mapp.txt"
    folder.mkdir()
    assert "directory" in reason(folder)


def test_unsupported_suffix(tmp_path):
    message = reason(write(tmp_path, "tabell.xlsx", b"PK\x03\x04 data"))
    assert message.startswith("unsupported file type .xlsx")
    assert ".pdf" in message


READ_IN_A_CHILD = """
import json, sys
from ingest.errors import IngestError
from ingest.readers import read
try:
    read(sys.argv[1])
    print(json.dumps(None))
except IngestError as exc:
    print(json.dumps([exc.path, exc.reason]))
"""


def test_permission_denied(tmp_path):
    """A file the kernel refuses to open (also as root: see tests/unprivileged.py)."""
    path = write(tmp_path, "låst.txt", SAMPLE.encode())
    path.chmod(0)
    try:
        refused = run_python(READ_IN_A_CHILD, str(path))
    finally:
        path.chmod(0o644)
    assert refused is not None, "the locked file was read"
    assert refused[0] == str(path) and "permission denied" in refused[1]
    assert read(path).pages[0].text == SAMPLE  # unlocked, the same file reads


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "enorm.txt"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB that cost no disk
    tracemalloc.start()
    try:
        message = reason(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too large" in message and "200.0 MB" in message
    assert peak < 5 * 1024 * 1024


def test_size_limit_from_environment(tmp_path, monkeypatch):
    path = write(tmp_path, "lagom.txt", ("Stöd till barn. " * 80_000).encode())  # ~1.3 MB
    assert read(path).pages
    monkeypatch.setenv("KB_MAX_FILE_MB", "1")
    assert "over the 1 MB limit" in reason(path)


def test_odd_file_names(tmp_path):
    for name in ["med mellanslag.txt", "åäö ÅÄÖ.txt", "emoji 📄.txt", "rad\nbrytning.txt"]:
        path = write(tmp_path, name, SAMPLE.encode())
        assert read(path).pages[0].text == SAMPLE
