"""Event dates from the text, and from related articles when the text names only a weekday."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dates import (
    event_date,
    lead_weekday,
    nearest_weekday,
    resolve_corpus_dates,
    resolve_year,
    year_bounds,
)
from index.model import Article


def test_full_date_matching_the_lead_weekday():
    paras = [
        "Officials met on Friday to discuss the harbour dispute.",
        "According to the ministry, the call took place on October 1, 2021 and lasted an hour.",
    ]
    assert event_date(paras) == "2021-10-01"  # 1 Oct 2021 was a Friday


def test_weekday_with_month_day_and_a_past_year_mentioned():
    paras = [
        "The ministers on Saturday agreed to share radar data.",
        "The forum began on Friday, June 2, in the capital.",
        "It was the first such meeting since September 2017.",
    ]
    # Friday June 2 falls in 2017 and 2023; the text says 2017 is in the past.
    assert event_date(paras) == "2023-06-03"


def test_on_month_day_takes_the_year_after_a_dated_past_event():
    paras = [
        "On June 3, the ministry said the drills would resume.",
        "Leaders had agreed on the plan in Velan on November 13, 2022.",
    ]
    assert event_date(paras) == "2023-06-03"


def test_reporting_weekday_does_not_date_the_event():
    paras = ["The ministry said on Sunday that the two sides met on Saturday in Velan."]
    assert lead_weekday(paras) == 5  # Saturday


def test_named_shows_are_not_weekdays():
    assert lead_weekday(["He appeared on Saturday Night Live with the mayor."]) is None


def test_no_date_when_the_text_does_not_fix_one():
    assert event_date(["The two sides met on Saturday in Velan."]) is None
    assert event_date(["Nothing here is dated at all."]) is None


def test_historic_dates_deep_in_the_body_are_not_the_event():
    paras = [
        "The council voted on Tuesday to rename the square.",
        "The square was the site of a protest in 2014.",
        "Its first stone was laid on June 25, 2012, by the old mayor.",
    ]
    assert event_date(paras) is None


def test_year_bounds_read_future_and_past_years():
    bounds = year_bounds(["They will act before the end of 2023.", "Tests resumed in 2019."])
    assert (bounds.lower, bounds.upper) == (2019, 2023)
    assert resolve_year(6, 3, 5, bounds) == 2023  # a Saturday June 3 between 2019 and 2023


def test_nearest_weekday():
    saturday = dt.date(2023, 6, 3)
    assert nearest_weekday(saturday, 5) == saturday
    assert nearest_weekday(saturday, 6) == dt.date(2023, 6, 4)
    assert nearest_weekday(saturday, 4) == dt.date(2023, 6, 2)


def art(id: str, paragraphs: list[str], date: str | None = None, title: str = "") -> Article:
    return Article(id=id, path=f"{id}.txt", title=title, paragraphs=tuple(paragraphs), date=date)


FERRY = (
    "The Velan ferry consortium and the harbour pilots of Marenta signed the pontoon lease "
    "after the dredger Albatross cleared the silted channel."
)
MINES = (
    "Copper miners at the Oskarberg pit walked out over ventilation shafts and the new "
    "shift rota imposed by the smelter company."
)


def test_weekday_only_article_borrows_the_same_story_date():
    articles = [
        art("a", [f"On Saturday, {FERRY}"], "2023-06-03"),
        art("b", [f"{FERRY} The deal was agreed on Sunday."]),
        art("c", [f"On Tuesday, {MINES}"], "2021-03-02"),
    ]
    dates = resolve_corpus_dates(articles)
    assert dates["b"] == "2023-06-04"  # nearest Sunday to the ferry story's date
    assert dates["a"] == "2023-06-03" and dates["c"] == "2021-03-02"


def test_unrelated_stories_lend_no_date():
    articles = [
        art("a", [f"On Saturday, {FERRY}"], "2023-06-03"),
        art("b", [f"On Monday, {MINES}"]),
    ]
    assert "b" not in resolve_corpus_dates(articles)


def test_related_mapping_overrides_similarity():
    articles = [
        art("a", [f"On Saturday, {FERRY}"], "2023-06-03"),
        art("c", [f"On Tuesday, {MINES}"], "2021-03-02"),
        art("b", ["Workers met on Wednesday."]),
    ]
    assert resolve_corpus_dates(articles, {"b": ["c"]})["b"] == "2021-03-03"


def test_year_clues_veto_a_borrowed_date():
    articles = [
        art("a", [f"On Saturday, {FERRY}"], "2023-06-03"),
        art("b", [f"{FERRY} It was agreed on Sunday, the first deal since 2025."]),
    ]
    assert "b" not in resolve_corpus_dates(articles)


@pytest.mark.parametrize("value", ["", "not a date", "2023-13-45"])
def test_bad_known_dates_are_ignored_not_fatal(value):
    articles = [
        art("a", [f"On Saturday, {FERRY}"], value or None),
        art("b", [f"On Sunday, {FERRY}"]),
    ]
    resolve_corpus_dates(articles)
