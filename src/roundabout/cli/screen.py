"""``roundabout screen``: parties and shipments against sanctions lists; decisions; audit.

The matcher (rapidfuzz, rigour, the list importers) is imported inside the commands, so
``roundabout --help`` and the other commands do not pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, fails_cleanly, print_json
from roundabout.cli.output import OutOption, write_parties, write_shipments
from roundabout.matching.model import DEFAULT_THRESHOLD
from roundabout.screening.decisions import Decision
from roundabout.store import Store

screen_app = typer.Typer(
    name="screen",
    help="Screen parties and shipments against sanctions lists.",
    no_args_is_help=True,
)

ListOption = Annotated[
    list[str] | None,
    typer.Option(
        "--list",
        help="List file or snapshot id/source in the store (repeatable; default: newest of each).",
    ),
]
ThresholdOption = Annotated[
    float, typer.Option("--threshold", help="Score at or above which a hit is a match.")
]


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


@screen_app.command("parties")
@fails_cleanly
def parties(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet: id, name[, country, inn, ...].")],
    lists: ListOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    new_only: Annotated[
        bool,
        typer.Option(
            "--new-only",
            help="List only hits not reported before for this record (or changed); "
            "'matched' still counts every current match.",
        ),
    ] = False,
    matches_only: Annotated[
        bool, typer.Option("--matches-only", help="Only hits at or above the threshold.")
    ] = False,
    show_dismissed: Annotated[
        bool, typer.Option("--show-dismissed", help="Include hits dismissed by a reviewer.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    out_file: OutOption = None,
) -> None:
    """Screen each party; print its hits with score, match flag and explanation."""
    from roundabout.screening.run import screen_parties

    with Store(db_path(db)) as store:
        run = screen_parties(
            store,
            file,
            lists or [],
            threshold=threshold,
            new_only=new_only,
            matches_only=matches_only,
            show_dismissed=show_dismissed,
            notify=_err,
        )
    write_parties(out_file, run)
    if as_json:
        print_json(run.to_dict())
        return
    typer.echo(f"run {run.run_id}: lists {', '.join(run.snapshots)}; threshold {run.threshold}")
    for r in run.results:
        # ``matched`` counts every current match, listed or not (--new-only hides hits
        # reported before, never the fact that the party matches).
        flag = "MATCH" if r.matched else ("hits" if r.hits else "clear")
        if r.hidden:
            flag += f"; {r.hidden} hit{'s' if r.hidden > 1 else ''} not listed"
        typer.echo(f"{r.party.id}  {r.party.name}  [{flag}]")
        for warning in r.party.warnings:
            typer.echo(f"  ! {warning}")
        for h in r.hits:
            mark = "*" if h.match else " "
            typer.echo(f"  {mark} {h.score:.2f} {h.entity_id} {h.name} ({h.status})")
            typer.echo(f"      {h.explanation}")


@screen_app.command("shipments")
@fails_cleanly
def shipments(
    file: Annotated[Path, typer.Argument(help="Customs declarations (CSV or Parquet).")],
    lists: ListOption = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    min_risk: Annotated[
        float, typer.Option("--min-risk", help="Only print shipments at or above this risk.")
    ] = 0.0,
    leaks: Annotated[
        Path | None,
        typer.Option("--leaks", help="CSV of (hub, hs6) findings from the leak analysis."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    out_file: OutOption = None,
) -> None:
    """Risk-score each declaration with its reasons (party hits, goods, route, price)."""
    from roundabout.screening.shipments import read_leaks, screen_shipments

    found = read_leaks(leaks) if leaks is not None else None
    with Store(db_path(db)) as store:
        out = screen_shipments(
            store, file, lists or [], threshold=threshold, leaks=found, notify=_err
        )
    rows = [r for r in out.results if r.risk >= min_risk]
    write_shipments(out_file, rows, {**out.to_dict(), "results": [r.to_dict() for r in rows]})
    if as_json:
        print_json({**out.to_dict(), "results": [r.to_dict() for r in rows]})
        return
    typer.echo(f"run {out.run_id}: lists {', '.join(out.snapshots)}")
    for r in rows:
        typer.echo(f"{r.declaration_id}  risk {r.risk:.2f}")
        for reason in r.reasons:
            typer.echo(f"  +{reason.weight:.2f} {reason.code}: {reason.detail}")


@screen_app.command("decide")
@fails_cleanly
def decide_cmd(
    party_id: Annotated[str, typer.Argument(help="Party id as screened.")],
    entity_id: Annotated[str, typer.Argument(help="List entity id of the hit.")],
    decision: Annotated[Decision, typer.Option("--decision", help="Verdict.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who decides.")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    record: Annotated[
        str | None,
        typer.Option(
            "--record",
            help="Party record hash (8+ characters, 'record' in the --json output) when the "
            "id was screened with different content.",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a reviewer's decision on one party record x list entry version; a false
    positive stays quiet until the entry or the record changes."""
    from roundabout.screening.decisions import decide

    with Store(db_path(db)) as store:
        rec = decide(store, party_id, entity_id, decision, reviewer, reason, record=record)
    if as_json:
        print_json(rec.to_dict())
    else:
        typer.echo(
            f"{rec.party_id} (record {rec.party_hash[:12]}) x {rec.entity_id}: "
            f"{rec.decision} by {rec.reviewer}"
        )


@screen_app.command("audit")
@fails_cleanly
def audit_cmd(
    limit: Annotated[int | None, typer.Option("--limit", help="Last N events.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The append-only audit log: list loads, screening runs, decisions."""
    from roundabout.screening import audit

    with Store(db_path(db)) as store:
        events = audit.read(store, limit)
    if as_json:
        print_json(events)
        return
    for e in events:
        typer.echo(f"{e['seq']:>5} {e['at']} {e['event']:<14} {e['actor']:<10} {e['detail']}")
