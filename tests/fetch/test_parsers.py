"""Property tests for the fetch commands' small parsers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from roundabout.fetch import comtrade as ct
from roundabout.fetch.http import retry_seconds

months = st.tuples(st.integers(1990, 2030), st.integers(1, 12))


@given(months, months)
def test_monthly_span_lists_every_month_once(a: tuple[int, int], b: tuple[int, int]) -> None:
    start, end = min(a, b), max(a, b)
    got = ct.parse_periods(f"{start[0]}-{start[1]:02d}:{end[0]}-{end[1]:02d}", "M")
    assert len(got) == (end[0] - start[0]) * 12 + end[1] - start[1] + 1
    assert got == sorted(set(got))
    assert got[0] == f"{start[0]}{start[1]:02d}" and got[-1] == f"{end[0]}{end[1]:02d}"


@given(st.integers(0, 10**6))
def test_retry_after_seconds(n: int) -> None:
    assert retry_seconds(str(n)) == float(n)
    assert retry_seconds(f" {n} ") == float(n)


@given(st.lists(st.sampled_from(["ARM", "KAZ", "KGZ", "UZB", "GEO"]), min_size=1, max_size=5),
       st.integers(1, 40))  # fmt: skip
def test_splitting_covers_the_query_exactly(reporters: list[str], n_codes: int) -> None:
    codes = [f"{870000 + i:06d}" for i in range(n_codes)]
    q = ct.plan(reporters, ["RUS"], ["202201", "202202", "202203"], codes, ["X"], "M")[0]
    halves = q.split()
    cells = lambda qs: sorted((p, c) for x in qs for p in x.periods for c in x.codes)  # noqa: E731
    assert cells(halves) == cells([q]) and len(halves) == 2
