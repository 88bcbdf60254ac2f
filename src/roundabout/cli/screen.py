"""``roundabout screen``: parties and shipments against sanctions lists; decisions; audit.

The matcher (rapidfuzz, rigour, the list importers) is imported inside the commands, so
``roundabout --help`` and the other commands do not pay for it.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from roundabout.cli._common import DbOption, JsonOption, fails_cleanly, print_json
from roundabout.cli.output import OutOption, write_parties, write_shipments
from roundabout.matching.model import DEFAULT_THRESHOLD
from roundabout.screening.decisions import Decision
from roundabout.store import Store
from roundabout.text_safety import visible

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


class Rule(StrEnum):
    us = "us"
    eu = "eu"


RuleOption = Annotated[
    Rule,
    typer.Option(
        "--rule",
        help="Ownership rule: us (OFAC 50%: owned 50%+ by listed persons blocks) or eu "
        "(owned more than 50% or controlled blocks).",
    ),
]
ThresholdOption = Annotated[
    float, typer.Option("--threshold", help="Score at or above which a hit is a match.")
]


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
    rule: RuleOption = Rule.us,
    db: DbOption = None,
    as_json: JsonOption = False,
    out_file: OutOption = None,
) -> None:
    """Screen each party; print its hits with score, match flag and explanation."""
    from roundabout.cli.beside import on_store

    args = {
        "file": file,
        "lists": _lists(lists),
        "threshold": threshold,
        "new_only": new_only,
        "matches_only": matches_only,
        "show_dismissed": show_dismissed,
        "rule": rule,
        "as_json": as_json,
        "out_file": out_file,
    }
    on_store("screen parties", db, args, read_only=False)


def _lists(lists: list[str] | None) -> list[str | Path]:
    """``--list`` values: a file as a path (sent absolute to a server), else the id/source."""
    return [Path(x) if Path(x).is_file() else x for x in lists or []]


def run_parties(store: Store, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``screen parties`` on an open store (here or in the server: :mod:`.beside`)."""
    from roundabout.cli.progress import progress, say
    from roundabout.screening.run import screen_parties

    with progress(f"screen parties: {Path(args['file']).name}", stream=err):
        run = screen_parties(
            store,
            Path(args["file"]),
            [str(x) for x in args["lists"]],
            threshold=args["threshold"],
            new_only=args["new_only"],
            matches_only=args["matches_only"],
            show_dismissed=args["show_dismissed"],
            notify=lambda msg: say(msg, err),
            rule=str(Rule(args["rule"]).value),
            actor=args.get("actor", "cli"),
        )
    out_file = args["out_file"]
    write_parties(None if out_file is None else Path(out_file), run)
    if args["as_json"]:
        print_json(run.to_dict(), out)
        return 0
    echo = functools.partial(typer.echo, file=out)
    echo(f"run {run.run_id}: lists {', '.join(run.snapshots)}; threshold {run.threshold}")
    for r in run.results:
        # ``matched`` counts every current match, listed or not (--new-only hides hits
        # reported before, never the fact that the party matches).
        flag = "MATCH" if r.matched else ("hits" if r.hits else "clear")
        if r.hidden:
            flag += f"; {r.hidden} hit{'s' if r.hidden > 1 else ''} not listed"
        echo(f"{visible(r.party.id)}  {visible(r.party.name)}  [{flag}]")
        for warning in r.party.warnings:
            echo(f"  ! {visible(warning)}")
        for h in r.hits:
            mark = "*" if h.match else " "
            echo(f"  {mark} {h.score:.2f} {visible(h.entity_id)} {visible(h.name)} ({h.status})")
            echo(f"      {visible(h.explanation)}")
    return 0


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
    rule: RuleOption = Rule.us,
    db: DbOption = None,
    as_json: JsonOption = False,
    out_file: OutOption = None,
) -> None:
    """Risk-score each declaration with its reasons (party hits, goods, route, price)."""
    from roundabout.cli.beside import on_store

    args = {
        "file": file,
        "lists": _lists(lists),
        "threshold": threshold,
        "min_risk": min_risk,
        "leaks": leaks,
        "rule": rule,
        "as_json": as_json,
        "out_file": out_file,
    }
    on_store("screen shipments", db, args, read_only=False)


