"""Ownership and control: who is blocked because listed persons own or direct it.

On integer node ids with numpy (no store, no list formats): :mod:`.closure` computes the
OFAC 50% rule and the EU owned-or-controlled rule to a fixed point; :mod:`.via` finds the
ids on the paths to each node (a status's ``via``); :mod:`.dates` says on which day the
statuses hold and whether two days' links differ. The list side (FtM relations, users' CSV)
turns its entities into nodes in :mod:`roundabout.lists.graph`.
"""
