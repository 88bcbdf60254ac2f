"""Where the mining scripts (``mine_org_vocabulary.py``, ``mine_given_names.py``) read the
lists' own names, and the programme they must never mine: RUSSIA-EO14024 is the held-out set
of ``bench/quality.py`` (issue 12), so no vocabulary may be learnt from it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "src/roundabout/lists/data"
DATA = ROOT / "src/roundabout/matching/data"
HELD_OUT = "RUSSIA-EO14024"


def rows(path: Path) -> list[list[str]]:
    """The cells of an OFAC legacy CSV (``sdn``, ``alt``), stripped; the DOS end-of-file
    mark the files end with is dropped."""
    text = path.read_text("utf-8").replace("\x1a", "")
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text)) if r]
