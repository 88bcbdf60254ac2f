"""One sentence per finding, for a person: what rose, where it went, since when."""

from __future__ import annotations

from dataclasses import dataclass


def amount(x: float, currency: str) -> str:
    """``EUR 4.2m``, ``USD 830k``, ``EUR 120``."""
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= 1e9:
        return f"{sign}{currency} {a / 1e9:.1f}bn"
    if a >= 1e6:
        return f"{sign}{currency} {a / 1e6:.1f}m"
    if a >= 1e3:
        return f"{sign}{currency} {a / 1e3:.0f}k"
    return f"{sign}{currency} {a:.0f}"


@dataclass(frozen=True)
class Facts:
    hub: str
    product: str
    description: str | None
    target: str
    currency: str
    window: str
    sanctioned: bool
    sanctioned_from: str | None
    excess_in: float
    expected_in: float
    window_in: float
    excess_out: float | None
    lost: float | None
    months_above: int
    months: int
    ban: str | None = None  # "banned above EUR 50,000 per unit from 2022-04"
    covered: bool = True  # the hub's own data hold the product in both periods
    onward_data: bool = False  # the hub reports exports by product to the target at all


def sentence(f: Facts) -> str:
    """E.g. "Exports of 854231 (processors) from the sanctioning countries to ARM were EUR
    4.2m above expected in 2022-03:2022-11 (9 of 9 months above), and ARM's own exports of it
    to RUS were EUR 3.9m above expected; banned from 2022-04."."""
    c = f.currency
    what = f.product + (f" ({_short(f.description)})" if f.description else "")
    times = (
        f", {f.window_in / f.expected_in:.1f} times the expected level"
        if f.expected_in > 0 and f.window_in > 2 * f.expected_in
        else (", a new flow" if f.expected_in <= 0 < f.window_in else "")
    )
    head = (
        f"Exports of {what} from the sanctioning countries to {f.hub} were "
        f"{amount(f.excess_in, c)} {'above' if f.excess_in >= 0 else 'against'} expected in "
        f"{f.window} ({f.months_above} of {f.months} months above{times})"
    )
    lost = f.lost is not None and f.lost > 0
    lost_text = f"{amount(f.lost or 0.0, c)} of it never appears in {f.hub}'s import records"
    if f.excess_out is None:
        tail = (
            f"; {f.hub}'s own data hold no {f.product} in both periods, so its onward flow is "
            "unknown"
            if f.onward_data and not f.covered
            else f"; {f.hub}'s exports to {f.target} by product are not in the data"
        )
        if lost:
            tail += f", and {lost_text}"
    elif f.excess_out > 0:
        tail = (
            f", and {f.hub}'s own exports of it to {f.target} were "
            f"{amount(f.excess_out, c)} above expected"
        )
        if lost:
            tail += f"; {lost_text}"
    elif lost:
        tail = f"; {f.hub}'s exports of it to {f.target} did not rise, but {lost_text}"
    else:
        tail = (
            f", but {f.hub}'s exports of it to {f.target} did not rise "
            f"({amount(f.excess_out, c)} against expected), as for local demand"
        )
    status = (
        (f.ban or f"banned from {f.sanctioned_from}")
        if f.sanctioned and f.sanctioned_from
        else "the product is not on the goods list, so this is no evidence of evasion"
    )
    return f"{head}{tail}; {status}."


def _short(text: str, limit: int = 60) -> str:
    t = " ".join(text.split())
    return t if len(t) <= limit else t[: limit - 1].rstrip(" ,;") + "…"
