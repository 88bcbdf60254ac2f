"""The Python API behind ``import roundabout``: three calls, plain Python and pandas out.

    >>> import roundabout
    >>> found = roundabout.leaks(db="out/demo.duckdb", hubs=["ARM", "KAZ", "KGZ"],
    ...                          window="2022-03:2022-08", baseline="2021-03:2021-08", did=False)
    >>> found.summary["offset_share"]          # the headline figures, as ``leaks --json``
    >>> found.findings.head()                  # one row per (hub, product), best first
    >>> hits = roundabout.screen_parties("examples/screening/parties.csv")
    >>> hits.hits                              # one row per (party, list entry) hit

Each call is a thin layer over the packages that do the work (:mod:`roundabout.analytics`,
:mod:`roundabout.screening`, :mod:`roundabout.store`), with the same defaults and the same
one-line :class:`~roundabout.errors.RoundaboutError` on bad input as the CLI.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roundabout.errors import RoundaboutError
from roundabout.settings import resolve_db_path
from roundabout.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from roundabout.analytics import LeakResult, Span
    from roundabout.screening.run import ScreeningRun

PathLike = str | os.PathLike[str]


def open_store(path: PathLike | None = None, *, read_only: bool = False) -> Store:
    """The store at ``path`` (``str`` or ``Path``; default ``$ROUNDABOUT_DB``, else
    ``./roundabout.duckdb``). Use it as a context manager: ``with open_store(p) as s: ...``.
    A read-only store must exist; a writable one is created with its tables when missing."""
    return Store(resolve_db_path(None if path is None else Path(path)), read_only=read_only)


@dataclass(frozen=True)
class Leaks:
    """What :func:`leaks` found: ``summary`` (a dict, as ``roundabout leaks --json`` prints
    it), ``findings`` (a pandas DataFrame, one row per (hub, product), best first),
    ``measures`` (each measure's detail or why it is unavailable), ``notes``, and ``result``,
    the typed :class:`~roundabout.analytics.LeakResult`."""

    summary: dict[str, Any]
    findings: pd.DataFrame
    measures: dict[str, Any]
    notes: list[str]
    result: LeakResult

    def to_dict(self) -> dict[str, Any]:
        """The same document as ``roundabout leaks --json``."""
        return self.result.to_dict()


def leaks(
    db: PathLike | Store | None = None,
    *,
    hubs: Sequence[str] | str | None = None,
    window: str | Span | None = None,
    baseline: str | Span | None = None,
    did: bool = True,
    target: str = "RUS",
    origins: Sequence[str] | str | None = None,
    goods: str = "eu_hs6",
    top: int = 25,
) -> Leaks:
    """Run the leak analysis on a store, as ``roundabout leaks`` does.

    ``db`` is a store path or an open :class:`~roundabout.store.Store`. ``hubs`` and
    ``origins`` are ISO3 codes (a list, or ``"ARM,KAZ"``; ``"+CHN"`` adds to the default
    hubs); ``window`` and ``baseline`` are ``"YYYY-MM:YYYY-MM"`` (default: from the first
    sanction month, and the same months a year earlier). ``did=False`` skips the pyfixest
    estimation (seconds instead of tens of seconds on large stores).
    """
    from roundabout.analytics import LeakParams, find_leaks
    from roundabout.analytics.params import DEFAULT_HUBS

    params = LeakParams(
        target=target.strip().upper(),
        hubs=_codes(hubs, "hubs", DEFAULT_HUBS),
        origins=_codes(origins, "origins"),
        goods=goods,
        baseline=_span(baseline, "baseline"),
        window=_span(window, "window"),
        did=did,
        top=top,
    )
    with _store(db) as store:
        result = find_leaks(store.flows(), params)
    doc = result.to_dict()
    return Leaks(
        summary=doc["summary"],
        findings=_frame(doc["findings"], _finding_columns()),
        measures=doc["measures"],
        notes=doc["notes"],
        result=result,
    )


@dataclass(frozen=True)
class Screening:
    """What :func:`screen_parties` found: ``hits`` (a pandas DataFrame, one row per (party,
    list entry) hit: ``party_id, party_name, entity_id, name, matched_name, schema, score,
    match, status, explanation, programs, snapshot_id``), ``parties`` (one row per party with
    ``matched`` and ``hits``), and ``run``, the recorded
    :class:`~roundabout.screening.run.ScreeningRun`."""

    hits: pd.DataFrame
    parties: pd.DataFrame
    run: ScreeningRun

    def to_dict(self) -> dict[str, Any]:
        """The same document as ``roundabout screen parties --json``."""
        return self.run.to_dict()


HIT_COLUMNS = (
    "party_id", "party_name", "entity_id", "name", "matched_name", "schema", "score", "match",
    "status", "explanation", "programs", "snapshot_id",
)  # fmt: skip


def screen_parties(
    parties: PathLike | pd.DataFrame | Sequence[Mapping[str, Any]],
    lists: Sequence[PathLike] = (),
    *,
    db: PathLike | Store | None = None,
    threshold: float | None = None,
    matches_only: bool = False,
    new_only: bool = False,
) -> Screening:
    """Screen parties against sanctions lists, as ``roundabout screen parties`` does.

    ``parties`` is a CSV/Parquet file, a pandas DataFrame or a list of dicts, with the columns
    of a party file (``id``, ``name``, optional ``country``, identifiers, ``birth_date``,
    ``schema``). ``lists`` are list files (loaded as snapshots) or snapshot ids/sources in
    the store; none means the newest snapshot of each source (the bundled OFAC SDN and UN
    lists on an empty store). Without ``db`` everything happens in a store in memory; with a
    store, the run is recorded there and hits are marked new/seen/changed/dismissed.
    """
    from roundabout.matching.model import DEFAULT_THRESHOLD
    from roundabout.screening.run import screen_parties as run_screen

    with _party_file(parties) as path, _store(db, in_memory=True) as store:
        run = run_screen(
            store,
            path,
            [str(x) for x in lists],
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            matches_only=matches_only,
            new_only=new_only,
            actor="python",
        )
    rows: list[dict[str, Any]] = []
    for r in run.results:
        for h in r.hits:
            d = h.to_dict()
            rows.append({"party_id": r.party.id, "party_name": r.party.name, **d})
    summary = [
        {"id": r.party.id, "name": r.party.name, "matched": r.matched, "hits": len(r.hits)}
        for r in run.results
    ]  # fmt: skip
    return Screening(
        hits=_frame(rows, HIT_COLUMNS),
        parties=_frame(summary, ("id", "name", "matched", "hits")),
        run=run,
    )


# -- helpers ----------------------------------------------------------------------------------


def _finding_columns() -> tuple[str, ...]:
    from roundabout.analytics import Finding

    return tuple(f.name for f in fields(Finding))


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))


def _codes(
    value: Sequence[str] | str | None, what: str, default: tuple[str, ...] | None = None
) -> tuple[str, ...] | None:
    from roundabout.analytics.params import parse_codes

    if value is None:
        return None
    if isinstance(value, str):
        return parse_codes(value, default)
    if not all(isinstance(v, str) for v in value):
        raise RoundaboutError(f"{what}: expected country codes such as 'KAZ', got {value!r}")
    return parse_codes(",".join(value), default) or ()


def _span(value: str | Span | None, what: str) -> Span | None:
    from roundabout.analytics import Span

    if value is None or isinstance(value, Span):
        return value
    return Span.parse(value, what)


@contextmanager
def _store(db: PathLike | Store | None, *, in_memory: bool = False) -> Iterator[Store]:
    """An open store: the one given (left open), else opened here (read-only for reads, in
    memory when ``in_memory`` and no path is given) and closed after."""
    if isinstance(db, Store):
        yield db
        return
    if db is None and in_memory:
        store = Store(None)
    elif in_memory:
        store = open_store(db)
    else:
        store = open_store(db, read_only=True)
    with store:
        yield store


@contextmanager
def _party_file(parties: PathLike | pd.DataFrame | Sequence[Mapping[str, Any]]) -> Iterator[Path]:
    """A party file for the screening (tables are written to a temporary Parquet file, so
    they pass the same checks as a file)."""
    if isinstance(parties, str | os.PathLike):
        yield Path(parties)
        return
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = parties if isinstance(parties, pd.DataFrame) else pd.DataFrame(list(parties))
    table = pa.Table.from_pandas(
        frame.astype(object).where(frame.notna(), None), preserve_index=False
    )
    with tempfile.TemporaryDirectory(prefix="roundabout-parties-") as tmp:
        path = Path(tmp) / "parties.parquet"
        pq.write_table(table, path)
        yield path
