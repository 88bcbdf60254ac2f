"""Evidence for ``src/roundabout/matching/data/given_names.yml`` from the lists' own names.

For every person of the bundled OFAC SDN list outside the RUSSIA-EO14024 programme (primary
name and ``aka`` aliases) and of the UN consolidated list (names and aliases), and for every
pair of its names, the matcher aligns the names (``roundabout.matching.compare``); when all
but one word of each name align, and the two words left over are each a given name (alphabetic,
three letters or more, not a patronymic, not the other name's surname), the two are a candidate
pair of spellings of one given name in two languages or registers (``Siarhei`` / ``Sergei``,
``Patty`` / ``Patricia``). ``--candidates`` prints them by the number of entries showing them;
the pairs kept in the YAML were checked by hand. Without ``--candidates`` the script writes
``data/given_names_evidence.csv`` (each pair of the YAML, the number of entries, one entry and
its two names) and lists the YAML pairs no entry shows. Run from the repository root::

    PYTHONPATH=src python scripts/mine_given_names.py [--candidates]
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from itertools import combinations

import yaml
from mining_sources import DATA, HELD_OUT, LISTS
from mining_sources import rows as _rows

from roundabout.lists import un
from roundabout.lists.ofac import person_name
from roundabout.matching import normalize
from roundabout.matching.compare import compare
from roundabout.matching.normalize import analyze, is_patronymic

# Mine the names as written: without the folding the YAML feeds (which would hide its pairs).
normalize.given_names = dict  # type: ignore[assignment]


def person_names() -> dict[str, list[str]]:
    """Entry id -> its names: OFAC individuals outside RUSSIA-EO14024, UN persons."""
    out: dict[str, list[str]] = {}
    for r in _rows(LISTS / "ofac_sdn_2024-05-03.csv"):
        if HELD_OUT not in r[3] and r[2].lower() == "individual":
            out[f"ofac-{r[0]}"] = [person_name(r[1])]
    for r in _rows(LISTS / "ofac_alt_2025-02-27.csv"):
        key = f"ofac-{r[0]}"
        if key in out and r[2].lower() == "aka" and r[3]:
            out[key].append(person_name(r[3]))
    for e in un.parse(LISTS / "un_sc_consolidated_list_2026-02-27.xml").entities:
        if e.schema == "Person":
            out[e.entity_id] = list(e.names)
    return out


def _given(tok: str) -> bool:
    return tok.isalpha() and len(tok) >= 3 and not is_patronymic(tok)


def left_over_pairs(n1: str, n2: str) -> tuple[str, str] | None:
    """The one word of each name left over when the rest aligns (surname aligned), or None."""
    a, b = analyze(n1, True), analyze(n2, True)
    if a.tokens == b.tokens:
        return None
    cmp = compare(a, b, person=True)
    if len(cmp.unmatched_left) != 1 or len(cmp.unmatched_right) != 1 or not cmp.pairs:
        return None
    x, y = cmp.unmatched_left[0], cmp.unmatched_right[0]
    # the surname (last word) of both names must be aligned: the words left over are given names
    if a.tokens[-1] == x or b.tokens[-1] == y or not (_given(x) and _given(y)):
        return None
    return (x, y) if x < y else (y, x)


def main(argv: list[str]) -> int:
    names = person_names()
    seen: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], tuple[str, str, str]] = {}
    for eid, ns in names.items():
        here: set[tuple[str, str]] = set()
        for n1, n2 in combinations(dict.fromkeys(ns), 2):
            pair = left_over_pairs(n1, n2)
            if pair and pair not in here:
                here.add(pair)
                seen[pair] += 1
                example.setdefault(pair, (eid, n1, n2))
    if "--candidates" in argv:
        for (x, y), v in seen.most_common():
            print(f"{v}\t{x}\t{y}\t{' | '.join(example[(x, y)])}")
        return 0
    raw = yaml.safe_load((DATA / "given_names.yml").read_text("utf-8"))
    path = DATA / "given_names_evidence.csv"
    missing = []
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "form_a", "form_b", "entries", "example_entry", "name_1", "name_2"])
        for canon, forms in raw["names"].items():
            shown = False
            for x, y in combinations(sorted({str(canon), *map(str, forms)}), 2):
                key = (x, y) if x < y else (y, x)
                if key in seen:
                    shown = True
                    w.writerow([canon, *key, seen[key], *example[key]])
            if not shown:
                missing.append(str(canon))
    print(f"{len(raw['names'])} names -> {path}")
    print("names no pair of names shows:", *missing, sep="\n  ")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
