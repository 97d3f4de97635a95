"""File errors get their words in one place (ingest.errors.file_error), whoever meets them."""

from __future__ import annotations

import builtins
import doctest
import errno
import os

import pytest

import ingest.errors
from ingest import discover as discover_module
from ingest.errors import FILE_ERROR_REASONS, IngestError, file_error
from ingest.parallel import error_for
from ingest.readers import read_bytes


def test_the_examples_hold():
    result = doctest.testmod(ingest.errors)
    assert result.attempted == 2 and result.failed == 0


@pytest.mark.parametrize("step", sorted(FILE_ERROR_REASONS))
def test_every_step_words_every_os_error(step):
    for exc in (FileNotFoundError(errno.ENOENT, "No such file or directory"),
                PermissionError(errno.EACCES, "Permission denied"),
                IsADirectoryError(errno.EISDIR, "Is a directory"),
                OSError(errno.EIO, "Input/output error")):
        error = file_error(exc, "protokoll.pdf", step)
        assert isinstance(error, IngestError) and error.path == "protokoll.pdf"
        assert error.reason and "{" not in error.reason


def test_the_most_specific_error_class_decides():
    assert file_error(IsADirectoryError(errno.EISDIR, "Is a directory"), "x", "read").reason == "is a directory, not a file"
    assert file_error(IsADirectoryError(errno.EISDIR, "Is a directory"), "x", "stat").reason == (
        "cannot access the file: Is a directory")
    assert file_error(PermissionError(errno.EACCES, "Permission denied"), "x", "build").reason == "permission denied"
    assert file_error(OSError("odd failure"), "x", "build").reason == "odd failure"  # no strerror


def test_the_reader_words_a_failed_open_and_a_failed_stat(tmp_path, monkeypatch):
    path = tmp_path / "yttrande.txt"
    path.write_text("Nämnden ställer sig bakom förslaget.", encoding="utf-8")

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(builtins, "open", denied)
    with pytest.raises(IngestError, match="permission denied: the file cannot be read"):
        read_bytes(path)
    monkeypatch.setattr(os, "stat", denied)
    with pytest.raises(IngestError, match="permission denied: the file's folder cannot be read"):
        read_bytes(path)


def test_a_worker_words_an_os_error_as_the_batch_does(tmp_path):
    error = error_for(tmp_path / "plan.docx", FileNotFoundError(errno.ENOENT, "No such file or directory"))
    assert error.reason == "the file disappeared before it could be read"
    assert error.path == str(tmp_path / "plan.docx")


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(discover_module.os, "scandir", denied)
    found = list(discover_module.discover([tmp_path]))
    assert [(type(f), f.reason) for f in found] == [(IngestError, "permission denied: the folder cannot be listed")]
