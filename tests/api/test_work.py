"""Bounded cost per request: a threshold floor, scoring off the event loop with a deadline
(503 + Retry-After), the work charged to the key, /health answering meanwhile."""

from __future__ import annotations

import random
import threading
import time

import pytest

from roundabout.api.settings import MIN_THRESHOLD
from roundabout.lists.model import ListEntity
from roundabout.matching.matcher import ScreenEntry, Screener

WORDS = [
    "company",
    "trading",
    "bank",
    "international",
    "limited",
    "group",
    "joint",
    "stock",
    "ooo",
    "llc",
]
#: Words of the made-up list below: common words beside rarer ones, as on real lists.
LIST_WORDS = [*WORDS, *(f"name{i}" for i in range(300))]


@pytest.fixture(scope="module")
def big_screener() -> Screener:
    """3,000 made-up organisations of common words: a long name of those words has many
    candidates here, as on the real lists (the test store's 18 entries have few)."""
    rng = random.Random(5)
    entries = []
    for i in range(3000):
        name = " ".join(rng.choice(LIST_WORDS) for _ in range(rng.randint(2, 6)))
        e = ListEntity(f"x-{i}", "Organization", name.upper())
        entries.append(ScreenEntry(e, "made-up:test", e.content_hash()))
    return Screener(entries)


def _with(client, screener: Screener) -> None:
    """Serve ``screener`` (the app sets the cap on the index it builds; here by hand)."""
    be = client.app.state.backend
    screener.max_candidates = be.settings.max_candidates
    be._screener = screener


def maximal_match_body(queries: int = 20, names: int = 20) -> dict[str, object]:
    """The largest /match body the models allow: 20 queries x (20 names + 20 aliases) of
    500 characters of list words, each name different (no answer from the name cache)."""
    rng = random.Random(11)

    def name() -> str:
        return " ".join(rng.choice(LIST_WORDS) for _ in range(100))[:500]

    return {
        "queries": {
            f"q{i}": {
                "properties": {
                    "name": [name() for _ in range(names)],
                    "alias": [name() for _ in range(names)],
                }
            }
            for i in range(queries)
        }
    }


def test_threshold_floor(api):
    client, h = api()
    q = {"queries": {"q": {"properties": {"name": ["Banco Nacional de Cuba"]}}}}
    low = MIN_THRESHOLD - 0.01
    assert client.post(f"/match?threshold={low}", json=q, headers=h).status_code == 422
    assert client.post(f"/match?threshold={MIN_THRESHOLD}", json=q, headers=h).status_code == 200
    body = {"parties": [{"id": "p", "name": "X"}], "threshold": low}
    assert client.post("/screen", json=body, headers=h).status_code == 422
    csv = {**h, "Content-Type": "text/csv"}
    r = client.post(f"/screen?threshold={low}", content=b"id,name\np,X\n", headers=csv)
    assert r.status_code == 422


def test_candidates_capped_per_name(api, big_screener):
    client, _ = api(max_candidates=7)
    assert client.app.state.backend.screener().max_candidates == 7  # set on the built index
    name = "bank trading company name1 name2 name3"
    big_screener.max_candidates = None
    everything = big_screener.name_scores(name, None, 0.3)
    big_screener.max_candidates = 7
    try:  # another spelling of the name: the first answer is cached
        capped = big_screener.name_scores(name.upper(), None, 0.3)
    finally:
        big_screener.max_candidates = None
    assert len(everything) > 7 and len(capped) <= 7


def test_deadline_gives_503_and_health_answers_meanwhile(api, big_screener):
    client, h = api(match_deadline=1.0)
    _with(client, big_screener)
    out: dict[str, object] = {}

    def hostile() -> None:
        t = time.perf_counter()
        out["r"] = client.post("/match?threshold=0.3", json=maximal_match_body(), headers=h)
        out["took"] = time.perf_counter() - t

    worker = threading.Thread(target=hostile)
    worker.start()
    health = []
    while worker.is_alive():
        t = time.perf_counter()
        assert client.get("/health").status_code == 200
        health.append(time.perf_counter() - t)
    worker.join()
    r = out["r"]
    assert r.status_code == 503, r.text[:300]  # type: ignore[attr-defined]
    assert r.json()["error"]["type"] == "Overloaded"  # type: ignore[attr-defined]
    assert int(r.headers["retry-after"]) >= 1  # type: ignore[attr-defined]
    assert health, "the maximal request finished before /health could be asked"
    # /health was answered while the match ran: its slowest answer is well under the
    # match's own time (no timing goal here: bench/load.py --hostile measures it)
    assert max(health) < float(out["took"])  # type: ignore[arg-type]


def test_work_is_charged_by_seconds(api, big_screener):
    client, h = api(match_deadline=0.5, work_per_second=0.01, work_burst=0.1)
    _with(client, big_screener)
    r = client.post("/match?threshold=0.3", json=maximal_match_body(), headers=h)
    assert r.status_code == 503, r.text[:300]
    small = {"queries": {"q": {"properties": {"name": ["Banco Nacional de Cuba"]}}}}
    r = client.post("/match", json=small, headers=h)
    assert r.status_code == 429 and "scoring budget" in r.json()["error"]["message"]
    assert client.get("/alerts", headers=h).status_code == 200  # reading is not scoring


def test_a_queued_request_is_not_started_after_its_deadline(api, big_screener):
    client, h = api(match_deadline=0.3, screen_deadline=3.0, scoring_workers=1)
    _with(client, big_screener)
    rng = random.Random(3)
    parties = [
        {"id": f"p{i}", "name": " ".join(rng.choice(LIST_WORDS) for _ in range(100))[:500]}
        for i in range(2000)
    ]
    results: list[int] = []
    small = {"queries": {"q": {"properties": {"name": ["Banco Nacional de Cuba"]}}}}
    # the one scoring worker is busy with a costly /screen batch (deadline 3 s); a small
    # /match queued behind it gets 503 when its own deadline (0.3 s) passes in the queue
    hostile = threading.Thread(
        target=lambda: results.append(
            client.post("/screen", json={"parties": parties}, headers=h).status_code
        )
    )
    hostile.start()
    time.sleep(0.1)
    t = time.perf_counter()
    queued = client.post("/match", json=small, headers=h)
    waited = time.perf_counter() - t
    hostile.join()
    assert queued.status_code == 503 and "no scoring worker was free" in queued.text
    assert waited < 3.0  # refused at its own deadline, not when the batch ended
    assert results == [503]  # and the batch itself was stopped at its deadline
