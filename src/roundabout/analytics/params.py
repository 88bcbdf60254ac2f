"""What an analyst asks of ``roundabout leaks``: target, hubs, origins, goods, periods.

:class:`LeakParams` is the question as given (``None`` means "the default, adapted to the
data"); :mod:`roundabout.analytics.resolve` turns it into a concrete :class:`~roundabout.
analytics.resolve.Plan` by looking at what the flows actually hold.

The defaults follow Chupilkin, Javorcik & Plekhanov, "The Eurasian Roundabout" (EBRD WP 276,
2023): the target is Russia, the hubs are the countries through which trade was re-routed
(Armenia, Kazakhstan, the Kyrgyz Republic, the "CCA3" of WP 276, plus Georgia, Uzbekistan,
Turkey and the UAE), the origins are the sanctioning countries, and the goods are the EU's
sanctioned HS6 codes with the date each ban took effect.

Periods are month spans ``YYYY-MM:YYYY-MM`` (:class:`Span`). WP 276 compares a window after
the sanctions with the same months one year earlier (March-August 2022 against March-August
2021), which removes seasonality without a seasonal model; that is the default baseline here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from roundabout.errors import RoundaboutError

DEFAULT_TARGET: Final = "RUS"
DEFAULT_HUBS: Final = ("ARM", "KAZ", "KGZ", "GEO", "UZB", "TUR", "ARE")
DEFAULT_GOODS: Final = "eu_hs6"

#: The 27 EU member states (ISO 3166 alpha-3).
EU_MEMBERS: Final = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE",
)  # fmt: skip

#: The sanctioning countries: EU members and the EU aggregate, then the other coalition members.
SANCTIONING: Final = (
    *EU_MEMBERS,
    "EU27_2020",
    "GBR", "USA", "JPN", "CAN", "NOR", "CHE", "AUS", "KOR", "NZL",
)  # fmt: skip

#: Destinations never used as DiD controls: the target's neighbours under similar sanctions
#: and every default hub (a hub the user left out is still suspect, not a clean control).
NOT_CONTROLS: Final = frozenset({"RUS", "BLR", "IRN", "PRK", "SYR", *DEFAULT_HUBS})

#: When a goods list has no dates (``chp``, ``eu_cn8``): the first EU package of 2022
#: (Council Regulation 2022/328, in force 25 February 2022).
DEFAULT_SANCTION_DATE: Final = date(2022, 2, 25)

#: The counterfactuals of ``--counterfactual``: the default first.
COUNTERFACTUALS: Final = ("pooled", "route")

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def month_index(month: str) -> int:
    """``"2022-03"`` -> a running month number (year * 12 + month - 1)."""
    m = _MONTH.match(month)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise RoundaboutError(f"{month!r} is not a month (expected YYYY-MM, e.g. 2022-03)")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_name(index: int) -> str:
    """The inverse of :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(month: str, n: int) -> str:
    return month_name(month_index(month) + n)


def first_full_month(on: date) -> str:
    """The first month wholly under a measure that took effect on ``on``.

    A ban in force from 25 February 2022 first covers a whole month in March 2022; one in
    force from 1 April covers April itself.
    """
    month = f"{on.year:04d}-{on.month:02d}"
    return month if on.day == 1 else add_months(month, 1)


