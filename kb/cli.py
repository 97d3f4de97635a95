"""The ``kb`` command: thin click commands over :mod:`kb.service`.

Heavy modules (Whoosh, NumPy, the lexicon, Flask) are imported inside the commands, so that
``kb --help`` and ``kb search`` start fast.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from kb.config import default_index_dir, examples_dir

INDEX_HELP = "Index directory (default: $KB_INDEX or a per-user data directory)."
DATABASE_HELP = ("PostgreSQL URL (postgresql://user@host/db); default $KB_DATABASE_URL. "
                 "When set, the database is the store and --index is not used.")


def index_option(f):
    """--index and --database: every command reads or writes one store, either engine."""
    f = click.option("--database", "database", default=None, metavar="URL", help=DATABASE_HELP)(f)
    return click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help=INDEX_HELP)(f)


def open_kb(index_dir: Path | None, database: str | None = None, *, must_exist: bool = True,
            damaged_ok: bool = False):
    """The service over ``index_dir`` (or a database). A damaged index stops the command here with
    one line naming the problem and the way out (unless ``damaged_ok``: `kb reindex --from-sources`)."""
    from index.connect import database_url
    from index.health import IndexDamaged
    from kb.service import KnowledgeBase

    url = database_url(database)
    index_dir = None if url else (index_dir or default_index_dir())
    if must_exist and index_dir is not None and not any(index_dir.glob("*.toc")):
        # Refuse before opening: opening a folder creates an empty index in it (a mistyped path).
        raise click.ClickException(
            f"no index at {index_dir}: run `kb ingest PATH... --index {index_dir}` first")
    try:
        kb = KnowledgeBase(index_dir, database=url)
    except ConnectionError as exc:
        raise click.ClickException(str(exc)) from None
    if must_exist and not kb.exists():
        kb.close()
        where = f"--index {index_dir}" if index_dir else "--database URL"
        raise click.ClickException(
            f"no index at {kb.location if url else index_dir}: run `kb ingest PATH... {where}` first")
    if kb.damaged and not damaged_ok:
        raise IndexDamaged(kb.location, kb.damaged)
    for note in kb.take_notes():  # partial files of a killed write cleaned, a stale writer taken over
        click.echo(f"note: {note}", err=True)
    return kb


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-06-30", param_hint=name) from None


def one_line_error(exc: BaseException) -> str | None:
    """The message of an error the user can act on (a damaged index, a full disk, a busy writer),
    or None for anything else."""
    import errno

    from index.engine import StoreFull, StoreLocked, StoreReadOnly
    from index.health import IndexDamaged

    if isinstance(exc, IndexDamaged | StoreFull | StoreLocked | StoreReadOnly):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" writing {Path(exc.filename).name}" if exc.filename else ""
        return f"no space left on the disk{where}: free some space and run the same command again"
    return None


class Commands(click.Group):
    """The `kb` group: errors the user can act on are one line on stderr and exit status 1, never a
    traceback or click's bare "Aborted!" (what a truncated index file's EOFError turned into)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            message = one_line_error(exc)
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kb")
def main() -> None:
    """kb: search Swedish municipal case documents (yttranden, remissvar, handlingsplaner).

    Typical use: `kb ingest FOLDER`, then `kb search "nämnden år:2024"` or `kb serve`.
    """


# -- ingest -----------------------------------------------------------------------------------
batch_option = click.option(
    "--batch", type=click.IntRange(1, 100_000), default=None,
    help="Documents per commit (default 200); an interrupted run keeps every committed batch.")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--ocr", is_flag=True, help="Run OCR (ocrmypdf, Swedish) on PDFs without a text layer.")
@click.option("--force", is_flag=True,
              help="Re-read files even when unchanged; with --prune, also remove more than half the index.")
@click.option("--prune", is_flag=True,
              help="Also remove the documents of files under PATHS that were deleted (never those of a "
                   "missing or empty folder).")
@click.option("--wait", type=float, default=30.0, show_default=True,
              help="Seconds to wait for another ingest to finish before giving up.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that build documents while the index is written (default: one per core).")
