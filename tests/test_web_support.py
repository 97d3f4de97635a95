"""A small real index for the web and API tests, built by the service from documents written here.

The documents are short Swedish case documents of our own: an audit statement (yttrande), its
follow-up a year later, a referral response from another committee, and a document whose text
carries HTML and a ``<script>`` (it must render inert). Sidecars fix the metadata the tests
count on, so the web tests do not depend on metadata extraction.
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.service import KnowledgeBase

STATEMENT = """Yttrande över revisionsrapport om skolskjutsar

Dnr RV-2022-17

Sammanfattning

Nämnden delar revisorernas bedömning att planeringen av skolskjutsar behöver förbättras.

Rekommendation 1: Säkerställ att ansökningar om skolskjuts handläggs skyndsamt

Nämnden kommer att införa en digital ansökan om skolskjuts under hösten 2023.
Handläggningstiden ska följas upp varje månad.

Rekommendation 2: Se över avtalen med trafikföretagen

Avtalen med trafikföretagen ska ses över senast den 31 mars 2024.
"""

FOLLOW_UP = """Uppföljande yttrande om skolskjutsar

Dnr RV-2022-17

Sammanfattning

Nämnden redovisar här vad som har gjorts sedan föregående yttrande.

Rekommendation 1: Säkerställ att ansökningar om skolskjuts handläggs skyndsamt

Den digitala ansökan om skolskjuts infördes i november 2023 och handläggningstiden
följs nu upp varje månad.

Rekommendation 2: Se över avtalen med trafikföretagen

Arbetet med avtalen fortsätter.
"""

REFERRAL = """Remissvar om biblioteksplan

Kulturnämnden ställer sig bakom förslaget till biblioteksplan.

Synpunkter

Nämnden vill att skolbiblioteken får en tydligare roll i planen och att
läsfrämjande insatser för barn prioriteras.
"""

HOSTILE = """Yttrande med konstiga tecken

Sammanfattning

Texten innehåller <script>alert("xss")</script> och <b>fetstil</b> som ska visas som text.
Skolskjuts nämns också här.
"""

DOCUMENTS = {
    "yttrande-skolskjuts.txt": (STATEMENT, {
        "doc_type": "yttrande", "committee": "Grundskolenämnden", "municipality": "Exempelstad",
        "date": "2023-05-10", "case_numbers": ["RV-2022-17"], "subject": "skolskjutsar",
        "recommendations": [{"number": 1, "text": "Säkerställ att ansökningar om skolskjuts handläggs skyndsamt"},
                            {"number": 2, "text": "Se över avtalen med trafikföretagen"}],
    }),
    "uppfoljning-skolskjuts.txt": (FOLLOW_UP, {
        "doc_type": "uppföljande yttrande", "committee": "Grundskolenämnden", "municipality": "Exempelstad",
        "date": "2024-06-12", "case_numbers": ["RV-2022-17"], "subject": "skolskjutsar",
        "recommendations": [{"number": 1, "text": "Säkerställ att ansökningar om skolskjuts handläggs skyndsamt"},
                            {"number": 2, "text": "Se över avtalen med trafikföretagen"}],
    }),
    "remissvar-bibliotek.txt": (REFERRAL, {
        "doc_type": "remissvar", "committee": "Kulturnämnden", "municipality": "Exempelstad",
        "date": "2021-09-01", "subject": "biblioteksplan",
    }),
    "konstiga-tecken.txt": (HOSTILE, {
        "doc_type": "yttrande", "committee": "Kulturnämnden", "municipality": "Exempelstad",
        "date": "2022-02-02", "subject": "teckentest",
    }),
}


def write_documents(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (text, meta) in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
        (folder / (name + ".meta.json")).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


def build_index(root: Path) -> Path:
    """Ingest the documents above with the real service; returns the index directory."""
    docs = write_documents(root / "docs")
    index_dir = root / "index"
    kb = KnowledgeBase(index_dir)
    report = kb.ingest([docs])
    kb.close()
    assert not report.failed, report.failed
    assert len(report.indexed) == len(DOCUMENTS)
    return index_dir


_BUILT: dict[str, Path] = {}


def shared_index(tmp_path_factory) -> Path:
    """One index per test session for every web test module (built on first use)."""
    if "index" not in _BUILT:
        _BUILT["index"] = build_index(tmp_path_factory.mktemp("web-index"))
    return _BUILT["index"]


def doc_id_of(client, source: str) -> str:
    docs = client.get("/api/v1/documents").get_json()["documents"]
    return next(d["id"] for d in docs if d["source"] == source)


def test_the_support_index_holds_every_document(tmp_path):
    index_dir = build_index(tmp_path)
    kb = KnowledgeBase(index_dir)
    try:
        assert sorted(d["source"] for d in kb.documents()) == sorted(DOCUMENTS)
    finally:
        kb.close()


TOPICS = ("simskola", "läxhjälp", "skolskjuts", "fritidsgård", "bibliotek", "lekplats", "cykelbana",
          "belysning", "parkbänk", "badplats")
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")


def plan_text(recommendations: int = 6, per_recommendation: int = 10) -> str:
    """An action plan of our own with many dated promises (60 by default): enough for pages."""
    lines = ["Handlingsplan för fritid och lärande 2024", "", "Dnr FN-2023-5", ""]
    n = 0
    for r in range(1, recommendations + 1):
        lines += [f"Rekommendation {r}: Säkerställ arbetet med {TOPICS[r]}", ""]
        for i in range(per_recommendation):
            n += 1
            lines += [f"Nämnden ska ta fram en plan för {TOPICS[(r + i) % 10]} nummer {n} senast i "
                      f"{MONTHS[i % 12]} 2024.", ""]
    return "\n".join(lines)


def plan_index(tmp_path_factory) -> Path:
    """One index holding the shared documents plus the long action plan (built on first use)."""
    if "plan" not in _BUILT:
        root = tmp_path_factory.mktemp("plan-index")
        docs = write_documents(root / "docs")
        (docs / "handlingsplan-fritid.txt").write_text(plan_text(), encoding="utf-8")
        (docs / "handlingsplan-fritid.txt.meta.json").write_text(json.dumps({
            "doc_type": "handlingsplan", "committee": "Fritidsnämnden", "municipality": "Exempelstad",
            "date": "2023-11-20", "subject": "fritid och lärande"}, ensure_ascii=False), encoding="utf-8")
        kb = KnowledgeBase(root / "index")
        report = kb.ingest([docs])
        kb.close()
        assert not report.failed, report.failed
        _BUILT["plan"] = root / "index"
    return _BUILT["plan"]
