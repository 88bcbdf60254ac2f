"""``--out FILE``: results written as CSV, Parquet, Excel or JSON, chosen by the extension.

Every table is flat (one value per cell: lists become ``a; b``, mappings JSON) and the same
in every tabular format; ``.json`` holds the command's whole ``--json`` document. A file is
written under a temporary name and renamed, so a failed write leaves nothing half-written;
the directory must already exist (checked when the option is parsed, before any work).

Spreadsheets get literal text cells only: a party name such as ``=HYPERLINK(...)`` from an
untrusted file stays text and never becomes a formula, and characters Excel cannot hold
(control codes) are replaced by U+FFFD. CSV is written as data, verbatim.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from roundabout.cli._common import output_file
from roundabout.errors import RoundaboutError

if TYPE_CHECKING:
    from roundabout.analytics import LeakResult
    from roundabout.screening.run import ScreeningRun
    from roundabout.screening.shipments import ShipmentResult

FORMATS = (".csv", ".parquet", ".xlsx", ".json")
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def check_out(path: Path | None) -> Path | None:
    """The ``--out`` value, checked as the option is parsed (before any work): refused in one
    line, exit status 1, unless its format is known and its directory exists."""
    if path is None:
        return None
    try:
        if path.suffix.lower() not in FORMATS:
            raise RoundaboutError(
                f"--out {path}: unknown format {path.suffix or '(no extension)'!r}; "
                f"use one of {', '.join(FORMATS)}"
            )
        return output_file(path)
    except RoundaboutError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Also write the results to FILE: .csv, .parquet, .xlsx or .json (by extension).",
        callback=check_out,
        show_default=False,
    ),
]


def write_table(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    document: Any = None,
    sheet: str = "results",
) -> Path:
    """Write ``rows`` (with ``columns``, in order) to ``path`` in the format of its extension;
    ``.json`` writes ``document`` when given, else the rows. Returns ``path``."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise RoundaboutError(f"{path}: unknown format {suffix!r}; use one of {', '.join(FORMATS)}")
    output_file(path)
    flat = [{c: _flat(r.get(c)) for c in columns} for r in rows]
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if suffix == ".json":
            doc = flat if document is None else document
            text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
            tmp.write_text(text, encoding="utf-8")
        elif suffix == ".xlsx":
            _write_xlsx(tmp, flat, columns, sheet)
        else:
            import pyarrow as pa

            table = pa.Table.from_pylist(flat, schema=_schema(flat, columns))
            if suffix == ".csv":
                import pyarrow.csv as pacsv

                pacsv.write_csv(table, tmp)
            else:
                import pyarrow.parquet as pq

                pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple):  # empty: no value (CSV cannot tell "" from none)
        return "; ".join(str(_flat(v)) for v in value) if value else None
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def _schema(rows: list[dict[str, Any]], columns: Sequence[str]) -> Any:
    """A column type per column from its values (all-empty columns are text), so an empty
    result still has every column."""
    import pyarrow as pa

    fields = []
    for c in columns:
        values = [r[c] for r in rows if r[c] is not None]
        if values and all(isinstance(v, bool) for v in values):
            kind = pa.bool_()
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kind = pa.int64()
        elif values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            kind = pa.float64()
        else:
            kind = pa.string()
            for r in rows:
                if r[c] is not None:
                    r[c] = str(r[c])
        fields.append(pa.field(c, kind))
    return pa.schema(fields)


def _write_xlsx(path: Path, rows: list[dict[str, Any]], columns: Sequence[str], sheet: str) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise RoundaboutError("writing .xlsx needs openpyxl: pip install openpyxl") from None
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([_text_cell(ws, c) for c in columns])
    for r in rows:
        ws.append([_text_cell(ws, r[c]) if isinstance(r[c], str) else r[c] for c in columns])
    book.save(path)


def _text_cell(ws: Any, text: str) -> Any:
    """A literal text cell: never a formula, no characters Excel refuses."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=_EXCEL_ILLEGAL.sub("\ufffd", text))
    cell.data_type = "s"
    return cell


# -- what each command writes -----------------------------------------------------------------

FINDING_COLUMNS = (
    "rank", "hub", "product", "hs6", "description", "score", "excess_in", "excess_out",
    "lost_in_transit", "substitution_ratio", "pass_through", "direct_drop", "sanctioned",
    "sanctioned_from", "baseline_in", "window_in", "expected_in", "months_above", "months",
    "explanation",
)  # fmt: skip


def write_leaks(path: Path | None, result: LeakResult) -> None:
    """The findings, best first (with ``hs6``, so the file feeds ``screen shipments
    --leaks``); ``.json`` is the whole ``leaks --json`` document."""
    if path is None:
        return
    doc = result.to_dict()
    rows = [{"rank": i, "hs6": f["product"][:6], **f} for i, f in enumerate(doc["findings"], 1)]
    write_table(path, rows, FINDING_COLUMNS, document=doc, sheet="findings")


PARTY_COLUMNS = (
    "party_id", "party_name", "result", "entity_id", "name", "matched_name", "schema", "score",
    "match", "status", "explanation", "programs", "snapshot_id", "run_id",
)  # fmt: skip


def write_parties(path: Path | None, run: ScreeningRun) -> None:
    """One row per hit, and one per party without hits (``result`` clear), so the file is
    the record of everyone screened; ``.json`` is the ``screen parties --json`` document."""
    if path is None:
        return
    rows: list[dict[str, Any]] = []
    for r in run.results:
        base = {"party_id": r.party.id, "party_name": r.party.name, "run_id": run.run_id}
        # ``matched`` counts the hits --new-only / --matches-only did not list: a listed party
        # is never written as clear because its hit was reported before.
        flag = "match" if r.matched else ("hits" if r.hits else "clear")
        rows.extend({**base, "result": flag, **h.to_dict()} for h in r.hits)
        if not r.hits:
            rows.append({**base, "result": flag if r.matched else "clear"})
    write_table(path, rows, PARTY_COLUMNS, document=run.to_dict(), sheet="parties")


SHIPMENT_COLUMNS = ("declaration_id", "risk", "reason_codes", "reasons", "party_hits")


def write_shipments(
    path: Path | None, results: Sequence[ShipmentResult], document: Mapping[str, Any]
) -> None:
    """One row per declaration: risk, reason codes and texts, the best hit per role."""
    if path is None:
        return
    rows = [
        {
            "declaration_id": r.declaration_id,
            "risk": round(r.risk, 4),
            "reason_codes": [x.code for x in r.reasons],
            "reasons": [f"+{x.weight:.2f} {x.code}: {x.detail}" for x in r.reasons],
            "party_hits": [
                f"{role}: {hits[0]['name']} ({hits[0]['score']:.2f})"
                for role, hits in r.hits.items()
                if hits
            ],
        }
        for r in results
    ]
    write_table(path, rows, SHIPMENT_COLUMNS, document=dict(document), sheet="shipments")