@batch_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(paths, index_dir, database, ocr, force, prune, wait, workers, batch, as_json):
    """Add files and folders (.txt .md .pdf .docx .html) to the index."""
    kb = open_kb(index_dir, database, must_exist=False)
    ensure_lexicon()
    report = run_ingest(kb, lambda progress: kb.ingest(
        paths, ocr=ocr, force=force, prune=prune, progress=progress, lock_timeout=wait, workers=workers,
        **({"batch": batch} if batch else {})), wait=wait)
    print_report(report, as_json)
    if not report.ok:
        sys.exit(1)


def ensure_lexicon(repair: bool = True) -> None:
    """Build the Swedish lexicon cache now, with progress on stderr, when this is the first run
    (it takes 10–20 s once; later runs memory-map it in milliseconds). ``repair``: also the
    index OCR repair looks words up in (what ingesting needs, searching does not)."""
    from ingest.lexicon import ensure_cached

    def say(message: str) -> None:
        click.echo(f"kb: {message}", err=True)

    folds = []
    if repair:
        from ingest.repair import load_confusions

        folds.append(load_confusions().fold_map())
    ensure_cached(progress=say, folds=folds)


def run_ingest(kb, run, *, wait=30.0):
    """``run(progress)`` (an ingest or a reindex of ``kb``) with progress on a terminal."""
    on_tty = sys.stderr.isatty()
    count = [0]

    def progress(event, path):
        count[0] += 1
        if on_tty:
            name = path.name if path else ""
            click.echo(f"\r\x1b[K[{count[0]}] {name[:70]}", err=True, nl=False)

    holder = kb.writer_holder()
    if holder:
        click.echo(f"Another ingest is writing this index (pid {holder.get('pid')}, since "
                   f"{holder.get('since')}); waiting up to {wait:.0f} s for it to finish…", err=True)
    try:
        report = run(progress)
    finally:
        if on_tty:
            click.echo("\r\x1b[K", err=True, nl=False)
    return report


