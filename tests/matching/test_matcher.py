from roundabout.matching.matcher import Screener
from roundabout.matching.model import Party


def test_cyrillic_company_with_inn(screener: Screener) -> None:
    hits = screener.screen(
        Party("p", 'ООО "ЭМС Эксперт"', country="ru", identifiers=(("inn", "7107551966"),))
    )
    top = hits[0]
    assert top.entity_id == "ofac-48905" and top.match
    assert 0.0 <= top.score <= 1.0
    assert "INN 7107551966 matches" in top.explanation
    assert "country: RU listed" in top.explanation


def test_identifier_finds_a_renamed_company(screener: Screener) -> None:
    hits = screener.screen(
        Party("p", "Completely Different Name", identifiers=(("inn", "7107551966"),))
    )
    assert hits and hits[0].entity_id == "ofac-48905" and hits[0].match


def test_person_in_another_script(screener: Screener) -> None:
    hits = screener.screen(
        Party("p", "Иван Павлович Прокопенко", schema="Person", birth_date="1973-09-28")
    )
    assert hits[0].entity_id == "ofac-15892" and hits[0].match
    assert "birth_date" in hits[0].explanation


def test_conflicting_evidence_lowers_the_score(screener: Screener) -> None:
    base = screener.screen(Party("p", "Ivan Prokopenko", schema="Person"))[0].score
    other = screener.screen(Party("p", "Ivan Prokopenko", schema="Person", birth_date="1990-01-01"))
    assert not other or other[0].score < base


def test_threshold_sets_the_match_flag(screener: Screener) -> None:
    party = Party("p", "Uzay Group Dis Ticaret")
    assert screener.screen(party, threshold=0.5)[0].match
    assert not screener.screen(party, threshold=1.01)[0].match


def test_clean_party_has_no_hits(screener: Screener) -> None:
    assert screener.screen(Party("p", "Zyxwvut Qwerty Holdings")) == []


def test_index_keeps_the_exhaustive_best_match(screener: Screener) -> None:
    from roundabout.matching.compare import compare
    from roundabout.matching.normalize import analyze

    for name in (
        "Uzay Group",
        "Tactical Missile Corp",
        "Rosoboroneksport",
        "Sergey Lavrov",
        "Eric Badege",
    ):
        q = analyze(name)
        # Scored as the screener scores: with the list entry's person flag.
        exhaustive = max(
            (compare(q, item.form, person=item.person).score, item.entity)
            for item in screener.index.names
        )
        found = screener.name_scores(name)
        if exhaustive[0] >= 0.72:
            assert exhaustive[1] in found, name
