"""The dates data: Babel's CLDR formats, one numeric convention, one answer per input, splits disjoint by date."""

import datetime
import re

import pytest

from rnn_lib.data import dates as D


@pytest.fixture(scope="module")
def data():
    return D.make_dates()


def splits(ds):
    return {"train": ds.train, "validation": ds.validation, "test": ds.test, "held_out": ds.held_out}


def as_date(target):
    return datetime.date.fromisoformat(target)


# --- determinism and sizes ---------------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(data):
    assert D.make_dates(D.SEED) == data
    other = D.make_dates(1)
    assert other.train != data.train and other.test != data.test
    assert other.formats == data.formats and other.input_chars == data.input_chars


def test_sizes(data):
    assert (len(data.train), len(data.validation), len(data.test), len(data.held_out)) == (10_000, 1_000, 1_000, 1_000)
    small = D.make_dates(3, n_train=50, n_validation=0, n_test=7)
    assert (len(small.train), len(small.validation), len(small.test), len(small.held_out)) == (50, 0, 7, 7)


def test_the_splits_hold_out_whole_dates(data):
    dates = {name: {ex.target for ex in split} for name, split in splits(data).items()}
    assert len(dates["train"]) == 10_000 and len(dates["test"]) == 1_000  # each date once per split
    assert not dates["train"] & dates["test"]
    assert not dates["train"] & dates["validation"]
    assert not dates["validation"] & dates["test"]
    assert dates["held_out"] == dates["test"]  # the held-out format writes the test dates
    assert [ex.target for ex in data.held_out] == [ex.target for ex in data.test]


def test_the_held_out_format_is_in_no_other_split(data):
    held = D.get_format(D.HELD_OUT)
    assert data.held_out_format == D.HELD_OUT and D.HELD_OUT not in data.formats
    assert {ex.format for ex in data.held_out} == {D.HELD_OUT}
    for split in (data.train, data.validation, data.test):
        assert D.HELD_OUT not in {ex.format for ex in split}
    # by the strings too: no training text is written as the held-out format writes its date
    assert not any(ex.text == held.write(as_date(ex.target)) for ex in data.train)
    assert {ex.format for ex in data.train} == set(data.formats)  # every other format is trained on


# --- the one-answer property -----------------------------------------------------------------------------------
def test_no_input_in_the_data_has_two_answers(data):
    answers = {}
    for split in splits(data).values():
        for ex in split:
            assert answers.setdefault(ex.text, ex.target) == ex.target, ex.text


def test_no_format_gives_one_string_two_dates_in_the_ambiguous_years():
    """Every format, every day of 2001-2012: the years whose two digits could also be read as a month or a day."""
    answers = {}
    days = [d for d in D.all_dates() if 2001 <= d.year <= 2012]
    for fmt in D.date_formats():
        for d in days:
            assert answers.setdefault(fmt.write(d), d) == d, (fmt.name, fmt.write(d))


def test_make_dates_refuses_a_format_set_that_gives_two_answers(monkeypatch):
    """en_US's month-first short form beside en_AU's day-first one: "3/7/21" would be 7 March and 3 July."""
    us_short = D.DateFormat("en_US short", "en_US", "short", "M/d/yy", ("en_US",))
    formats = (D.get_format("en_AU short"), us_short, D.get_format(D.HELD_OUT))
    monkeypatch.setattr(D, "date_formats", lambda: formats)
    with pytest.raises(ValueError, match=r"the input '\d+/\d+/\d+' would have two answers, \d{4}-\d\d-\d\d and"):
        D.make_dates(0, n_train=20_000, n_validation=0, n_test=10)


# --- formats and the numeric convention ------------------------------------------------------------------------
def test_the_formats_write_tuesday_10_march_2009_as_cldr_does():
    """Pinned strings: a Babel whose CLDR data writes these otherwise shows here first."""
    day = datetime.date(2009, 3, 10)
    written = {f.name: f.write(day) for f in D.date_formats()}
    assert written == {
        "en_AU medium": "10 mar 2009", "en_AU short": "10/3/09", "en_CA short": "2009-03-10",
        "en_GB EEE, d MMM y": "tue, 10 mar 2009", "en_GB dd.MM.y": "10.03.2009",
        "en_GB full": "tuesday, 10 march 2009", "en_GB long": "10 march 2009", "en_GB medium": "10 mar 2009",
        "en_GB short": "10/03/2009", "en_IE full": "tuesday 10 march 2009", "en_IN short": "10/03/09",
        "en_US d MMM y": "10 mar 2009", "en_US dd-MMM-yy": "10-mar-09", "en_US full": "tuesday, march 10, 2009",
        "en_US long": "march 10, 2009", "en_US medium": "mar 10, 2009", "en_ZA full": "tuesday, 10 march 2009",
        "en_ZA long": "10 march 2009", "en_ZA medium": "10 mar 2009", "en_ZA short": "2009/03/10"}
    assert D.get_format("en_AU medium").write(datetime.date(2009, 6, 1)) == "1 june 2009"  # not en_GB's "jun"
    assert D.get_format("en_GB medium").write(datetime.date(2009, 9, 1)) == "1 sept 2009"  # not en_US's "sep"


