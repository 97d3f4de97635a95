"""The service every front end uses: the CLI, the HTML pages and the JSON API.

CONTRACT (being implemented; the shapes below are binding for the web and CLI):

    kb = KnowledgeBase(index_dir)                # opens or creates the index
    kb.ingest(paths, ocr=False, progress=None) -> IngestReport
    kb.search(query, *, year=None, year_from=None, year_to=None, committee=None,
              doc_type=None, municipality=None, recommendation=None,
              page=1, limit=10, sort="relevance"|"date") -> dict
        {query, total, page, limit, hits: [{id, doc_id, source, title, heading, kind,
         recommendation, activity, page_number, text, snippet, score, date, year, committee,
         doc_type, municipality}],
         facets: {year: {"2024": 3, ...}, committee: {...}, doc_type: {...},
                  municipality: {...}, recommendation: {"1": 2, ...}},
         suggestion: str|None, notice: str|None, filters: {...the active filters...}}
    kb.documents() -> list[dict]          # Document.summary() for every document
    kb.document(doc_id) -> Document|None  # the whole document (sections, text, raw_text)
    kb.facets(query="", **filters) -> dict   # the facets part of search
    kb.commitments(doc=None, status=None, due_before=None) -> list[dict]
    kb.trace(doc=None, as_of=None) -> {"cases": [...]}
    kb.case(case_id, as_of=None) -> dict|None
"""
