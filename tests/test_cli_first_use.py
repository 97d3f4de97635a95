"""The kb command as a new user meets it: a busy port, a mistyped index, a folder of mixed files,
a copy of a file, a short id, the trace, the demo from an installed wheel and the first run."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

from click.testing import CliRunner
from test_web_support import plan_index, shared_index

from kb.cli import main

ROOT = Path(__file__).resolve().parent.parent
KB = [sys.executable, "-m", "kb.cli"]


def run(*args, env=None, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([*KB, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})})


def cli(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# -- kb serve -----------------------------------------------------------------------------------

def test_a_busy_port_is_one_line_and_a_failing_exit(tmp_path_factory):
    index = shared_index(tmp_path_factory)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--index", str(index), "--port", str(port), timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is already in use (another kb serve?); choose another with --port"]


def test_serve_refuses_a_missing_index_as_docs_does(tmp_path):
    missing = tmp_path / "skrivfel"
    served = run("serve", "--index", str(missing), "--port", "1")
    listed = run("docs", "--index", str(missing))
    assert served.returncode == listed.returncode == 1
    assert served.stderr == listed.stderr and "no index at" in served.stderr
    assert not missing.exists()  # nothing created behind the user's back


# -- kb ingest ----------------------------------------------------------------------------------

def statement(topic: str) -> str:
    return (f"Yttrande om {topic}\n\nNämnden har granskat arbetet med {topic} och lämnar följande yttrande.\n\n"
            f"Rekommendation 1: Säkerställ att arbetet med {topic} följs upp\n\nArbetet följs upp varje år.\n")


def test_files_of_other_types_in_a_folder_are_counted_in_the_summary(tmp_path):
    folder = tmp_path / "handlingar"
    folder.mkdir()
    (folder / "yttrande.txt").write_text(statement("simskolor"), encoding="utf-8")
    for name in ("protokoll.doc", "svar.odt", "brev.rtf", "tabell.csv", "gammal.doc"):
        (folder / name).write_bytes(b"inget kb kan l\xe4sa")
    result = cli("ingest", folder, "--index", tmp_path / "index")
    assert result.exit_code == 0
    assert "hoppade över 5 filer: .doc ×2, .csv ×1, .odt ×1, .rtf ×1 (kb läser " in result.stderr
    report = json.loads(cli("ingest", folder, "--index", tmp_path / "index", "--json").stdout)
    assert sorted(Path(p).name for p in report["skipped"]) == [
        "brev.rtf", "gammal.doc", "protokoll.doc", "svar.odt", "tabell.csv"]


def test_the_same_bytes_at_another_path_are_a_duplicate_not_a_second_document(tmp_path):
    first, second = tmp_path / "a" / "yttrande.txt", tmp_path / "b" / "kopia av yttrande.txt"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(statement("badplatser"), encoding="utf-8")
    index = tmp_path / "index"
    result = cli("ingest", tmp_path / "a", tmp_path / "b", "--index", index)
    assert result.exit_code == 0
    assert f"duplicate: {second} has the same bytes as {first.resolve()}; not indexed twice" in result.stderr
    docs = json.loads(cli("docs", "--index", index, "--json").stdout)
    assert [d["source"] for d in docs] == ["yttrande.txt"]
    hits = json.loads(cli("search", "badplatser", "--index", index, "--json").stdout)["hits"]
    assert len({h["doc_id"] for h in hits}) == 1
    # Later, on its own: still a duplicate of what is indexed.
    again = cli("ingest", second, "--index", index, "--json")
    assert json.loads(again.stdout)["duplicates"] == [{"path": str(second), "same_as": str(first.resolve())}]


# -- kb show ------------------------------------------------------------------------------------

def test_show_takes_a_unique_id_prefix_or_a_file_name(tmp_path_factory):
    index = shared_index(tmp_path_factory)
    docs = json.loads(cli("docs", "--index", index, "--json").stdout)
    target = next(d for d in docs if d["source"] == "yttrande-skolskjuts.txt")
    prefix = next(target["id"][:n] for n in range(2, 17)
                  if sum(d["id"].startswith(target["id"][:n]) for d in docs) == 1)
    for ref in (target["id"], prefix, "yttrande-skolskjuts.txt"):
        shown = cli("show", ref, "--index", index, "--json")
        assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == target["id"], ref
    missing = cli("show", "ingen-sadan.txt", "--index", index)
    assert missing.exit_code == 1 and "no document with id, id prefix or file name" in missing.stderr


def test_an_ambiguous_prefix_lists_the_candidates(tmp_path):
    from index.store import Store
    from ingest.model import Document, Section

    store = Store(tmp_path / "index")
    store.write([Document(id=doc_id, source=f"{doc_id}.txt", path=f"/arkiv/{doc_id}.txt", sha256=doc_id,
                          sections=[Section(number=1, heading="Rubrik", kind="heading", text="Text om parker.")])
                 for doc_id in ("abcd000011112222", "abcd999988887777", "ef01234567890123")])
    store.close()
    result = cli("show", "abcd", "--index", tmp_path / "index")
    assert result.exit_code == 1
    assert "'abcd' matches 2 documents: abcd000011112222 (abcd000011112222.txt), abcd999988887777" in result.stderr
    assert json.loads(cli("show", "abcd9", "--index", tmp_path / "index", "--json").stdout)["id"] == "abcd999988887777"
    short = cli("show", "a", "--index", tmp_path / "index")
    assert short.exit_code == 1 and "too short" in short.stderr


# -- kb trace -----------------------------------------------------------------------------------

def test_trace_names_each_promise_with_its_document_and_lists_follow_ups_only_where_there_are(
        tmp_path_factory):
    index = plan_index(tmp_path_factory)
    result = cli("trace", "--index", index, "--as-of", "2025-01-01")
    assert result.exit_code == 0
    blocks = result.stdout.split("\n - [")[1:]
    assert blocks and ".txt" not in result.stdout
    for block in blocks:
        verdict = block.split("]", 1)[0]
        lines = block.splitlines()
        assert lines[1].startswith("     i: ") and "(20" in lines[1]  # the document by title and date
        follow_ups = [line for line in lines if line.startswith("     -> ")]
        assert bool(follow_ups) == (verdict == "reported"), block
    assert any(b.startswith("reported]") for b in blocks) and any(not b.startswith("reported]") for b in blocks)


# -- kb demo from a wheel -----------------------------------------------------------------------

def test_demo_works_from_an_installed_wheel(tmp_path):
    """Build the wheel, install it into a fresh venv (the dependencies come from this one) and
    run `kb demo` from a folder that holds no examples/."""
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("kb-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "deps-from-the-test-venv.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import kb, kb.config; print(kb.__file__); "
                            "print(kb.config.examples_dir())"], capture_output=True, text=True, cwd=elsewhere,
                           check=True).stdout.split()
    assert where[0].startswith(site) and where[1].startswith(site)  # the wheel's own copy, not this tree
    demo = subprocess.run([str(env_dir / "bin" / "kb"), "demo", "--no-serve", "--index", str(tmp_path / "demo")],
                          capture_output=True, text=True, timeout=600, cwd=elsewhere)
    assert demo.returncode == 0, demo.stderr
    shipped = len(list((ROOT / "kb" / "examples").glob("*.txt")))
    assert f"{shipped} example documents in" in demo.stderr and "träffar" in demo.stdout


# -- the first run ------------------------------------------------------------------------------

def test_the_first_run_shows_the_lexicon_being_built(tmp_path):
    folder = tmp_path / "handlingar"
    folder.mkdir()
    (folder / "yttrande.txt").write_text(statement("lekplatser"), encoding="utf-8")
    cache = tmp_path / "cache"
    first = run("ingest", str(folder), "--index", str(tmp_path / "index"), env={"KB_LEXICON_CACHE": str(cache)})
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert lines[0] == "kb: first run: building the Swedish lexicon once (10–20 s); later runs start at once"
    assert any(line.startswith("kb: lexicon ready: ") for line in lines)
    assert any(line.startswith("kb: OCR repair index ready") for line in lines)
    second = run("ingest", str(folder), "--index", str(tmp_path / "index"), env={"KB_LEXICON_CACHE": str(cache)})
    assert "lexicon" not in second.stderr and second.returncode == 0
    shutil.rmtree(cache)
