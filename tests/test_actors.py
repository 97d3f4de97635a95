"""Who acts in a clause: the authoring body's own organisation, or another actor."""

import pytest

from ingest.actors import OTHER, OWN, classify_word, find_actor, opens_with_anaphor
from ingest.tables import load_table


@pytest.mark.parametrize("row", load_table("actors")["examples"]["rows"], ids=lambda r: r[0][:50])
def test_table_examples(row):
    sentence, committee, municipality, kind, name = row
    actor = find_actor(sentence, committee, municipality)
    assert (actor.kind or OWN) == kind
    assert (actor.name or "") == name


def test_another_committee_is_another_actor_but_the_own_one_is_ours():
    assert classify_word("Kommunstyrelsen", "Socialnämnden") == OTHER
    assert classify_word("Kommunstyrelsen", "Kommunstyrelsen") == OWN
    assert classify_word("Socialnämnden", "Socialnämnden Nordost") == OWN
    assert classify_word("Nämnden", "Socialnämnden") == OWN


def test_an_agency_ending_like_a_committee_is_another_actor():
    assert classify_word("Socialstyrelsen", "Socialnämnden") == OTHER


def test_ocr_damage_does_not_hide_the_actor():
    assert classify_word("Férvaltningen") == OWN
    assert classify_word("Regeringen") == OTHER


def test_a_passive_names_its_agent():
    actor = find_actor("En ny riktlinje fastställs av regionstyrelsen i december 2023.", "Regionstyrelsen", "Region Halland")
    assert actor.kind == OWN
    actor = find_actor("Vägledningen tas fram av Socialstyrelsen under 2025.", "Socialnämnden", "Lund")
    assert actor.kind == OTHER


def test_a_genitive_names_its_owner():
    assert find_actor("Kommunstyrelsens förvaltning genomför en utbildning under 2024.", "Kommunstyrelsen", "Huddinge").kind == OWN
    assert find_actor("Socialstyrelsens vägledning publiceras under 2025.", "Socialnämnden", "Lund").kind == OTHER


def test_anaphors():
    assert opens_with_anaphor("Uppdraget ska slutredovisas i mars 2025.")
    assert opens_with_anaphor("En första delrapportering ska lämnas under våren 2025.")
    assert not opens_with_anaphor("Förvaltningen tar fram en rutin.")
