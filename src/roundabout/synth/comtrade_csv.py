"""Write large Comtrade-format CSV files fast, for the ingest benchmark and load tests.

The rows are realistic in shape (every column of the Comtrade API v1 answer, monthly HS6
exports among ~40 reporters and partners) but carry no planted signal: for panels with
planted re-routing cases see :mod:`roundabout.synth.panel`. Written in chunks with
pyarrow, so memory stays flat whatever ``rows`` is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

#: Comtrade numeric code -> ISO3 for the generated reporters and partners.
COUNTRIES: dict[int, str] = {
    276: "DEU", 251: "FRA", 381: "ITA", 528: "NLD", 56: "BEL", 616: "POL", 203: "CZE",
    40: "AUT", 724: "ESP", 752: "SWE", 842: "USA", 826: "GBR", 392: "JPN", 124: "CAN",
    579: "NOR", 757: "CHE", 410: "KOR", 36: "AUS", 554: "NZL", 156: "CHN", 699: "IND",
    398: "KAZ", 417: "KGZ", 51: "ARM", 268: "GEO", 860: "UZB", 792: "TUR", 784: "ARE",
    643: "RUS", 112: "BLR", 0: "W00",
}  # fmt: skip
HEADER = [
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode",
    "reporterISO", "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO",
    "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc", "classificationCode",
    "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode",
    "customsDesc", "mosCode", "motCode", "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty",
    "isQtyEstimated", "altQtyUnitCode", "altQtyUnitAbbr", "altQty", "isAltQtyEstimated",
    "netWgt", "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated", "cifvalue", "fobvalue",
    "primaryValue", "legacyEstimationFlag", "isReported", "isAggregate",
]  # fmt: skip


def _chunk(rng: np.random.Generator, n: int, hs6: np.ndarray) -> pa.Table:
    codes = np.array([c for c in COUNTRIES if c != 0])
    iso = np.array([COUNTRIES[c] for c in codes])
    rep_i = rng.integers(0, len(codes), n)
    par_i = (rep_i + rng.integers(1, len(codes), n)) % len(codes)
    year = rng.integers(2019, 2024, n)
    month = rng.integers(1, 13, n)
    period = year * 100 + month
    cmd = hs6[rng.integers(0, len(hs6), n)]
    flow_x = rng.random(n) < 0.5
    value = np.round(rng.lognormal(10, 2.5, n), 2)
    qty = np.round(value / rng.lognormal(3, 1, n), 3)
    per_s = period.astype(str)

    def const(v: str) -> pa.Array:
        return pa.array(np.full(n, v))

    cols = {
        "typeCode": const("C"),
        "freqCode": const("M"),
        "refPeriodId": pa.array(np.char.add(per_s, "01")),
        "refYear": pa.array(year),
        "refMonth": pa.array(month),
        "period": pa.array(per_s),
        "reporterCode": pa.array(codes[rep_i]),
        "reporterISO": pa.array(iso[rep_i]),
        "reporterDesc": pa.array(iso[rep_i]),
        "flowCode": pa.array(np.where(flow_x, "X", "M")),
        "flowDesc": pa.array(np.where(flow_x, "Export", "Import")),
        "partnerCode": pa.array(codes[par_i]),
        "partnerISO": pa.array(iso[par_i]),
        "partnerDesc": pa.array(iso[par_i]),
        "partner2Code": pa.array(np.zeros(n, dtype=np.int64)),
        "partner2ISO": const("W00"),
        "partner2Desc": const("World"),
        "classificationCode": const("H6"),
        "isOriginalClassification": const("True"),
        "cmdCode": pa.array(cmd),
        "cmdDesc": const("Goods"),
        "aggrLevel": pa.array(np.full(n, 6)),
        "isLeaf": const("True"),
        "customsCode": const("C00"),
        "customsDesc": const("TOTAL CPC"),
        "mosCode": pa.array(np.zeros(n, dtype=np.int64)),
        "motCode": pa.array(np.zeros(n, dtype=np.int64)),
        "motDesc": const("TOTAL MOT"),
        "qtyUnitCode": pa.array(np.full(n, 8)),
        "qtyUnitAbbr": const("kg"),
        "qty": pa.array(qty),
        "isQtyEstimated": const("False"),
        "altQtyUnitCode": pa.array(np.full(n, -1)),
        "altQtyUnitAbbr": const("N/A"),
        "altQty": pa.array(np.zeros(n)),
        "isAltQtyEstimated": const("False"),
        "netWgt": pa.array(qty),
        "isNetWgtEstimated": const("False"),
        "grossWgt": pa.array(np.zeros(n)),
        "isGrossWgtEstimated": const("False"),
        "cifvalue": pa.array(np.where(flow_x, np.nan, value), from_pandas=True),
        "fobvalue": pa.array(np.where(flow_x, value, np.nan), from_pandas=True),
        "primaryValue": pa.array(value),
        "legacyEstimationFlag": pa.array(np.zeros(n, dtype=np.int64)),
        "isReported": const("True"),
        "isAggregate": const("False"),
    }
    return pa.table([cols[h] for h in HEADER], names=HEADER)


def write_comtrade_csv(path: Path, *, rows: int, seed: int = 0, chunk: int = 500_000) -> Path:
    """Write ``rows`` monthly HS6 rows in Comtrade API v1 CSV format to ``path``."""
    rng = np.random.default_rng(seed)
    hs6 = np.array([f"{i:06d}" for i in rng.integers(10_100, 970_000, 5_000)])
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    options = pacsv.WriteOptions(quoting_style="needed")
    with pacsv.CSVWriter(path, _chunk(rng, 1, hs6).schema, write_options=options) as writer:
        while written < rows:
            n = min(chunk, rows - written)
            writer.write_table(_chunk(rng, n, hs6))
            written += n
    return path
