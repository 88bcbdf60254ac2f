from roundabout.matching.compare import compare, token_weight
from roundabout.matching.keys import meet, token_keys
from roundabout.matching.normalize import analyze
from roundabout.matching.rarity import RARITY_MIN, rarity


def score(a: str, b: str, person: bool | None = None) -> float:
    return compare(analyze(a, person), analyze(b, person), person=person).score


def test_common_tokens_weigh_less() -> None:
    assert rarity("al") < rarity("muhamad") < rarity("prokopenko") == 1.0
    assert rarity("zzzunseen") == 1.0
    assert all(RARITY_MIN <= rarity(k) <= 1.0 for k in ("al", "ali", "sergei", "bank"))
    assert token_weight("mohamed", "mohamed") < token_weight("prokopenko", "prokopenko")


def test_one_common_given_name_is_not_a_match() -> None:
    assert score("Mohammed Prokopenko", "Mohammed Rahimov", True) < 0.72
    assert score("Ivan Zyxwvut", "Ivan Petrov", True) < 0.72


def test_two_letter_and_person_acronyms_do_not_match() -> None:
    assert score("AA", "Asqar Akhmetov") < 0.72
    assert score("AST", "Artem Sergeevich Tsvetkov") < 0.72
    assert score("Asia", "Al-Salah Islamic Association", False) < 0.72
    assert score("PLA", "People's Liberation Army", False) >= 0.75


def test_keys_meet_within_two_edits_for_long_tokens() -> None:
    assert meet("kovalcuk", "kovalcuk")
    assert meet("selenskij", "zelenskii")  # two substitutions, 9 letters
    assert not meet("ivanov", "petrov")
    assert "cia" not in token_keys("cina") and "~cia" in token_keys("cina")
