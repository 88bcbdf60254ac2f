"""Regenerate ``src/roundabout/matching/data/token_df.json`` from the bundled lists.

The document frequencies behind :func:`roundabout.matching.rarity.rarity`: every distinct name
and alias of the bundled OFAC SDN and UN consolidated lists, analysed as the screener analyses
list names. Run from the repository root::

    PYTHONPATH=src python scripts/build_token_df.py
"""

from __future__ import annotations

import json
from pathlib import Path

from roundabout.lists import bundled
from roundabout.matching.matcher import person_flag
from roundabout.matching.normalize import analyze
from roundabout.matching.rarity import document_frequencies

OUT = Path(__file__).resolve().parent.parent / "src/roundabout/matching/data/token_df.json"


def main(path: Path = OUT) -> None:
    forms = []
    for p in bundled.current():
        for e in p.entities:
            flag = person_flag(e.schema)
            for name in dict.fromkeys(e.names):
                form = analyze(name, flag)
                if not form.empty:
                    forms.append(form.skeletons)
    n, df = document_frequencies(forms)
    path.write_text(json.dumps({"names": n, "df": df}, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"{n:,} names, {len(df):,} common skeletons -> {path}")


if __name__ == "__main__":
    main()
