"""The second score bound (``score_bound.QueryBound``) never falls below the scorer's score."""

from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.matching.compare import compare
from roundabout.matching.matcher import Screener, person_flag
from roundabout.matching.normalize import analyze
from roundabout.matching.score_bound import LOWERING_RULES, ListSide, QueryBound

from .test_index import QUERIES, TOKENS

MORE = [
    "Abu Bakr al Baghdadi",
    "Abubakr Albaghdadi",
    "Snow Storm 2",
    "Fund VII 12",
    "Trading House Alfa",
    "Al Haram Exchange",
    "ALHARAM EXCHANGE",
    "Jin Ping Xi",
    "SergeiLavrov",
    "PLA",
]


def _check(screener: Screener, name: str) -> None:
    for flag in (None, True, False):
        q = analyze(name, flag)
        bound = QueryBound(q)
        for item in screener.index.names:
            e = screener.entries[item.entity].entity
            person = person_flag(e.schema) if flag is None else flag
            s = compare(q, item.form, person=person).score
            up = bound.upper(item.form, person)
            assert s <= up + 1e-4, (name, item.form.raw, person, s, up)
            side = ListSide(item.form)
            assert not bound.below(side, person, s - 1e-4), (name, item.form.raw, s)


def test_rules_only_lower_scores() -> None:
    """The bound relies on it (else it gives up and bounds every score by 1.0)."""
    assert LOWERING_RULES


def test_bound_holds_on_every_pair(screener: Screener) -> None:
    for name in (*QUERIES, *MORE):
        _check(screener, name)


def test_bound_holds_for_list_names_as_queries(screener: Screener) -> None:
    for item in screener.index.names[::3]:
        _check(screener, item.form.raw)
        _check(screener, item.form.raw[:-1])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4))
def test_bound_holds_on_random_token_mixes(screener: Screener, tokens: list[str]) -> None:
    _check(screener, " ".join(tokens))


def test_pruned_candidates_change_no_useful_score(screener: Screener) -> None:
    """Skipping what certainly scores below ``useful`` leaves every score at or above it as it
    was (the same comparison, the same list name), so ``screen`` reports the same hits."""
    for name in (*QUERIES, *MORE, *(i.form.raw for i in screener.index.names[::7])):
        for schema in (None, "Person", "Company"):
            full = screener.name_scores(name, schema, 0.72)
            pruned = screener.name_scores(name, schema, 0.72, useful=0.5)
            assert {e: v for e, v in full.items() if v[0].score >= 0.5} == {
                e: v for e, v in pruned.items() if v[0].score >= 0.5
            }, name
