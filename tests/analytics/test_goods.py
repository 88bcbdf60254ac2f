"""Goods lists folded to HS6."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from roundabout.analytics.goods import load_goods
from roundabout.analytics.params import DEFAULT_SANCTION_DATE
from roundabout.errors import NotFoundError, RoundaboutError


def _entries(rows):
    return pa.table(
        {
            "hs6": [r[0][:6] for r in rows],
            "code": [r[0] for r in rows],
            "effective_date": pa.array([r[1] for r in rows], pa.date32()),
            "description": [r[2] for r in rows],
        }
    )


def test_cn8_lines_fold_to_their_hs6_at_the_earliest_date():
    g = load_goods(
        "mine",
        _entries(
            [
                ("84713000", date(2022, 4, 8), "laptops"),
                ("84713010", date(2022, 2, 25), None),
                ("85423100", None, "chips"),
            ]
        ),
    )
    rows = {r["product"]: r for r in g.table.to_pylist()}
    assert rows["847130"]["effective_date"] == date(2022, 2, 25)
    assert rows["847130"]["sanctioned_from"] == "2022-03"
    assert rows["847130"]["description"] == "laptops"
    assert rows["854231"]["effective_date"] == DEFAULT_SANCTION_DATE
    assert g.undated == 1


def test_bundled_eu_list_has_dates():
    g = load_goods("eu_hs6")
    assert g.table.num_rows > 2000
    assert date(2022, 2, 25) in g.first_dates()


def test_empty_and_unknown_lists_say_what_exists():
    with pytest.raises(RoundaboutError, match=r"empty.*eu_hs6"):
        load_goods("mine", _entries([]).slice(0, 0))
    with pytest.raises(NotFoundError, match=r"eu_hs6, eu_cn8, chp"):
        load_goods("no_such_list")
