"""An entry's JSON written out field by field, byte for byte what ``json.dumps`` writes.

An entry's version (:meth:`ListEntity.content_hash`) is the SHA-256 of
``json.dumps(data, sort_keys=True, ensure_ascii=False)`` of its fields without the record
number, and its stored form (:meth:`ListEntity.to_json`) is ``json.dumps(data,
ensure_ascii=False)`` (fields at their default that older versions lacked left out:
:meth:`ListEntity._data`). A million-link load writes both for several hundred thousand
entries; ``json.dumps`` walking a dict per entry was a fifth of it. Here each string goes
through the encoder ``json.dumps`` itself uses (:data:`json.encoder.encode_basestring`, the C
one), and the rest is joined by hand, so the text, and so every stored version, is the same.

A field of an unexpected type (a number where a string belongs) is left to ``json.dumps``:
``None`` is returned and the caller takes the slow path (the encoder refuses what is not a
string).
"""

from __future__ import annotations

import json.encoder
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from roundabout.lists.model import ListEntity

#: A string as ``json.dumps(..., ensure_ascii=False)`` writes it.
_enc: Final = json.encoder.encode_basestring


def _strs(xs: Sequence[str]) -> str:
    return "[" + ", ".join(map(_enc, xs)) + "]"


def _idents(pairs: Sequence[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"[{_enc(k)}, {_enc(v)}]" for k, v in pairs) + "]"


def _bare(e: ListEntity) -> bool:
    """No aliases, countries, identifiers, birth dates, programs, addresses or listing date
    (most context entities of an ownership graph): the lists are written as ``[]`` directly."""
    return (
        e.aliases == ()
        and e.countries == ()
        and e.identifiers == ()
        and e.birth_dates == ()
        and e.programs == ()
        and e.addresses == ()
        and e.listed_on is None
    )


#: ``"listed": false`` as each form writes it, for a context entity.
_UNLISTED_SORTED: Final = '"listed": false, '
_UNLISTED_STORED: Final = ', "listed": false'


def sorted_content(e: ListEntity) -> str | None:
    """``json.dumps`` of the entry's content (no record number) with sorted keys, or None
    when a field is not of its declared type."""
    if type(e.listed) is not bool:
        return None
    try:
        if _bare(e):
            return (
                f'{{"aliases": [], "birth_dates": [], "countries": [], '
                f'"entity_id": {_enc(e.entity_id)}, "identifiers": [], '
                f'{"" if e.listed else _UNLISTED_SORTED}"name": {_enc(e.name)}, '
                f'"programs": [], "schema": {_enc(e.schema)}}}'
            )
        head = f'{{"addresses": {_strs(e.addresses)}, ' if e.addresses else "{"
        listed = "" if e.listed else '"listed": false, '
        listed_on = "" if e.listed_on is None else f'"listed_on": {_enc(e.listed_on)}, '
        return (
            f'{head}"aliases": {_strs(e.aliases)}, "birth_dates": {_strs(e.birth_dates)}, '
            f'"countries": {_strs(e.countries)}, "entity_id": {_enc(e.entity_id)}, '
            f'"identifiers": {_idents(e.identifiers)}, {listed}{listed_on}'
            f'"name": {_enc(e.name)}, "programs": {_strs(e.programs)}, "schema": {_enc(e.schema)}}}'
        )
    except (TypeError, ValueError):  # not a string, or an identifier not a pair
        return None


def stored(e: ListEntity) -> str | None:
    """``json.dumps`` of the entry's fields in their order (the stored ``data``), or None when
    a field is not of its declared type."""
    if type(e.listed) is not bool or type(e.record) is not int:
        return None
    try:
        if _bare(e):
            return (
                f'{{"entity_id": {_enc(e.entity_id)}, "schema": {_enc(e.schema)}, '
                f'"name": {_enc(e.name)}, "aliases": [], "countries": [], "identifiers": [], '
                f'"birth_dates": [], "programs": [], "record": {int.__repr__(e.record)}'
                f"{'' if e.listed else _UNLISTED_STORED}}}"
            )
        tail = "" if e.listed_on is None else f', "listed_on": {_enc(e.listed_on)}'
        if not e.listed:
            tail += ', "listed": false'
        if e.addresses:
            tail += f', "addresses": {_strs(e.addresses)}'
        return (
            f'{{"entity_id": {_enc(e.entity_id)}, "schema": {_enc(e.schema)}, '
            f'"name": {_enc(e.name)}, "aliases": {_strs(e.aliases)}, '
            f'"countries": {_strs(e.countries)}, "identifiers": {_idents(e.identifiers)}, '
            f'"birth_dates": {_strs(e.birth_dates)}, "programs": {_strs(e.programs)}, '
            f'"record": {int.__repr__(e.record)}{tail}}}'
        )
    except (TypeError, ValueError):
        return None
