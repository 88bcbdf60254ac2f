"""What a store holds: files loaded, rows by source, periods and currencies covered."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from roundabout.store.store import Store


@dataclass(frozen=True)
class SourceSummary:
    source: str
    currency: str
    rows: int
    reporters: int
    partners: int
    first_period: str
    last_period: str


@dataclass(frozen=True)
class StoreSummary:
    path: str
    files: int
    rows_loaded: int
    rows_rejected: int
    codes_padded: int
    sources: list[SourceSummary]
    quarantine_reasons: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(store: Store) -> StoreSummary:
    """Counts from the manifest, the flows and the quarantine."""
    m = store.table("manifest")
    totals = (
        m.aggregate(
            files=m.count(),
            loaded=m.rows_loaded.sum(),
            rejected=m.rows_rejected.sum(),
            padded=m.codes_padded.sum(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    f = store.flows()
    by_source = (
        f.group_by(["source", "currency"])
        .aggregate(
            rows=f.count(),
            reporters=f.reporter.nunique(),
            partners=f.partner.nunique(),
            first_period=f.period.min(),
            last_period=f.period.max(),
        )
        .order_by(["source", "currency"])
        .to_pyarrow()
        .to_pylist()
    )
    q = store.table("quarantine")
    reasons = q.group_by("reason").aggregate(n=q.count()).order_by("reason").to_pyarrow()
    return StoreSummary(
        path=str(store.path),
        files=int(totals["files"] or 0),
        rows_loaded=int(totals["loaded"] or 0),
        rows_rejected=int(totals["rejected"] or 0),
        codes_padded=int(totals["padded"] or 0),
        sources=[SourceSummary(**r) for r in by_source],
        quarantine_reasons={r["reason"]: int(r["n"]) for r in reasons.to_pylist()},
    )
