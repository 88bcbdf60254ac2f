"""Organisation vocabulary: designations set aside, words folded, every form evidenced."""

import csv
from importlib import resources

import pytest
import yaml

from roundabout.matching.compare import compare
from roundabout.matching.normalize import analyze
from roundabout.matching.tokenize import ascii_tokens
from roundabout.matching.vocabulary import canonicalize, stem, word_key


def score(a: str, b: str) -> float:
    return compare(analyze(a, False), analyze(b, False), person=False).score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "PETROVSKY ELECTROMECHANICAL ZAVOD MOLOT",
            "AKTSIONERNOE OBSHCHESTVO PETROVSKII ELEKTROMEKHANICHESKII ZAVOD MOLOT",
        ),
        ("AO NPP TOPAZ", "CLOSED JOINT-STOCK COMPANY SCIENTIFIC PRODUCTION ENTERPRISE TOPAZ"),
        (
            "URALVAGONZAVOD",
            "AO NAUCHNO-PROIZVODSTVENNAYA KORPORATSIYA URALVAGONZAVOD IMENI F E DZERZHINSKOGO",
        ),
        ("KALININ MACHINE BUILDING PLANT JSC", "OAO MASHINOSTROITELNY ZAVOD IMENI M I KALININA"),
        ("JSC FIOLENT PLANT", "AKTSIONERNOE OBSHCHESTVO ZAVOD FIOLENT"),
        ("KVANT SCIENTIFIC RESEARCH INSTITUTE", "NAUCHNO-ISSLEDOVATELSKIY INSTITUT KVANT"),
        ("Научно-исследовательский институт Квант", "NII KVANT"),
    ],
)
def test_designations_across_languages(a: str, b: str) -> None:
    assert score(a, b) >= 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ZAVOD MOLOT", "ZAVOD FAKEL"),
        ("NPP TOPAZ", "NPP ISTOK"),
        ("NII KVANT", "NII ISTOK"),
        # the short name inside a long one with another distinctive name in it
        ("URALVAGONZAVOD", "AO NPK URALVAGONZAVOD IMENI F E DZERZHINSKOGO KAMAZ"),
        ("ZAVOD IMENI KIROVA", "ZAVOD IMENI LENINA"),
    ],
)
def test_designations_do_not_make_a_match(a: str, b: str) -> None:
    assert score(a, b) < 0.72


def test_named_after_is_the_name_when_nothing_else_is_left() -> None:
    tokens, designations, clause = canonicalize(("zavod", "imeni", "s", "a", "lavochkina"))
    assert tokens == ("lavochkina",)
    assert "plant" in designations
    assert clause == ()


def test_named_after_is_set_aside_and_tried_both_ways() -> None:
    tokens, designations, clause = canonicalize(("molot", "zavod", "imeni", "kirova"))
    assert tokens == ("molot",) and clause == ("kirova",)
    assert "imeni:" + word_key("kirova") in designations
    form = analyze("ZAVOD MOLOT IMENI KIROVA", False)
    assert form.alt is not None and form.alt.tokens == ("molot", "kirova")


def test_a_name_of_designations_only_keeps_them() -> None:
    assert canonicalize(("design", "bureau")) == (("designbureau",), (), ())


def test_different_designations_lower_the_score() -> None:
    assert score("NII KVANT", "ZAVOD KVANT") < score("NII KVANT", "KVANT")


def test_words_are_folded_but_proper_names_are_not() -> None:
    assert canonicalize(("inzhiniring", "enpivi")) == (("engineering", "enpivi"), (), ())
    assert canonicalize(("bank", "rossiya")) == (("bank", "rossiya"), (), ())


def test_slavic_endings_do_not_matter() -> None:
    assert (
        word_key("konstruktorskoe") == word_key("konstruktorskoye") == word_key("konstruktorskogo")
    )
    assert stem("zavod") == "zavod"
    assert word_key("factor") != word_key("factory")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("OBSHCHESTVO S OGRANICHENNOI OTVESTVENNOSTYU LAVINA PULS", "OOO LAVINA PULS"),
        ("OTKRYTOYE AKTSIONERNOYE OBSHCHESTVO AGAT", "OAO AGAT"),
        ("SINO TRADE CO LTD", "SINO TRADE COMPANY LIMITED"),
        ("KOREA SAMMA SHPG CO", "KOREA SAMMA SHIPPING CO"),
    ],
)
def test_legal_form_spellings_and_abbreviations(a: str, b: str) -> None:
    assert score(a, b) >= 0.9


def test_every_form_is_evidenced_in_the_lists() -> None:
    """Each form of each concept appears in the mined evidence (or is the same word by its
    key as one that does, or its concept is derived from an evidenced one)."""
    data = resources.files("roundabout.matching").joinpath("data")
    raw = yaml.safe_load(data.joinpath("org_vocabulary.yml").read_text("utf-8"))
    with data.joinpath("org_vocabulary_evidence.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    seen: dict[str, set[tuple[str, ...]]] = {}
    for r in rows:
        assert int(r["entries"]) >= 1 and r["example_entry"]
        for f in (r["form_a"], r["form_b"]):
            seen.setdefault(r["concept"], set()).add(tuple(word_key(t) for t in ascii_tokens(f)))
    for section in ("designations", "words"):
        for cid, entry in raw[section].items():
            if "derived" in entry:
                assert entry["derived"] in seen
                continue
            for form in entry["forms"]:
                key = tuple(word_key(t) for t in ascii_tokens(str(form)))
                assert key in seen.get(cid, set()), (cid, form)
