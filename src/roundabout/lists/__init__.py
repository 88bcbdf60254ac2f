"""Sanctions lists: importers (OFAC CSV/XML, UN, EU FSF, UK OFSI, US CSL, FtM, BIS DPL),
versioned snapshots in the store, diffs.

Every importer turns one published file into a :class:`~roundabout.lists.model.ParsedList` of
:class:`~roundabout.lists.model.ListEntity` records, or raises
:class:`~roundabout.errors.InputFileError` naming the file and the record. Nothing is written to
the store until a whole list has parsed (:mod:`roundabout.lists.snapshots`).
"""