def run_shipments(store: Store, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``screen shipments`` on an open store (here or in the server: :mod:`.beside`)."""
    from roundabout.cli.progress import progress, say
    from roundabout.screening.shipments import read_leaks, screen_shipments

    leaks = args["leaks"]
    found = read_leaks(Path(leaks)) if leaks is not None else None
    with progress(f"screen shipments: {Path(args['file']).name}", stream=err):
        result = screen_shipments(
            store,
            Path(args["file"]),
            [str(x) for x in args["lists"]],
            threshold=args["threshold"],
            leaks=found,
            notify=lambda msg: say(msg, err),
            rule=str(Rule(args["rule"]).value),
            **({"actor": args["actor"]} if "actor" in args else {}),
        )
    rows = [r for r in result.results if r.risk >= args["min_risk"]]
    doc = {**result.to_dict(), "results": [r.to_dict() for r in rows]}
    out_file = args["out_file"]
    write_shipments(None if out_file is None else Path(out_file), rows, doc)
    if args["as_json"]:
        print_json(doc, out)
        return 0
    echo = functools.partial(typer.echo, file=out)
    echo(f"run {result.run_id}: lists {', '.join(result.snapshots)}")
    for r in rows:
        echo(f"{visible(r.declaration_id)}  risk {r.risk:.2f}")
        for reason in r.reasons:
            echo(f"  +{reason.weight:.2f} {reason.code}: {visible(reason.detail)}")
    return 0


#: The reviewer and the reason of a decision (on a party hit or a declaration).
ReviewerOption = Annotated[str, typer.Option("--reviewer", help="Who decides.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why.")]


@screen_app.command("decide")
@fails_cleanly
def decide_cmd(
    party_id: Annotated[str, typer.Argument(help="Party id as screened.")],
    entity_id: Annotated[str, typer.Argument(help="List entity id of the hit.")],
    decision: Annotated[Decision, typer.Option("--decision", help="Verdict.")],
    reviewer: ReviewerOption,
    reason: ReasonOption,
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
    from roundabout.cli.beside import on_store

    args = {
        "party_id": party_id,
        "entity_id": entity_id,
        "decision": decision,
        "reviewer": reviewer,
        "reason": reason,
        "record": record,
        "as_json": as_json,
    }
    on_store("screen decide", db, args, read_only=False)


def run_decide(store: Store, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``screen decide`` on an open store (here or in the server: :mod:`.beside`)."""
    from roundabout.screening.decisions import decide

    rec = decide(
        store,
        args["party_id"],
        args["entity_id"],
        Decision(args["decision"]),
        args["reviewer"],
        args["reason"],
        record=args["record"],
        **({"actor": args["actor"]} if "actor" in args else {}),
    )
    if args["as_json"]:
        print_json(rec.to_dict(), out)
    else:
        typer.echo(
            f"{visible(rec.party_id)} (record {rec.party_hash[:12]}) x {visible(rec.entity_id)}: "
            f"{rec.decision} by {visible(rec.reviewer)} ({visible(rec.actor)})",
            file=out,
        )
    return 0


class ShipmentDecision(StrEnum):
    hold = "hold"
    release = "release"


@screen_app.command("alerts")
@fails_cleanly
def alerts_cmd(
    limit: Annotated[int, typer.Option("--limit", help="At most this many.", min=1)] = 50,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Declarations awaiting review, riskiest first: reasons (red flags among them), party
    hits with their ownership basis and path, and the red-flag rules not checked."""
    from roundabout.cli.beside import on_store

    on_store("screen alerts", db, {"limit": limit, "as_json": as_json}, read_only=True)


def run_alerts(store: Store, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``screen alerts`` on an open store (here or in the server: :mod:`.beside`)."""
    from roundabout.store import shipment_review

    rows = shipment_review.alerts(store, int(args["limit"]))
    if args["as_json"]:
        print_json({"alerts": rows}, out)
        return 0

    def echo(line: str) -> None:
        typer.echo(line, file=out)

    if not rows:
        echo("no declaration awaits review")
    for a in rows:
        s = a["summary"]
        echo(
            f"{visible(a['declaration_id'])} (record {a['record'][:12]})  risk {a['risk']:.2f}  "
            f"{visible(s.get('exporter', ''))} -> {visible(s.get('consignee', ''))} "
            f"({visible(s.get('destination_country', ''))}), HS {visible(s.get('hs_code', ''))}"
        )
        for r in a["reasons"]:
            echo(f"  +{r['weight']:.2f} {visible(r['code'])}: {visible(r['detail'])}")
        for role, hits in a["hits"].items():
            for h in hits:
                if not h.get("match"):
                    continue
                basis = h.get("basis", "listed")
                share = h.get("owned_share")
                how = f"owned {100 * share:.0f}%" if basis == "owned" and share else basis
                via = f" via {' -> '.join(map(visible, h['via']))}" if h.get("via") else ""
                echo(
                    f"  {visible(role)} ~ {visible(h['entity_id'])} {visible(h['name'])} "
                    f"({h['score']:.2f}, {visible(how)}{via})"
                )
        for rule in a["redflags_not_checked"]:
            echo(f"  not checked: {visible(rule)}")
    return 0


@screen_app.command("decide-shipment")
@fails_cleanly
def decide_shipment_cmd(
    declaration_id: Annotated[str, typer.Argument(help="Declaration id as screened.")],
    decision: Annotated[ShipmentDecision, typer.Option("--decision", help="Verdict.")],
    reviewer: ReviewerOption,
    reason: ReasonOption,
    record: Annotated[
        str | None,
        typer.Option(
            "--record",
            help="Declaration record hash (8+ characters, 'record' in the --json output) when "
            "the id was screened with different content.",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hold or release one declaration record after review (audited); the same id sent
    again with other content alerts again."""
    from roundabout.cli.beside import on_store

    args = {
        "declaration_id": declaration_id,
        "decision": decision,
        "reviewer": reviewer,
        "reason": reason,
        "record": record,
        "as_json": as_json,
    }
    on_store("screen decide-shipment", db, args, read_only=False)


def run_decide_shipment(
    store: Store, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool
) -> int:
    """``screen decide-shipment`` on an open store (here or in the server: :mod:`.beside`)."""
    from roundabout.screening.decisions import cli_actor
    from roundabout.store import shipment_review

    rec = shipment_review.decide(
        store,
        args["declaration_id"],
        str(args["decision"]),
        args["reviewer"],
        args["reason"],
        args.get("actor") or cli_actor(),
        record=args["record"],
    )
    if args["as_json"]:
        print_json(rec, out)
    else:
        typer.echo(
            f"{visible(rec['declaration_id'])} (record {rec['record'][:12]}): "
            f"{visible(rec['decision'])} by {visible(rec['reviewer'])} ({visible(rec['actor'])})",
            file=out,
        )
    return 0


@screen_app.command("audit")
@fails_cleanly
def audit_cmd(
    limit: Annotated[int | None, typer.Option("--limit", help="Last N events.")] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Check the hash chain of the log and the decisions; exit 1 naming the first "
            "broken row.",
        ),
    ] = False,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="With --verify: a head printed by an earlier --verify, which must still be "
            "in the log (catches rows cut off the end).",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The append-only audit log: list loads, screening runs, decisions (hash-chained)."""
    from roundabout.cli.beside import on_store

    args = {"limit": limit, "verify": verify, "head": head, "as_json": as_json}
    on_store("screen audit", db, args, read_only=False)


def run_audit(store: Store, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``screen audit`` on an open store (here or in the server: :mod:`.beside`)."""
    from roundabout.store import audit

    if args["verify"]:
        result = audit.verify(store, args["head"])
        if args["as_json"]:
            print_json(result.to_dict(), out)
        else:
            typer.echo(result.message(), file=out if result.ok else err)
        return 0 if result.ok else 1
    events = audit.read(store, args["limit"])
    if args["as_json"]:
        print_json(events, out)
        return 0
    for e in events:
        typer.echo(
            f"{e['seq']:>5} {e['at']} {e['event']:<14} {visible(e['actor']):<10} "
            f"{visible(e['detail'])}",
            file=out,
        )
    return 0
