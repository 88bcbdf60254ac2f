"""yente compatibility of /match: datasets in the path, an entity id, top-level weights,
single-string values, nationality/jurisdiction as country, tax and registration numbers."""

from __future__ import annotations


def _q(props: dict[str, object], **extra: object) -> dict[str, object]:
    return {"queries": {"q": {"schema": "Thing", "properties": props, **extra}}}


def _top(r) -> dict[str, object]:
    assert r.status_code == 200, r.text
    return r.json()["responses"]["q"]


def test_dataset_in_the_path(api):
    client, h = api()
    body = _q({"name": ["Banco Nacional de Cuba"]})
    everything = _top(client.post("/match/default", json=body, headers=h))["results"]
    assert everything and everything[0]["datasets"] == ["ofac_sdn"]
    assert _top(client.post("/match/ofac_sdn", json=body, headers=h))["results"] == everything
    assert _top(client.post("/match/un_sc", json=body, headers=h))["results"] == [
        x for x in everything if x["datasets"] == ["un_sc"]
    ]
    r = client.post("/match/nosuch", json=body, headers=h)
    assert r.status_code == 404 and "ofac_sdn" in r.json()["error"]["message"]


def test_entity_id_single_strings_and_weights(api):
    client, h = api()
    body = _q({"name": "Banco Nacional de Cuba"}, id="mine-1")
    body["weights"] = {"name_literal_match": 2.0}
    r = client.post("/match", json=body, headers=h)
    answer = _top(r)
    assert answer["query"] == {
        "schema": "Thing",
        "properties": {"name": ["Banco Nacional de Cuba"]},
        "id": "mine-1",
    }
    assert answer["results"][0]["match"]
    # a name feature of yente's: accepted, reported as not applied (tests/api/test_weights.py)
    assert r.json()["weights"] == {"name_literal_match": 2.0}
    assert r.json()["weights_applied"] is False
    assert list(r.json()["weights_ignored"]) == ["name_literal_match"]


def _features(result: dict[str, object]) -> list[str]:
    return [f["feature"] for f in result["features"]]  # type: ignore[attr-defined,index]


def test_nationality_and_jurisdiction_are_countries(api):
    client, h = api()
    for prop in ("country", "nationality", "jurisdiction"):
        r = _top(
            client.post(
                "/match", json=_q({"name": "Sergei Viktorovich Lavrov", prop: "ru"}), headers=h
            )
        )
        top = r["results"][0]
        assert top["id"] == "ofac-35233" and "country" in _features(top), prop
    bare = _top(client.post("/match", json=_q({"name": "Sergei Viktorovich Lavrov"}), headers=h))
    assert "country" not in _features(bare["results"][0])


def test_tax_and_registration_numbers_are_identifiers(api):
    client, h = api()
    # a different name: only the number can find the entry
    for prop, value, entity in (
        ("taxNumber", "7718852163", "ofac-18782"),  # an INN
        ("innCode", "7718852163", "ofac-18782"),
        ("registrationNumber", "1117746521452", "ofac-18782"),  # an OGRN
        ("registrationNumber", "9855920", "ofac-48907"),
    ):
        r = _top(client.post("/match", json=_q({"name": "Quiet Bakery", prop: value}), headers=h))
        ids = {x["id"]: x for x in r["results"]}
        assert entity in ids, (prop, value, r["results"])
        assert "identifier" in _features(ids[entity])
