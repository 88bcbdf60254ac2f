"""Evidence for ``src/roundabout/matching/data/org_vocabulary.yml`` from the lists' own names.

For every entry of the bundled OFAC SDN list outside the RUSSIA-EO14024 programme (primary name
and ``aka`` aliases) and of the UN consolidated list (names and aliases), and for every pair of
its names, a form of a concept found in one name but not the other, with another form of the
same concept found in the other name but not the first, is evidence that the two forms say the
same thing. Writes ``data/org_vocabulary_evidence.csv`` (concept, the two forms, number of
entries, one entry and its two names) and prints the forms no pair of names shows. Run from
the repository root::

    PYTHONPATH=src python scripts/mine_org_vocabulary.py

The candidate pairs were found the same way, with every word left over on both sides of a pair
of names counted (``--candidates`` prints the strongest), and checked by hand.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from itertools import combinations

import yaml
from mining_sources import DATA, HELD_OUT, LISTS
from mining_sources import rows as _rows

from roundabout.lists import un
from roundabout.lists.ofac import person_name
from roundabout.matching.legal_forms import strip
from roundabout.matching.tokenize import ascii_tokens
from roundabout.matching.vocabulary import word_key


def entity_names() -> dict[str, list[str]]:
    """Entry id -> its names: OFAC entries outside RUSSIA-EO14024 that are not persons, and
    UN entries that are not persons."""
    out: dict[str, list[str]] = {}
    sdn = {r[0]: r for r in _rows(LISTS / "ofac_sdn_2024-05-03.csv")}
    for num, r in sdn.items():
        if HELD_OUT not in r[3] and r[2].lower() not in ("individual", "vessel", "aircraft"):
            out[f"ofac-{num}"] = [r[1]]
    for r in _rows(LISTS / "ofac_alt_2025-02-27.csv"):
        key = f"ofac-{r[0]}"
        if key in out and r[2].lower() == "aka" and r[3]:
            out[key].append(person_name(r[3]) if False else r[3])
    parsed = un.parse(LISTS / "un_sc_consolidated_list_2026-02-27.xml")
    for e in parsed.entities:
        if e.schema != "Person":
            out[e.entity_id] = list(e.names)
    return out


def _contains(tokens: tuple[str, ...], keys: tuple[str, ...], form: tuple[str, ...]) -> bool:
    fk = tuple(word_key(t) for t in form)
    n = len(form)
    return any(
        tokens[i : i + n] == form or keys[i : i + n] == fk for i in range(len(tokens) - n + 1)
    )


def main(argv: list[str]) -> int:
    raw = yaml.safe_load((DATA / "org_vocabulary.yml").read_text("utf-8"))
    concepts: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    derived: dict[str, str] = {}
    for section in ("designations", "words"):
        for cid, entry in raw[section].items():
            forms = {ascii_tokens(str(f)): str(f) for f in reversed(entry["forms"])}
            concepts[cid] = [(s, f) for f, s in reversed(forms.items())]
            if "derived" in entry:
                derived[cid] = str(entry["derived"])
    names = entity_names()
    if "--candidates" in argv:
        return _candidates(names)
    seen: Counter[tuple[str, str, str]] = Counter()
    example: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    for eid, ns in names.items():
        analysed = []
        for n in dict.fromkeys(ns):
            toks = ascii_tokens(n)
            analysed.append((n, toks, tuple(word_key(t) for t in toks)))
        found_here: set[tuple[str, str, str]] = set()
        for (n1, t1, k1), (n2, t2, k2) in combinations(analysed, 2):
            for cid, forms in concepts.items():
                in1 = {s for s, f in forms if _contains(t1, k1, f)}
                in2 = {s for s, f in forms if _contains(t2, k2, f)}
                for a in in1 - in2:
                    for b in in2 - in1:
                        if ascii_tokens(a) == ascii_tokens(b):
                            continue
                        key = (cid, *sorted((a, b)))
                        if key not in found_here:
                            found_here.add(key)  # type: ignore[arg-type]
                            seen[key] += 1  # type: ignore[index]
                            example.setdefault(key, (eid, n1, n2))  # type: ignore[arg-type]
    path = DATA / "org_vocabulary_evidence.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["concept", "form_a", "form_b", "entries", "example_entry", "name_1", "name_2"])
        for key in sorted(seen):
            w.writerow([*key, seen[key], *example[key]])
    evidenced: defaultdict[str, set[tuple[str, ...]]] = defaultdict(set)
    for cid, a, b in seen:
        evidenced[cid].update({ascii_tokens(a), ascii_tokens(b)})
    missing = []
    for cid, forms in concepts.items():
        if cid in derived:
            continue  # forms derived from another concept's evidence (see the YAML)
        keys_ok = {tuple(word_key(t) for t in f) for f in evidenced[cid]}
        for s, f in forms:
            if f not in evidenced[cid] and tuple(word_key(t) for t in f) not in keys_ok:
                missing.append(f"{cid}: {s}")
    print(f"{len(seen)} form pairs over {len(concepts)} concepts -> {path}")
    print("forms no pair of names shows:", *missing, sep="\n  ")
    return 1 if missing else 0


def _candidates(names: dict[str, list[str]]) -> int:
    """Word pairs left over on the two sides of a pair of names of one entry, by Dice."""
    co: Counter[tuple[str, str]] = Counter()
    alone: Counter[str] = Counter()
    for ns in names.values():
        for n1, n2 in combinations(dict.fromkeys(ns), 2):
            t1, t2 = set(strip(ascii_tokens(n1))[0]), set(strip(ascii_tokens(n2))[0])
            l1, l2 = t1 - t2, t2 - t1
            if not l1 or not l2 or len(l1) > 5 or len(l2) > 5:
                continue
            alone.update(l1 | l2)
            co.update(tuple(sorted((a, b))) for a in l1 for b in l2)  # type: ignore[misc]
    ranked = sorted(
        ((2 * v / (alone[a] + alone[b]), v, a, b) for (a, b), v in co.items() if v >= 2),
        reverse=True,
    )
    for dice, v, a, b in ranked[:400]:
        print(f"{dice:.2f}\t{v}\t{a}\t{b}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
