"""discover(): folders expanded in a fixed order, bad paths reported as values, no loops."""

from __future__ import annotations

import os

from unprivileged import run_python

from ingest.discover import discover
from ingest.errors import IngestError


def touch(path, text="Nämnden beslutar."):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def split(results):
    files = [r for r in results if not isinstance(r, IngestError)]
    errors = [r for r in results if isinstance(r, IngestError)]
    return files, errors


def test_folders_are_walked_recursively_in_sorted_order(tmp_path):
    names = ["b.txt", "a.md", "under/c.pdf", "under/djupare/d.docx", "Ö.html", "e.htm"]
    for name in names:
        touch(tmp_path / name)
    files, errors = split(list(discover([tmp_path])))
    assert errors == []
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a.md", "b.txt", "e.htm", "under/c.pdf", "under/djupare/d.docx", "Ö.html",
    ]
    assert files == [f for f, _ in zip(discover([tmp_path]), files, strict=True)]


def test_hidden_sidecars_and_unsupported_files_in_folders_are_skipped(tmp_path):
    touch(tmp_path / "yttrande.txt")
    touch(tmp_path / "yttrande.txt.meta.json", '{"date": "2024-01-01"}')
    touch(tmp_path / ".dold.txt")
    touch(tmp_path / ".git" / "config.txt")
    touch(tmp_path / "bild.png")
    touch(tmp_path / "README")
    assert list(discover([tmp_path])) == [tmp_path / "yttrande.txt"]


def test_unsupported_file_named_explicitly_is_an_error(tmp_path):
    path = touch(tmp_path / "tabell.xlsx")
    [result] = list(discover([path]))
    assert isinstance(result, IngestError)
    assert result.reason.startswith("unsupported file type .xlsx")
    assert result.path == str(path)


def test_sidecar_named_explicitly_is_an_error(tmp_path):
    path = touch(tmp_path / "a.txt.meta.json", "{}")
    [result] = list(discover([path]))
    assert isinstance(result, IngestError) and "sidecar" in result.reason


def test_missing_path_is_an_error_and_the_batch_goes_on(tmp_path):
    good = touch(tmp_path / "finns.txt")
    results = list(discover([tmp_path / "saknas.txt", good]))
    assert isinstance(results[0], IngestError) and results[0].reason == "file not found"
    assert results[1] == good


def test_symlink_loops_end(tmp_path):
    touch(tmp_path / "mapp" / "a.txt")
    os.symlink(tmp_path / "mapp", tmp_path / "mapp" / "tillbaka")
    os.symlink(tmp_path, tmp_path / "mapp" / "roten")
    os.symlink(tmp_path / "själv", tmp_path / "själv")  # a link to itself
    files, errors = split(list(discover([tmp_path, tmp_path / "själv"])))
    assert files == [tmp_path / "mapp" / "a.txt"]
    # the self-link is reported where the walk meets it and where it is named
    assert [(e.path, e.reason) for e in errors] == [(str(tmp_path / "själv"), "symlink loop")] * 2


def test_broken_symlink_is_an_error(tmp_path):
    os.symlink(tmp_path / "borta.txt", tmp_path / "länk.txt")
    [result] = list(discover([tmp_path / "länk.txt"]))
    assert isinstance(result, IngestError) and "broken symlink" in result.reason


def test_same_file_twice_is_yielded_once(tmp_path):
    path = touch(tmp_path / "a.txt")
    os.symlink(path, tmp_path / "alias.txt")
    assert list(discover([path, tmp_path, path])) == [path]


def test_odd_names(tmp_path):
    names = ["med mellanslag.txt", "åäö ÅÄÖ.md", "emoji 📄.txt", "rad\nbrytning.txt", "-börjar med streck.txt"]
    for name in names:
        touch(tmp_path / name)
    files = list(discover([tmp_path]))
    assert sorted(f.name for f in files) == sorted(names)


DISCOVER_IN_A_CHILD = """
import json, sys
from ingest.discover import discover
from ingest.errors import IngestError
print(json.dumps([[r.path, r.reason] if isinstance(r, IngestError) else str(r) for r in discover([sys.argv[1]])]))
"""


def test_permission_denied_folder_is_an_error(tmp_path):
    """A folder the kernel refuses to list (also as root: see tests/unprivileged.py)."""
    touch(tmp_path / "öppen" / "a.txt")
    locked = tmp_path / "låst"
    touch(locked / "b.txt")
    locked.chmod(0)
    try:
        found = run_python(DISCOVER_IN_A_CHILD, str(tmp_path))
    finally:
        locked.chmod(0o755)
    files = [r for r in found if isinstance(r, str)]
    errors = [r for r in found if isinstance(r, list)]
    assert files == [str(tmp_path / "öppen" / "a.txt")]
    assert [path for path, _ in errors] == [str(locked)]
    assert "permission denied" in errors[0][1]
    assert sorted(map(str, discover([tmp_path]))) == sorted(files + [str(locked / "b.txt")])  # unlocked