def shown(path: str) -> str:
    """A path printable on one line: control characters (a newline in a name) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))


def print_report(report, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_dict())
        return
    say = lambda line: click.echo(line, err=True)  # noqa: E731
    for note in report.notes:
        say(f"note: {note}")
    if report.refused:
        say(f"refused: {report.refused}")
    if report.rebuilt:
        say("Rebuilt the index from its sources (a new analyzer, or as asked).")
    for path, warning in report.warnings:
        say(f"warning: {shown(path)}: {warning}")
    for path, reason in report.failed:
        say(f"failed: {shown(path)}: {reason}")
    for path, original in report.duplicates:
        say(f"duplicate: {shown(path)} has the same bytes as {shown(original)}; not indexed twice")
    for path in report.removed:
        say(f"removed: {shown(path)} (its file is gone; --prune)")
    if report.kept:
        listed = ", ".join(shown(Path(p).name) for p in report.kept[:5]) + (" …" if len(report.kept) > 5 else "")
        say(f"kept: {len(report.kept)} documents whose files were deleted ({listed}): "
            "run with --prune to remove them")
    if report.restored:
        say(f"restored: {len(report.restored)} documents from their stored copies (their files are out of reach)")
    for folder, sources in report.unreachable.items():
        say(f"unreachable: {shown(folder)} is missing or empty ({len(sources)} documents kept): is a share "
            "or disk not mounted? Mount it and run `kb reindex` to bring them up to date; if the files are "
            "gone for good, `kb reindex --prune --force` removes them")
    say(f"indexed {len(report.indexed)}, unchanged {len(report.unchanged)}, failed {len(report.failed)}"
        + (f", duplicates {len(report.duplicates)}" if report.duplicates else "")
        + (f", removed {len(report.removed)}" if report.removed else "")
        + (f", unreachable {sum(len(s) for s in report.unreachable.values())}" if report.unreachable else ""))
    if report.skipped:
        say(skipped_line(report))


def skipped_line(report) -> str:
    """"hoppade över 4 filer: .doc ×2, .odt ×1, (utan filändelse) ×1 (kb läser .docx .html …)"."""
    from ingest.readers import supported_suffixes

    kinds = ", ".join(f"{suffix or '(utan filändelse)'} ×{n}" for suffix, n in report.skipped_types().items())
    n = len(report.skipped)
    readable = " ".join(sorted(supported_suffixes()))
    return f"hoppade över {n} {'fil' if n == 1 else 'filer'}: {kinds} (kb läser {readable})"


@main.command()
@index_option
@batch_option
@click.option("--prune", is_flag=True,
              help="Remove the documents whose files were deleted (their folder is still there).")
@click.option("--force", is_flag=True,
              help="With --prune: remove even more than half the index, and the documents of missing folders.")
@click.option("--from-sources", is_flag=True,
              help="Rebuild from scratch from the index's source list, also when the index cannot be opened.")
@click.option("--json", "as_json", is_flag=True)
def reindex(index_dir, database, batch, prune, force, from_sources, as_json):
    """Re-read every source file of the index (the index is derived data).

    Documents whose folder is missing or empty (a share that is not mounted) are kept and reported,
    with exit status 1; the index remembers their files for the next reindex. Documents whose files
    were deleted are kept unless --prune."""
    from index.connect import database_url
    from index.sources import has_source_list

    local = index_dir or default_index_dir()
    must_exist = not (from_sources and not database_url(database) and has_source_list(local))
    kb = open_kb(index_dir, database, must_exist=must_exist, damaged_ok=from_sources)
    report = run_ingest(kb, lambda progress: kb.reindex(
        prune=prune, force=force, from_sources=from_sources, progress=progress,
        **({"batch": batch} if batch else {})))
    print_report(report, as_json)
    if not report.ok:
        sys.exit(1)


@main.command()
@index_option
@click.option("--quick", is_flag=True, help="Only open the table of contents and every segment.")
def check(index_dir, database, quick):
    """Verify the index: its table of contents, segments, stored records, columns and postings.

    Exit status 1 when the index is damaged, with the way out."""
    from index.connect import database_url
    from index.health import full_check, has_index, quick_check
    from index.sources import read_sources

    if database_url(database):
        raise click.ClickException("kb check reads a Whoosh index folder; a PostgreSQL database checks its "
                                   "own pages (pg_amcheck)")
    index_dir = index_dir or default_index_dir()
    if not has_index(index_dir):
        raise click.ClickException(f"no index at {index_dir}")
    if quick:
        problems = [p for p in [quick_check(index_dir)] if p]
    else:
        problems = full_check(index_dir, progress=lambda msg: click.echo(f"checking {msg}", err=True))
    listed = len(read_sources(index_dir))
    if problems:
        for problem in problems:
            click.echo(f"damaged: {problem}", err=True)
        raise click.ClickException(f"the index at {index_dir} is damaged: rebuild it from its sources with "
                                   f"`kb reindex --from-sources --index {index_dir}`"
                                   + (f" ({listed} files listed)" if listed else ""))
    kb = open_kb(index_dir)
    documents = kb.stats()["documents"]
    note = " (built by another analyzer: the next ingest rebuilds it)" if kb.needs_rebuild else ""
    click.echo(f"ok: {documents} documents, source list of {listed} files{note}")


# -- documents --------------------------------------------------------------------------------
@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per document.")
@click.option("--schema", is_flag=True,
              help="Print the JSON Schema of one document of --json (a sidecar NAME.meta.json may set its fields).")
def docs(index_dir, database, as_json, schema):
    """List the documents with their metadata."""
    if schema:
        from ingest.fields import DOCUMENT_SCHEMA

        emit_json(DOCUMENT_SCHEMA)
        return
    kb = open_kb(index_dir, database)
    items = kb.documents()
    if as_json:
        emit_json(items)
        return
    for d in items:
        when = d["date"] or (f"{d['year']} (uppskattat)" if d["year"] else "okänt datum")
        click.echo(f"{d['id']}  {when:<17} {d['doc_type']:<28} {d['committee'] or '-'}")
        click.echo(f"{'':18}{d['source']}  {d['title'] or ''}")


@main.command()
@click.argument("document")
@index_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--raw", is_flag=True, help="Show the raw (unrepaired OCR) text.")
def show(document, index_dir, database, as_json, raw):
    """Show one document: metadata and sections. DOCUMENT is its id, a unique beginning of
    the id (as `kb docs` prints it) or its file name."""
    kb = open_kb(index_dir, database)
    try:
        doc = kb.find_document(document)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        emit_json(doc.to_dict())
        return
    s = doc.summary()
    for key in ("title", "doc_type", "committee", "municipality", "date", "year", "case_numbers",
                "recipient", "subject"):
        click.echo(f"{key:>14}: {s.get(key)}")
        if doc.evidence.get(key):
            click.echo(f"{'':>16}({shown(doc.evidence[key])})")
    if raw:
        click.echo("\n" + doc.raw_text)
        return
    for sec in doc.sections:
        click.echo(f"\n## {sec.heading or '(inledning)'}" + (f"  [s. {sec.page}]" if sec.page else ""))
        click.echo(sec.text)


# -- search -----------------------------------------------------------------------------------
@main.command()
@click.argument("query", nargs=-1)
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1, 10_000), default=1, show_default=True)
@click.option("--year", type=int, help="Only this year (år).")
@click.option("--committee", help="Only this committee (nämnd).")
@click.option("--doc-type", help="Only this document type (typ).")
@click.option("--municipality", help="Only this municipality (kommun).")
@click.option("--recommendation", type=int, help="Only this recommendation number.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
def search(query, index_dir, database, as_json, limit, page, year, committee, doc_type, municipality,
           recommendation, sort):
    """Search sections. QUERY uses the query language: words, "phrases", OR, -word, prefix*,
    år:2024, år:2023..2025, nämnd:, typ:, rekommendation:, kommun:, dnr:."""
    kb = open_kb(index_dir, database)
    ensure_lexicon(repair=False)
    result = kb.search(" ".join(query), year=year, committee=committee, doc_type=doc_type,
                       municipality=municipality, recommendation=recommendation, page=page,
                       limit=limit, sort=sort)
    if as_json:
        emit_json(result)
        return
    print_hits(result)


def print_hits(result: dict) -> None:
    import html
    import re

    if result.get("notice"):
        click.echo(result["notice"], err=True)
    total = result["total"]
    documents = result.get("total_documents")
    click.echo(f"{total} träffar" + (f" i {documents} dokument" if documents is not None else "")
               + (f" (sida {result['page']})" if total else ""))
    tiers = result.get("tiers")
    if tiers and tiers["some_words"]:
        click.echo(f"{tiers['all_words']} dokument innehåller alla orden; därefter dokument med några av orden.",
                   err=True)
    if result.get("suggestion"):
        click.echo(f"Menade du: {result['suggestion']}?")
    first = 1 + (result["page"] - 1) * result.get("limit", len(result["hits"]) or 1)
    for n, hit in enumerate(result["hits"], first):
        snippet = re.sub(r"</?mark>", "", hit.get("snippet") or "")
        snippet = html.unescape(re.sub(r"\s+", " ", snippet)).strip()
        where = " · ".join(str(x) for x in (hit.get("date") or hit.get("year"), hit.get("doc_type"),
                                            hit.get("committee")) if x)
        click.echo(f"\n{n}. {hit.get('title') or hit['source']} — {hit.get('heading') or ''}")
        click.echo(f"   {where}  [{hit['source']}" + (f", s. {hit['page_number']}" if hit.get("page_number") else "") + "]")
        click.echo(f"   {snippet[:300]}")


# -- commitments and tracing ------------------------------------------------------------------
VERDICTS_HELP = """Verdicts (bedömningar), judged as of --as-of (default: today):

