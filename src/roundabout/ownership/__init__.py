"""Ownership and control: who is blocked because listed persons own or direct it.

Pure Python on integer node ids (no store, no list formats): :mod:`.closure` computes the
OFAC 50% rule and the EU owned-or-controlled rule to a fixed point; :mod:`.paths` explains a
result (the owners and the ids on the paths). The list side (FtM relations, users' CSV) turns
its entities into nodes in :mod:`roundabout.lists.graph`.
"""