@dataclass(frozen=True, slots=True)
class Span:
    """A closed span of months, ``start`` to ``end`` inclusive, both ``YYYY-MM``."""

    start: str
    end: str

    def __post_init__(self) -> None:
        if month_index(self.end) < month_index(self.start):
            raise RoundaboutError(f"span {self}: the end comes before the start")

    @classmethod
    def parse(cls, text: str, what: str = "span") -> Span:
        """``"2022-03:2022-11"`` (or a single month ``"2022-03"``)."""
        parts = text.strip().split(":")
        if len(parts) == 1:
            parts = [parts[0], parts[0]]
        if len(parts) != 2:
            raise RoundaboutError(f"{what} {text!r}: expected YYYY-MM:YYYY-MM")
        try:
            return cls(parts[0].strip(), parts[1].strip())
        except RoundaboutError as exc:
            raise RoundaboutError(f"{what} {text!r}: {exc}") from None

    def months(self) -> list[str]:
        return [month_name(i) for i in range(month_index(self.start), month_index(self.end) + 1)]

    def __len__(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1

    def shift(self, months: int) -> Span:
        return Span(add_months(self.start, months), add_months(self.end, months))

    def overlaps(self, other: Span) -> bool:
        return not (self.end < other.start or other.end < self.start)

    def within(self, other: Span) -> bool:
        return other.start <= self.start and self.end <= other.end

    def __str__(self) -> str:
        return f"{self.start}:{self.end}"


@dataclass(frozen=True)
class LeakParams:
    """The question. ``None`` fields take defaults adapted to the data (see the module doc).

    ``hubs`` and ``origins`` given explicitly must all be in the data (else an error says what
    is there); the defaults quietly drop countries the data do not hold (a note says which).
    ``goods`` is a bundled list name (``eu_hs6``, ``eu_cn8``, ``chp``) or a CSV file path
    (see :func:`roundabout.reference.goods_lists.from_csv`).
    ``cif_fob_margin`` is the usual excess of CIF import values over FOB export values
    (freight and insurance); mirror comparisons divide imports by ``1 + margin``.
    ``did`` turns the pyfixest estimation on or off; ``did_max_rows`` caps its panel (the
    panel is collapsed over origins, then products are sampled, beyond it).
    ``top`` is how many findings to return (and unlisted surges).
    ``counterfactual`` is ``pooled`` (the default: other goods' growth summed over the origins
    per hub, see :func:`roundabout.analytics.excess.other_goods`) or ``route`` (per origin and
    hub, the earlier method). ``bootstrap`` is the number of resamples of products behind
    ``summary.offset_share_ci`` (0: none), drawn with ``seed``. ``min_drop`` is the smallest
    direct drop (in the analysis currency) for which a product's substitution ratio is given.
    ``placebo`` runs the whole analysis again with every ban and both periods a year earlier.
    """

    target: str = DEFAULT_TARGET
    hubs: tuple[str, ...] | None = None
    origins: tuple[str, ...] | None = None
    goods: str = DEFAULT_GOODS
    baseline: Span | None = None
    window: Span | None = None
    controls: tuple[str, ...] | None = None
    cif_fob_margin: float = 0.05
    did: bool = True
    did_max_rows: int = 250_000
    top: int = 25
    counterfactual: str = "pooled"
    bootstrap: int = 1000
    seed: int = 0
    min_drop: float = 1_000_000.0
    placebo: bool = True

    def __post_init__(self) -> None:
        if self.counterfactual not in COUNTERFACTUALS:
            raise RoundaboutError(
                f"counterfactual {self.counterfactual!r}: give one of {', '.join(COUNTERFACTUALS)}"
            )
        if self.bootstrap < 0:
            raise RoundaboutError(f"bootstrap must be 0 or more resamples (got {self.bootstrap})")
        if self.min_drop < 0:
            raise RoundaboutError(f"min_drop must be 0 or more (got {self.min_drop})")
        if self.top < 1:
            raise RoundaboutError(f"top must be at least 1 (got {self.top})")
        if not 0 <= self.cif_fob_margin < 1:
            raise RoundaboutError(f"cif_fob_margin must be in [0, 1) (got {self.cif_fob_margin})")
        if self.hubs is not None and not self.hubs:
            raise RoundaboutError("hubs: the list is empty")
        if self.origins is not None and not self.origins:
            raise RoundaboutError("origins: the list is empty")
        if self.hubs is not None and self.target in self.hubs:
            raise RoundaboutError(f"{self.target} is the target; it cannot also be a hub")


def parse_codes(text: str | None, default: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    """``"ARM,KAZ"`` -> ``("ARM", "KAZ")``; items starting with ``+`` extend ``default``.

    ``"+CHN,+IND"`` means "the default hubs plus China and India".
    """
    if text is None or not text.strip():
        return None
    items = [i.strip().upper() for i in text.split(",") if i.strip()]
    extend = [i[1:] for i in items if i.startswith("+")]
    plain = [i for i in items if not i.startswith("+")]
    base = list(default or ()) if extend and not plain else plain
    out: list[str] = []
    for code in [*base, *extend]:
        if code not in out:
            out.append(code)
    return tuple(out)