\b
  reported   a later document reports it done, or under way as promised
  delayed    a later document reports it late or moved (with the new deadline where stated)
  not_done   a later document reports it dropped or not done
  overdue    the deadline has passed and no later document reports on it
  pending    the deadline has not passed and no later document reports on it yet
  no_report  it names no deadline and no later document reports on it

A later document counts when it is of the same case (a shared case number, the earlier
document's date named in it, the same recommendations, or a similar subject and title), of the
same municipality and, unless it shares the case number or names the earlier document's date,
of the same committee. Only documents dated on or
before --as-of count. Work a follow-up reports done is never overdue."""
VERDICT_CHOICE = click.Choice(["reported", "delayed", "not_done", "overdue", "pending", "no_report"])


@main.command(epilog=VERDICTS_HELP)
@index_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True, help="CSV for spreadsheets.")
@click.option("--doc", "doc_id", help="Only this document id.")
@click.option("--status", type=click.Choice(["planned", "ongoing", "done"]))
@click.option("--verdict", type=VERDICT_CHOICE, help="Only commitments with this verdict.")
@click.option("--due-before", help="Only deadlines ending before this date (YYYY-MM-DD).")
@click.option("--as-of", help="Judge verdicts as of this date (default: today).")
def commitments(index_dir, database, as_json, as_csv, doc_id, status, verdict, due_before, as_of):
    """List commitments (åtaganden): what was promised, by whom, by when, and the verdict."""
    kb = open_kb(index_dir, database)
    rows = kb.commitments(doc=doc_id, status=status, verdict=verdict,
                          due_before=parse_date(due_before, "--due-before"), as_of=parse_date(as_of, "--as-of"))
    if as_csv:
        from kb.export import commitments_csv

        click.echo(commitments_csv(rows), nl=False)
    elif as_json:
        emit_json(rows)
    else:
        for r in rows:
            d = r.get("deadline")
            when = f"{d['start']}..{d['end']}" if d else "ingen tidpunkt"
            click.echo(f"[{r['verdict']}] {when}  {r['source']}  rek. {r.get('recommendation') or '-'}"
                       + (f"  ({r['actor']})" if r.get("actor") else ""))
            click.echo(f"    {r['text']}")


@main.command(epilog=VERDICTS_HELP)
@index_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True, help="CSV for spreadsheets.")
@click.option("--doc", "doc_id", help="Only commitments of this document id.")
@click.option("--as-of", help="Judge deadlines as of this date (default: today).")
def trace(index_dir, database, as_json, as_csv, doc_id, as_of):
    """Trace each promise to what later documents of the same case report, with a verdict.

    Plans of other actors (the state, an agency, a supplier, a proposal voted on, the reply a body
    is asked for) are shown as context, never as the body's commitments."""
    kb = open_kb(index_dir, database)
    result = kb.trace(doc=doc_id, as_of=parse_date(as_of, "--as-of"))
    if as_csv:
        from kb.export import trace_csv

        click.echo(trace_csv(result), nl=False)
    elif as_json:
        emit_json(result)
    else:
        print_trace(result)


# Verdicts whose follow-ups report on the promise; for the others they are only the nearest texts.
REPORTING_VERDICTS = frozenset({"reported", "delayed", "not_done"})


def print_trace(result: dict) -> None:
    """Each case, then each promise with its document and verdict; under it the follow-ups that
    report on it, and nothing where no later document does; then the plans of others kept as
    context. Documents are named from the trace itself (no document is opened)."""
    docs = {d["doc_id"]: d for case in result["cases"] for d in case["documents"]}

    def named(doc_id, heading=None) -> str:
        doc = docs.get(doc_id)
        if doc is None:
            return doc_id or "?"
        title = doc.get("title") or doc.get("source")
        when = doc.get("date") or (str(doc["year"]) if doc.get("year") else "okänt datum")
        return f"{title} ({when})" + (f", § {heading}" if heading else "")

    for case in result["cases"]:
        click.echo(f"\n== {case['subject'] or case['id']}")
        for d in case["documents"]:
            click.echo(f"   {d['date'] or d.get('year') or '????'}  {d['doc_type']:<24} {d.get('title') or d['source']}")
        for c in case["commitments"]:
            click.echo(f" - [{c['verdict']}] {c['text'][:160]}")
            click.echo(f"     i: {named(c['doc_id'], c.get('section_heading'))}")
            if c["verdict"] in REPORTING_VERDICTS:
                for u in [u for u in c.get("follow_ups", []) if u.get("reports")][:3]:
                    why = f" ({u['why']})" if u.get("why") else ""
                    click.echo(f"     -> {named(u['doc_id'], u.get('heading'))}{why}")
        for c in case.get("context", []):
            click.echo(f" · ({c.get('actor') or c.get('reason')}) {c['text'][:160]}")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True)
