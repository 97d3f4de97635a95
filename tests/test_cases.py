"""Case grouping: shared case numbers, subject, recommendations and committee."""

import pytest

from ingest.model import Document
from ingest.tables import load_table
from kb.cases import group_cases, link_evidence, named_dates

RECS = [{"number": 1, "text": "Säkerställ att handläggningstiderna följs upp"},
        {"number": 2, "text": "Säkerställ att synpunkter registreras och besvaras"},
        {"number": 3, "text": "Säkerställ att ärendena arkiveras enligt arkivreglementet"}]


def doc(id_, **kw):
    base = dict(source=f"{id_}.txt", path=f"/{id_}.txt", sha256="", municipality="Lund",
                committee="Byggnadsnämnden")
    base.update(kw)
    return Document(id=id_, **base)


def test_shared_case_number_links():
    a = doc("a", case_numbers=["SR-2023-81"], committee="Kulturnämnden", date="2024-03-01", year=2024)
    b = doc("b", case_numbers=["SR 2023-81"], committee="Fritidsnämnden", date="2025-01-02", year=2025)
    [case] = group_cases([b, a])
    assert [d.id for d in case.documents] == ["a", "b"]
    assert case.id == "case-a"


def test_follow_up_without_case_number_joins_through_recommendations_and_committee():
    first = doc("first", case_numbers=["BN-2024-117"], subject="ärendehantering och arkivering",
                recommendations=RECS, date="2024-04-10", year=2024)
    later = doc("later", subject="nämndens ärendehantering och arkivering", recommendations=RECS,
                doc_type="uppföljande yttrande", date=None, year=2025)
    other = doc("other", subject="vinterväghållning", year=2025)
    cases = group_cases([later, other, first])
    assert sorted([d.id for d in c.documents] for c in cases) == [["first", "later"], ["other"]]
    assert set(link_evidence(first, later)) >= {"recommendations", "subject", "committee"}


def test_same_subject_and_committee_link_without_numbers():
    a = doc("a", subject="barn som befinner sig i kriminalitet", year=2024)
    b = doc("b", subject="Barn som befinner sig i kriminalitet – uppföljning", year=2025)
    assert len(group_cases([a, b])) == 1


def test_same_subject_in_another_municipality_is_another_case():
    a = doc("a", subject="barn som befinner sig i kriminalitet", case_numbers=["X-1"], year=2024)
    b = doc("b", subject="barn som befinner sig i kriminalitet", case_numbers=["X-1"], year=2025,
            municipality="Malmö")
    assert len(group_cases([a, b])) == 2


def test_committee_alone_does_not_link():
    a = doc("a", subject="bygglov", year=2024)
    b = doc("b", subject="vinterväghållning", year=2024)
    assert len(group_cases([a, b])) == 2


def test_undated_original_comes_before_its_follow_up_of_the_same_year():
    orig = doc("z-orig", case_numbers=["K-1"], doc_type="yttrande", date=None, year=2025)
    follow = doc("a-follow", case_numbers=["K-1"], doc_type="uppföljande yttrande", date="2025-02-01", year=2025)
    [case] = group_cases([follow, orig])
    assert [d.id for d in case.documents] == ["z-orig", "a-follow"]
    assert case.id == "case-z-orig"


def test_two_committees_audited_on_one_subject_are_two_cases():
    a = doc("a", committee="Kulturnämnden", subject="den interna kontrollen", title="Yttrande över den interna kontrollen",
            recommendations=RECS)
    b = doc("b", committee="Fritidsnämnden", subject="den interna kontrollen", title="Yttrande över den interna kontrollen",
            recommendations=RECS)
    assert link_evidence(a, b) == {}


def test_the_auditors_report_joins_its_answer_through_the_recommendations():
    report = doc("r", committee="Revisorerna", recommendations=RECS, date="2024-01-10", year=2024)
    answer = doc("s", committee="Byggnadsnämnden", recommendations=RECS, date="2024-04-10", year=2024)
    assert link_evidence(report, answer) == {"recommendations": 3}


def test_a_follow_up_naming_the_statement_by_its_date_links_without_a_case_number():
    a = doc("a", case_numbers=["BN 2023/11"], date="2023-06-14", year=2023, subject="bygglov")
    b = doc("b", case_numbers=["BN 2024/90"], date="2024-09-10", year=2024, subject="tillsyn",
            text="I nämndens yttrande den 14 juni 2023 redovisades fem åtgärder.")
    assert link_evidence(a, b) == {"names_date": 2, "committee": 1}
    assert len(group_cases([a, b])) == 1


def test_one_place_named_two_ways_is_one_municipality():
    a = doc("a", municipality="Region Uppsala", case_numbers=["OMN-2023-1"])
    b = doc("b", municipality="Uppsala", case_numbers=["OMN-2023-1"])
    assert link_evidence(a, b)["case_number"] == 3


def test_a_case_number_links_in_any_local_form_and_with_or_without_its_suffix():
    a = doc("a", case_numbers=["KS-2014/742.912"], year=2014)
    b = doc("b", case_numbers=["KS 2014/742"], year=2015)
    assert link_evidence(a, b).get("case_number") == 3
    other_body = doc("c", case_numbers=["BUN 2014/742"], year=2015)
    assert "case_number" not in link_evidence(a, other_body)


def test_generic_protocol_titles_never_link_across_municipalities():
    a = doc("a", title="Barn- och utbildningsnämndens protokoll", subject="Barn- och utbildningsnämndens protokoll",
            committee="Barn- och utbildningsnämnden", municipality="Tierp", doc_type="protokoll", year=2023)
    b = doc("b", title="Barn- och utbildningsnämndens protokoll", subject="Barn- och utbildningsnämndens protokoll",
            committee="Barn- och utbildningsnämnden", municipality="Nora", doc_type="protokoll", year=2023)
    unknown = doc("c", title="Barn- och utbildningsnämndens protokoll", subject="Barn- och utbildningsnämndens protokoll",
                  committee="Barn- och utbildningsnämnden", municipality=None, doc_type="protokoll", year=2023)
    assert len(group_cases([a, b, unknown])) == 3


def test_two_meetings_of_one_nämnd_are_two_cases():
    a = doc("a", title="Socialnämnden, sammanträde 2024-02-14", subject="Socialnämnden, sammanträde 2024-02-14",
            committee="Socialnämnden", doc_type="protokoll", year=2024)
    b = doc("b", title="Socialnämnden, sammanträde 2024-03-13", subject="Socialnämnden, sammanträde 2024-03-13",
            committee="Socialnämnden", doc_type="protokoll", year=2024)
    assert len(group_cases([a, b])) == 2


@pytest.mark.parametrize("row", load_table("cases")["examples"]["rows"], ids=lambda r: r[0][:50])
def test_a_date_names_a_document_only_near_a_document_word(row):
    text, date, names = row
    assert (date in named_dates(text)) is names
