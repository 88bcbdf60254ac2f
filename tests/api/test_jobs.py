"""Analytics off the request path: 202 and a job for a new question, the answer once done,
computed once, on a connection of its own (never under the backend's lock)."""

from __future__ import annotations

import threading


def test_new_question_is_a_job_then_an_answer(api, settled):
    client, h = api()
    url = "/leaks?hubs=ARM&did=false&top=3"
    first = client.get(url, headers=h)
    assert first.status_code == 202 and first.headers["retry-after"] == "1"
    job = first.json()["job"]
    assert (
        job["status"] == "running" and job["kind"] == "leaks" and job["params"]["hubs"] == ["ARM"]
    )
    again = client.get(url, headers=h)  # the same question: the same job, not a second one
    assert again.status_code == 200 or again.json()["job"]["id"] == job["id"]
    answer = settled(client, url, h)
    assert answer.status_code == 200 and answer.json()["summary"]["hubs"]
    status = client.get(f"/jobs/{job['id']}", headers=h).json()["job"]
    assert status["status"] == "done" and status["seconds"] >= 0
    assert len(client.app.state.backend.results._by_key) == 1
    assert client.get("/jobs/0123456789abcdef", headers=h).status_code == 404


def test_a_failed_job_answers_its_error(api, settled):
    client, h = api()
    r = settled(client, "/leaks?hubs=TJK&did=false", h)
    assert r.status_code == 400 and "TJK" in r.json()["error"]["message"]


def test_jobs_and_reads_do_not_take_the_store_lock(api, settled):
    """With the backend's lock held (a long write, say), a new /leaks job with DiD, the event
    study chart, /alerts and /flows are all answered: none of them needs the lock."""
    client, h = api()
    be = client.app.state.backend
    codes: dict[str, int] = {}

    def reads() -> None:
        codes["leaks"] = settled(client, "/leaks?hubs=KAZ&did=true", h).status_code
        codes["event_study"] = settled(client, "/charts/event_study?hub=KAZ", h).status_code
        codes["monthly"] = settled(client, "/charts/monthly?hub=KAZ", h).status_code
        codes["alerts"] = client.get("/alerts", headers=h).status_code
        codes["flows"] = client.get("/flows?by=partner", headers=h).status_code

    with be.lock:
        worker = threading.Thread(target=reads)
        worker.start()
        worker.join(timeout=120)
        blocked = worker.is_alive()
    worker.join()
    assert not blocked and set(codes.values()) == {200}, codes


def test_event_study_cached_with_its_analysis(api, settled):
    client, h = api()
    be = client.app.state.backend
    chart = settled(client, "/charts/event_study?hub=KAZ", h)
    assert chart.status_code == 200
    n = len(be.results._by_key)
    # the /leaks question of the same hub with DiD is the same job: answered at once (200,
    # not 202), no new job
    r = client.get("/leaks?hubs=KAZ&did=true", headers=h)
    assert r.status_code == 200 and len(be.results._by_key) == n
    again = client.get("/charts/event_study?hub=KAZ", headers=h)
    assert again.status_code == 200 and again.json() == chart.json()
