import pytest

from roundabout.matching.normalize import analyze


@pytest.mark.parametrize(
    ("name", "core", "generic"),
    [
        ("ООО «Ромашка»", ("romashka",), "llc"),
        ("Romashka LLC", ("romashka",), "llc"),
        ("OOO Romashka", ("romashka",), "llc"),
        ("Общество с ограниченной ответственностью «Ромашка»", ("romashka",), "llc"),
        ("АО «Ромашка»", ("romashka",), "jsc"),
        ("Romashka JSC", ("romashka",), "jsc"),
        ("ПАО Сбербанк", ("sberbank",), "pjsc"),
        ("Sberbank PJSC", ("sberbank",), "pjsc"),
        ("ТОО «Қазақмыс»", ("qazaqmys",), "llp"),
        ("ЖШС «Қазақмыс»", ("qazaqmys",), "llp"),
        ("Kazakhmys LLP", ("kazakhmys",), "llp"),
        ("ОсОО «Кыргызалтын»", ("kyrgyzaltyn",), "llc"),
        ("«Հայաստան» ՍՊԸ", ("hayastan",), "llc"),
        ("შპს საქართველო", ("sakartvelo",), "llc"),
        ("Toshkent Savdo MChJ", ("toshkent", "savdo"), "llc"),
        ("Baxt Savdo XK", ("baxt", "savdo"), "sole_trader"),
        (
            "Anadolu Dış Ticaret Ltd. Şti.",
            ("anadolu", "dis", "trade"),
            "llc",
        ),  # ticaret read as trade (org_vocabulary.yml)
        ("Koç Holding A.Ş.", ("koc", "holding"), "jsc"),
        ("Gulf Star FZE", ("gulf", "star"), "fz"),
        ("Gulf Star FZCO", ("gulf", "star"), "fz"),
        ("Goldman Sachs & Co. L.L.C.", ("goldman", "sachs"), "llc"),
    ],
)
def test_legal_forms_are_recognised_and_removed(
    name: str, core: tuple[str, ...], generic: str
) -> None:
    form = analyze(name, False)
    assert form.tokens == core
    assert generic in form.legal_forms


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert analyze("Limited", False).tokens == ("limited",)


def test_short_forms_only_at_the_edges() -> None:
    assert analyze("Kazakhmys TOO", False).legal_forms == ("llp",)
    assert analyze("Star Ip Telecom", False).tokens == ("star", "ip", "telecom")


def test_legal_form_vocabulary_is_weighed_lightly() -> None:
    from roundabout.matching.compare import token_weight
    from roundabout.matching.keys import skeleton
    from roundabout.matching.legal_forms import vocabulary

    assert skeleton("obshchestvo") in vocabulary() and skeleton("joint") in vocabulary()
    # Short forms are also ordinary name words (Latvian SIA / Arabic Shia): not in it.
    assert skeleton("sia") not in vocabulary()
    assert token_weight("joint", skeleton("joint")) < token_weight("zenit", skeleton("zenit"))


def test_short_form_of_another_kind_beside_a_sure_one_is_part_of_the_name() -> None:
    # OFAC's "AG TERMINAL OOO" (Avia Group): OOO is the form, AG a word of the name
    avia = analyze("AG TERMINAL OOO")
    assert avia.tokens == ("ag", "terminal") and avia.legal_forms == ("llc",)
    # the same form twice (Cyrillic abbreviation romanised, then translated) goes entirely
    assert analyze("TOO Kazakhmys LLP").tokens == ("kazakhmys",)
    assert analyze("Siemens AG").tokens == ("siemens",)


def test_forms_of_latin_america_and_lebanon() -> None:
    assert analyze("CTEX COMPANY FOR EXCHANGE S.A.L.", False).legal_forms == ("jsc",)
    assert analyze("BIBLOS TRAVEL CA", False).legal_forms == ("jsc",)
    assert analyze("COMERCIALIZADORA GAEL 4, S.A. DE C.V.", False).legal_forms == ("jsc",)


def test_a_typo_in_the_first_word_of_a_long_form() -> None:
    form = analyze("OBSHCESTVO S OGRANICHENNOI OTVETSTVENNOSTYU KARST", False)
    assert form.tokens == ("karst",) and form.legal_forms == ("llc",)


def test_company_alone_does_not_contradict_another_form() -> None:
    from roundabout.matching.compare import compare
    from roundabout.matching.normalize import analyze

    def score(a: str, b: str) -> float:
        return compare(analyze(a, False), analyze(b, False), person=False).score

    # "Company" says only that it is a company: no legal-form clash with "Co., Ltd."
    assert score("AGROGATE COMPANY", "AGROGATE CO., LTD.") >= 0.9
    # ... while two specific forms of different families still clash (AG / GmbH).
    assert score("AGROGATE AG", "AGROGATE GMBH") < 0.9
