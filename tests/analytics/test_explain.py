"""Finding sentences."""

from __future__ import annotations

from roundabout.analytics.explain import Facts, amount, sentence


def _facts(**kw):
    base = dict(
        hub="KAZ",
        product="847130",
        description="Portable computers",
        target="RUS",
        currency="EUR",
        window="2022-03:2022-11",
        sanctioned=True,
        sanctioned_from="2022-04",
        excess_in=4_200_000.0,
        expected_in=1_000_000.0,
        window_in=5_200_000.0,
        excess_out=3_900_000.0,
        lost=None,
        months_above=9,
        months=9,
    )
    base.update(kw)
    return Facts(**base)


def test_amounts():
    assert amount(4_230_000, "EUR") == "EUR 4.2m"
    assert amount(830_000, "USD") == "USD 830k"
    assert amount(-2_000_000_000, "EUR") == "-EUR 2.0bn"
    assert amount(120, "EUR") == "EUR 120"


def test_one_sentence_with_both_legs_and_the_ban():
    s = sentence(_facts())
    assert s.count(".") >= 1 and s.endswith(".")
    assert "KAZ" in s and "847130" in s and "EUR 4.2m above expected" in s
    assert "to RUS were EUR 3.9m above expected" in s
    assert "5.2 times the expected level" in s
    assert "banned from 2022-04" in s


def test_local_demand_lost_goods_and_unlisted_products_are_said_so():
    assert "as for local demand" in sentence(_facts(excess_out=-50_000.0))
    lost = sentence(_facts(excess_out=0.0, lost=2_000_000.0))
    assert "EUR 2.0m of it never appears in KAZ's import records" in lost
    assert "not in the data" in sentence(_facts(excess_out=None))
    assert "not on the goods list" in sentence(_facts(sanctioned=False))
