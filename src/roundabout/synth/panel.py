"""Synthetic monthly HS6 panels with planted re-routing, for tests and benchmarks.

:func:`write_panel` writes a panel of any size, streamed in chunks of products (memory stays
flat), from a seeded numpy generator, and returns the ground truth: the planted
(hub, product) pairs. Two output formats:

* ``csv``: UN Comtrade API v1 columns (``freqCode, refYear, refMonth, period, reporterCode,
  reporterISO, flowCode, partnerCode, partnerISO, partner2Code, classificationCode, cmdCode,
  customsCode, motCode, qtyUnitAbbr, qty, netWgt, primaryValue, isReported, isAggregate``),
  for ``roundabout ingest --format comtrade`` and the tests that go through the importer;
* ``parquet``: the canonical ``flows`` schema, for loading a 100-million-row bench panel
  straight into the store with DuckDB.

What is in it (values in US dollars, monthly, HS6, HS2017):

* routes: origin -> hub, origin -> target, origin -> control exports (reported by the
  origin); hub -> target exports and hub imports from the origins (reported by the hub);
* each (route, product) trades with probability ``density``, at a log-normal level (before
  the war the target is the big market: direct exports are about 7 times those to a hub),
  with seasonality, a small trend and monthly noise;
* the war: from 2022-03, exports to the target fall (x0.6 for all goods) and sanctioned goods
  fall much more after their own ban month (x0.15 on top), exports to the hubs rise (x1.3),
  hub exports to the target rise (x1.2); unit values of sanctioned goods to the target rise;
* ``hub_effect``: an extra log change of *every* sanctioned product to *every* hub after its
  ban (0 by default; the DiD tests plant one and check it is recovered);
* planted ``reroute`` pairs (hub h, sanctioned product p): after the ban, origin -> h exports
  jump by 30-60 % of each origin's pre-war direct exports of p, h's imports record them, and
  h's exports of p to the target rise by 90 % of the jump;
* planted ``lost`` pairs: the same jump in origin -> h exports, but h records no extra
  imports and exports nothing more (goods lost in transit);
* decoys that must rank low: ``local`` (the jump arrives at h and stays: local demand) and
  ``unsanctioned`` (a product not on the list jumps to h and on to the target).

Sanctioned products and their ban dates come from the bundled ``eu_hs6`` list, so the panel
is analysed with the default goods list.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from roundabout.analytics.goods import ban_month
from roundabout.reference import countries, goods_lists, hs

Kind = Literal["reroute", "lost", "local", "unsanctioned"]
PLANTED: tuple[Kind, ...] = ("reroute", "lost")
DECOYS: tuple[Kind, ...] = ("local", "unsanctioned")

COMTRADE_COLUMNS = [
    "freqCode", "refYear", "refMonth", "period", "reporterCode", "reporterISO", "flowCode",
    "partnerCode", "partnerISO", "partner2Code", "classificationCode", "cmdCode",
    "customsCode", "motCode", "qtyUnitAbbr", "qty", "netWgt", "primaryValue", "isReported",
    "isAggregate",
]  # fmt: skip

WAR_MONTH = "2022-03"
# Route codes.
TO_HUB, DIRECT, TO_CONTROL, ONWARD, MIRROR = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class PanelSpec:
    """What to generate. ``rows`` is a target; ``products`` (if given) overrides it."""

    rows: int = 100_000
    products: int | None = None
    seed: int = 0
    start: str = "2020-01"
    end: str = "2023-06"
    origins: tuple[str, ...] = ("DEU", "FRA", "ITA", "POL", "NLD", "USA", "GBR", "JPN")
    hubs: tuple[str, ...] = ("ARM", "KAZ", "KGZ", "GEO", "UZB", "TUR", "ARE")
    target: str = "RUS"
    controls: tuple[str, ...] = ("CHL", "ZAF", "MEX")
    sanctioned_share: float = 0.4
    density: float = 0.7
    noise: float = 0.25
    n_reroute: int = 10
    n_lost: int = 5
    n_local: int = 6
    n_unsanctioned: int = 6
    hub_effect: float = 0.0
    cif: float = 1.05
    totals: bool = False
    mirror: bool = True
    onward: bool = True
    chunk_rows: int = 1_000_000
    # Departures from the detector's assumptions (the defaults keep the original panel):
    product_shock: float = 0.0  # sd of a product-specific log shock from the war, all routes
    mirror_noise: float = 0.03  # sd of the hub's import records around exports x cif
    report_lag: int = 0  # months by which the hub records imports after the origin's exports
    pass_through: float = 0.9  # share of a planted jump the hub sends on to the target
    onward_lag: int = 0  # months between the jump and the onward flow
    plant_lag: int = 0  # months between the ban month and the start of the re-routing


@dataclass(frozen=True)
class Planted:
    hub: str
    product: str
    kind: Kind
    sanctioned_from: str | None


@dataclass(frozen=True)
class Panel:
    """What was written: the file, its row count and the ground truth."""

    path: Path
    rows: int
    products: int
    truth: tuple[Planted, ...]
    spec: PanelSpec = field(repr=False)

    def planted(self) -> set[tuple[str, str]]:
        return {(p.hub, p.product) for p in self.truth if p.kind in PLANTED}

    def decoys(self) -> set[tuple[str, str]]:
        return {(p.hub, p.product) for p in self.truth if p.kind in DECOYS}


def _months(start: str, end: str) -> list[str]:
    y, m = int(start[:4]), int(start[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _comtrade_codes(isos: list[str]) -> dict[str, str]:
    table = countries.crosswalk().to_pylist()
    out: dict[str, str] = {}
    for row in table:
        if row["scheme"] == "comtrade" and row["iso3"] in isos and row["iso3"] not in out:
            out[row["iso3"]] = row["code"]
    return out


@dataclass
class _Products:
    codes: list[str]
    ban: list[str | None]  # first full month of the ban, None when not sanctioned


def _choose_products(spec: PanelSpec, rng: np.random.Generator, n: int) -> _Products:
    months = _months(spec.start, spec.end)
    earliest = months[min(12, len(months) - 1)]
    latest = months[max(0, len(months) - 4)]
    eu = goods_lists.entries("eu_hs6").to_pylist()
    # The month each ban first covers, as the law has it (after the wind-down too): the
    # same rule as the analysis (roundabout.analytics.goods.ban_month).
    dated = sorted(
        {
            (r["hs6"], ban_month(r["effective_date"], r["wind_down_date"]))
            for r in eu
            if r["effective_date"] is not None
            and earliest <= ban_month(r["effective_date"], r["wind_down_date"]) <= latest
        }
    )
    listed = {r["hs6"] for r in eu}
    others = sorted(c for c in hs.hs6_codes("HS2017") if c not in listed)
    n_s = max(spec.n_reroute + spec.n_lost + spec.n_local + 2, round(n * spec.sanctioned_share))
    n_s = min(n_s, len(dated))
    n_o = max(n - n_s, spec.n_unsanctioned + 2)
    pick_s = rng.choice(len(dated), size=n_s, replace=False)
    pick_o = rng.choice(len(others), size=min(n_o, len(others)), replace=False)
    codes = [dated[i][0] for i in pick_s] + [others[i] for i in pick_o]
    ban: list[str | None] = [dated[i][1] for i in pick_s] + [None] * len(pick_o)
    return _Products(codes, ban)


def _pairs(spec: PanelSpec) -> list[tuple[str, str, str, int]]:
    """(reporter, partner, flowCode, route) for every route."""
    out = [(o, h, "X", TO_HUB) for o in spec.origins for h in spec.hubs]
    out += [(o, spec.target, "X", DIRECT) for o in spec.origins]
    out += [(o, c, "X", TO_CONTROL) for o in spec.origins for c in spec.controls]
    if spec.onward:
        out += [(h, spec.target, "X", ONWARD) for h in spec.hubs]
    if spec.mirror:
        out += [(h, o, "M", MIRROR) for h in spec.hubs for o in spec.origins]
    return out


def _plant(spec: PanelSpec, rng: np.random.Generator, products: _Products) -> tuple[Planted, ...]:
    sanctioned = [i for i, b in enumerate(products.ban) if b is not None]
    others = [i for i, b in enumerate(products.ban) if b is None]
    n_sanctioned = spec.n_reroute + spec.n_lost + spec.n_local
    if len(sanctioned) < n_sanctioned or len(others) < spec.n_unsanctioned:
        raise ValueError("panel too small for the planted cases: raise rows or products")
    s = list(rng.permutation(sanctioned))
    o = list(rng.permutation(others))
    kinds: list[tuple[Kind, int]] = (
        [("reroute", s.pop()) for _ in range(spec.n_reroute)]
        + [("lost", s.pop()) for _ in range(spec.n_lost)]
        + [("local", s.pop()) for _ in range(spec.n_local)]
        + [("unsanctioned", o.pop()) for _ in range(spec.n_unsanctioned)]
    )
    out = []
    for kind, i in kinds:
        hub = spec.hubs[int(rng.integers(0, len(spec.hubs)))]
        out.append(Planted(hub, products.codes[i], kind, products.ban[i]))
    return tuple(out)


def write_panel(path: Path, spec: PanelSpec | None = None, *, fmt: str = "csv") -> Panel:
    """Write a panel to ``path`` (``fmt`` ``csv`` or ``parquet``) and ``<path>.truth.json``."""
    spec = spec or PanelSpec()
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
    rng = np.random.default_rng(spec.seed)
    months = _months(spec.start, spec.end)
    pairs = _pairs(spec)
    needed = spec.n_reroute + spec.n_lost + spec.n_local + spec.n_unsanctioned + 4
    n_products = spec.products or max(
        needed, math.ceil(spec.rows / (spec.density * len(months) * len(pairs)))
    )
    products = _choose_products(spec, rng, n_products)
    truth = _plant(spec, rng, products)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    writer: pacsv.CSVWriter | pq.ParquetWriter | None = None
    totals = np.zeros((len(pairs), len(months)))
    try:
        for chunk in _chunks(spec, rng, pairs, months, products, truth, totals):
            table = _comtrade(chunk) if fmt == "csv" else _flows(chunk, rows)
            if writer is None:
                writer = (
                    pacsv.CSVWriter(str(path), table.schema)
                    if fmt == "csv"
                    else pq.ParquetWriter(str(path), table.schema, compression="zstd")
                )
            writer.write_table(table)
            rows += table.num_rows
        if spec.totals:
            chunk = _total_rows(pairs, months, totals)
            table = _comtrade(chunk) if fmt == "csv" else _flows(chunk, rows)
            assert writer is not None
            writer.write_table(table)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps([asdict(t) for t in truth], indent=1))
    return Panel(path=path, rows=rows, products=len(products.codes), truth=truth, spec=spec)


# A chunk: parallel arrays, one entry per row.
_Chunk = dict[str, np.ndarray]


def _chunks(
    spec: PanelSpec,
    rng: np.random.Generator,
    pairs: list[tuple[str, str, str, int]],
    months: list[str],
    products: _Products,
    truth: tuple[Planted, ...],
    totals: np.ndarray,
) -> Iterator[_Chunk]:
    n_m, n_pairs = len(months), len(pairs)
    t = np.arange(n_m)
    war = months.index(WAR_MONTH) if WAR_MONTH in months else n_m
    season = 1.0 + 0.15 * np.sin(2 * np.pi * (t % 12) / 12.0)
    route = np.array([p[3] for p in pairs])
    reporter = np.array([p[0] for p in pairs])
    partner = np.array([p[1] for p in pairs])
    flow = np.array([p[2] for p in pairs])
    pair_scale = rng.normal(0.0, 0.5, n_pairs)
    # Mirror rows repeat the origin -> hub pair they mirror.
    index = {(p[0], p[1], p[3]): i for i, p in enumerate(pairs)}
    mirror_of = np.array(
        [index[(p[1], p[0], TO_HUB)] if p[3] == MIRROR else i for i, p in enumerate(pairs)]
    )
    direct_of = np.array(
        [index[(p[0], spec.target, DIRECT)] if p[3] == TO_HUB else -1 for p in pairs]
    )
    plants = {(pl.hub, pl.product): pl.kind for pl in truth}
    per_product = max(1, int(spec.density * n_pairs * n_m))
    step = max(1, spec.chunk_rows // per_product)
    for lo in range(0, len(products.codes), step):
        codes = products.codes[lo : lo + step]
        bans = products.ban[lo : lo + step]
        yield _chunk(
            spec, rng, codes, bans, months, season, war, route, reporter, partner, flow,
            pair_scale, mirror_of, direct_of, plants, totals,
        )  # fmt: skip


def _chunk(
    spec: PanelSpec,
    rng: np.random.Generator,
    codes: list[str],
    bans: list[str | None],
    months: list[str],
    season: np.ndarray,
    war: int,
    route: np.ndarray,
    reporter: np.ndarray,
    partner: np.ndarray,
    flow: np.ndarray,
    pair_scale: np.ndarray,
    mirror_of: np.ndarray,
    direct_of: np.ndarray,
    plants: dict[tuple[str, str], Kind],
    totals: np.ndarray,
) -> _Chunk:
    n_pairs, n_p, n_m = len(route), len(codes), len(months)
    product_scale = rng.normal(0.0, 1.0, n_p)
    noise = rng.normal(0, 0.7, (n_pairs, n_p))
    # Before the war the target is the big market: direct exports ~7 times those to a hub.
    route_scale = np.select([route == DIRECT, route == ONWARD], [2.0, 0.5], 0.0)
    level = np.exp(
        10.0 + route_scale[:, None] + pair_scale[:, None] + product_scale[None, :] + noise
    )
    # A hub records imports of what an origin ships to it: mirror rows copy its activity.
    active = (rng.random((n_pairs, n_p)) < spec.density)[mirror_of]
    trend = rng.normal(0.0, 0.004, (n_pairs, n_p))
    ban_m = np.array([months.index(b) if b in months else n_m for b in (x or "" for x in bans)])
    sanctioned = np.array([b is not None for b in bans])
    unit_price = np.exp(rng.normal(3.0, 1.0, n_p))

    t = np.arange(n_m)
    post_war = t >= war
    value = (
        level[:, :, None]
        * season[None, None, :]
        * np.exp(trend[:, :, None] * t[None, None, :])
        * np.exp(rng.normal(0.0, spec.noise, (n_pairs, n_p, n_m)))
    )
    post_ban = t[None, :] >= ban_m[:, None]  # (n_p, n_m)
    post_ban &= sanctioned[:, None]
    r = route[:, None, None]
    war_factor = np.ones(len(route))
    war_factor[route == DIRECT] = 0.6
    war_factor[(route == TO_HUB) | (route == MIRROR)] = 1.3
    war_factor[route == ONWARD] = 1.2
    value *= np.where(post_war[None, None, :], war_factor[:, None, None], 1.0)
    if spec.product_shock:
        shock = np.exp(rng.normal(0.0, spec.product_shock, n_p))
        value *= np.where(post_war[None, None, :], shock[None, :, None], 1.0)
    value *= np.where((r == DIRECT) & post_ban[None, :, :], 0.15, 1.0)
    if spec.hub_effect:
        to_hubs = (r == TO_HUB) | (r == MIRROR)
        value *= np.where(to_hubs & post_ban[None, :, :], math.exp(spec.hub_effect), 1.0)
    mirror = route == MIRROR
    if mirror.any():
        value[mirror] = _lagged(value[mirror_of[mirror]], spec.report_lag) * spec.cif
        value[mirror] *= np.exp(rng.normal(0.0, spec.mirror_noise, value[mirror].shape))
    weight = value / unit_price[None, :, None]
    # Unit values of sanctioned goods to the target rise after the ban (DP20097).
    to_target = (r == DIRECT) | (r == ONWARD)
    weight /= np.where(to_target & post_ban[None, :, :], 1.25, 1.0)

    _apply_plants(spec, rng, codes, bans, months, war, route, reporter, partner, direct_of,
                  level, season, value, weight, unit_price, active, plants)  # fmt: skip

    totals += np.where(active[:, :, None], value, 0.0).sum(axis=1)
    pi, qi = np.nonzero(active)
    n = len(pi)
    return {
        "reporter": np.repeat(reporter[pi], n_m),
        "partner": np.repeat(partner[pi], n_m),
        "flow": np.repeat(flow[pi], n_m),
        **_calendar(months, n),
        "code": np.repeat(np.array(codes)[qi], n_m),
        "value": np.round(value[pi, qi, :].reshape(-1), 2),
        "weight": np.round(weight[pi, qi, :].reshape(-1), 3),
    }


def _apply_plants(
    spec: PanelSpec,
    rng: np.random.Generator,
    codes: list[str],
    bans: list[str | None],
    months: list[str],
    war: int,
    route: np.ndarray,
    reporter: np.ndarray,
    partner: np.ndarray,
    direct_of: np.ndarray,
    level: np.ndarray,
    season: np.ndarray,
    value: np.ndarray,
    weight: np.ndarray,
    unit_price: np.ndarray,
    active: np.ndarray,
    plants: dict[tuple[str, str], Kind],
) -> None:
    n_m = len(months)
    t = np.arange(n_m)
    for j, code in enumerate(codes):
        for hub in spec.hubs:
            kind = plants.get((hub, code))
            if kind is None:
                continue
            ban = bans[j]
            start = months.index(ban) if ban is not None and ban in months else war
            after = t >= start + spec.plant_lag
            onward = np.zeros(n_m)
            for i in np.nonzero((route == TO_HUB) & (partner == hub))[0]:
                share = rng.uniform(0.3, 0.6)
                jump = share * level[direct_of[i], j] * season * after
                jump *= np.exp(rng.normal(0.0, spec.noise, n_m))
                value[i, j] += jump
                weight[i, j] += jump / unit_price[j]
                active[i, j] = True
                active[direct_of[i], j] = True
                onward += jump
                if kind != "lost":
                    m = np.nonzero((route == MIRROR) & (reporter == hub) & (partner == reporter[i]))
                    for k in m[0]:
                        value[k, j] += _lagged(jump, spec.report_lag) * spec.cif
                        weight[k, j] += jump / unit_price[j]
                        active[k, j] = True
            if kind in ("reroute", "unsanctioned"):
                sent = spec.pass_through * _lagged(onward, spec.onward_lag)
                for k in np.nonzero((route == ONWARD) & (reporter == hub))[0]:
                    value[k, j] += sent
                    weight[k, j] += sent / unit_price[j]
                    active[k, j] = True


def _lagged(x: np.ndarray, months: int) -> np.ndarray:
    """``x`` shifted ``months`` later along its last axis (the first months repeat the first
    value: a record that lags keeps the level it had)."""
    if months <= 0:
        return x
    out = np.empty_like(x)
    out[..., months:] = x[..., :-months]
    out[..., :months] = x[..., :1]
    return out


def _total_rows(
    pairs: list[tuple[str, str, str, int]], months: list[str], totals: np.ndarray
) -> _Chunk:
    n_m = len(months)
    return {
        "reporter": np.repeat(np.array([p[0] for p in pairs]), n_m),
        "partner": np.repeat(np.array([p[1] for p in pairs]), n_m),
        "flow": np.repeat(np.array([p[2] for p in pairs]), n_m),
        **_calendar(months, len(pairs)),
        "code": np.full(len(pairs) * n_m, "TOTAL"),
        "value": np.round(totals.reshape(-1), 2),
        "weight": np.full(len(pairs) * n_m, np.nan),
    }


def _calendar(months: list[str], repeat: int) -> _Chunk:
    """``period``, ``year`` and ``month`` columns for ``repeat`` runs of ``months``."""
    return {
        "period": np.tile(np.array(months), repeat),
        "year": np.tile(np.array([int(m[:4]) for m in months], dtype=np.int16), repeat),
        "month": np.tile(np.array([int(m[5:7]) for m in months], dtype=np.int8), repeat),
    }


def _country_codes(isos: np.ndarray) -> np.ndarray:
    uniq, inverse = np.unique(isos, return_inverse=True)
    missing = [u for u in uniq if u not in _CODES]
    if missing:
        _CODES.update(_comtrade_codes([str(u) for u in missing]))
    return np.array([_CODES.get(str(u), "") for u in uniq], dtype="U4")[inverse]


_CODES: dict[str, str] = {}


def _comtrade(chunk: _Chunk) -> pa.Table:
    n = len(chunk["value"])
    weight = chunk["weight"]
    is_total = chunk["code"] == "TOTAL"
    wt = pa.array(np.where(np.isnan(weight), 0.0, weight), mask=np.isnan(weight))
    return pa.table(
        {
            "freqCode": pa.array(np.full(n, "M")),
            "refYear": pa.array(chunk["year"].astype("U4")),
            "refMonth": pa.array(chunk["month"].astype("U2")),
            "period": pa.array(np.char.replace(chunk["period"].astype("U7"), "-", "")),
            "reporterCode": pa.array(_country_codes(chunk["reporter"])),
            "reporterISO": pa.array(chunk["reporter"]),
            "flowCode": pa.array(chunk["flow"]),
            "partnerCode": pa.array(_country_codes(chunk["partner"])),
            "partnerISO": pa.array(chunk["partner"]),
            "partner2Code": pa.array(np.full(n, "0")),
            "classificationCode": pa.array(np.full(n, "H5")),
            "cmdCode": pa.array(chunk["code"]),
            "customsCode": pa.array(np.full(n, "C00")),
            "motCode": pa.array(np.full(n, "0")),
            "qtyUnitAbbr": pa.array(np.where(is_total, "N/A", "kg")),
            "qty": wt,
            "netWgt": wt,
            "primaryValue": pa.array(chunk["value"]),
            "isReported": pa.array(np.full(n, "true")),
            "isAggregate": pa.array(np.full(n, "false")),
        }
    )


def _flows(chunk: _Chunk, offset: int) -> pa.Table:
    from roundabout.store.schema import FLOWS_SCHEMA

    n = len(chunk["value"])
    period = chunk["period"].astype("U7")
    code = chunk["code"]
    is_total = code == "TOTAL"
    flow = np.where(chunk["flow"] == "X", "export", "import")
    weight = chunk["weight"]
    wt = pa.array(np.where(np.isnan(weight), 0.0, weight), mask=np.isnan(weight))
    return pa.table(
        {
            "period": pa.array(period),
            "freq": pa.array(np.full(n, "M")),
            "year": pa.array(chunk["year"]),
            "month": pa.array(chunk["month"]),
            "reporter": pa.array(chunk["reporter"]),
            "partner": pa.array(chunk["partner"]),
            "partner2": pa.nulls(n, pa.string()),
            "flow": pa.array(flow),
            "product_code": pa.array(code),
            "product_level": pa.array(np.where(is_total, 0, 6).astype(np.int8)),
            "hs6": pa.array(code, mask=is_total),
            "hs_edition": pa.array(np.full(n, "HS2017"), mask=is_total),
            "value": pa.array(chunk["value"].astype(np.float64)),
            "currency": pa.array(np.full(n, "USD")),
            "valuation": pa.array(np.where(flow == "export", "FOB", "CIF")),
            "quantity": wt,
            "quantity_unit": pa.array(np.full(n, "kg"), mask=is_total),
            "net_weight_kg": wt,
            "source": pa.array(np.full(n, "synth")),
            "file_sha256": pa.array(np.full(n, "synthetic")),
            "source_line": pa.array(np.arange(offset + 2, offset + 2 + n, dtype=np.int64)),
        },
        schema=FLOWS_SCHEMA.to_pyarrow(),
    )
