"""Name-matching quality on the bundled labelled sets, side by side with nomenklatura.

Usage: ``.venv/bin/python bench/quality.py [--threshold T] [--heldout] [--json OUT]
[--before JSON] [--write-baseline] [--errors SET] [--patterns SET]``

Every set is scored once per case; from those scores come precision, recall, F1 and FPR at the
threshold, and the best recall at FPR <= 1% and <= 5% (:func:`at_fpr`). ``ofac_heldout`` is
scored only with ``--heldout``. ``--before`` prints an earlier run's figures (``--json`` output
or a baseline) beside this run's: run the same script with ``PYTHONPATH`` on the old sources
and ``--json``, then on the new ones with ``--before``.

Sets (``bench/data/``, provenance in ``bench/data/PROVENANCE.md``):

* ``nomenklatura``: the 826 labelled pairs of nomenklatura's name bench (``cases.csv``).
* ``nomenklatura_frozen``: the 812 cases of nomenklatura's committed logic-v2 run, with that
  run's labels; the peer column is its ``predicted_match`` (threshold 0.7), so both matchers
  are scored on exactly the same cases and labels.
* ``central_asia``: our set of Kazakh, Kyrgyz, Armenian, Uzbek, Georgian and Russian names in
  native script, Cyrillic and Latin, with hard negatives. Goal: recall >= 0.95 at <= 5% FPR.
* ``watchman``: 22 cross-script positive pairs; negatives are derived by pairing each query
  with the other pairs' expected names (so precision and FPR can be computed).
* ``putin``: 81 spellings of one name, each against ``Vladimir Vladimirovich Putin``
  (recall only).
* ``ofac_dev`` / ``ofac_heldout``: OFAC's own aliases against primary names, with one hard
  negative each (``bench/build_ofac_sets.py``): entries outside RUSSIA-EO14024 (developed on)
  and RUSSIA-EO14024 entries (held out: never tuned on). Goal: recall >= 0.90 at <= 5% FPR.
* ``senzing``: the Senzing demo truth set: every pair of its 159 records, same cluster = match,
  scored by name (+ native name) and date of birth only: no addresses, phones or documents, so
  recall is bounded by what names alone can tell.

Numbers go to stdout (a Markdown table) and, with ``--write-baseline``, to
``bench/baselines/quality.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Final

from roundabout.lists.model import ListEntity
from roundabout.matching import features
from roundabout.matching.compare import compare, substantive
from roundabout.matching.matcher import DEFAULT_THRESHOLD, person_flag
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze

try:  # the same script also runs on older sources (``--before``), which had no such words
    from roundabout.matching.compare import descriptive_left
except ImportError:  # pragma: no cover

    def descriptive_left(token: str) -> bool:
        return False


DATA = Path(__file__).parent / "data"
BASELINE = Path(__file__).parent / "baselines" / "quality.json"


@dataclass
class Case:
    set: str
    group: str
    schema: str | None
    a: str
    b: str
    truth: bool
    peer: bool | None = None  # nomenklatura's frozen prediction


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, pred: bool, truth: bool) -> None:
        if pred and truth:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    def metrics(self) -> dict[str, float | int | None]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = 2 * p * r / (p + r) if p and r else None
        fpr = self.fp / (self.fp + self.tn) if self.fp + self.tn else None
        return {
            "n": self.tp + self.fp + self.tn + self.fn,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "precision": _r(p),
            "recall": _r(r),
            "f1": _r(f1),
            "fpr": _r(fpr),
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def name_score(a: str, b: str, schema: str | None) -> float:
    flag = person_flag(schema)
    return compare(analyze(a, flag), analyze(b, flag), person=flag).score


def miss_pattern(c: Case) -> str:
    """The pattern of a misclassified case, from its comparison (first that applies): no token
    aligned; substantive words left over on both sides; words left over on one side only (a
    short name inside a longer one); legal forms or designations differ; all words aligned
    (spellings, or the rules' caps and factors, decide)."""
    flag = person_flag(c.schema)
    cmp = compare(analyze(c.a, flag), analyze(c.b, flag), person=flag)
    if not cmp.pairs:
        return "no word aligned"
    # Descriptive words count as substantive here (as they did before they were told apart),
    # so the counts compare across versions.
    left = [t for t in cmp.unmatched_left if substantive(t) or descriptive_left(t)]
    right = [t for t in cmp.unmatched_right if substantive(t) or descriptive_left(t)]
    if left and right:
        return "a substantive word left over on each side"
    if left or right:
        return "words left over on one side only"
    if any(n.startswith(("legal forms differ", "designations differ")) for n in cmp.notes):
        return "legal forms or designations differ"
    return "every substantive word aligned"


def print_patterns(name: str, scored: list[tuple[Case, float]], threshold: float) -> None:
    """Counts of the misses (false negatives) and false positives of one set by pattern."""
    for label, wrong in (
        ("false negatives", [c for c, s in scored if c.truth and s < threshold]),
        ("false positives", [c for c, s in scored if not c.truth and s >= threshold]),
    ):
        counts: dict[tuple[str, str], int] = {}
        for c in wrong:
            key = (c.group, miss_pattern(c))
            counts[key] = counts.get(key, 0) + 1
        print(f"\n{name} {label} at {threshold} by pattern ({len(wrong)}):")
        for (group, pattern), n in sorted(counts.items(), key=lambda x: -x[1]):
            print(f"  {n:5d}  {group}: {pattern}")


def nomenklatura() -> list[Case]:
    """The 826 cases of ``cases.csv`` (the current labels); no peer column."""
    with (DATA / "nomenklatura_name_bench_cases.csv").open(encoding="utf-8") as fh:
        return [
            Case(
                "nomenklatura",
                r["case_group"],
                r["schema"],
                r["name1"],
                r["name2"],
                r["is_match"] == "true",
            )
            for r in csv.DictReader(fh)
        ]


def nomenklatura_frozen() -> list[Case]:
    """The 812 cases of nomenklatura's frozen logic-v2 run, with the labels of that run and
    its predictions: both matchers scored on exactly the same cases and labels."""
    path = DATA / "nomenklatura_name_bench_logicv2_frozen_results.csv"
    with path.open(encoding="utf-8") as fh:
        return [
            Case(
                "nomenklatura_frozen",
                r["case_group"],
                r["schema"],
                r["name1"],
                r["name2"],
                r["is_match"] == "true",
                r["predicted_match"] == "true",
            )
            for r in csv.DictReader(fh)
        ]


def central_asia() -> list[Case]:
    with (DATA / "central_asia_names.csv").open(encoding="utf-8") as fh:
        return [
            Case(
                "central_asia",
                r["language"],
                r["schema"],
                r["name1"],
                r["name2"],
                r["is_match"] == "true",
            )
            for r in csv.DictReader(fh)
        ]


def watchman() -> list[Case]:
    pairs = []
    with (DATA / "watchman_cross_script_pairs.csv").open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("Query,"):
                continue
            q, m, *_ = next(csv.reader([line]))
            pairs.append((q, m))
    out = [Case("watchman", "positive", None, q, m, True) for q, m in pairs]
    for i, (q, _) in enumerate(pairs):
        for j, (_, m) in enumerate(pairs):
            if i != j and pairs[i][1] != m:
                out.append(Case("watchman", "derived_negative", None, q, m, False))
    return out


def ofac_aliases(side: str) -> list[Case]:
    """OFAC aliases against primary names (``bench/build_ofac_sets.py``): ``dev`` (entries
    outside RUSSIA-EO14024) or ``heldout`` (RUSSIA-EO14024 entries, never tuned on)."""
    with (DATA / f"ofac_aliases_{side}.csv").open(encoding="utf-8") as fh:
        return [
            Case(
                f"ofac_{side}",
                r["schema"],
                r["schema"],
                r["name1"],
                r["name2"],
                r["is_match"] == "true",
            )
            for r in csv.DictReader(fh)
        ]


def putin() -> list[Case]:
    lines = (DATA / "nomenklatura_putin_name_variants.txt").read_text("utf-8").splitlines()
    target = "Vladimir Vladimirovich Putin"
    return [
        Case("putin", "positive", "Person", x.strip(), target, True) for x in lines if x.strip()
    ]


def _senzing_records() -> list[tuple[str, Party, ListEntity]]:
    truth = {}
    with (DATA / "senzing_truthset_demo_actual_truthset_key.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            truth[(r["DATA_SOURCE"], r["RECORD_ID"])] = r["CLUSTER_ID"]
    out = []
    for name in ("customers", "watchlist", "reference"):
        with (DATA / f"senzing_truthset_demo_{name}.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                key = (r["DATA_SOURCE"], r["RECORD_ID"])
                if key not in truth:
                    continue
                person = r.get("RECORD_TYPE", "").upper() == "PERSON"
                full = (
                    r.get("PRIMARY_NAME_FULL")
                    or r.get("PRIMARY_NAME_ORG")
                    or " ".join(
                        x
                        for x in (
                            r.get("PRIMARY_NAME_FIRST"),
                            r.get("PRIMARY_NAME_MIDDLE"),
                            r.get("PRIMARY_NAME_LAST"),
                        )
                        if x
                    )
                )
                if not full:
                    continue
                dob = _us_date(r.get("DATE_OF_BIRTH", ""))
                schema = "Person" if person else "Organization"
                native = r.get("NATIVE_NAME_FULL") or ""
                party = Party(f"{key[0]}:{key[1]}", full, birth_date=dob, schema=schema)
                entity = ListEntity(
                    entity_id=f"{key[0]}:{key[1]}",
                    schema=schema,
                    name=full,
                    aliases=(native,) if native else (),
                    birth_dates=(dob,) if dob else (),
                )
                out.append((truth[key], party, entity))
    return out


def _us_date(value: str) -> str | None:
    parts = value.strip().split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        m, d, y = (int(p) for p in parts)
        if y < 100:
            y += 1900
        return f"{y:04d}-{m:02d}-{d:02d}"
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
        return parts[0]
    return None


def senzing_scores() -> list[tuple[float, bool]]:
    recs = _senzing_records()
    out = []
    for (ca, pa, _), (cb, _, eb) in combinations(recs, 2):
        best = None
        for n in eb.names:
            flag = person_flag(eb.schema)
            cmp = compare(analyze(pa.name, flag), analyze(n, flag), person=flag)
            if best is None or cmp.score > best[0].score:
                best = (cmp, n)
        assert best is not None
        s, _ = features.score(pa, eb, best[1], best[0])
        out.append((s, ca == cb))
    return out


def scored_cases(cases: Iterable[Case]) -> list[tuple[Case, float]]:
    """Each case with its name score (computed once: every figure below reuses it)."""
    return [(c, name_score(c.a, c.b, c.schema)) for c in cases]


def counts_at(scored: Iterable[tuple[Case, float]], threshold: float) -> Counts:
    """Confusion counts of ``score >= threshold`` against the labels."""
    out = Counts()
    for c, s in scored:
        out.add(s >= threshold, c.truth)
    return out


def peer_counts(cases: Iterable[Case]) -> Counts | None:
    """Confusion counts of the peer's frozen predictions (None when the set has none)."""
    out, has_peer = Counts(), False
    for c in cases:
        if c.peer is not None:
            has_peer = True
            out.add(c.peer, c.truth)
    return out if has_peer else None


def at_fpr(scored: list[tuple[float, bool]], max_fpr: float) -> dict[str, float | None]:
    """The best recall whose false-positive rate is at most ``max_fpr``: the lowest threshold
    (among the scores seen) with ``fp / negatives <= max_fpr``. All None when the set has no
    negatives (FPR undefined) or no positives."""
    neg = sum(1 for _, t in scored if not t)
    pos = len(scored) - neg
    best: dict[str, float | None] = {"threshold": None, "recall": None, "fpr": None}
    if not neg or not pos:
        return best
    # Walk thresholds from the highest score down, counting as we go (one sort, no rescans).
    ordered = sorted(scored, key=lambda x: -x[0])
    tp = fp = 0
    i = 0
    while i < len(ordered):
        th = ordered[i][0]
        while i < len(ordered) and ordered[i][0] == th:
            if ordered[i][1]:
                tp += 1
            else:
                fp += 1
            i += 1
        if fp / neg > max_fpr:
            break
        best = {"threshold": round(th, 4), "recall": round(tp / pos, 4), "fpr": round(fp / neg, 4)}
    return best


def set_figures(scored: list[tuple[Case, float]], threshold: float) -> dict[str, object]:
    """The figures reported for one set: counts and rates at ``threshold``, and the best
    recall at FPR <= 1% and <= 5%."""
    flat = [(s, c.truth) for c, s in scored]
    return {
        "roundabout": counts_at(scored, threshold).metrics(),
        "at_fpr_1pct": at_fpr(flat, 0.01),
        "at_fpr_5pct": at_fpr(flat, 0.05),
    }


#: Sets scored by default; ``ofac_heldout`` only with ``--heldout`` (the independent check).
DEV_SETS: Final = (
    "nomenklatura",
    "nomenklatura_frozen",
    "central_asia",
    "watchman",
    "putin",
    "ofac_dev",
)


def load_sets(heldout: bool) -> dict[str, list[Case]]:
    sets = {
        "nomenklatura": nomenklatura(),
        "nomenklatura_frozen": nomenklatura_frozen(),
        "central_asia": central_asia(),
        "watchman": watchman(),
        "putin": putin(),
        "ofac_dev": ofac_aliases("dev"),
    }
    if heldout:
        sets["ofac_heldout"] = ofac_aliases("heldout")
    return sets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--write-baseline", action="store_true")
    ap.add_argument("--errors", help="print the misclassified cases of this set")
    ap.add_argument("--patterns", help="count the misclassified cases of this set by pattern")
    ap.add_argument(
        "--heldout",
        action="store_true",
        help="also score ofac_heldout (the independent check: run it once, never tune on it)",
    )
    ap.add_argument("--json", type=Path, help="write this run's figures to this file")
    ap.add_argument(
        "--before",
        type=Path,
        help="figures of an earlier run (--json or a baseline) to print beside this run's",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    results: dict[str, dict[str, object]] = {}
    for name, cases in load_sets(args.heldout).items():
        scored = scored_cases(cases)
        res = set_figures(scored, args.threshold)
        peer = peer_counts(cases)
        res["nomenklatura_logicv2"] = peer.metrics() if peer else None
        if name == "nomenklatura":
            res["f1_by_half"] = {
                "even" if half == 0 else "odd": counts_at(
                    scored[half::2], args.threshold
                ).metrics()["f1"]
                for half in (0, 1)
            }
        if name in ("central_asia", "ofac_dev", "ofac_heldout"):
            groups = sorted({c.group for c in cases})
            res["by_language"] = {
                g: counts_at([x for x in scored if x[0].group == g], args.threshold).metrics()
                for g in groups
            }
            res["at_fpr_5pct_by_group"] = {
                g: at_fpr([(s, c.truth) for c, s in scored if c.group == g], 0.05) for g in groups
            }
        if args.patterns == name:
            print_patterns(name, scored, args.threshold)
        if args.errors == name:
            for c, s in scored:
                if (s >= args.threshold) != c.truth:
                    print(
                        f"{'FN' if c.truth else 'FP'} {s:.3f} {c.group} {c.a} | {c.b}",
                        file=sys.stderr,
                    )
        results[name] = res
    sz = Counts()
    sz_scored = senzing_scores()
    for s, truth in sz_scored:
        sz.add(s >= args.threshold, truth)
    results["senzing"] = {
        "roundabout": sz.metrics(),
        "at_fpr_1pct": at_fpr(sz_scored, 0.01),
        "at_fpr_5pct": at_fpr(sz_scored, 0.05),
        "nomenklatura_logicv2": None,
    }
    elapsed = time.perf_counter() - t0
    payload = {"threshold": args.threshold, "results": results}
    _print(results, args.threshold, elapsed)
    if args.before:
        before = json.loads(args.before.read_text("utf-8"))
        _print_before_after(before["results"], results)
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.write_baseline:
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"\nwrote {BASELINE}")
    return 0


def _print_before_after(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Recall (and F1) at the threshold, at FPR <= 1% and <= 5%: before -> after, per set."""
    print(
        "\n| set | R@thr before | after | FPR@thr before | after | R@FPR<=1% before | after "
        "| R@FPR<=5% before | after | F1 before | after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, a in after.items():
        b = before.get(name) or {}
        bo, ao = b.get("roundabout") or {}, a["roundabout"]
        b1, a1 = b.get("at_fpr_1pct") or {}, a.get("at_fpr_1pct") or {}
        b5, a5 = b.get("at_fpr_5pct") or {}, a.get("at_fpr_5pct") or {}
        print(
            f"| {name} | {_fmt(bo.get('recall'))} | {_fmt(ao['recall'])} | "
            f"{_fmt(bo.get('fpr'))} | {_fmt(ao['fpr'])} | {_fmt(b1.get('recall'))} | "
            f"{_fmt(a1.get('recall'))} | {_fmt(b5.get('recall'))} | {_fmt(a5.get('recall'))} | "
            f"{_fmt(bo.get('f1'))} | {_fmt(ao['f1'])} |"
        )


def _fmt(x: object) -> str:
    return "—" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def _print(results: dict[str, dict[str, Any]], threshold: float, elapsed: float) -> None:
    print(f"threshold {threshold}  ({elapsed:.1f} s)\n")
    print(
        "| set | n | roundabout P | R | F1 | FPR | R @FPR<=1% (thr) | R @FPR<=5% (thr) "
        "| nomenklatura logic-v2 P | R | F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, res in results.items():
        o = res["roundabout"]
        p = res.get("nomenklatura_logicv2") or {}
        f1, f5 = res.get("at_fpr_1pct") or {}, res.get("at_fpr_5pct") or {}
        print(
            f"| {name} | {o['n']} | {_fmt(o['precision'])} | {_fmt(o['recall'])} | "
            f"{_fmt(o['f1'])} | {_fmt(o['fpr'])} | {_at(f1)} | {_at(f5)} | "
            f"{_fmt(p.get('precision'))} | {_fmt(p.get('recall'))} | {_fmt(p.get('f1'))} |"
        )
    for name in ("central_asia", "ofac_dev", "ofac_heldout"):
        if name not in results:
            continue
        res = results[name]
        print(f"\n{name} at FPR <= 5% by group: {res['at_fpr_5pct_by_group']}")
        for lang, m in res["by_language"].items():
            print(
                f"  {lang}: P {_fmt(m['precision'])} R {_fmt(m['recall'])} "
                f"FPR {_fmt(m['fpr'])} (n {m['n']})"
            )
    print(f"nomenklatura F1 by half (even/odd cases): {results['nomenklatura']['f1_by_half']}")


def _at(x: dict[str, Any]) -> str:
    if x.get("recall") is None:
        return "—"
    return f"{x['recall']:.3f} ({x['threshold']:.2f})"


if __name__ == "__main__":
    sys.exit(main())
