"""Whether the links in force differ between two days."""

from __future__ import annotations

from roundabout.ownership.dates import links_change


def test_an_end_or_start_in_between_changes_the_links() -> None:
    ends, starts = ["2026-12-10"], ["2026-12-12"]
    assert not links_change("2026-12-02", "2026-12-10", [], ends)  # in force on its end day
    assert links_change("2026-12-02", "2026-12-11", [], ends)
    assert links_change("2026-12-11", "2026-12-02", [], ends)  # either order
    assert not links_change("2026-12-02", "2026-12-11", starts, [])
    assert links_change("2026-12-02", "2026-12-12", starts, [])
    assert not links_change("2026-12-12", "2027-01-01", starts, ends)
    assert links_change("2026-12-31", "2027-06-01", [], ["2027"])  # a year only: as written
