"""Spans, code lists and the parameter checks."""

from __future__ import annotations

from datetime import date

import pytest

from roundabout.analytics.params import (
    DEFAULT_HUBS,
    LeakParams,
    Span,
    add_months,
    first_full_month,
    parse_codes,
)
from roundabout.errors import RoundaboutError


def test_span_parse_length_and_shift():
    w = Span.parse("2022-03:2022-11")
    assert len(w) == 9
    assert w.shift(-12) == Span("2021-03", "2021-11")
    assert w.months()[0] == "2022-03" and w.months()[-1] == "2022-11"
    assert Span.parse("2022-03") == Span("2022-03", "2022-03")
    assert str(w) == "2022-03:2022-11"
    assert add_months("2022-11", 3) == "2023-02"


@pytest.mark.parametrize("bad", ["2022-3:2022-11", "2022-13:2023-01", "2022-05:2022-03", "a:b:c"])
def test_bad_spans_say_what_is_expected(bad):
    with pytest.raises(RoundaboutError, match=r"YYYY-MM|before the start|not a month"):
        Span.parse(bad, "--window")


def test_first_full_month_of_a_ban():
    assert first_full_month(date(2022, 2, 25)) == "2022-03"
    assert first_full_month(date(2022, 4, 1)) == "2022-04"
    assert first_full_month(date(2022, 12, 16)) == "2023-01"


def test_parse_codes_replaces_or_extends_the_defaults():
    assert parse_codes("arm, kaz") == ("ARM", "KAZ")
    assert parse_codes("+CHN", DEFAULT_HUBS) == (*DEFAULT_HUBS, "CHN")
    assert parse_codes(None) is None
    assert parse_codes("  ") is None


def test_params_refuse_nonsense():
    with pytest.raises(RoundaboutError, match=r"target"):
        LeakParams(hubs=("RUS",))
    with pytest.raises(RoundaboutError, match=r"empty"):
        LeakParams(hubs=())
    with pytest.raises(RoundaboutError, match=r"top"):
        LeakParams(top=0)
