"""Hits through ownership, end to end: ``lists load --ownership`` and ``screen --list`` with a
users' ownership CSV, ``--rule us|eu``, basis / owned_share / via in the JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from roundabout.cli.main import app

DATA = Path(__file__).parent.parent / "data" / "lists"
runner = CliRunner()


def _parties(tmp_path: Path) -> Path:
    f = tmp_path / "parties.csv"
    f.write_text(
        "id,name,type\n"
        "p1,VOSTOK KARGO TREYD,company\n"
        "p2,GAMMA ELEKTRON SERVIS,company\n"
        "p3,DELTA MIKROSKHEMA,company\n"
        "p4,EPSILON RADIODETAL,company\n"
        "p5,ALFA STROY INVEST,company\n"
        "p6,KAPPA LOGISTIK TRADE LLP,company\n",
        encoding="utf-8",
    )
    return f


def _screen(tmp_path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    r = runner.invoke(
        app,
        [
            "screen",
            "parties",
            str(_parties(tmp_path)),
            "--db",
            str(tmp_path / "s.duckdb"),
            "--json",
            *extra,
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    return {x["id"]: x for x in out["results"]}


def test_owned_related_and_listed(tmp_path: Path) -> None:
    res = _screen(tmp_path, "--list", str(DATA / "ownership_sample.ftm.jsonl"))
    vostok = res["p1"]["hits"][0]
    assert vostok["entity_id"] == "c-vostok" and vostok["match"] is True
    assert vostok["basis"] == "owned" and vostok["owned_share"] == 0.55
    assert vostok["via"] == ["t-sidorenko", "t-alfa"]
    assert (
        "owned 55% by Pavel Igorevich SIDORENKO (30%) and ALFA STROY INVEST (25%), both "
        "listed" in vostok["explanation"]
    )
    gamma = res["p2"]["hits"][0]
    assert gamma["basis"] == "related" and gamma["match"] is False
    assert gamma["owned_share"] == 0.49
    delta = res["p3"]["hits"][0]
    assert delta["basis"] == "related" and delta["match"] is False
    assert res["p4"]["hits"] == []  # held until 2020: context, not screened
    alfa = res["p5"]["hits"][0]
    assert alfa["basis"] == "listed" and alfa["match"] is True
    assert res["p6"]["hits"] == []


def test_eu_rule_blocks_control(tmp_path: Path) -> None:
    res = _screen(tmp_path, "--list", str(DATA / "ownership_sample.ftm.jsonl"), "--rule", "eu")
    delta = res["p3"]["hits"][0]
    assert delta["basis"] == "controlled" and delta["match"] is True and delta["rule"] == "eu"


def test_users_ownership_csv_on_screen(tmp_path: Path) -> None:
    res = _screen(
        tmp_path,
        "--list",
        str(DATA / "ownership_sample.ftm.jsonl"),
        "--list",
        str(DATA / "owners_sample.csv"),
    )
    kappa = res["p6"]["hits"][0]  # a name only the user's CSV knows
    assert kappa["match"] is True and kappa["basis"] == "owned"
    assert kappa["owned_share"] == 0.55
    assert set(kappa["via"]) == {"t-sidorenko", "t-alfa"}


def test_lists_load_ownership_warns(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    r = runner.invoke(
        app,
        [
            "lists",
            "load",
            str(DATA / "ownership_sample.ftm.jsonl"),
            "--ownership",
            str(DATA / "owners_sample.csv"),
            "--db",
            db,
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    (out,) = json.loads(r.stdout)
    assert out["status"] == "loaded" and len(out["files"]) == 2
    w = "\n".join(out["warnings"])
    assert "owners_sample.csv line 5: percentage 'lots' is not a number" in w
    assert "unknown entity ghost-id" in w
    assert "warning:" in r.stderr


def test_bad_ownership_csv_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "owners.csv"
    bad.write_text('owner,asset,share\n"broken,x,1\n', encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "lists",
            "load",
            str(DATA / "ownership_sample.ftm.jsonl"),
            "--ownership",
            str(bad),
            "--db",
            str(tmp_path / "s.duckdb"),
        ],
    )
    assert r.exit_code != 0
    assert "owners.csv" in r.output
