"""A screening run: parties against list snapshots, compared with earlier runs and decisions.

Each reported hit gets a ``status``:

* ``new``: this party was never hit by this list entry before;
* ``seen``: reported before, and the list entry is unchanged;
* ``changed``: reported before, but the list entry changed since (re-alerts even if dismissed);
* ``dismissed``: a reviewer marked it a false positive and the entry has not changed since;
* ``confirmed``: a reviewer marked it a true match.

Statuses and decisions are per party *record* (id plus the content screened, see
:meth:`~roundabout.matching.model.Party.content_hash`): the same id with other content starts
afresh, and a decision on one record never quiets another.

With ``new_only`` only ``new`` and ``changed`` hits are listed: re-screening after a list
update shows what is new. Dismissed hits are hidden unless ``show_dismissed``. Filters only
hide hits from the listing: a party's ``matched`` is always computed from all its current
matches (at or above the threshold) that a reviewer has not dismissed for this exact record
and entry version, and the hits a reviewer confirmed as true matches for them (even if they now
score below the threshold), so a listed party is never shown as not matched because its hit
was reported before.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from roundabout.errors import RoundaboutError
from roundabout.lists.limits import sha256_file
from roundabout.matching.matcher import DEFAULT_THRESHOLD, REPORT_FLOOR, Screener
from roundabout.matching.model import Hit, Party
from roundabout.screening.decisions import DecisionRecord, latest_decisions
from roundabout.screening.lists_in_use import Notify, resolve_lists, screener_for
from roundabout.screening.parties import read_parties
from roundabout.store import Store, audit
from roundabout.store.screening_runs import previous_hits


@dataclass(frozen=True, slots=True)
class PartyResult:
    party: Party
    hits: tuple[Hit, ...]  # the hits listed (after --new-only, --matches-only, dismissals)
    matched: bool = False  # any current, not dismissed match, listed or not
    hidden: int = 0  # hits not listed (reported before, dismissed or below the threshold)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.party.id,
            "name": self.party.name,
            "record": self.party.content_hash(),
            "matched": self.matched,
            "hits": [h.to_dict() for h in self.hits],
            "hidden_hits": self.hidden,
        }
        if self.party.warnings:
            out["warnings"] = list(self.party.warnings)
        return out


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


#: Party files at least this long read the whole stored index into memory first
#: (:func:`roundabout.screening.stored_index.materialize`).
MATERIALIZE_MIN = 2_000


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
    rule: str = "us",
) -> ScreeningRun:
    """Screen the parties of ``path``; record the run and its hits in the store."""
    check_threshold(threshold)
    parties = read_parties(path)  # bad input fails here, before any write
    sids = resolve_lists(store, lists, notify)
    screener = screener_for(store, sids, notify, rule=rule)
    if len(parties) >= MATERIALIZE_MIN:
        from roundabout.screening.stored_index import materialize

        materialize(screener)
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
    """Screen loaded parties; record the run (its hits and an audit event) in the store."""
    run_id = uuid.uuid4().hex[:16]
    assessed = assess(store, screener, parties, threshold)
    results: list[PartyResult] = []
    for party, hits in assessed:
        shown: list[Hit] = []
        for hit in hits:
            if hit.status == "dismissed" and not show_dismissed:
                continue
            if new_only and hit.status not in ("new", "changed"):
                continue
            if matches_only and not hit.match:
                continue
            shown.append(hit)
        matched = any(_counts_as_match(h) for h in hits)
        results.append(PartyResult(party, tuple(shown), matched, len(hits) - len(shown)))
    record_run(
        store,
        run_id,
        assessed,
        "screening_run",
        actor,
        {
            "file": file,
            "file_sha256": file_sha256,
            "threshold": threshold,
            "snapshots": screener.snapshot_ids,
            "parties": len(parties),
        },
    )
    return ScreeningRun(run_id, file, threshold, tuple(screener.snapshot_ids), tuple(results))


Assessed = list[tuple[Party, list[Hit]]]


def _counts_as_match(hit: Hit) -> bool:
    """A match not dismissed for this record and entry version, or a hit a reviewer confirmed
    as a true match for them (whatever its score at this threshold)."""
    return hit.status == "confirmed" or (hit.match and hit.status != "dismissed")


def assess(
    store: Store, screener: Screener, parties: Sequence[Party], threshold: float
) -> Assessed:
    """Every hit of every party, each with its status against earlier runs and decisions."""
    check_threshold(threshold)
    previous = previous_hits(store)
    decisions = latest_decisions(store)
    out: Assessed = []
    for party in parties:
        ph = party.content_hash()
        hits = [
            replace(hit, status=_status(party.id, ph, hit, previous, decisions))
            for hit in screener.screen(party, threshold)
        ]
        out.append((party, hits))
    return out


def record_run(
    store: Store,
    run_id: str,
    assessed: Assessed,
    event: str,
    actor: str,
    detail: dict[str, Any],
    also: Callable[[], None] | None = None,
) -> None:
    """Append the hits of a run to ``screening_results`` (they feed the alert queue) and its
    audit event, together or not at all; ``also`` writes more of the run in the same
    transaction (a shipment run's declarations)."""
    now = datetime.now(UTC)
    cols: dict[str, list[Any]] = {n: [] for n in _RESULT_COLUMNS}
    for party, hits in assessed:
        ph = party.content_hash()
        rec = json.dumps(party.to_record(), ensure_ascii=False)
        for hit in hits:
            row = (
                run_id,
                now,
                party.id,
                ph,
                hit.entity_id,
                hit.entity_hash,
                hit.snapshot_id,
                hit.score,
                hit.match,
                hit.status,
                rec,
            )
            for name, value in zip(_RESULT_COLUMNS, row, strict=True):
                cols[name].append(value)
    statuses = cols["status"]
    with store.transaction():
        if statuses:
            store.insert("screening_results", cols)
        if also is not None:
            also()
        audit.record(
            store,
            event,
            actor,
            {
                "run_id": run_id,
                **detail,
                "hits": len(statuses),
                "matches": sum(1 for m in cols["is_match"] if m),
                "new": sum(1 for x in statuses if x in ("new", "changed")),
            },
        )


_RESULT_COLUMNS = (
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
    "party_record",
)


def check_threshold(threshold: float) -> None:
    """Thresholds below :data:`REPORT_FLOOR` are refused: hits under it are never reported, so
    a party scoring between the two would be called a match and listed as clear."""
    if not REPORT_FLOOR <= threshold <= 1.0:
        raise RoundaboutError(
            f"--threshold must be between {REPORT_FLOOR} and 1 (hits below {REPORT_FLOOR} are "
            f"not reported), not {threshold}"
        )


def _status(
    party_id: str,
    party_hash: str,
    hit: Hit,
    previous: dict[tuple[str, str, str], set[str]],
    decisions: dict[tuple[str, str, str], DecisionRecord],
) -> str:
    key = (party_id, party_hash, hit.entity_id)
    d = decisions.get(key)
    if d is not None and d.entity_hash == hit.entity_hash:
        return "dismissed" if d.decision == "false_positive" else "confirmed"
    seen = previous.get(key)
    if not seen:
        return "new"
    return "seen" if hit.entity_hash in seen else "changed"
