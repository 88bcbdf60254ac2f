"""A screening run: parties against list snapshots, compared with earlier runs and decisions.

Each reported hit gets a ``status``:

* ``new``: this party was never hit by this list entry before;
* ``seen``: reported before, and the list entry is unchanged;
* ``changed``: reported before, but the list entry changed since (re-alerts even if dismissed);
* ``dismissed``: a reviewer marked it a false positive and the entry has not changed since;
* ``confirmed``: a reviewer marked it a true match.

With ``new_only`` only ``new`` and ``changed`` hits are returned: re-screening after a list
update shows what is new. Dismissed hits are hidden unless ``show_dismissed``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from roundabout.lists.limits import sha256_file
from roundabout.matching.matcher import DEFAULT_THRESHOLD, Screener
from roundabout.matching.model import Hit, Party
from roundabout.screening import audit, schema
from roundabout.screening.decisions import latest_decisions
from roundabout.screening.lists_in_use import Notify, resolve_lists, screener_for
from roundabout.screening.parties import read_parties
from roundabout.store import Store


@dataclass(frozen=True, slots=True)
class PartyResult:
    party: Party
    hits: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.party.id,
            "name": self.party.name,
            "matched": any(h.match for h in self.hits),
            "hits": [h.to_dict() for h in self.hits],
        }


@dataclass(frozen=True, slots=True)
class ScreeningRun:
    run_id: str
    file: str
    threshold: float
    snapshots: tuple[str, ...]
    results: tuple[PartyResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "file": self.file,
            "threshold": self.threshold,
            "snapshots": list(self.snapshots),
            "results": [r.to_dict() for r in self.results],
        }


def screen_parties(
    store: Store,
    path: Path,
    lists: Sequence[str] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    new_only: bool = False,
    show_dismissed: bool = False,
    matches_only: bool = False,
    actor: str = "cli",
    notify: Notify | None = None,
) -> ScreeningRun:
    """Screen the parties of ``path``; record the run and its hits in the store."""
    if not 0.0 <= threshold <= 1.0:
        from roundabout.errors import RoundaboutError

        raise RoundaboutError(f"--threshold must be between 0 and 1, not {threshold}")
    parties = read_parties(path)  # bad input fails here, before any write
    schema.ensure(store.raw)
    sids = resolve_lists(store, lists, notify)
    screener = screener_for(store, sids)
    return screen_loaded(
        store,
        screener,
        parties,
        file=str(path),
        file_sha256=sha256_file(path),
        threshold=threshold,
        new_only=new_only,
        show_dismissed=show_dismissed,
        matches_only=matches_only,
        actor=actor,
    )


def screen_loaded(
    store: Store,
    screener: Screener,
    parties: Sequence[Party],
    *,
    file: str,
    file_sha256: str,
    threshold: float,
    new_only: bool = False,
    show_dismissed: bool = False,
    matches_only: bool = False,
    actor: str = "cli",
) -> ScreeningRun:
    schema.ensure(store.raw)
    previous = _previous(store)
    decisions = latest_decisions(store)
    run_id = uuid.uuid4().hex[:16]
    now = datetime.now(UTC)
    results: list[PartyResult] = []
    rows: list[tuple[Any, ...]] = []
    for party in parties:
        shown: list[Hit] = []
        for hit in screener.screen(party, threshold):
            status = _status(party, hit, previous, decisions)
            hit = replace(hit, status=status)
            rows.append(
                (
                    run_id,
                    now,
                    party.id,
                    party.content_hash(),
                    hit.entity_id,
                    hit.entity_hash,
                    hit.snapshot_id,
                    hit.score,
                    hit.match,
                    status,
                )
            )
            if status == "dismissed" and not show_dismissed:
                continue
            if new_only and status not in ("new", "changed"):
                continue
            if matches_only and not hit.match:
                continue
            shown.append(hit)
        results.append(PartyResult(party, tuple(shown)))
    names = [
        "run_id",
        "screened_at",
        "party_id",
        "party_hash",
        "entity_id",
        "entity_hash",
        "snapshot_id",
        "score",
        "is_match",
        "status",
    ]
    table = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)}) if rows else None
    with store.transaction():
        if table is not None:
            store.append("screening_results", table)
        audit.record(
            store,
            "screening_run",
            actor,
            {
                "run_id": run_id,
                "file": file,
                "file_sha256": file_sha256,
                "threshold": threshold,
                "snapshots": screener.snapshot_ids,
                "parties": len(parties),
                "hits": len(rows),
                "matches": sum(1 for r in rows if r[8]),
                "new": sum(1 for r in rows if r[9] in ("new", "changed")),
            },
        )
    return ScreeningRun(run_id, file, threshold, tuple(screener.snapshot_ids), tuple(results))


def _previous(store: Store) -> dict[tuple[str, str], set[str]]:
    rows = store.raw.execute(
        "SELECT DISTINCT party_id, entity_id, entity_hash FROM screening_results"
    ).fetchall()
    out: dict[tuple[str, str], set[str]] = {}
    for p, e, h in rows:
        out.setdefault((p, e), set()).add(h)
    return out


def _status(
    party: Party,
    hit: Hit,
    previous: dict[tuple[str, str], set[str]],
    decisions: dict[tuple[str, str], Any],
) -> str:
    key = (party.id, hit.entity_id)
    d = decisions.get(key)
    if d is not None and d.entity_hash == hit.entity_hash:
        return "dismissed" if d.decision == "false_positive" else "confirmed"
    seen = previous.get(key)
    if not seen:
        return "new"
    return "seen" if hit.entity_hash in seen else "changed"
