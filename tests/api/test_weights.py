"""yente's top-level ``weights`` of /match: applied to roundabout's entity rules as the rule
table says, unknown names reported, bad values refused, other requests unaffected."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from roundabout.api.weights import COUNTERPARTS, NO_COUNTERPART
from roundabout.matching.rules import table

LAVROV = {"name": "Sergei Viktorovich Lavrov", "country": "ua", "birthDate": "1950"}
BAKERY = {"name": "Quiet Bakery", "innCode": "7718852163"}  # the INN of ofac-18782


def _body(schema: str, props: dict[str, Any], weights: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"queries": {"q": {"schema": schema, "properties": props}}}
    if weights is not None:
        body["weights"] = weights
    return body


def _post(client: Any, h: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/match", json=body, headers=h)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _score(answer: dict[str, Any], entity: str) -> float:
    (hit,) = [x for x in answer["responses"]["q"]["results"] if x["id"] == entity]
    return float(hit["score"])


def test_a_country_weight_changes_the_score_as_the_table_says(api):
    client, h = api()
    base = _post(client, h, _body("Person", LAVROV, None))
    top = base["responses"]["q"]["results"][0]
    assert top["id"] == "ofac-35233" and "weights_applied" not in base
    assert "UA vs listed RU" in json.dumps(top["features"])  # country_differs fired
    table_factor = table()["entity"]["country_differs"].weight
    for weights, factor in (
        ({"country_mismatch": -0.25}, 0.75),  # yente's qualifier: x (1 + weight)
        ({"country_differs": 0.8}, 0.8),  # roundabout's own rule name, its own unit
    ):
        answer = _post(client, h, _body("Person", LAVROV, weights))
        expected = top["score"] / table_factor * factor
        assert _score(answer, "ofac-35233") == pytest.approx(expected, abs=1e-4), weights
        (name,) = weights
        assert answer["weights_applied"] is True and answer["weights_ignored"] == {}
        assert answer["weights_used"] == {
            name: {"rule": "country_differs", "identifier": None, "weight": factor}
        }


def test_identifier_weights_apply_to_their_kind(api):
    client, h = api()
    base = _post(client, h, _body("Company", BAKERY, None))
    default = _score(base, "ofac-18782")
    assert default == pytest.approx(table()["entity"]["identifier_match"].weight, abs=1e-4)
    inn = _post(client, h, _body("Company", BAKERY, {"inn_code_match": 0.97}))
    assert _score(inn, "ofac-18782") == pytest.approx(0.97, abs=1e-4)
    assert inn["weights_used"]["inn_code_match"]["identifier"] == "inn"
    # an OGRN weight leaves an INN match alone
    ogrn = _post(client, h, _body("Company", BAKERY, {"ogrn_code_match": 0.97}))
    assert _score(ogrn, "ofac-18782") == default and ogrn["weights_applied"] is True
    # nomenklatura's identifier_match is roundabout's rule of the same name: every kind
    every = _post(client, h, _body("Company", BAKERY, {"identifier_match": 0.6}))
    assert _score(every, "ofac-18782") == pytest.approx(0.6, abs=1e-4)


def test_names_not_applied_are_reported_with_why(api):
    client, h = api()
    base = _post(client, h, _body("Person", LAVROV, None))
    weights = {
        "name_literal_match": 2.0,  # a yente name feature
        "gender_mismatch": -0.2,  # a yente feature without counterpart
        "patronymics_differ": 0.1,  # a roundabout name rule
        "birth_year_same": 0.5,  # a roundabout note
        "made.up-name": 0.3,
    }
    answer = _post(client, h, _body("Person", LAVROV, weights))
    assert answer["weights_applied"] is False and answer["weights_used"] == {}
    assert answer["weights"] == weights
    ignored = answer["weights_ignored"]
    assert set(ignored) == set(weights)
    assert ignored["gender_mismatch"] == NO_COUNTERPART["gender_mismatch"]
    assert "name rule" in ignored["patronymics_differ"] and "note" in ignored["birth_year_same"]
    assert ignored["made.up-name"].startswith("unknown")
    assert answer["responses"] == base["responses"]


def test_a_rule_named_twice_takes_roundabouts_name(api):
    client, h = api()
    answer = _post(
        client, h, _body("Person", LAVROV, {"country_mismatch": -0.5, "country_differs": 0.9})
    )
    assert list(answer["weights_used"]) == ["country_differs"]
    assert "weights.country_differs" in answer["weights_ignored"]["country_mismatch"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"country_differs": NaN}', "weights"),
        ('{"country_differs": Infinity}', "weights"),
        ('{"country_differs": "0.5"}', "weights"),
        ('{"anything": 11}', "weights"),
        ('{"country_differs": 1.5}', "weights.country_differs"),
        ('{"country_mismatch": 0.3}', "weights.country_mismatch"),  # a qualifier is <= 0
        ('{"country_shared": 0.2}', "weights.country_shared"),  # a bonus is not raised
        ('{"inn_code_match": -0.1}', "weights.inn_code_match"),
        ('{"bad name": 0.1}', "weights"),
        ('{"' + "x" * 81 + '": 0.1}', "weights"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(api, raw, field):
    client, h = api()
    body = '{"queries": {"q": {"schema": "Person", "properties": {"name": "Lavrov"}}}, '
    r = client.post(
        "/match",
        content=body + '"weights": ' + raw + "}",
        headers={**h, "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["detail"]
    assert any("weights" in d["loc"] for d in detail)
    assert field in json.dumps(detail)


def test_too_many_weights_are_refused(api):
    client, h = api()
    weights = {f"w{i}": 0.1 for i in range(101)}
    r = client.post("/match", json=_body("Person", LAVROV, weights), headers=h)
    assert r.status_code == 422


def test_every_counterpart_is_an_entity_rule_and_no_name_is_both():
    entity = table()["entity"]
    assert all(cp.rule in entity for cp in COUNTERPARTS.values())
    assert not set(COUNTERPARTS) & set(NO_COUNTERPART)
    assert not (set(COUNTERPARTS) | set(NO_COUNTERPART)) & (set(entity) | set(table()["name"]))


def test_weighted_requests_leave_other_requests_alone(api):
    client, h = api()
    plain = _body("Person", LAVROV, None)
    heavy = _body("Person", LAVROV, {"country_differs": 0.6, "birth_date_agrees": 0.0})
    base = _post(client, h, plain)
    weighted = _post(client, h, heavy)
    assert _score(weighted, "ofac-35233") < _score(base, "ofac-35233")

    def ask(i: int) -> tuple[int, dict[str, Any]]:
        return i, _post(client, h, heavy if i % 2 else plain)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(ask, range(16)))
    for i, answer in answers:
        assert answer == (weighted if i % 2 else base), i
    # and nothing stayed behind in the screener's caches
    assert _post(client, h, plain) == base
