"""Status words of follow-ups: every table example of ``tables/status.toml``."""

import datetime as dt

import pytest

from ingest.status import Reading, combine, continues, read_status
from ingest.tables import load_table

ROWS = load_table("status")["examples"]["rows"]


@pytest.mark.parametrize("row", ROWS, ids=[r[0][:50] for r in ROWS])
def test_table_examples(row):
    text, date, status, start, end = row
    reading = read_status(text, dt.date.fromisoformat(date))
    assert (reading.status or "") == status
    new = reading.new_deadline
    assert ((new.start, new.end) if new and status == "delayed" else ("", "")) == (start, end)


def test_a_sentence_going_on_about_the_same_work_continues_it():
    assert continues("Arbetet har skjutits upp.")
    assert not continues("Förslaget till ny taxa har skjutits upp.")


def test_a_delay_outweighs_a_not_done():
    assert combine(Reading("not_done"), Reading("delayed")).status == "delayed"
    assert combine(Reading("done"), Reading(None)).status == "done"
