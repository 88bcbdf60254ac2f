"""Evidence for ``src/roundabout/matching/data/descriptive_words.yml`` from the lists' own names.

A descriptive word of an organisation name says what the body does or what kind it is
(ENGINEERING, OIL, MONEY, EXCHANGE, CONSTRUCTION), not which one it is. The lists show such
words as the words one name of an entry has *more* than another name of the same entry: for
every entry of the bundled OFAC SDN list outside the RUSSIA-EO14024 programme (primary name and
``aka`` aliases) and of the UN consolidated list (names and aliases), organisations only, and
for every pair of its names whose words (legal forms set aside) are all words of the other
(``SEPANIR`` / ``SEPANIR OIL AND GAS ENGINEERING COMPANY``), each word the longer name has
more is counted once per entry. Writes ``data/descriptive_words_evidence.csv`` (word, entries,
how many of those names hold the word, one entry and its two names) for the listed words and
prints the listed words no pair of names shows. Run from the repository root::

    PYTHONPATH=src python scripts/mine_descriptive_words.py [--candidates]

``--candidates`` prints every word left over in at least two entries, by entries: the list was
chosen from it by hand, keeping words of trade and kind (activities, products, sectors, kinds
of body) and leaving out proper names, countries, nationalities, cities, and the words that
name armed, political or religious groups (ISLAMIC, JIHAD, ARMY, LIBERATION, MARTYRS), which
are what such names are made of.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from itertools import combinations

import yaml
from mine_org_vocabulary import entity_names
from mining_sources import DATA

from roundabout.matching.legal_forms import strip
from roundabout.matching.tokenize import ascii_tokens

#: Words seen left over in fewer entries than this are not evidence.
MIN_ENTRIES = 2


def left_over(names: dict[str, list[str]]) -> tuple[Counter[str], dict[str, tuple[str, ...]]]:
    """Per word: the number of entries with two names, one holding every word of the other
    plus this one; and one such entry (id, shorter name, longer name)."""
    entries: Counter[str] = Counter()
    example: dict[str, tuple[str, ...]] = {}
    for eid, ns in names.items():
        unique = list(dict.fromkeys(ns))
        words = [frozenset(strip(ascii_tokens(n))[0]) for n in unique]
        here: set[str] = set()
        for (n1, a), (n2, b) in combinations(zip(unique, words, strict=True), 2):
            if not a or not b or a == b:
                continue
            if a < b:
                extra, short, long_ = b - a, n1, n2
            elif b < a:
                extra, short, long_ = a - b, n2, n1
            else:
                continue
            for w in sorted(extra):
                if w not in here:
                    here.add(w)
                    entries[w] += 1
                    example.setdefault(w, (eid, short, long_))
    return entries, example


def holding(names: dict[str, list[str]]) -> Counter[str]:
    """Per word: how many entries hold it in one of their names."""
    out: Counter[str] = Counter()
    for ns in names.values():
        out.update({t for n in ns for t in strip(ascii_tokens(n))[0]})
    return out


def main(argv: list[str]) -> int:
    names = entity_names()
    entries, example = left_over(names)
    df = holding(names)
    if "--candidates" in argv:
        for w, v in entries.most_common():
            if v >= MIN_ENTRIES:
                print(f"{v}\t{df[w]}\t{w}\t{example[w][1]} | {example[w][2]}")
        return 0
    raw = yaml.safe_load((DATA / "descriptive_words.yml").read_text("utf-8"))
    words = [str(w) for w in raw["words"]]
    path = DATA / "descriptive_words_evidence.csv"
    missing = []
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["word", "entries", "entries_holding", "example_entry", "shorter", "longer"])
        for word in sorted(words):
            if entries[word] < MIN_ENTRIES:
                missing.append(word)
                continue
            w.writerow([word, entries[word], df[word], *example[word]])
    print(f"{len(words) - len(missing)} words with evidence -> {path}")
    print("listed words no pair of names shows:", *missing, sep="\n  ")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
