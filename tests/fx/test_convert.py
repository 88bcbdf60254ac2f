"""Conversion month by month, checked against a plain pandas computation."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from roundabout.errors import InputFileError, RoundaboutError
from roundabout.fx.convert import convert, default_currency
from roundabout.fx.ecb import ecb_rates
from roundabout.fx.rates_file import read_rates_file


def flows() -> ibis.Table:
    df = pd.DataFrame(
        {
            "period": ["2022-03", "2022-03", "2022-04", "2022", "2022-03", "1995"],
            "freq": ["M", "M", "M", "A", "M", "A"],
            "reporter": ["DEU", "ARM", "ARM", "KGZ", "KAZ", "KGZ"],
            "flow": ["export"] * 6,
            "value": [1000.0, 2000.0, 3000.0, 4000.0, 5_000_000.0, 10.0],
            "currency": ["EUR", "USD", "USD", "USD", "KZT", "USD"],
        }
    )
    return ibis.memtable(df)


def user_kzt(tmp_path: Path) -> pa.Table:
    p = tmp_path / "kzt.csv"
    p.write_text("period,currency,per_usd\n2022-03,KZT,480.5\n")
    return read_rates_file(p)


def ecb(period: str, currency: str) -> float:
    r = ecb_rates().to_pandas()
    return float(r[(r.period == period) & (r.currency == currency)].per_eur.iloc[0])


def test_to_eur_month_by_month_and_annual(tmp_path: Path) -> None:
    out = convert(flows(), "EUR", user_kzt(tmp_path), required="M")
    got = out.flows.to_pandas().set_index(["reporter", "period"])
    assert got.loc[("DEU", "2022-03")].value == 1000.0  # already in euros
    assert got.loc[("ARM", "2022-03")].value == pytest.approx(2000 / ecb("2022-03", "USD"))
    assert got.loc[("ARM", "2022-04")].value == pytest.approx(3000 / ecb("2022-04", "USD"))
    assert got.loc[("KGZ", "2022")].value == pytest.approx(4000 / ecb("2022", "USD"))
    # per_usd crossed with the month's dollar rate per euro
    kzt_per_eur = 480.5 * ecb("2022-03", "USD")
    assert got.loc[("KAZ", "2022-03")].value == pytest.approx(5_000_000 / kzt_per_eur)
    # 1995 has no rate (the ECB starts in 1999): an annual row the analysis does not need
    assert (got.loc[("KGZ", "1995")].value, got.loc[("KGZ", "1995")].currency) == (10.0, "USD")
    assert set(got.drop(index=("KGZ", "1995")).currency) == {"EUR"}
    assert "values converted to EUR" in out.notes[0] and "ECB" in out.notes[0]
    assert "kzt.csv" in out.notes[0]
    assert "USD 1995 to 1995" in out.notes[1]


def test_to_usd(tmp_path: Path) -> None:
    out = convert(flows().filter(ibis._.period != "1995"), "USD", user_kzt(tmp_path))
    got = out.flows.to_pandas().set_index(["reporter", "period"])
    assert got.loc[("DEU", "2022-03")].value == pytest.approx(1000 * ecb("2022-03", "USD"))
    assert got.loc[("ARM", "2022-03")].value == 2000.0
    assert got.loc[("KAZ", "2022-03")].value == pytest.approx(5_000_000 / 480.5)


def test_missing_rate_names_month_and_currency() -> None:
    with pytest.raises(RoundaboutError, match=r"no exchange rate from KZT to EUR for the month "
                       r"2022-03 \(the ECB does not quote the Kazakh tenge\)"):  # fmt: skip
        convert(flows(), "EUR", required="M")
    with pytest.raises(RoundaboutError, match="for the year 1995"):
        convert(flows().filter(ibis._.currency != "KZT"), "EUR")


def test_default_currency_is_the_origins() -> None:
    assert default_currency(flows(), ["DEU"]) == "EUR"
    assert default_currency(flows(), ["ARM", "DEU"]) == "USD"
    assert default_currency(flows(), ["FRA"]) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period,currency,rate\n2022,KZT,1\n", "line 1: expected the header"),
        ("period,currency,per_eur\n2022-13,KZT,1\n", "line 2: field period"),
        ("period,currency,per_eur\n2022,KZ,1\n", "line 2: field currency"),
        ("period,currency,per_eur\n2022,KZT,-1\n", "line 2: field per_eur: '-1'"),
        ("period,currency,per_eur\n2022,KZT,1\n2022,KZT,2\n", "line 3: KZT 2022 is given twice"),
    ],
)
def test_rates_file_errors(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "r.csv"
    p.write_text(text)
    with pytest.raises(InputFileError, match=message):
        read_rates_file(p)
