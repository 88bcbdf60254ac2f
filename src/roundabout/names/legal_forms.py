"""Legal forms (ООО, ТОО, ЖШС, ОсОО, ՍՊԸ, MChJ, Ltd. Şti., A.Ş., FZE, LLC, ...) in names.

The table lives in ``data/legal_forms.yml``: generic class -> surface forms in any script.
Forms are matched as whole token sequences on the ASCII tokens of a name (the table goes
through the same tokeniser and transliteration), longest first, so one entry covers the native
script and its romanisations. Short ambiguous forms (``too``, ``ip``, ``as``) count only at the
start or end of a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import yaml

from roundabout.names.tokenize import ascii_tokens

#: Generic classes, in the order of the YAML file.
CLASSES: Final = (
    "llc",
    "llp",
    "jsc",
    "pjsc",
    "fz",
    "corp",
    "sole_trader",
    "state_enterprise",
    "nonprofit",
)


@dataclass(frozen=True, slots=True)
class LegalFormTable:
    forms: dict[tuple[str, ...], str]  # ASCII token sequence -> generic class
    edge_only: frozenset[tuple[str, ...]]
    max_len: int


@dataclass(frozen=True, slots=True)
class LegalFormHit:
    surface: str  # the tokens as found, joined with a space
    generic: str  # llc, llp, jsc, ...
    start: int  # token index


@cache
def table() -> LegalFormTable:
    text = resources.files("roundabout.names").joinpath("data/legal_forms.yml").read_text("utf-8")
    raw = yaml.safe_load(text)
    forms: dict[tuple[str, ...], str] = {}
    for generic in CLASSES:
        for surface in raw.get(generic, []):
            key = ascii_tokens(str(surface))
            if key and key not in forms:
                forms[key] = generic
    edge = frozenset(ascii_tokens(str(s)) for s in raw.get("edge_only", []))
    return LegalFormTable(forms, edge, max(len(k) for k in forms))


def find(tokens: tuple[str, ...]) -> list[LegalFormHit]:
    """Legal forms among ``tokens`` (ASCII), longest match first, non-overlapping."""
    t = table()
    hits: list[LegalFormHit] = []
    n = len(tokens)
    i = 0
    while i < n:
        for size in range(min(t.max_len, n - i), 0, -1):
            key = tokens[i : i + size]
            generic = t.forms.get(key)
            if generic is None:
                continue
            if key in t.edge_only and i != 0 and i + size != n:
                continue
            hits.append(LegalFormHit(" ".join(key), generic, i))
            i += size
            break
        else:
            i += 1
    return hits


def strip(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], list[LegalFormHit], list[int]]:
    """``tokens`` without legal forms, the forms found, and the kept token positions.

    If the name is nothing but legal forms (a company called "Limited"), nothing is removed.
    """
    hits = find(tokens)
    if not hits:
        return tokens, [], list(range(len(tokens)))
    drop: set[int] = set()
    for h in hits:
        drop.update(range(h.start, h.start + len(h.surface.split(" "))))
    keep = [i for i in range(len(tokens)) if i not in drop]
    if not keep:
        return tokens, [], list(range(len(tokens)))
    return tuple(tokens[i] for i in keep), hits, keep
