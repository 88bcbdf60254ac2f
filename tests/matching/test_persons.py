"""Person names: nasab order, titles, Maghrebi/French romanisations, particles."""

import pytest

from roundabout.matching.compare import compare
from roundabout.matching.normalize import analyze


def score(a: str, b: str) -> float:
    return compare(analyze(a, True), analyze(b, True), person=True).score


def test_a_son_ranks_below_the_listed_father() -> None:
    """``ALI SADDAM HUSSEIN`` is Ali, son of Saddam Hussein: it must not tie with the exact
    name, even after the country bonus (+0.03) both would get."""
    son = "ALI SADDAM HUSSEIN AL-TIKRITI"
    assert score(son, son) == 1.0
    assert score(son, "SADDAM HUSSEIN AL-TIKRITI") + 0.03 < 1.0
    assert score("Qusay SADDAM HUSSEIN", "SADDAM HUSSEIN") < score(
        "SADDAM HUSSEIN", "SADDAM HUSSEIN"
    )


def test_an_extra_name_after_is_a_fuller_name() -> None:
    assert score("Vladimir Vladimirovich PUTIN", "Vladimir PUTIN") >= 0.9
    assert score("Saddam HUSSEIN AL-TIKRITI", "Saddam HUSSEIN") >= 0.85


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Shaykh Abdullah AZZAM", "Abdullah AZZAM"),
        ("Haji Mohammad KHAN", "Mohammad KHAN"),
        ("Mullah Mohammad OMAR", "Mohammad OMAR"),
        ("Haj Husayn AL-SHAMI", "Husayn AL-SHAMI"),
    ],
)
def test_leading_titles_are_dropped(a: str, b: str) -> None:
    assert score(a, b) >= 0.95


def test_a_title_word_inside_a_name_is_a_name() -> None:
    assert analyze("ELSHAFEE EL SHEIKH", True).tokens == ("elshafee", "el", "sheikh")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ELSHAFEE EL SHEIKH", "El Shafee ELSHEIKH"),
        ("Abu Bakr AL-BAGHDADI", "Abubakr AL BAGHDADI"),
    ],
)
def test_particles_split_or_merged(a: str, b: str) -> None:
    assert score(a, b) >= 0.95


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohamed CHAREKH", "Mohamed SHARIKH"),
        ("Mohamed HAMCHO", "Muhammad HAMSHO"),
        ("Hussayn SALAMI", "Hosein SALAMI"),
    ],
)
def test_french_and_maghrebi_romanisations(a: str, b: str) -> None:
    assert score(a, b) >= 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohamed CHAREKH", "Mohamed SHARIF"),
        ("Omar SALIM", "Omar SALMAN"),
        ("Hassan NASRALLAH", "Hassan NASRI"),
    ],
)
def test_different_names_stay_apart(a: str, b: str) -> None:
    assert score(a, b) < 0.72