def test_every_locale_and_style_is_a_format_except_the_month_first_numeric_one():
    day = datetime.date(2017, 9, 6)
    assert [f.name for f in D.date_formats()] == sorted(f.name for f in D.date_formats())
    for loc in D.LOCALES:
        for style in D.STYLES:
            owners = [f for f in D.date_formats() if (loc in f.locales and f.style == style)]
            if (loc, style) in D.EXCLUDED:
                assert not owners
                continue
            assert len(owners) == 1, (loc, style)
            assert owners[0].write(day) == D.DateFormat("", loc, style, "").write(day)


def test_numeric_forms_put_the_day_before_the_month():
    """3 July 2021: a numeric form starts with the day (3) or the four-digit year, never with the month (7)."""
    day = datetime.date(2021, 7, 3)
    numeric = [f for f in D.date_formats() if not re.search(r"[a-z]", f.write(day))]
    assert {f.name for f in numeric} == {"en_AU short", "en_CA short", "en_GB dd.MM.y", "en_GB short",
                                          "en_IN short", "en_ZA short"}
    for f in numeric:
        first = re.match(r"\d+", f.write(day)).group()
        assert first in ("3", "03", "2021"), (f.name, f.write(day))
    assert D.get_format("en_AU short").write(day) == "3/7/21"


def test_two_digit_years_are_read_in_1950_to_2049(data):
    short = D.get_format("en_IN short")
    assert short.write(datetime.date(1950, 1, 2)) == "02/01/50"
    assert short.write(datetime.date(2049, 1, 2)) == "02/01/49"
    years = [as_date(ex.target).year for split in splits(data).values() for ex in split]
    assert min(years) == 1950 and max(years) == 2049


# --- characters -------------------------------------------------------------------------------------------------
def test_texts_targets_and_their_characters(data):
    assert data.input_chars == "".join(sorted(set(data.input_chars)))
    assert data.output_chars == "-0123456789" == "".join(sorted(set(data.output_chars)))
    for split in splits(data).values():
        for ex in split:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", ex.target) and as_date(ex.target).isoformat() == ex.target
            assert ex.text == ex.text.lower() and ex.text.strip() == ex.text
            assert set(ex.text) <= set(data.input_chars), ex.text
            assert ex.text == D.get_format(ex.format).write(as_date(ex.target))
    used = {c for split in splits(data).values() for ex in split for c in ex.text}
    assert used == set(data.input_chars)  # no character the data never uses
    assert data.max_input_length == max(len(ex.text) for s in splits(data).values() for ex in s) == 29


def test_the_input_characters_cover_every_month_and_weekday():
    chars = set(D.input_characters())
    for fmt in D.date_formats():
        for day in D.all_dates()[:366]:  # every month, weekday and day of the month
            assert set(fmt.write(day)) <= chars


# --- bad arguments ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, message", [
    ({"seed": "0"}, TypeError, r"seed must be an int, got '0'"),
    ({"seed": 1.5}, TypeError, r"seed must be an int, got 1.5"),
    ({"n_train": 0}, ValueError, r"n_train must be a positive int, got 0"),
    ({"n_test": True}, ValueError, r"n_test must be a positive int, got True"),
    ({"n_validation": -1}, ValueError, r"n_validation must be a non-negative int, got -1"),
    ({"n_train": 40_000}, ValueError, r"n_train \+ n_validation \+ n_test must be at most 36525 \(the dates from "
                                      r"1950-01-01 to 2049-12-31\), got 42000"),
])
def test_bad_arguments_are_one_line_errors(kwargs, error, message):
    with pytest.raises(error, match=message) as info:
        D.make_dates(**kwargs)
    assert "\n" not in str(info.value)


def test_an_unknown_format_name_is_one_line():
    with pytest.raises(ValueError, match=r"unknown date format 'en_US short'; the formats are 'en_AU medium', "):
        D.get_format("en_US short")
