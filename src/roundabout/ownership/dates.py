"""The day ownership statuses hold for, and whether a day's links differ from another's.

A link is in force on day ``D`` when its start (an ISO date prefix, as written) is not after
``D`` and its end is not before it; the statuses computed for one day hold for another as
long as no link starts or ends in between. :func:`today` is the one place that asks the
clock (the load and the screening both use it, a test can set it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def today() -> date:
    """The day statuses are computed for when none is given."""
    return date.today()


def links_change(as_of: str, day: str, starts: Iterable[str], ends: Iterable[str]) -> bool:
    """Whether a link with one of ``starts`` / ``ends`` is in force on one of ``as_of`` and
    ``day`` (ISO dates) and not on the other."""
    lo, hi = sorted((as_of[:10], day[:10]))
    if any(lo <= e[:10] < hi for e in ends):  # in force on lo, ended by hi
        return True
    return any(lo < s[:10] <= hi for s in starts)  # started after lo, by hi
