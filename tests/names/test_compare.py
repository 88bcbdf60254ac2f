import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundabout.names.compare import compare
from roundabout.names.normalize import analyze


def score(a: str, b: str, person: bool | None = None) -> float:
    return compare(analyze(a, person), analyze(b, person), person=person).score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Сергей Викторович Лавров", "Sergei Viktorovich LAVROV"),
        ("Sergey Lavrov", "Sergei Viktorovich LAVROV"),
        ("Қасым-Жомарт Тоқаев", "Kassym-Jomart Tokayev"),
        ("Գագիկ Ծառուկյան", "Gagik Tsarukyan"),
        ("Шавкат Мирзиёев", "Shavkat Mirziyoyev"),
        ("Wladimir Putin", "Vladimir Putin"),
        ("SergeiLavrov", "Sergei Lavrov"),
        ("Ig0r Sech1n", "Igor Sechin"),
    ],
)
def test_person_variants_match(a: str, b: str) -> None:
    assert score(a, b, True) >= 0.75


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ТОО «Қазақмыс»", "Kazakhmys LLP"),
        ("ООО «Щит»", "Shchit LLC"),
        ("First International Bank", "1st International Bank"),
        ("PLA", "People's Liberation Army"),
    ],
)
def test_company_variants_match(a: str, b: str) -> None:
    assert score(a, b, False) >= 0.75


@pytest.mark.parametrize(
    ("a", "b", "person"),
    [
        ("Sergey Ivanov", "Sergey Viktorovich LAVROV", True),
        ("Bashar al-Assad", "Hafez al-Assad", True),
        ("ТОО «Қазақмыс»", "ТОО «Қазақтелеком»", False),
        ("Азамат Бакыт уулу", "Азамат Эрлан уулу", True),
        ("Ararat Cement CJSC", "Ararat Bank OJSC", False),
    ],
)
def test_hard_negatives_do_not_match(a: str, b: str, person: bool) -> None:
    assert score(a, b, person) < 0.72


def test_explanation_names_the_aligned_tokens() -> None:
    cmp = compare(analyze("Сергей Лавров", True), analyze("Sergei LAVROV", True), person=True)
    text = cmp.explain()
    assert "lavrov" in text and "sergey~sergei" in text


def test_empty_names_score_zero() -> None:
    assert score("", "Vladimir Putin") == 0.0
    assert score("!!!", "Vladimir Putin") == 0.0


names = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), max_size=60)


@settings(deadline=None)
@given(names, names)
def test_scores_are_bounded_and_symmetric_enough(a: str, b: str) -> None:
    s1, s2 = score(a, b), score(b, a)
    assert 0.0 <= s1 <= 1.0 and 0.0 <= s2 <= 1.0


@settings(deadline=None)
@given(names)
def test_a_name_matches_itself(a: str) -> None:
    form = analyze(a)
    if not form.empty:
        assert score(a, a) >= 0.99
