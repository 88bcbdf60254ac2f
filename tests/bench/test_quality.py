"""The headline figures of ``bench/quality.py`` recomputed by plain, hand-written code.

The bench reports precision, recall, F1 and FPR at the threshold and the best recall at a
false-positive budget. These tests score a small committed labelled set (50 OFAC alias pairs of
the development side, ``tests/data/quality``) with the matcher, count the confusion matrix in a
plain loop, and check that the bench's functions give the same numbers; the FPR-budget search is
checked against a brute-force scan of every threshold and on a hand-worked example.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "quality" / "ofac_dev_sample.csv"


@pytest.fixture(scope="module")
def quality() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_quality"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scored(quality: ModuleType) -> list[tuple[object, float]]:
    with SAMPLE.open(encoding="utf-8") as fh:
        cases = [
            quality.Case("sample", r["schema"], r["schema"], r["name1"], r["name2"],
                         r["is_match"] == "true")
            for r in csv.DictReader(fh)
        ]  # fmt: skip
    assert len(cases) == 50
    return list(quality.scored_cases(cases))


def _by_hand(pairs: list[tuple[float, bool]], threshold: float) -> dict[str, float]:
    tp = sum(1 for s, t in pairs if s >= threshold and t)
    fp = sum(1 for s, t in pairs if s >= threshold and not t)
    fn = sum(1 for s, t in pairs if s < threshold and t)
    tn = sum(1 for s, t in pairs if s < threshold and not t)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "fpr": fp / (fp + tn),
    }


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.72])
def test_counts_and_rates_agree_with_a_plain_recount(
    quality: ModuleType, scored: list[tuple[object, float]], threshold: float
) -> None:
    pairs = [(s, c.truth) for c, s in scored]  # type: ignore[attr-defined]
    want = _by_hand(pairs, threshold)
    got = quality.counts_at(scored, threshold).metrics()
    assert got["n"] == 50
    for key in ("tp", "fp", "fn", "tn"):
        assert got[key] == want[key], key
    for key in ("precision", "recall", "f1", "fpr"):
        assert got[key] == pytest.approx(want[key], abs=5e-5), key


def _brute_force_at_fpr(pairs: list[tuple[float, bool]], budget: float) -> tuple[float, float]:
    """Scan every threshold; of those inside the budget, the best recall (and, as the bench
    reports it, the lowest threshold giving it)."""
    neg = sum(1 for _, t in pairs if not t)
    pos = len(pairs) - neg
    inside = []
    for th in sorted({s for s, _ in pairs}):
        fp = sum(1 for s, t in pairs if s >= th and not t)
        tp = sum(1 for s, t in pairs if s >= th and t)
        if fp / neg <= budget:
            inside.append((tp / pos, -th))
    recall, neg_th = max(inside)
    return recall, -neg_th


@pytest.mark.parametrize("budget", [0.0, 0.01, 0.05, 0.2])
def test_recall_at_fpr_matches_a_brute_force_scan(
    quality: ModuleType, scored: list[tuple[object, float]], budget: float
) -> None:
    pairs = [(s, c.truth) for c, s in scored]  # type: ignore[attr-defined]
    recall, threshold = _brute_force_at_fpr(pairs, budget)
    got = quality.at_fpr(pairs, budget)
    assert got["recall"] == pytest.approx(recall, abs=5e-5)
    assert got["threshold"] == pytest.approx(threshold, abs=5e-5)
    assert got["fpr"] <= budget


def test_recall_at_fpr_on_a_hand_worked_example(quality: ModuleType) -> None:
    # Scores high to low: 0.9 T, 0.8 F, 0.7 T, 0.6 F, 0.5 T (3 positives, 2 negatives).
    pairs = [(0.9, True), (0.8, False), (0.7, True), (0.6, False), (0.5, True)]
    # No false positive allowed: only 0.9 passes -> recall 1/3.
    assert quality.at_fpr(pairs, 0.0) == {"threshold": 0.9, "recall": 0.3333, "fpr": 0.0}
    # One of two negatives allowed: down to 0.7 -> recall 2/3 at FPR 1/2.
    assert quality.at_fpr(pairs, 0.5) == {"threshold": 0.7, "recall": 0.6667, "fpr": 0.5}
    assert quality.at_fpr(pairs, 1.0) == {"threshold": 0.5, "recall": 1.0, "fpr": 1.0}
    # Without negatives the FPR is undefined: nothing is reported.
    assert quality.at_fpr([(0.9, True)], 0.05)["recall"] is None


def test_tied_scores_move_together(quality: ModuleType) -> None:
    # A threshold passes every case with that score: a tie of a positive and a negative
    # cannot be split to stay inside the budget.
    pairs = [(0.9, True), (0.8, True), (0.8, False), (0.1, False)]
    assert quality.at_fpr(pairs, 0.0) == {"threshold": 0.9, "recall": 0.5, "fpr": 0.0}
