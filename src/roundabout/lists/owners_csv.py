"""Users' own ownership data: a CSV ``owner, asset, share[, start, end]`` loaded beside a list.

``owner`` and ``asset`` are entity ids of the list, or names (matched to a list entity's name
or alias, case and spacing ignored). A name the list does not know becomes a context entity
of its own (``own-`` + a hash of the name): a user's counterparty, say, that is owned by a
listed person, and is then screened by that name. ``share`` is a percentage (``51`` or
``51%``, as FtM's ``percentage``); ``start`` and ``end`` are ISO dates.

A structural problem (no such columns, broken quoting) is an error naming the line; a bad
value (a share that is not a number in 0-100, an unreadable date, a name that fits several
list entities) is a warning naming the line, and the link is kept without it or skipped, never
guessed. The list with its ownership data is a new snapshot: the sha256 combines both files.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace
from pathlib import Path

from roundabout.errors import InputFileError
from roundabout.lists.common import csv_records, iso_prefix
from roundabout.lists.limits import read_text, sha256_file
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.lists.relations import Relation, parse_share

REQUIRED = ("owner", "asset", "share")


def is_ownership_csv(path: Path) -> bool:
    """Whether ``path`` looks like an ownership CSV (its header names owner, asset, share)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.readline()
    except OSError:
        return False
    cols = {c.strip().strip('"').lstrip("\ufeff").lower() for c in head.split(",")}
    return all(c in cols for c in REQUIRED)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(text.replace('"', " ").replace("«", " ").replace("»", " ").split())


def attach(parsed: ParsedList, path: Path) -> ParsedList:
    """``parsed`` with the links of the ownership CSV ``path`` (and any new context entity)."""
    text = read_text(path)
    rows = list(
        csv_records(
            path,
            _lower_header(text),
            delimiter=",",
            required=REQUIRED,
            what="ownership CSV (owner, asset, share[, start, end])",
        )
    )
    if not rows:
        raise InputFileError(path, "no ownership rows")
    ids = {e.entity_id for e in parsed.entities}
    by_name: dict[str, set[str]] = {}
    for e in parsed.entities:
        for n in e.names:
            by_name.setdefault(_key(n), set()).add(e.entity_id)
    new: dict[str, ListEntity] = {}
    relations: list[Relation] = []
    warnings: list[str] = []
    where = path.name

    def resolve(value: str, line: int, role: str) -> str | None:
        if value in ids:
            return value
        found = by_name.get(_key(value), set())
        if len(found) > 1:
            warnings.append(
                f"{where} line {line}: {role} {value!r} fits several entities "
                f"({', '.join(sorted(found))}); link skipped (give the id)"
            )
            return None
        if found:
            return next(iter(found))
        eid = "own-" + hashlib.sha256(_key(value).encode("utf-8")).hexdigest()[:12]
        if eid not in new:
            new[eid] = ListEntity(eid, "LegalEntity", value, record=line, listed=False)
        return eid

    fractions = 0
    for line, r in rows:
        owner, asset = r.get("owner", ""), r.get("asset", "")
        if not owner or not asset:
            warnings.append(f"{where} line {line}: empty owner or asset; row skipped")
            continue
        a, b = resolve(owner, line, "owner"), resolve(asset, line, "asset")
        if a is None or b is None:
            continue
        share, problem = parse_share(r.get("share"))
        if problem:
            warnings.append(f"{where} line {line}: {problem}; kept as a holding of unstated share")
        if share is not None and 0 < share <= 0.01 and "%" not in r.get("share", ""):
            fractions += 1
        dates: list[str | None] = []
        for col in ("start", "end"):
            raw = r.get(col, "")
            d = iso_prefix(raw) if raw else None
            if raw and d is None:
                warnings.append(f"{where} line {line}: {col} {raw!r} is not a date; ignored")
            dates.append(d)
        relations.append(
            Relation(
                f"{where}:{line}",
                "ownership",
                a,
                b,
                share_text=r.get("share") or None,
                start=dates[0],
                end=dates[1],
                record=line,
            )
        )
    if fractions and fractions == sum(1 for r in relations if r.share_text):
        warnings.append(
            f"{where}: every share is 1 or less: read as percentages (0.51 = 0.51%); "
            "write 51 for 51%"
        )
    combined = hashlib.sha256((parsed.sha256 + sha256_file(path)).encode("ascii")).hexdigest()
    return replace(
        parsed,
        sha256=combined,
        files=(*parsed.files, str(path)),
        entities=(*parsed.entities, *new.values()),
        relations=(*parsed.relations, *relations),
        warnings=(*parsed.warnings, *warnings),
    )


def _lower_header(text: str) -> str:
    head, sep, rest = text.partition("\n")
    return head.lower() + sep + rest
