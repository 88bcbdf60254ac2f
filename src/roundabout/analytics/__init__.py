"""Leak analytics: which sanctioned products reach the target through which hubs, how much.

The method follows Chupilkin, Javorcik & Plekhanov, "The Eurasian Roundabout: Trade Flows
into Russia through the Caucasus and Central Asia" (EBRD WP 276, 2023; CEPR DP20097, 2025):
monthly HS6 flows, sanctioned versus other goods, after versus before, and goods "lost in
transit". Every measure is an Ibis expression over the canonical ``flows`` table, so the
same code runs on DuckDB and on Spark.

    >>> from roundabout.analytics import LeakParams, Span, find_leaks
    >>> result = find_leaks(store.flows(), LeakParams(hubs=("ARM", "KAZ", "KGZ")))
    >>> result.summary.group.offset_share
    >>> result.to_dict()            # what ``roundabout leaks --json`` prints
"""

from roundabout.analytics.params import LeakParams, Span
from roundabout.analytics.result import Finding, LeakResult, Unavailable
from roundabout.analytics.run import find_leaks

__all__ = ["Finding", "LeakParams", "LeakResult", "Span", "Unavailable", "find_leaks"]
