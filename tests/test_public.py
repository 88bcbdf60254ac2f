"""``import roundabout``: the public surface is pinned, loads lazily, and does what the CLI
does (same figures as ``find_leaks``, same hits as ``screen parties``); the README's examples
run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import roundabout
from roundabout.analytics import LeakParams, Span, find_leaks
from roundabout.errors import RoundaboutError
from roundabout.store import Store

REPO = Path(__file__).parent.parent
LISTS = REPO / "tests" / "data" / "lists"
PARTIES = REPO / "examples" / "screening" / "parties.csv"


def test_the_public_names_are_pinned() -> None:
    assert sorted(roundabout.__all__) == [
        "Leaks", "Screening", "Store", "__version__", "leaks", "open_store", "screen_parties",
    ]  # fmt: skip
    for name in roundabout.__all__:
        assert getattr(roundabout, name) is not None
    assert set(roundabout.__all__) <= set(dir(roundabout))
    with pytest.raises(AttributeError):
        _ = roundabout.nosuch  # type: ignore[attr-defined]


def test_the_version_is_the_packages() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    dynamic = re.search(r"^dynamic = \[.*\"version\"", pyproject, re.M)
    assert dynamic or (declared and declared.group(1) == roundabout.__version__)
    assert re.fullmatch(r"\d+\.\d+\.\d+", roundabout.__version__)


def test_import_roundabout_stays_light() -> None:
    code = (
        "import sys, roundabout; "
        "print(sorted(m for m in ('ibis', 'duckdb', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_open_store_takes_str_or_path(synthetic_store: Path) -> None:
    for given in (str(synthetic_store), synthetic_store):
        with roundabout.open_store(given, read_only=True) as store:
            assert isinstance(store, Store) and store.path == synthetic_store
            assert store.flows().count().execute() > 0
    with Store(str(synthetic_store), read_only=True) as store:  # it used to need a Path
        assert store.path == synthetic_store


def test_leaks_gives_what_find_leaks_gives(synthetic_store: Path) -> None:
    found = roundabout.leaks(
        db=str(synthetic_store),
        hubs=["ARM", "KAZ"],
        window="2022-03:2022-08",
        baseline="2021-03:2021-08",
        did=False,
        top=10,
    )
    params = LeakParams(
        hubs=("ARM", "KAZ"),
        window=Span("2022-03", "2022-08"),
        baseline=Span("2021-03", "2021-08"),
        did=False,
        top=10,
    )
    with Store(synthetic_store, read_only=True) as store:
        expected = find_leaks(store.flows(), params).to_dict()
    assert found.summary == expected["summary"] and found.to_dict() == found.result.to_dict()
    assert isinstance(found.findings, pd.DataFrame) and len(found.findings) == 10
    # (pandas reads a missing number as NaN: compare it as the None of the JSON)
    frame = found.findings.astype(object).where(found.findings.notna(), None)
    assert frame.to_dict("records") == [
        {c: f[c] for c in found.findings.columns} for f in expected["findings"]
    ]
    assert list(found.findings["score"]) == sorted(found.findings["score"], reverse=True)
    assert set(found.summary["hubs"]) == {"ARM", "KAZ"}


def test_leaks_refuses_bad_questions_in_one_line(synthetic_store: Path) -> None:
    with pytest.raises(RoundaboutError, match="window '2022-13:2022-14'"):
        roundabout.leaks(db=synthetic_store, window="2022-13:2022-14", did=False)
    with pytest.raises(RoundaboutError, match="hubs: expected country codes"):
        roundabout.leaks(db=synthetic_store, hubs=[1, 2], did=False)  # type: ignore[list-item]
    with pytest.raises(RoundaboutError, match="no such store"):
        roundabout.leaks(db=synthetic_store.with_name("missing.duckdb"), did=False)


def test_screen_parties_from_a_file_a_frame_or_dicts(tmp_path: Path) -> None:
    lists = [LISTS / "ofac_sdn_sample.csv"]
    frame = pd.read_csv(PARTIES, dtype=str, keep_default_na=False)
    listed = {"id": "x1", "name": "Banco Nacional de Cuba", "country": "CU"}
    frame = pd.concat([frame, pd.DataFrame([listed])], ignore_index=True).fillna("")
    frame.to_csv(tmp_path / "parties.csv", index=False)
    from_file = roundabout.screen_parties(tmp_path / "parties.csv", lists=lists)
    assert len(from_file.hits) > 0 and "x1" in set(from_file.hits["party_id"])
    from_frame = roundabout.screen_parties(frame, lists=lists)
    from_dicts = roundabout.screen_parties(frame.to_dict("records"), lists=lists)
    key = ["party_id", "entity_id", "score", "match"]
    assert len(from_file.parties) == len(frame)
    for other in (from_frame, from_dicts):
        assert other.hits[key].to_dict("records") == from_file.hits[key].to_dict("records")
    hits = from_file.to_dict()["results"]
    assert from_file.hits[key].to_dict("records") == [
        {"party_id": r["id"], **{k: h[k] for k in key[1:]}} for r in hits for h in r["hits"]
    ]


def test_screen_parties_in_a_store_records_the_run(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    party = [{"id": "p1", "name": "Banco Nacional de Cuba"}]
    lists = [LISTS / "ofac_sdn_sample.csv"]
    first = roundabout.screen_parties(party, lists=lists, db=db)
    again = roundabout.screen_parties(party, lists=lists, db=str(db))
    assert len(first.hits) > 0 and bool(first.hits["match"].iloc[0])
    assert set(first.hits["status"]) == {"new"} and set(again.hits["status"]) == {"seen"}
    with pytest.raises(RoundaboutError, match="empty name"):
        roundabout.screen_parties([{"id": "p2", "name": ""}], lists=lists)


def _python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


def test_the_readme_examples_run(synthetic_store: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "demo.duckdb").write_bytes(synthetic_store.read_bytes())
    for name in ("examples", "src"):
        (tmp_path / name).symlink_to(REPO / name)
    blocks = _python_blocks()
    assert blocks, "the README shows no Python example"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        space: dict[str, object] = {}
        for block in blocks:
            exec(compile(block, "README.md", "exec"), space)
    finally:
        os.chdir(cwd)
    found = space["found"]
    assert isinstance(found, roundabout.Leaks)
    assert space["share"] == found.summary["offset_share"]
    assert isinstance(space["top"], pd.DataFrame) and len(space["top"]) == 5
    matches = space["matches"]
    assert isinstance(matches, pd.DataFrame) and len(matches) > 0  # the examples hold list names
    assert space["rows"] == len(pd.read_parquet(synthetic_parquet(synthetic_store)))


def synthetic_parquet(store_path: Path) -> Path:
    return store_path.parent / "panel.parquet"
