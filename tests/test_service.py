"""The service is the one door to the index: the CLI and the web app go through KnowledgeBase
(tests taking ``where`` run once per engine)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

YTTRANDE = """Yttrande över granskning av {ämne}

Kulturnämnden har tagit del av revisionens granskning av {ämne} och lämnar följande yttrande.

Rekommendation 1: Säkerställ att arbetet med {ämne} följs upp varje år.

Nämnden instämmer och kommer att se över rutinerna under hösten 2025.
"""


def test_remove_sources_removes_those_documents_and_skips_unknown_ones(tmp_path, where):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    (inbox / "bibliotek.txt").write_text(YTTRANDE.format(ämne="biblioteksplanen"), encoding="utf-8")
    (inbox / "museer.txt").write_text(YTTRANDE.format(ämne="museernas samlingar"), encoding="utf-8")
    kb = where.kb()
    try:
        assert kb.ingest([inbox]).ok
        sources = kb.sources()
        assert len(sources) == 2
        gone = next(s for s in sources if s.endswith("museer.txt"))

        assert kb.remove_sources([gone, "finns-inte.txt"]) == [gone]

        assert kb.sources() == [s for s in sources if s != gone]
        assert kb.search("samlingar")["total"] == 0
        assert kb.search("biblioteksplanen")["total"] >= 1
        assert kb.remove_sources([]) == []
    finally:
        kb.close()


def test_the_cli_and_the_web_app_never_reach_past_the_service_to_its_store():
    reaching = []
    for path in [ROOT / "kb" / "cli.py", *sorted((ROOT / "web").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                reaching.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert reaching == []


def test_kb_reindex_removes_a_document_whose_source_file_is_gone_only_with_prune(tmp_path, where):
    from click.testing import CliRunner

    from kb.cli import main

    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    (inbox / "parker.txt").write_text(YTTRANDE.format(ämne="parkernas skötsel"), encoding="utf-8")
    (inbox / "skolor.txt").write_text(YTTRANDE.format(ämne="skolgårdarna"), encoding="utf-8")
    assert CliRunner().invoke(main, ["ingest", str(inbox), *where.args]).exit_code == 0
    (inbox / "skolor.txt").unlink()

    result = CliRunner().invoke(main, ["reindex", *where.args])
    assert result.exit_code == 0, result.output
    assert "kept: 1 documents whose files were deleted (skolor.txt): run with --prune" in result.output

    result = CliRunner().invoke(main, ["reindex", *where.args, "--prune"])
    assert result.exit_code == 0, result.output
    assert "skolor.txt (its file is gone; --prune)" in result.output
    kb = where.kb()
    try:
        assert [Path(s).name for s in kb.sources()] == ["parker.txt"]
    finally:
        kb.close()


def test_kb_show_prints_each_fields_evidence(tmp_path, where):
    """Each metadata field says which rule decided it and on what text."""
    from click.testing import CliRunner

    from kb.cli import main

    source = tmp_path / "yttrande.txt"
    source.write_text("Tekniska nämnden\nYttrande\nDatum 2024-02-06\nDnr TN 2024/31\nTill revisorerna\n\n"
                      "Yttrande över revisorernas granskning av gatuunderhållet\n\n"
                      "Tekniska nämnden har tagit del av granskningen och lämnar följande svar.\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["ingest", str(source), *where.args]).exit_code == 0
    kb = where.kb()
    try:
        doc_id = kb.documents()[0]["id"]
    finally:
        kb.close()

    result = CliRunner().invoke(main, ["show", doc_id, *where.args])

    assert result.exit_code == 0, result.output
    assert "(date: date label 'Datum 2024-02-06')" in result.output
    assert "(committee: letterhead line 'Tekniska nämnden')" in result.output
    assert "recipient: letterhead, after 'Till'" in result.output
