"""Build the OFAC alias sets of ``bench/quality.py`` from the bundled OFAC SDN files.

Usage: ``.venv/bin/python bench/build_ofac_sets.py`` (writes ``bench/data/ofac_aliases_*.csv``).

Positives are OFAC's own ``aka`` aliases against the primary name of the same entry (``fka`` /
``nka`` aliases are former or later names, which no name matcher can be asked to find). Each
positive gets one hard negative: among the primary names of *other* entries of the same kind
(person / not a person) and of the same side of the split, the one closest to the alias by
rapidfuzz ``token_set_ratio`` that shares no distinctive word with the alias or with the
entry's primary name. A word is distinctive when it occurs in fewer than
:data:`DISTINCTIVE_DF` names of the whole list (a frequency count of the list's own names,
independent of the matcher's tables), so negatives share descriptive words (BANK, ZAVOD,
TRADING, ALI, MOHAMMAD), never a proper name that may be the same party's.

Two sets, split by programme:

* ``ofac_aliases_dev.csv``: entries with no ``RUSSIA-EO14024`` programme (Ukraine-related
  EO 13660-13662, Belarus, cyber, SDGT, Iran, Cuba, ...). The matcher is developed on these.
* ``ofac_aliases_heldout.csv``: ``RUSSIA-EO14024`` entries only, for an independent check: no
  vocabulary is mined from them and no rule is tuned on them.

Sampling is seeded and deterministic: up to :data:`SAMPLE` organisation and persons positives
per set.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process

from roundabout.lists.ofac import person_name

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "src" / "roundabout" / "lists" / "data"
SDN = LISTS / "ofac_sdn_2024-05-03.csv"
ALT = LISTS / "ofac_alt_2025-02-27.csv"
OUT = Path(__file__).resolve().parent / "data"
HELD_OUT_PROGRAMME = "RUSSIA-EO14024"
DISTINCTIVE_DF = 30
SAMPLE = {"Organization": 1500, "Person": 700}
SEED = 14024
_WORD = re.compile(r"[^\W_]+")


def _rows(path: Path) -> list[list[str]]:
    text = path.read_text("utf-8").replace("\x1a", "")
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text)) if r]


def _words(name: str) -> set[str]:
    return {w for w in _WORD.findall(name.casefold()) if len(w) >= 2}


def main() -> None:
    sdn = _rows(SDN)
    kind = {r[0]: ("Person" if r[2].lower() == "individual" else "Organization") for r in sdn}
    programs = {r[0]: r[3] for r in sdn}
    # vessels and aircraft are left out: their aliases are former names (fka)
    skip = {r[0] for r in sdn if r[2].lower() in ("vessel", "aircraft")}
    primary = {
        r[0]: (person_name(r[1]) if kind[r[0]] == "Person" else r[1])
        for r in sdn
        if r[0] not in skip
    }
    aliases: dict[str, list[str]] = {}
    for r in _rows(ALT):
        num, typ, name = r[0], r[2].strip('"').lower(), r[3]
        if num in primary and typ == "aka" and name and name != "-0-":
            alias = person_name(name) if kind[num] == "Person" else name
            if alias.casefold() != primary[num].casefold():
                aliases.setdefault(num, []).append(alias)
    df: Counter[str] = Counter()
    for num, p in primary.items():
        for n in {p, *aliases.get(num, [])}:
            df.update(_words(n))
    rng = random.Random(SEED)
    for side, held in (("dev", False), ("heldout", True)):
        nums = [n for n in primary if (HELD_OUT_PROGRAMME in programs[n]) == held]
        rows: list[dict[str, str]] = []
        for schema, size in SAMPLE.items():
            pool = [(n, a) for n in nums if kind[n] == schema for a in aliases.get(n, [])]
            pool.sort()
            picked = sorted(rng.sample(pool, min(size, len(pool))))
            others = [n for n in nums if kind[n] == schema]
            choices = [primary[n].casefold() for n in others]
            for num, alias in picked:
                rows.append(_row(len(rows), schema, num, alias, primary[num], True, programs))
                near = process.extract(
                    alias.casefold(), choices, scorer=fuzz.token_set_ratio, limit=40
                )
                mine = {w for w in _words(alias) | _words(primary[num]) if df[w] < DISTINCTIVE_DF}
                for _, _, k in near:
                    other = others[k]
                    if other == num:
                        continue
                    if any(df[w] < DISTINCTIVE_DF for w in _words(primary[other]) & mine):
                        continue
                    if _words(primary[other]) & _words(alias) == _words(alias):
                        continue  # nothing but shared common words: may be the same party
                    rows.append(
                        _row(len(rows), schema, other, alias, primary[other], False, programs)
                    )
                    break
        path = OUT / f"ofac_aliases_{side}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        pos = sum(r["is_match"] == "true" for r in rows)
        print(f"{path.name}: {pos} positives, {len(rows) - pos} negatives")


def _row(
    i: int, schema: str, num: str, alias: str, name: str, match: bool, programs: dict[str, str]
) -> dict[str, str]:
    return {
        "case_id": str(i),
        "schema": schema,
        "ent_num": num,
        "programs": programs[num].replace("] [", ";"),
        "name1": alias,
        "name2": name,
        "is_match": "true" if match else "false",
    }


if __name__ == "__main__":
    main()
