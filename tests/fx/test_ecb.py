"""The bundled ECB averages: consistent with each other and with the ECB's own figures."""

from __future__ import annotations

import pandas as pd
import pytest

from roundabout.fx.ecb import MISSING_HUB_CURRENCIES, ecb_rates


@pytest.fixture(scope="module")
def rates() -> pd.DataFrame:
    return ecb_rates().to_pandas()


def test_annual_average_is_the_day_weighted_mean_of_the_months(rates: pd.DataFrame) -> None:
    months = rates[rates.period.str.len() == 7].copy()
    months["year"] = months.period.str[:4]
    months["weighted"] = months.per_eur * months.days
    g = months.groupby(["year", "currency"]).agg(w=("weighted", "sum"), d=("days", "sum"))
    recomputed = pd.DataFrame({"recomputed": g.w / g.d, "month_days": g.d}).reset_index()
    years = rates[rates.period.str.len() == 4].rename(columns={"period": "year"})
    both = years.merge(recomputed, on=["year", "currency"], validate="one_to_one")
    assert len(both) == len(years)
    assert ((both.per_eur - both.recomputed).abs() / both.per_eur).max() < 2e-5
    assert (both.days == both.month_days).all()


def test_known_figures(rates: pd.DataFrame) -> None:
    usd = rates[rates.currency == "USD"].set_index("period").per_eur
    # the ECB's published annual averages of the dollar rate
    assert usd["2022"] == pytest.approx(1.0530, abs=1e-4)
    assert usd["2021"] == pytest.approx(1.1827, abs=1e-4)
    rub = rates[(rates.currency == "RUB") & (rates.period.str.len() == 7)]
    assert rub.period.max() == "2022-03"  # suspended after 1 March 2022
    assert not set(MISSING_HUB_CURRENCIES) & set(rates.currency)