def cases(index_dir, database, as_json):
    """List cases: documents that answer the same audit, motion or plan."""
    kb = open_kb(index_dir, database)
    items = kb.cases()
    if as_json:
        emit_json(items)
        return
    for c in items:
        click.echo(f"{c['id']}  {c['subject'] or ''}")
        for d in c["documents"]:
            click.echo(f"    {d['date'] or d['year'] or '????'}  {d['doc_type']:<28} {d['source']}")


# -- serving ----------------------------------------------------------------------------------
@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--threads", type=int, default=8, show_default=True)
def serve(index_dir, database, host, port, threads):
    """Serve the web UI and the JSON API with a production WSGI server (waitress).

    With a database the server keeps no state of its own besides a connection pool, so any
    number of instances can serve the same database behind a reverse proxy."""
    index_dir = index_dir or default_index_dir()
    open_kb(index_dir, database).close()  # refuse a missing index as `kb docs` does, never create one
    ensure_lexicon()
    serve_index(index_dir, host, port, threads, database=database)


def serve_index(index_dir: Path, host: str, port: int, threads: int, database: str | None = None) -> None:
    from index.connect import database_url
    from index.health import IndexDamaged
    from web import create_app  # the one upward import: serving needs the web layer
    from web.security import ConfigError
    from web.server import make_server

    url = database_url(database)
    try:
        app = create_app({"INDEX": str(index_dir), **({"DATABASE_URL": url} if url else {})})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    where = app.extensions["kb"].location
    problem = app.extensions["kb"].damage()
    if problem:
        raise IndexDamaged(where, problem)
    try:
        # waitress refuses an over-long request body before reading it (Flask's own 413 comes after
        # waitress buffered it), and its own error answers carry our security headers (web.server).
        server = make_server(app, host=host, port=port, threads=threads)
    except OSError as exc:
        raise click.ClickException(listen_error(host, port, exc)) from None
    shown_port = getattr(server, "effective_port", port)
    click.echo(f"kb: serving {where} on http://{host}:{shown_port}/  (Ctrl+C to stop)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def listen_error(host: str, port: int, exc: OSError) -> str:
    """One line on why the server cannot listen, with what to do instead."""
    import errno

    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use (another kb serve?); choose another with --port"
    if exc.errno == errno.EACCES:
        return f"no permission to listen on port {port} on {host}; choose a port above 1023 with --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: no such address on this machine; try --host 127.0.0.1"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


@main.command()
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to build the demo index (default: a 'demo-index' in the user data directory).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Only ingest and show a sample search.")
@click.option("--database", "database", default=None, metavar="URL", help=DATABASE_HELP)
def demo(index_dir, host, port, no_serve, database):
    """Ingest the bundled example documents and serve them in the browser."""
    source = examples_dir()
    if source is None:
        raise click.ClickException("the bundled example documents were not found (kb/examples); reinstall kb")
    index_dir = index_dir or default_index_dir().with_name("demo-index")
    kb = open_kb(index_dir, database, must_exist=False)
    ensure_lexicon()
    report = run_ingest(kb, lambda progress: kb.ingest([source], progress=progress))
    print_report(report, False)
    click.echo(f"\n{len(kb.documents())} example documents in {kb.location}\n", err=True)
    print_hits(kb.search("nämnden rekommendation", limit=3))
    if not no_serve:
        kb.close()
        click.echo("", err=True)
        serve_index(index_dir, host, port, 8, database=database)


@main.command()
@index_option
@click.option("--to", "target", type=click.Choice(["postgres"]), required=True,
              help="The engine to copy into (the database named by --database or $KB_DATABASE_URL).")
@click.option("--from-sources", is_flag=True,
              help="Re-read the source files instead of copying the stored documents.")
def migrate(index_dir, database, target, from_sources):
    """Copy a Whoosh index (--index) into PostgreSQL (--database): its stored documents, as they
    are, or with --from-sources its source files read again. Safe to run again: documents
    already there unchanged are skipped."""
    from index.connect import database_url
    from kb.service import KnowledgeBase

    url = database_url(database)
    if not url:
        raise click.ClickException("name the database: --database postgresql://… or $KB_DATABASE_URL")
    index_dir = index_dir or default_index_dir()
    source = KnowledgeBase(index_dir, database="", create=False) if any(index_dir.glob("*.toc")) else None
    if source is None or not source.exists():
        raise click.ClickException(f"no Whoosh index at {index_dir}")
    try:
        kb = KnowledgeBase(None, database=url)
    except ConnectionError as exc:
        raise click.ClickException(str(exc)) from None
    if from_sources:
        paths = [Path(p) for p in source.sources() if Path(p).is_file()]
        report = run_ingest(kb, lambda progress: kb.ingest(paths, force=True, progress=progress))
        print_report(report, False)
        if not report.ok:
            sys.exit(1)
    else:
        docs = source.all_documents()
        kb.write_documents(source.whole_documents_of(docs))  # read whole one at a time, not all at once
        click.echo(f"copied {len(docs)} documents from {index_dir} to {kb.location}", err=True)
    source.close()
    kb.close()


def _writer_counts(value: str) -> tuple[int, ...]:
    """``--writers 1,2``: distinct counts from 1 to 16, in order."""
    try:
        counts = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise click.BadParameter(f"{value!r}: give numbers of writers separated by commas, e.g. 1,2") from None
    if not counts or counts[0] < 1 or counts[-1] > 16:
        raise click.BadParameter(f"{value!r}: each number of writers must be from 1 to 16")
    return tuple(counts)


@main.command()
@click.option("--docs", "n_docs", type=click.IntRange(10, 1_000_000), default=5000, show_default=True)
@click.option("--queries", type=click.IntRange(10, 100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write docs/benchmarks.md and the plot into this folder.")
@click.option("--backend", type=click.Choice(["whoosh", "postgres", "all"]), default="whoosh", show_default=True,
              help="postgres: also PostgreSQL (ingest with 1, 2 and 4 writers); all: PostgreSQL and tantivy too.")
@click.option("--database", "database", default=None, metavar="URL",
              help="PostgreSQL server for --backend postgres/all (default $KB_DATABASE_URL); the bench "
                   "creates and drops databases of its own there.")
@click.option("--writers", "writer_counts", default="1,2,4", show_default=True, metavar="N,N,…",
              callback=lambda _ctx, _param, value: _writer_counts(value),
              help="Numbers of concurrent PostgreSQL writer processes to measure (fewer: a shorter run).")
def bench(n_docs, queries, seed, as_json, out, backend, database, writer_counts):
    """Benchmark the pipeline and search against SQLite FTS5 and tantivy on a synthetic corpus
    (and the PostgreSQL engine with --backend postgres or all)."""
    from index.connect import database_url
    from kb.bench.harness import run

    def progress(msg):
        click.echo(msg, err=True)

    server = database_url(database)
    if backend != "whoosh" and not server:
        raise click.ClickException("--backend postgres needs a server: --database URL or $KB_DATABASE_URL")
    result = run(docs=n_docs, queries=queries, seed=seed, progress=progress, backend=backend, server=server,
                 writer_counts=writer_counts)
    if out:
        from kb.bench.report import write_markdown

        out.mkdir(parents=True, exist_ok=True)
        write_markdown(result, out / "benchmarks.md")
    if as_json:
        emit_json(result)
    else:
        from kb.bench.report import summary_lines

        for line in summary_lines(result):
            click.echo(line)


if __name__ == "__main__":
    main()
